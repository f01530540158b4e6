"""Two commissions validating in batch at the same moment against one nearly-empty envelope never
overdraw it (PostgreSQL): a commune's commission and the coordination, each batch one transaction
per project, their projects partly the same. Exactly what fits is validated, once each; the rest
keeps its status with the French reason; counters equal the ledger."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from partez.commissions import services
from partez.commissions.models import CommissionDecision
from partez.funding import services as funding
from partez.funding.models import Commitment
from partez.organisations.models import Role
from partez.projects.models import Project
from tests import factories
from tests.funding.test_concurrency import APV_AID, _assert_consistent, _run_at_once, _setup

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="row locks are tested on PostgreSQL (set DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_batches_on_one_nearly_empty_envelope_never_overdraw_it():
    lens = factories.CommuneFactory(insee_code="62498", name="Lens")
    lievin = factories.CommuneFactory(insee_code="62510", name="Liévin")
    coordination, envelope, projects = _setup([lens, lievin], per_commune=8)
    fits = 5
    funding.envelope_save(
        actor=coordination, envelope=envelope, data=funding.EnvelopeInput(amount_cents=fits * APV_AID)
    )
    lens_projects = [p for p, _r in projects if p.household.commune_id == lens.pk]
    referent = next(r for p, r in projects if p.household.commune_id == lens.pk)
    assert referent.role == Role.COMMUNE_REFERENT
    held_on = dt.date(2025, 5, 13)
    commune_session = services.session_open(actor=referent, held_on=held_on, members="Mme Adjointe")
    coordination_session = services.session_open(
        actor=coordination, held_on=held_on, members="M. Coordinateur"
    )
    all_ids = [p.pk for p, _r in projects]

    def batch(actor, session, ids):
        return lambda: services.decisions_batch(
            actor=actor, session=session, project_ids=ids, kind="validate"
        )

    outcomes, errors = _run_at_once(
        [
            batch(referent, commune_session, [p.pk for p in lens_projects]),
            batch(coordination, coordination_session, list(reversed(all_ids))),  # the other lock order
        ]
    )

    assert not errors and len(outcomes) == 2, errors
    passed = [d.project_id for o in outcomes for d in o.passed]
    assert len(passed) == len(set(passed)) == fits
    failed = [why for o in outcomes for _label, why in o.failed]
    assert len(failed) == len(lens_projects) + len(all_ids) - fits
    assert all(
        why.startswith("Financement impossible, rien n'a été engagé.") or "au statut « Validé »" in why
        for why in failed
    ), failed
    _assert_consistent(envelope)
    assert envelope.reserved_cents == fits * APV_AID
    assert Commitment.objects.filter(envelope=envelope, kind="reserve").count() == fits
    assert set(Project.objects.filter(status="validated").values_list("pk", flat=True)) == set(passed)
    assert CommissionDecision.objects.count() == fits
