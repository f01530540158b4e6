"""The bilan counts the groups: Sac Ados (groups, young people, first departures, destinations,
jury outcomes) and Seniors en Vacances (groups, participants, aid, convention use); a funder's
report keeps its own scheme's groups, small cells suppressed."""

from __future__ import annotations

import datetime as dt

import pytest

from partez.groups import services
from partez.groups.models import Decision
from partez.households.models import PastDeparture
from partez.reports import funder_report, selectors
from partez.schemes.models import Scheme as SchemeRow
from tests import factories
from tests.factories import groups as world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    w = world.build(young=6, senior_count=6)
    factories.EditionFactory(year=2026)
    return w


def _decide(w, group, decision, reasons=""):
    services.group_transition(actor=w.relay_worker, group=group, action="submit")
    session = services.jury_session_create(
        actor=w.coordination, held_on=dt.date(2026, 6, 2), place="Arras", jurors="J"
    )
    review = services.jury_agenda_add(actor=w.coordination, session=session, group=group)
    scores = {"autonomy": 3, "budget": 3, "safety": 3, "presentation": 3}
    services.jury_decide(
        actor=w.coordination, review=review, scores=scores, decision=decision, reasons=reasons
    )


def test_the_bilan_counts_both_schemes(w, django_assert_max_num_queries):
    PastDeparture.objects.create(person=w.young[0], year=2024, scheme="camping")  # not a first departure
    _decide(w, world.sac_group(w, w.young[:3]), Decision.ACCEPTED)
    _decide(
        w, world.sac_group(w, w.young[3:5], name="Deux", destination="Lyon"), Decision.REFUSED, "Trop flou"
    )
    world.seniors_group(w, w.seniors[:6])
    edition = factories.EditionFactory(year=2026)
    with django_assert_max_num_queries(6):
        table, destinations = selectors._groups(selectors.Filters(edition))
    rows = {r.key: r.values for r in table.rows}
    sac, sev = rows["sac-ados"], rows["seniors-en-vacances"]
    assert (sac["groups"], sac["people"], sac["first"], sac["accepted"], sac["refused"]) == (2, 5, 4, 1, 1)
    assert sac["aid_cents"] == 5 * 15000 and sac["places_used"] is None
    assert (sev["groups"], sev["people"], sev["aid_cents"]) == (1, 6, 6 * 16100)
    assert (sev["places_used"], sev["places_granted"], sev["accepted"]) == (6, 30, None)
    assert table.total["people"] == 11
    assert [(r.label, r.values["groups"], r.values["people"]) for r in destinations.rows] == [
        ("Lyon", 1, 2),
        ("Marseille", 1, 3),
    ]
    # the ANCV's report: its scheme only, small cells hidden
    ancv = factories.FunderFactory(name="ANCV", slug="ancv-test")
    SchemeRow.objects.filter(slug="seniors-en-vacances").update(funder=ancv)
    published = funder_report.report_bilan(ancv, edition)
    assert [r.key for r in published.tables["groups"].rows] == ["seniors-en-vacances"]
    assert published.tables["groups"].rows[0].values["people"] == 6
    pdf = funder_report.build_pdf(ancv, edition)
    assert pdf.startswith(b"%PDF")
