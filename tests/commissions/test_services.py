"""The commission's services: sessions, one decision, a batch — every decision through the
project workflow (its checks re-run) and the envelope reservation, nothing half-done."""

import datetime as dt

import pytest

from partez.commissions import services
from partez.commissions.models import CommissionDecision, CommissionSession, DecisionKind
from partez.core.audit import AuditLog
from partez.core.errors import DomainError, NotAllowed
from partez.funding.models import Commitment, Envelope
from partez.organisations.models import Role
from partez.projects.models import Project, ProjectStatus
from tests import factories
from tests.factories.campaign import submitted_projects

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(referent, edition):
    return services.session_open(
        actor=referent, held_on=dt.date(2025, 5, 13), members="Mme Adjointe\nM. Référent"
    )


def _status(project):
    return Project.objects.get(pk=project.pk).status


def test_open_a_session_for_the_commune(referent, commune, session):
    assert session.commune == commune and session.organisation == referent.organisation
    assert session.member_list == ["Mme Adjointe", "M. Référent"]
    assert AuditLog.objects.filter(action="commission.open", object_id=str(session.pk)).exists()


def test_a_session_needs_a_date_and_members_all_errors_at_once(referent, edition):
    with pytest.raises(DomainError) as exc:
        services.session_open(actor=referent, held_on=None, members="  \n ")
    assert set(exc.value.errors) == {"held_on", "members"}


def test_one_session_in_progress_per_commission(referent, session):
    with pytest.raises(DomainError, match="déjà en cours"):
        services.session_open(actor=referent, held_on=dt.date(2025, 5, 14), members="X")
    services.session_close(actor=referent, session=session)
    assert services.session_open(actor=referent, held_on=dt.date(2025, 5, 14), members="X").is_open


def test_a_social_worker_does_not_run_a_commission(worker, edition):
    with pytest.raises(NotAllowed):
        services.session_open(actor=worker, held_on=dt.date(2025, 5, 13), members="X")


def test_validate_reserves_the_plan_and_records_the_decision(referent, worker, edition, commune, session):
    (project,), envelope = submitted_projects(worker=worker, edition=edition, commune=commune, count=1)
    decision = services.decision_take(actor=referent, session=session, project=project, kind="validate")
    assert _status(project) == ProjectStatus.VALIDATED
    assert decision.engaged_cents == 20_000 and decision.draws[0]["envelope"] == envelope.pk
    assert decision.aid_cents == 38_000  # APV 200 € on the envelope, and aids without an envelope
    assert decision.draws[0]["cents"] == 20_000
    assert Envelope.objects.get(pk=envelope.pk).reserved_cents == 20_000
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"project.validate", "financing_plan.reserve", "commission.decide"} <= actions


def test_refuse_and_ask_completion_need_the_reason_the_family_sees(
    referent, worker, edition, commune, session
):
    (a, b), _envelope = submitted_projects(worker=worker, edition=edition, commune=commune, count=2)
    with pytest.raises(DomainError) as exc:
        services.decision_take(actor=referent, session=session, project=a, kind="refuse")
    assert "reason" in exc.value.errors
    services.decision_take(actor=referent, session=session, project=a, kind="refuse", reason="Hors critères")
    services.decision_take(
        actor=referent, session=session, project=b, kind="ask_completion", reason="Devis à joindre"
    )
    a, b = Project.objects.get(pk=a.pk), Project.objects.get(pk=b.pk)
    assert (a.status, a.status_reason) == (ProjectStatus.REFUSED, "Hors critères")
    assert (b.status, b.status_reason) == (ProjectStatus.DRAFT, "Devis à joindre")
    assert not Commitment.objects.exists()


def test_validation_rechecks_what_a_submission_needs(referent, worker, edition, commune, session):
    """Item 1 holds at the commission: a document unticked after submission stops the validation,
    and nothing is reserved."""
    (project,), envelope = submitted_projects(worker=worker, edition=edition, commune=commune, count=1)
    project.checklist.update(received_at=None)
    with pytest.raises(DomainError, match="Pièces obligatoires manquantes"):
        services.decision_take(actor=referent, session=session, project=project, kind="validate")
    assert _status(project) == ProjectStatus.SUBMITTED
    assert Envelope.objects.get(pk=envelope.pk).reserved_cents == 0
    assert not CommissionDecision.objects.exists()


def test_validation_rechecks_the_stay_edition(referent, worker, edition, commune, session):
    (project,), envelope = submitted_projects(worker=worker, edition=edition, commune=commune, count=1)
    Project.objects.filter(pk=project.pk).update(start_date=dt.date(2027, 7, 1), end_date=dt.date(2027, 7, 8))
    with pytest.raises(DomainError, match="Aucune édition ne couvre ces dates"):
        services.decision_take(actor=referent, session=session, project=project, kind="validate")
    assert Envelope.objects.get(pk=envelope.pk).reserved_cents == 0


def test_a_project_of_another_commune_is_not_this_commissions(referent, session, other_org, edition):
    other_worker = factories.MembershipFactory(organisation=other_org, role=Role.SOCIAL_WORKER)
    (project,), _ = submitted_projects(
        worker=other_worker, edition=edition, commune=other_org.commune, count=1
    )
    with pytest.raises(DomainError, match="ne relève pas"):
        services.decision_take(actor=referent, session=session, project=project, kind="validate")
    assert _status(project) == ProjectStatus.SUBMITTED


def test_a_closed_session_takes_no_decision(referent, worker, edition, commune, session):
    (project,), _ = submitted_projects(worker=worker, edition=edition, commune=commune, count=1)
    services.session_close(actor=referent, session=session)
    with pytest.raises(DomainError, match="close"):
        services.decision_take(actor=referent, session=session, project=project, kind="validate")


def test_batch_is_all_or_nothing_per_project_with_a_french_summary(
    referent, worker, edition, commune, session
):
    """An envelope for two APVs: of three projects, two are validated; the third keeps its status
    and the summary says why (the envelope's shortfall); a fourth was already validated."""
    projects, envelope = submitted_projects(worker=worker, edition=edition, commune=commune, count=3)
    outcome = services.decisions_batch(
        actor=referent,
        session=session,
        project_ids=[p.pk for p in projects] + [projects[0].pk],
        kind="validate",
    )
    assert len(outcome.passed) == 2 and len(outcome.failed) == 1
    assert [_status(p) for p in projects] == [ProjectStatus.VALIDATED] * 2 + [ProjectStatus.SUBMITTED]
    assert Envelope.objects.get(pk=envelope.pk).reserved_cents == 40_000
    assert outcome.summary.startswith(
        "2 projets validés (400,00 € engagés sur les enveloppes). 1 projet non traité"
    )
    assert projects[2].reference in outcome.summary and "il manque 200,00 €" in outcome.summary
    again = services.decisions_batch(
        actor=referent, session=session, project_ids=[projects[0].pk], kind="refuse", reason="x"
    )
    assert "au statut « Validé »" in again.summary and not again.passed


def test_batch_of_refusals_needs_a_reason(referent, session):
    with pytest.raises(DomainError) as exc:
        services.decisions_batch(actor=referent, session=session, project_ids=[1], kind="refuse")
    assert "reason" in exc.value.errors


def test_the_coordination_decides_for_every_commune(coordinator_org, worker, edition, commune, other_org):
    coordination = factories.MembershipFactory(organisation=coordinator_org, role=Role.COORDINATOR)
    session = services.session_open(actor=coordination, held_on=dt.date(2025, 5, 13), members="Coordinatrice")
    assert session.commune is None
    (project,), _ = submitted_projects(worker=worker, edition=edition, commune=commune, count=1)
    services.decision_take(actor=coordination, session=session, project=project, kind="validate")
    assert _status(project) == ProjectStatus.VALIDATED
    assert CommissionSession.objects.get(pk=session.pk).decisions.get().kind == DecisionKind.VALIDATE


def test_two_overlapping_projects_of_one_household_are_not_both_funded(
    referent, worker, edition, commune, household, session
):
    """The overlap check of item 1 asked for a reason when the second project was created; at the
    commission, the second validation re-runs the rules with the first one reserved: its plan is
    no longer what the rules give, so it is not reserved as it was (no double funding)."""
    from partez.funding.services import plan_choose
    from partez.projects.services import project_transition
    from partez.schemes.models import Scheme
    from partez.schemes.services import catalogue_sync

    catalogue_sync()
    edition.communes.add(commune)
    ancv = factories.FunderFactory(slug="ancv", name="ANCV")
    factories.EnvelopeFactory(
        funder=ancv, scheme=Scheme.objects.get(slug="apv"), edition=edition, amount_cents=100_000
    )
    first = factories.draft_project(worker, household, edition, checklist_received=True)
    with pytest.raises(DomainError, match="déjà un projet en cours sur ces dates"):
        factories.draft_project(worker, household, edition)
    second = factories.draft_project(
        worker,
        household,
        edition,
        overlap_reason="Deux séjours distincts la même semaine",
        checklist_received=True,
    )
    for project in (first, second):
        plan_choose(actor=worker, project=project, index=0)
        project_transition(actor=worker, project=project, action="submit")
    outcome = services.decisions_batch(
        actor=referent, session=session, project_ids=[first.pk, second.pk], kind="validate"
    )
    assert [d.project_id for d in outcome.passed] == [first.pk]
    assert "ne correspond plus au projet" in outcome.failed[0][1]
    assert _status(second) == ProjectStatus.SUBMITTED
