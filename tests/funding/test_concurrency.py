"""Many professionals validating at the same moment never overspend an envelope (PostgreSQL).

Each thread has its own database connection and transaction; they all start together (a
barrier) and validate one project each. The envelope fits only some of them: exactly those
succeed, the others get the French shortfall message, and the counters equal the ledger."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection

from partez.core.errors import DomainError
from partez.funding import selectors, services
from partez.funding.models import Commitment, Envelope, EnvelopeQuota
from partez.organisations.models import OrganisationKind, Role
from partez.projects.models import Project
from partez.projects.services import project_transition
from partez.schemes.models import Scheme
from partez.schemes.services import catalogue_sync
from tests import factories

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="row locks are tested on PostgreSQL (set DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True),
]

APV_AID = 30_000  # APV pays 300 € on the 600 € stay of factories.draft_project


def _setup(communes: list, per_commune: int):
    """A funder, an APV envelope, and ``per_commune`` submitted projects with their plan chosen
    in each commune (each household in its own commune's CCAS)."""
    catalogue_sync()  # a transactional test starts from a flushed database
    edition = factories.EditionFactory()
    edition.communes.add(*communes)
    coordinator_org = factories.OrganisationFactory(kind=OrganisationKind.COORDINATOR, commune=None)
    coordination = factories.MembershipFactory(organisation=coordinator_org, role=Role.COORDINATOR)
    factories.FunderFactory(slug="ancv", name="ANCV")
    envelope = services.envelope_save(
        actor=coordination,
        data=services.EnvelopeInput(amount_cents=0, scheme=Scheme.objects.get(slug="apv"), edition=edition),
    )
    projects = []
    referents = {}
    for commune in communes:
        ccas = factories.OrganisationFactory(kind=OrganisationKind.COMMUNE, commune=commune)
        worker = factories.MembershipFactory(organisation=ccas, role=Role.SOCIAL_WORKER)
        referents[commune.pk] = factories.MembershipFactory(organisation=ccas, role=Role.COMMUNE_REFERENT)
        for _ in range(per_commune):
            household = factories.HouseholdFactory(commune=commune, created_by_organisation=ccas)
            factories.PersonFactory(household=household, relation="head")
            factories.PersonFactory(household=household, relation="child", birth_date="2015-06-01")
            project = factories.draft_project(worker, household, edition, checklist_received=True)
            plan = services.plan_choose(actor=worker, project=project, index=0)
            assert plan.lines.get(scheme__slug="apv").aid_cents == APV_AID
            project_transition(actor=worker, project=project, action="submit")
            projects.append((project, referents[commune.pk]))
    return coordination, envelope, projects


def _run_at_once(jobs) -> tuple[list, list]:
    """Run ``jobs`` (callables) in as many threads, released together; each thread closes its
    database connection at the end. Returns (results, errors)."""
    barrier = threading.Barrier(len(jobs))
    results, errors = [], []
    lock = threading.Lock()

    def run(job):
        try:
            barrier.wait(timeout=30)
            outcome = job()
            with lock:
                results.append(outcome)
        except DomainError as exc:
            with lock:
                errors.append(exc.message)
        except Exception as exc:  # reported by the assertion below
            with lock:
                errors.append(f"UNEXPECTED {type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread is stuck (deadlock?)"
    return results, errors


def _validate(project, referent):
    return lambda: project_transition(actor=referent, project=project, action="validate").pk


def _assert_consistent(envelope):
    envelope.refresh_from_db()
    assert envelope.reserved_cents + envelope.consumed_cents <= envelope.amount_cents
    assert selectors.ledger_sums(envelope.pk) == (envelope.reserved_cents, envelope.consumed_cents)
    for quota in EnvelopeQuota.objects.filter(envelope=envelope):
        assert quota.reserved_cents + quota.consumed_cents <= quota.amount_cents
        assert selectors.ledger_sums(envelope.pk, quota.pk) == (quota.reserved_cents, quota.consumed_cents)


def test_concurrent_validations_never_overspend_an_envelope():
    commune = factories.CommuneFactory(insee_code="62498", name="Lens")
    coordination, envelope, projects = _setup([commune], per_commune=24)
    fits = 10
    services.envelope_save(
        actor=coordination, envelope=envelope, data=services.EnvelopeInput(amount_cents=fits * APV_AID)
    )

    validated, errors = _run_at_once([_validate(p, r) for p, r in projects])

    assert len(validated) == fits, errors
    assert len(errors) == len(projects) - fits
    assert all(e.startswith("Financement impossible, rien n'a été engagé. Enveloppe « ") for e in errors), (
        errors
    )
    assert all("0,00 € disponibles, il en faut 300,00 €" in e for e in errors), errors
    _assert_consistent(envelope)
    assert envelope.reserved_cents == fits * APV_AID
    assert Commitment.objects.filter(envelope=envelope, kind="reserve").count() == fits
    assert set(Project.objects.filter(status="validated").values_list("pk", flat=True)) == set(validated)
    assert Project.objects.filter(status="submitted").count() == len(projects) - fits

    # Second round: the validated ones withdraw while the others try again, all at once. Who
    # wins depends on the timing; the envelope never goes over and the ledger always matches.
    jobs = [
        (lambda p=p, r=r: project_transition(actor=r, project=p, action="withdraw", reason="Annulé").pk)
        if p.pk in validated
        else _validate(p, r)
        for p, r in projects
    ]
    done, errors = _run_at_once(jobs)
    assert not [e for e in errors if e.startswith("UNEXPECTED")], errors
    _assert_consistent(envelope)
    assert Project.objects.filter(status="withdrawn").count() == fits
    newly_validated = Project.objects.filter(status="validated").count()
    assert 0 < newly_validated <= fits
    assert envelope.reserved_cents == newly_validated * APV_AID


def test_concurrent_validations_respect_commune_quotas():
    lens = factories.CommuneFactory(insee_code="62498", name="Lens")
    lievin = factories.CommuneFactory(insee_code="62510", name="Liévin")
    coordination, envelope, projects = _setup([lens, lievin], per_commune=12)
    services.envelope_save(
        actor=coordination, envelope=envelope, data=services.EnvelopeInput(amount_cents=100 * APV_AID)
    )
    quotas = {lens.pk: 4, lievin.pk: 7}
    for commune in (lens, lievin):
        services.quota_save(
            actor=coordination, envelope=envelope, commune=commune, amount_cents=quotas[commune.pk] * APV_AID
        )

    validated, errors = _run_at_once([_validate(p, r) for p, r in projects])

    assert len(validated) == sum(quotas.values()), errors
    assert all(e.startswith("Financement impossible") and "Quota de " in e for e in errors), errors
    _assert_consistent(envelope)
    for commune_pk, fits in quotas.items():
        quota = EnvelopeQuota.objects.get(envelope=envelope, commune_id=commune_pk)
        assert quota.reserved_cents == fits * APV_AID
        assert Project.objects.filter(status="validated", household__commune_id=commune_pk).count() == fits
    assert Envelope.objects.get(pk=envelope.pk).reserved_cents == sum(quotas.values()) * APV_AID
