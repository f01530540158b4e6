"""The demo's money: envelopes sized so decided projects fit and submitted demand does not,
counters that equal the ledger, plans saved with the rule versions used."""

from django.db.models import Sum

from partez.funding.models import Commitment, Envelope, EnvelopeQuota, FinancingPlan, PlanStatus
from partez.projects.models import Project
from partez.schemes import situations


def test_envelopes_and_ledger_agree(demo):
    envelopes = list(Envelope.objects.all())
    assert envelopes
    for envelope in envelopes:
        assert envelope.reserved_cents + envelope.consumed_cents <= envelope.amount_cents
        moves = dict(
            Commitment.objects.filter(envelope=envelope)
            .values_list("kind")
            .annotate(total=Sum("amount_cents"))
        )
        reserve, release, consume = (moves.get(k, 0) for k in ("reserve", "release", "consume"))
        assert envelope.reserved_cents == reserve - release - consume
        assert envelope.consumed_cents == consume
    quota_total = EnvelopeQuota.objects.aggregate(total=Sum("amount_cents"))["total"]
    quota_envelope = Envelope.objects.filter(quotas__isnull=False).distinct().get()
    assert quota_total == quota_envelope.amount_cents


def test_decided_projects_have_a_plan_and_demand_exceeds_what_is_left(demo):
    decided = Project.objects.filter(
        status__in=["validated", "aid_granted", "departed", "returned", "evaluated"]
    )
    plans = FinancingPlan.objects.filter(is_current=True)
    assert plans.count() > 0
    chosen = plans.filter(status=PlanStatus.DRAFT)  # submitted files, ready for the commission
    assert set(chosen.values_list("project__status", flat=True)) == {"submitted"}
    assert not Commitment.objects.filter(plan_line__plan__in=chosen).exists()
    assert set(plans.exclude(status=PlanStatus.DRAFT).values_list("project_id", flat=True)) <= set(
        decided.values_list("pk", flat=True)
    )
    assert (
        plans.filter(status=PlanStatus.CONSUMED).exists()
        and plans.filter(status=PlanStatus.RESERVED).exists()
    )
    assert all(plan.versions for plan in plans)
    # what submitted projects would need from the envelopes is more than what is left in them
    submitted = Project.objects.filter(status="submitted", start_date__isnull=False)
    from partez.schemes import engine, selectors

    definitions = selectors.definitions()
    needed = 0
    for situation in situations.from_projects(submitted).values():
        if situation.travellers and situation.cost_cents:
            plan = engine.evaluate(situation, definitions, alternatives=0).plan
            needed += sum(
                line.aid_cents for line in plan.lines if line.channel in {"cheques", "host_payment"}
            )
    available = sum(e.available_cents for e in Envelope.objects.all())
    assert needed > available > 0
