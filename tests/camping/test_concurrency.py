"""Two coordinators moving households at the same moment (PostgreSQL): the plan lock serialises
them, so a unit-week gets exactly one household and a commune's quota is never exceeded."""

import pytest
from django.conf import settings

from partez.camping import services
from partez.camping.models import CommuneQuota, Placement
from partez.organisations.models import OrganisationKind, Role
from tests import factories
from tests.factories.camping import W1, camp, participant
from tests.funding.test_concurrency import _run_at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="row locks are tested on PostgreSQL (set DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True),
]


def _setup():
    edition = factories.EditionFactory()
    coordinator_org = factories.OrganisationFactory(kind=OrganisationKind.COORDINATOR, commune=None)
    c = camp(edition, coordinator_org)
    second = factories.MembershipFactory(organisation=coordinator_org, role=Role.COORDINATOR)
    return c, second


def _move(actor, p, unit, week):
    return lambda: services.placement_move(actor=actor, participant=p, unit=unit, week=week).pk


def test_two_moves_into_the_same_unit_week_give_exactly_one():
    c, second = _setup()
    a = participant(c, "F-AAA")
    b = participant(c, "F-BBB")
    unit, week = c.units["M1"], c.week(c.mouettes, W1)
    for _ in range(3):  # a few rounds: the timing differs each time
        Placement.objects.all().delete()
        done, errors = _run_at_once([_move(c.coordination, a, unit, week), _move(second, b, unit, week)])
        assert len(done) == 1, errors
        assert len(errors) == 1 and "déjà pris la semaine du 05/07/2025" in errors[0], errors
        assert Placement.objects.filter(unit=unit, week=week).count() == 1


def test_concurrent_moves_never_exceed_a_commune_quota():
    c, second = _setup()
    CommuneQuota.objects.create(edition=c.edition, commune=c.lens, people=4)
    people = [participant(c, f"F-Q{i}", people=2) for i in range(4)]
    targets = [("M1", c.mouettes), ("M2", c.mouettes), ("M3", c.mouettes), ("P1", c.phare)]
    jobs = [
        _move(c.coordination if i % 2 else second, p, c.units[label], c.week(site, W1))
        for i, (p, (label, site)) in enumerate(zip(people, targets, strict=True))
    ]
    done, errors = _run_at_once(jobs)
    assert len(done) == 2, errors
    assert all("Quota de la commune 62498 dépassé" in e for e in errors), errors
    assert Placement.objects.count() == 2
