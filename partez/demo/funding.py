"""The demo edition's money: funders' envelopes, commune quotas and the plans of decided projects.

Every project with dates, travellers and a budget is evaluated by the rules engine; its best plan
is saved for the projects already decided (engaged for validated / aid granted, consumed for those
who left), with the ledger rows the services would have written, and for the submitted ones
(chosen, nothing engaged: the commission's next session decides on them). Envelopes are sized so that what
is decided fits and only part of what is still submitted does: budgets run out before demand is
met, as in the real operation, which is what the campaign allocation is for.

Written in bulk (a few thousand rows) rather than through the services, like the rest of the demo;
the counters and the ledger obey the same identities (see ``partez.funding.models``).
"""

from __future__ import annotations

from collections import defaultdict

from partez.funding.models import (
    Commitment,
    CommitmentKind,
    Envelope,
    EnvelopeQuota,
    FinancingPlan,
    PlanLine,
    PlanStatus,
)
from partez.organisations.models import Organisation
from partez.projects.models import Project
from partez.schemes import engine, selectors, services, situations
from partez.schemes.models import Scheme

RESERVED = {"validated", "aid_granted"}
CONSUMED = {"departed", "returned", "evaluated"}
CHOSEN = {"submitted"}  # a file is submitted with its plan chosen: ready for the commission to decide
MONEY_CHANNELS = {"cheques", "host_payment", "bourse"}  # reduced prices and places in kind draw no money
SHARE_OF_WAITING_DEMAND = (6, 10)  # the envelopes cover 60 % of what is still submitted
QUOTA_SCHEME = "sejour-individuel"  # the CALL's envelope is split into commune quotas


def load(edition) -> dict[str, int]:
    services.catalogue_sync()  # links each scheme to its funder organisation, now that they exist
    schemes = {s.slug: s for s in Scheme.objects.all()}
    channels = {d.slug: d.channel for d in selectors.definitions(include_inactive=True)}
    funders = {o.slug: o for o in Organisation.objects.filter(kind__in=["funder", "host"])}
    projects = {
        p.pk: p
        for p in Project.objects.filter(edition=edition, start_date__isnull=False, end_date__isnull=False)
        .exclude(status__in=["draft", "refused", "withdrawn"])
        .select_related("household")
        .order_by("created_at", "id")
    }
    evaluations = {}
    definitions = selectors.definitions()
    for pk, situation in situations.from_projects(Project.objects.filter(pk__in=list(projects))).items():
        if situation.travellers and situation.cost_cents:
            evaluations[pk] = engine.evaluate(situation, definitions, alternatives=0)

    def funded(line) -> bool:
        return channels.get(line.scheme) in MONEY_CHANNELS and line.funder_slug in funders

    committed: dict[str, int] = defaultdict(int)
    waiting: dict[str, int] = defaultdict(int)
    committed_c: dict[int, int] = defaultdict(int)
    waiting_c: dict[int, int] = defaultdict(int)
    for pk, evaluation in evaluations.items():
        project = projects[pk]
        decided = project.status in RESERVED | CONSUMED
        for line in evaluation.plan.lines:
            if not funded(line):
                continue
            (committed if decided else waiting)[line.scheme] += line.aid_cents
            if line.scheme == QUOTA_SCHEME:
                (committed_c if decided else waiting_c)[project.household.commune_id] += line.aid_cents

    def rounded(cents: int) -> int:
        return -(-cents // 10_000) * 10_000  # up to whole hundreds of euros

    envelopes: dict[str, Envelope] = {}
    for slug in sorted(set(committed) | set(waiting)):
        scheme = schemes[slug]
        funder_slug = next(
            line.funder_slug for e in evaluations.values() for line in e.plan.lines if line.scheme == slug
        )
        amount = committed[slug] + _share(waiting[slug])
        if slug == QUOTA_SCHEME:  # the quotas are rounded up each: the envelope holds their sum
            amount = sum(
                _quota_amount(committed_c[c], waiting_c[c]) for c in set(committed_c) | set(waiting_c)
            )
        envelopes[slug] = Envelope(
            funder=funders[funder_slug],
            scheme=scheme,
            edition=edition,
            label=f"{scheme.name} — {funders[funder_slug].name} {edition.year}",
            amount_cents=amount if slug == QUOTA_SCHEME else rounded(amount),
        )
    Envelope.objects.bulk_create(envelopes.values())
    quotas: dict[int, EnvelopeQuota] = {}
    if QUOTA_SCHEME in envelopes:
        for commune_id in sorted(set(committed_c) | set(waiting_c)):
            quotas[commune_id] = EnvelopeQuota(
                envelope=envelopes[QUOTA_SCHEME],
                commune_id=commune_id,
                amount_cents=_quota_amount(committed_c[commune_id], waiting_c[commune_id]),
            )
        EnvelopeQuota.objects.bulk_create(quotas.values())

    plans, lines, moves = [], [], []
    for pk, evaluation in evaluations.items():
        project = projects[pk]
        if project.status not in RESERVED | CONSUMED | CHOSEN or not evaluation.plan.lines:
            continue
        status = PlanStatus.RESERVED if project.status in RESERVED else PlanStatus.CONSUMED
        if project.status in CHOSEN:
            status = PlanStatus.DRAFT
        plan = FinancingPlan(
            project=project,
            chosen_by_id=project.created_by_id,
            cost_cents=evaluation.plan.cost_cents,
            total_aid_cents=evaluation.plan.total_aid_cents,
            remaining_cents=evaluation.plan.remaining_cents,
            format=evaluation.plan.format or "",
            versions=evaluation.versions,
            status=status,
        )
        plans.append(plan)
        for order, line in enumerate(evaluation.plan.lines):
            envelope = envelopes.get(line.scheme) if funded(line) else None
            quota = (
                quotas.get(project.household.commune_id) if envelope and line.scheme == QUOTA_SCHEME else None
            )
            row = PlanLine(
                plan=plan,
                scheme=schemes[line.scheme],
                envelope=envelope,
                quota=quota,
                funder=line.funder,
                funder_slug=line.funder_slug,
                channel=line.channel,
                aid_cents=line.aid_cents,
                base_cents=line.base_cents,
                computation=list(line.computation),
                order=order,
            )
            lines.append(row)
            if envelope is None or status == PlanStatus.DRAFT:  # chosen, not yet decided: nothing engaged
                continue
            kinds = [CommitmentKind.RESERVE] + (
                [CommitmentKind.CONSUME] if status == PlanStatus.CONSUMED else []
            )
            for kind in kinds:
                moves.append(
                    Commitment(
                        envelope=envelope,
                        quota=quota,
                        commune_id=project.household.commune_id,
                        project=project,
                        plan_line=row,
                        kind=kind,
                        amount_cents=line.aid_cents,
                        actor_id=project.created_by_id,
                    )
                )
            target = "consumed_cents" if status == PlanStatus.CONSUMED else "reserved_cents"
            for counter in (envelope, quota):
                if counter is not None:
                    setattr(counter, target, getattr(counter, target) + line.aid_cents)
    FinancingPlan.objects.bulk_create(plans)
    for row in lines:
        row.plan_id = row.plan.pk
    PlanLine.objects.bulk_create(lines)
    for move in moves:
        move.plan_line_id = move.plan_line.pk
    Commitment.objects.bulk_create(moves)
    Envelope.objects.bulk_update(envelopes.values(), ["reserved_cents", "consumed_cents"])
    EnvelopeQuota.objects.bulk_update(quotas.values(), ["reserved_cents", "consumed_cents"])
    return {"enveloppes": len(envelopes), "plans de financement": len(plans), "mouvements": len(moves)}


def _share(cents: int) -> int:
    numerator, denominator = SHARE_OF_WAITING_DEMAND
    return cents * numerator // denominator  # integer cents: no float in any amount


def _quota_amount(committed: int, waiting: int) -> int:
    return -(-(committed + _share(waiting)) // 10_000) * 10_000  # up to whole hundreds of euros
