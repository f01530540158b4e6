"""Envelopes, quotas, plan choice and the money moves hooked into the project workflow."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from partez.core.errors import DomainError, NotAllowed
from partez.core.models import AuditLog
from partez.funding import selectors, services
from partez.funding.models import Commitment, Envelope, FinancingPlan, PlanStatus
from partez.households.models import PastDeparture
from partez.projects.models import Project
from partez.projects.services import ProjectInput, project_transition, project_update
from partez.schemes import situations
from partez.schemes.models import Scheme
from tests import factories

pytestmark = pytest.mark.django_db


def _counters(envelope):
    envelope.refresh_from_db()
    return envelope.amount_cents, envelope.reserved_cents, envelope.consumed_cents


def _assert_ledger_matches(*envelopes):
    for e in envelopes:
        e.refresh_from_db()
        assert selectors.ledger_sums(e.pk) == (e.reserved_cents, e.consumed_cents)
        for q in e.quotas.all():
            assert selectors.ledger_sums(e.pk, q.pk) == (q.reserved_cents, q.consumed_cents)


def _validate(project, worker, referent):
    project.checklist.update(received_at=timezone.now())  # a complete file: the documents are in
    project_transition(actor=worker, project=project, action="submit")
    return project_transition(actor=referent, project=project, action="validate")


# --- envelopes and quotas ---------------------------------------------------------------------


def test_the_coordination_creates_an_envelope_for_the_schemes_funder(coordination, funders, edition):
    scheme = Scheme.objects.get(slug="caf-vacances")
    envelope = services.envelope_save(
        actor=coordination,
        data=services.EnvelopeInput(amount_cents=500_000, scheme=scheme, edition=edition),
    )
    assert envelope.funder == funders["caf-pas-de-calais"]
    assert envelope.label == f"{scheme.name} — {edition.year}"
    assert AuditLog.objects.filter(action="envelope.create", object_id=str(envelope.pk)).exists()
    with pytest.raises(DomainError, match="déjà une enveloppe"):
        services.envelope_save(
            actor=coordination,
            data=services.EnvelopeInput(amount_cents=1, scheme=scheme, edition=edition),
        )


def test_a_host_organisation_can_fund_a_scheme(coordination, funders, edition):
    scheme = Scheme.objects.get(slug="je-pars-tu-pars-il-part")
    envelope = services.envelope_save(
        actor=coordination, data=services.EnvelopeInput(amount_cents=10, scheme=scheme, edition=edition)
    )
    assert envelope.funder.slug == "fondation-je-pars-tu-pars-il-part"


def test_an_envelope_needs_its_funder_organisation(coordination, edition):
    with pytest.raises(DomainError, match="n'a pas d'organisation") as exc:
        services.envelope_save(
            actor=coordination,
            data=services.EnvelopeInput(
                amount_cents=10, scheme=Scheme.objects.get(slug="apv"), edition=edition
            ),
        )
    assert "scheme" in exc.value.errors


@pytest.mark.parametrize("role", ["referent", "worker"])
def test_only_the_coordination_manages_envelopes(request, role, envelopes):
    actor = request.getfixturevalue(role)
    envelope = envelopes["apv"]
    with pytest.raises(NotAllowed):
        services.envelope_save(actor=actor, envelope=envelope, data=services.EnvelopeInput(amount_cents=1))
    with pytest.raises(NotAllowed):
        services.quota_save(
            actor=actor, envelope=envelope, commune=factories.CommuneFactory(), amount_cents=1
        )
    assert _counters(envelope) == (100_000, 0, 0)


@pytest.mark.parametrize("amount", [-1, 100_000_000_001])
def test_amount_out_of_range_is_refused(coordination, envelopes, amount):
    with pytest.raises(DomainError) as exc:
        services.envelope_save(
            actor=coordination, envelope=envelopes["apv"], data=services.EnvelopeInput(amount_cents=amount)
        )
    assert "amount" in exc.value.errors


def test_an_amount_never_goes_below_what_is_committed(coordination, envelopes, project, worker, referent):
    services.plan_choose(actor=worker, project=project, index=0)
    _validate(project, worker, referent)
    apv = envelopes["apv"]
    assert _counters(apv) == (100_000, 30_000, 0)
    with pytest.raises(DomainError, match="déjà engagé"):
        services.envelope_save(
            actor=coordination, envelope=apv, data=services.EnvelopeInput(amount_cents=29_999)
        )
    services.envelope_save(
        actor=coordination, envelope=apv, data=services.EnvelopeInput(amount_cents=30_000, label="APV serré")
    )
    assert _counters(apv) == (30_000, 30_000, 0)
    assert Envelope.objects.get(pk=apv.pk).label == "APV serré"
    entry = AuditLog.objects.get(action="envelope.update", object_id=str(apv.pk))
    assert entry.changes["amount_cents"] == [100_000, 30_000]


def test_quotas_never_exceed_the_envelope(coordination, envelopes, commune, other_org):
    apv = envelopes["apv"]
    services.quota_save(actor=coordination, envelope=apv, commune=commune, amount_cents=60_000)
    with pytest.raises(DomainError, match="400,00 € au plus pour Liévin"):
        services.quota_save(actor=coordination, envelope=apv, commune=other_org.commune, amount_cents=40_001)
    services.quota_save(actor=coordination, envelope=apv, commune=other_org.commune, amount_cents=40_000)
    # raising a quota is checked against the others too; lowering the envelope against the quotas
    with pytest.raises(DomainError):
        services.quota_save(actor=coordination, envelope=apv, commune=commune, amount_cents=60_001)
    with pytest.raises(DomainError, match="somme des quotas"):
        services.envelope_save(
            actor=coordination, envelope=apv, data=services.EnvelopeInput(amount_cents=99_999)
        )
    assert apv.quotas.count() == 2


def test_the_database_refuses_an_overspent_envelope(envelopes):
    apv = envelopes["apv"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Envelope.objects.filter(pk=apv.pk).update(reserved_cents=F("amount_cents") + 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Envelope.objects.filter(pk=apv.pk).update(consumed_cents=-1)


# --- choosing a plan ------------------------------------------------------------------------------


def test_plan_choose_saves_the_recomputed_plan_with_envelopes_and_versions(worker, project, envelopes):
    plan = services.plan_choose(actor=worker, project=project, index=0)
    lines = list(plan.lines.order_by("order"))
    assert [(li.scheme.slug, li.aid_cents, li.envelope_id) for li in lines] == [
        ("apv", 30_000, envelopes["apv"].pk),
        ("sejour-individuel", 20_000, envelopes["sejour-individuel"].pk),
        ("caf-vacances", 8_000, envelopes["caf-vacances"].pk),
    ]
    assert (plan.cost_cents, plan.total_aid_cents, plan.remaining_cents) == (60_000, 58_000, 2_000)
    assert plan.status == PlanStatus.DRAFT and plan.is_current
    assert plan.versions == situations.evaluate_project(project).versions
    assert plan.versions["apv"] == Scheme.objects.get(slug="apv").version
    assert all(li.computation and isinstance(li.computation, list) for li in lines)
    assert AuditLog.objects.filter(action="financing_plan.choose", object_id=str(project.pk)).exists()


def test_plan_choose_recomputes_from_the_database(worker, project, envelopes):
    """What the page showed does not matter: the amounts are those of the project as it is now."""
    services.plan_choose(actor=worker, project=project, index=0)
    project_update(
        actor=worker,
        project=project,
        data=ProjectInput(
            format="individual",
            traveller_ids=list(project.travellers.values_list("pk", flat=True)),
            destination="Berck-sur-Mer",
            start_date=project.start_date,
            end_date=project.end_date,
            budget=[("lodging", "Mobil-home", 40_000)],
        ),
    )
    plan = services.plan_choose(actor=worker, project=project, index=0)
    assert plan.cost_cents == 40_000
    assert sum(plan.lines.values_list("aid_cents", flat=True)) == plan.total_aid_cents
    assert plan.remaining_cents == 40_000 - plan.total_aid_cents
    # the first plan is kept in the history, no longer current
    assert FinancingPlan.objects.filter(project=project).count() == 2
    assert FinancingPlan.objects.filter(project=project, is_current=True).get() == plan


def test_plan_choose_picks_an_alternative_and_detects_a_changed_plan(
    worker, household, edition, commune, funders
):
    edition.communes.add(commune)
    project = factories.draft_project(worker, household, edition, format="hosting", checklist_received=True)
    evaluation = situations.evaluate_project(project)
    assert evaluation.alternatives, "the hosting format has alternatives (exclusive schemes)"
    alternative = evaluation.alternatives[0]
    plan = services.plan_choose(actor=worker, project=project, index=1, schemes=alternative.schemes)
    assert tuple(plan.lines.order_by("order").values_list("scheme__slug", flat=True)) == alternative.schemes
    with pytest.raises(DomainError, match="ont changé"):
        services.plan_choose(actor=worker, project=project, index=1, schemes=evaluation.plan.schemes)
    with pytest.raises(DomainError, match="n'existe plus"):
        services.plan_choose(actor=worker, project=project, index=1 + len(evaluation.alternatives))
    with pytest.raises(DomainError, match="n'existe plus"):
        services.plan_choose(actor=worker, project=project, index=-1)


def test_plan_choose_is_for_caseworkers_before_the_decision(worker, referent, project, members_funder):
    with pytest.raises(NotAllowed):
        services.plan_choose(actor=members_funder, project=project, index=0)
    # decided (validation itself now needs a plan, so the status is set directly)
    Project.objects.filter(pk=project.pk).update(status="validated")
    with pytest.raises(DomainError, match="avant la décision"):
        services.plan_choose(actor=worker, project=project, index=0)
    assert not FinancingPlan.objects.filter(project=project).exists()


@pytest.fixture
def members_funder(funders):
    from partez.organisations.models import Role

    return factories.MembershipFactory(organisation=funders["ancv"], role=Role.FUNDER)


def test_plan_choose_needs_dates_and_a_budget(worker, household, edition):
    from partez.projects.services import project_create

    project = project_create(
        actor=worker,
        household=household,
        edition=edition,
        data=ProjectInput(format="individual", traveller_ids=[household.persons.first().pk]),
    )
    with pytest.raises(DomainError, match="dates et le budget"):
        services.plan_choose(actor=worker, project=project, index=0)


# --- reserve, release, consume through the workflow ----------------------------------------------


def test_validation_reserves_withdrawal_releases(worker, referent, project, envelopes):
    services.plan_choose(actor=worker, project=project, index=0)
    _validate(project, worker, referent)
    assert _counters(envelopes["apv"]) == (100_000, 30_000, 0)
    assert _counters(envelopes["sejour-individuel"]) == (100_000, 20_000, 0)
    assert _counters(envelopes["caf-vacances"]) == (100_000, 8_000, 0)
    plan = selectors.current_plan(project)
    assert plan.status == PlanStatus.RESERVED
    assert Commitment.objects.filter(project=project, kind="reserve").count() == 3
    _assert_ledger_matches(*envelopes.values())

    project_transition(actor=worker, project=project, action="withdraw", reason="Déménagement")
    for e in envelopes.values():
        assert _counters(e) == (100_000, 0, 0)
    assert selectors.current_plan(project).status == PlanStatus.RELEASED
    assert Commitment.objects.filter(project=project, kind="release").count() == 3
    _assert_ledger_matches(*envelopes.values())
    assert AuditLog.objects.filter(action="financing_plan.release", object_id=str(plan.pk)).exists()


def test_departure_consumes_and_records_the_schemes_in_the_history(worker, referent, project, envelopes):
    services.plan_choose(actor=worker, project=project, index=0)
    _validate(project, worker, referent)
    project_transition(actor=referent, project=project, action="grant_aid")
    project_transition(actor=worker, project=project, action="depart")
    assert _counters(envelopes["apv"]) == (100_000, 0, 30_000)
    assert _counters(envelopes["caf-vacances"]) == (100_000, 0, 8_000)
    assert selectors.current_plan(project).status == PlanStatus.CONSUMED
    _assert_ledger_matches(*envelopes.values())
    travellers = list(project.travellers.all())
    codes = set(
        PastDeparture.objects.filter(person__in=travellers, year=2025).values_list("scheme", flat=True)
    )
    assert codes == {"individual", "apv", "caf"}  # the format, then each scheme of the plan
    assert PastDeparture.objects.filter(person__in=travellers).count() == 3 * len(travellers)


def test_not_enough_money_reserves_nothing_and_names_the_envelope(
    coordination, worker, referent, project, envelopes
):
    services.plan_choose(actor=worker, project=project, index=0)
    caf = envelopes["caf-vacances"]
    services.envelope_save(actor=coordination, envelope=caf, data=services.EnvelopeInput(amount_cents=5_000))
    project_transition(actor=worker, project=project, action="submit")
    with pytest.raises(DomainError) as exc:
        project_transition(actor=referent, project=project, action="validate")
    assert exc.value.message == (
        "Financement impossible, rien n'a été engagé. Enveloppe « caf-vacances 2025 » (CAF du Pas-de-Calais) : "
        "50,00 € disponibles, il en faut 80,00 € (il manque 30,00 €)."
    )
    project.refresh_from_db()
    assert project.status == "submitted"  # the validation itself was undone
    assert not Commitment.objects.exists()
    for e in envelopes.values():
        assert _counters(e)[1:] == (0, 0)
    assert selectors.current_plan(project).status == PlanStatus.DRAFT


def test_submission_without_a_plan_is_refused(worker, referent, project, envelopes):
    """It used to be allowed (« some projects need no money »): the commission now needs a plan."""
    with pytest.raises(DomainError) as exc:
        _validate(project, worker, referent)
    assert "plan" in exc.value.errors
    project.refresh_from_db()
    assert project.status == "draft"
    assert not Commitment.objects.exists()


def test_an_envelope_created_after_the_choice_is_charged(coordination, worker, referent, project, funders):
    plan = services.plan_choose(actor=worker, project=project, index=0)
    assert not plan.lines.filter(envelope__isnull=False).exists()
    envelope = services.envelope_save(
        actor=coordination,
        data=services.EnvelopeInput(
            amount_cents=100_000, scheme=Scheme.objects.get(slug="apv"), edition=project.edition
        ),
    )
    _validate(project, worker, referent)
    assert _counters(envelope) == (100_000, 30_000, 0)
    assert plan.lines.get(scheme__slug="apv").envelope == envelope


def test_commune_quotas(coordination, worker, referent, project, envelopes, other_org, household):
    apv = envelopes["apv"]
    # a quota for another commune only: nothing for the household's commune
    services.quota_save(actor=coordination, envelope=apv, commune=other_org.commune, amount_cents=50_000)
    services.plan_choose(actor=worker, project=project, index=0)
    project_transition(actor=worker, project=project, action="submit")
    with pytest.raises(DomainError, match=f"aucun quota pour {household.commune.name}, il en faut 300,00 €"):
        project_transition(actor=referent, project=project, action="validate")
    # a quota too small
    services.quota_save(actor=coordination, envelope=apv, commune=household.commune, amount_cents=20_000)
    with pytest.raises(DomainError, match=f"Quota de {household.commune.name}.*200,00 € disponibles"):
        project_transition(actor=referent, project=project, action="validate")
    # enough
    quota = services.quota_save(
        actor=coordination, envelope=apv, commune=household.commune, amount_cents=30_000
    )
    project_transition(actor=referent, project=project, action="validate")
    quota.refresh_from_db()
    assert (quota.reserved_cents, quota.consumed_cents) == (30_000, 0)
    assert _counters(apv) == (100_000, 30_000, 0)
    commitment = Commitment.objects.get(envelope=apv)
    assert commitment.quota == quota and commitment.commune == household.commune
    _assert_ledger_matches(apv)

    project_transition(actor=referent, project=project, action="grant_aid")
    project_transition(actor=worker, project=project, action="depart")
    quota.refresh_from_db()
    assert (quota.reserved_cents, quota.consumed_cents) == (0, 30_000)
    _assert_ledger_matches(apv)
    breakdown = {r["commune"]: r for r in selectors.commune_breakdown(apv)}
    assert breakdown[household.commune.name] == {
        "commune": household.commune.name,
        "reserved": 0,
        "consumed": 30_000,
        "quota": 30_000,
        "available": 0,
    }
    assert breakdown[other_org.commune.name]["available"] == 50_000


def test_release_and_consume_are_no_ops_without_a_reservation(worker, project, envelopes):
    assert services.plan_release(actor=worker, project=project) is None
    services.plan_choose(actor=worker, project=project, index=0)
    assert services.plan_release(actor=worker, project=project).status == PlanStatus.DRAFT
    assert not Commitment.objects.exists()


def test_a_plan_never_reserved_is_reserved_then_consumed_at_departure(worker, project, envelopes):
    services.plan_choose(actor=worker, project=project, index=0)
    plan = services.plan_consume(actor=worker, project=project)
    assert plan.status == PlanStatus.CONSUMED
    assert _counters(envelopes["apv"]) == (100_000, 0, 30_000)
    assert list(
        Commitment.objects.filter(envelope=envelopes["apv"]).order_by("id").values_list("kind", flat=True)
    ) == [
        "reserve",
        "consume",
    ]
    _assert_ledger_matches(*envelopes.values())


def test_envelopes_for_scopes_by_role(members_funder, coordination, worker, envelopes, funders):
    assert set(selectors.envelopes_for(coordination)) == set(envelopes.values())
    assert list(selectors.envelopes_for(members_funder)) == [envelopes["apv"]]
    assert not selectors.envelopes_for(worker).exists()
