"""Rosters, bus lists and convocation letters: PDF and XLSX, scoped to what the reader sees."""

import io
import re

import pytest
from openpyxl import load_workbook

from partez.camping import documents, services
from partez.households.models import Person
from partez.jobs.models import JobStatus
from partez.organisations.models import OrganisationKind, Role
from tests import factories
from tests.core.test_spreadsheet import EVIL
from tests.factories.camping import W1, camp, participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(edition, coordinator_org):
    c = camp(edition, coordinator_org)
    for i, (label, commune) in enumerate([("M3", c.lens), ("M2", c.lievin), ("P1", c.lens)]):
        p = participant(c, f"F-D{i}", people=3, commune=commune, disability=label == "M3")
        unit = c.units[label]
        services.placement_move(
            actor=c.coordination, participant=p, unit=unit, week=c.week(unit.campsite, W1)
        )
    return c


def _pages(pdf_bytes: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf_bytes))


def test_rosters_pdf_and_xlsx(c):
    data = documents.render_bytes("rosters_pdf", c.coordination, c.edition)
    assert data.startswith(b"%PDF") and _pages(data) == 2  # one page per campsite-week
    wb = load_workbook(io.BytesIO(documents.render_bytes("rosters_xlsx", c.coordination, c.edition)))
    assert wb.sheetnames == ["Le Phare 05-07", "Les Mouettes 05-07"]
    rows = list(wb["Les Mouettes 05-07"].iter_rows(values_only=True))
    assert [r[3] for r in rows[1:]] == ["M2", "M3"]
    assert rows[2][11] == "Accessible (PMR)" and rows[2][8] == 3


def test_bus_lists_by_stop(c):
    sheets = documents.trips(c.coordination, c.edition)
    assert sum(len(ps) for s in sheets for _stop, ps in s.stops) == 3
    mouettes = next(s for s in sheets if s.trip.week.campsite == c.mouettes)
    assert [stop.commune.name for stop, _ in mouettes.stops] == ["Lens", "Liévin"]
    first, second = (stop for stop, _ in mouettes.stops)
    assert (first.departure_time.strftime("%H:%M"), second.departure_time.strftime("%H:%M")) == (
        "08:00",
        "08:20",
    )
    wb = load_workbook(io.BytesIO(documents.render_bytes("buses_xlsx", c.coordination, c.edition)))
    assert len(wb.sheetnames) == 2


def test_a_commune_referent_gets_only_its_households(c):
    ccas = factories.OrganisationFactory(kind=OrganisationKind.COMMUNE, commune=c.lievin)
    referent = factories.MembershipFactory(organisation=ccas, role=Role.COMMUNE_REFERENT)
    items = documents.letters(referent, c.edition)
    assert [p.participant.household.reference for p, _stop in items] == ["F-D1"]
    pages = documents.rosters(referent, c.edition)
    assert [p.participant.household.reference for page in pages for p in page.placements] == ["F-D1"]


def test_letters_job_makes_one_combined_pdf(c):
    job = documents.documents_start(actor=c.coordination, edition=c.edition, kind="letters_pdf")
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert job.result_name.startswith("convocations-2025-") and job.result_name.endswith(".pdf")
    with job.result_file.open("rb") as f:
        data = f.read()
    assert data.startswith(b"%PDF") and _pages(data) == 3  # one letter a page


def test_rosters_and_bus_lists_neutralise_formulas(c):
    Person.objects.filter(relation="head").update(last_name=EVIL, first_name="Claire")
    for kind in ("rosters_xlsx", "buses_xlsx"):
        wb = load_workbook(io.BytesIO(documents.render_bytes(kind, c.coordination, c.edition)))
        cells = [v for ws in wb for row in ws.iter_rows(values_only=True) for v in row]
        assert any(isinstance(v, str) and v.startswith("'=") for v in cells), kind
        assert not any(isinstance(v, str) and v.startswith("=") for v in cells), kind


def test_a_convocation_carries_the_full_postal_address(c):
    from partez.households.models import Household
    from tests.reports.test_views import pdf_text

    c.lens.postcode = "62300"
    c.lens.save(update_fields=["postcode"])
    Household.objects.filter(reference="F-D0").update(address="107 rue Jean Jaurès")
    Person.objects.filter(relation="head", household__reference="F-D0").update(
        first_name="Adélaïde", last_name="Lefebvre"
    )
    text = pdf_text(documents.render_bytes("letters_pdf", c.coordination, c.edition))
    assert "Adélaïde LEFEBVRE" in text and "107 rue Jean Jaurès" in text and "62300 LENS" in text
