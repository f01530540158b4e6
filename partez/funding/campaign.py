"""Campaign-wide allocation: which submitted projects to fund, and from which envelopes.

The thin service around :mod:`partez.funding.allocation` (pure). ``allocation_inputs`` reads the
edition's submitted projects and envelopes: each project's options are the plans the rules engine
proposes for it (the best one and its alternatives, in the project page's order, so an option's
index is the one ``plan_choose`` takes), each plan line drawing from the envelope of its funder
and scheme (a line without an envelope — a place in kind, a reduced price — draws nothing). The
job ``allocation`` solves, compares with first-come-first-served and the greedy, and saves an
:class:`AllocationRun` the coordination reviews; the job ``allocation_apply`` then chooses each
funded project's plan and validates it through the same services as a click on the project page
(so envelopes are reserved under their locks, and a project changed in between is skipped with
the reason).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from partez.core import audit
from partez.core.errors import DomainError, NotAllowed
from partez.jobs.models import Job
from partez.jobs.registry import Progress, handler
from partez.organisations import perms
from partez.organisations.models import Membership
from partez.projects.models import Project, ProjectStatus
from partez.projects.services import project_transition
from partez.schemes import engine, selectors, situations
from partez.territory.models import Edition

from . import allocation
from .models import AllocationDecision, AllocationRun, AllocationStatus, Envelope, EnvelopeQuota
from .services import plan_choose

logger = logging.getLogger(__name__)
OPTIONS = 4  # the best plan and three alternatives, as on the project page


@dataclass
class ProjectMeta:
    project: Project
    people: int
    plans: list[engine.Plan]


def allocation_inputs(edition: Edition):
    """(projects, envelopes, meta by project id) for the submitted projects of the edition."""
    envelopes = {
        (e.funder.slug, e.scheme.slug): e
        for e in Envelope.objects.filter(edition=edition).select_related("funder", "scheme")
    }
    quotas: dict[int, dict[str, int]] = defaultdict(dict)
    for quota in EnvelopeQuota.objects.filter(envelope__edition=edition).select_related("commune"):
        quotas[quota.envelope_id][quota.commune.insee_code] = quota.available_cents
    envelopes_in = [
        allocation.EnvelopeIn(id=str(e.pk), available_cents=e.available_cents, quotas=quotas.get(e.pk, {}))
        for e in envelopes.values()
    ]
    queryset = (
        Project.objects.filter(edition=edition, status=ProjectStatus.SUBMITTED)
        .exclude(start_date__isnull=True)
        .exclude(end_date__isnull=True)
    )
    submitted_at = _submitted_at(queryset)
    projects = {p.pk: p for p in queryset.select_related("household__commune")}
    definitions = selectors.definitions()
    projects_in, meta = [], {}
    for pk, situation in situations.from_projects(queryset).items():
        if not situation.travellers or not situation.cost_cents:
            continue
        evaluation = engine.evaluate(situation, definitions, alternatives=OPTIONS - 1, explain=False)
        plans = [evaluation.plan, *evaluation.alternatives]
        options = []
        for plan in plans:
            lines = tuple(
                allocation.Line(
                    envelope=str(envelopes[(line.funder_slug, line.scheme)].pk), amount_cents=line.aid_cents
                )
                for line in plan.lines
                if (line.funder_slug, line.scheme) in envelopes
            )
            options.append(allocation.Option(lines=lines))
        travellers = situation.traveller_members()
        first = not any(d.person in {m.id for m in travellers} for d in situation.past_departures)
        projects_in.append(
            allocation.ProjectIn(
                id=str(pk),
                people=len(travellers),
                commune=situation.commune_insee,
                submitted_at=submitted_at.get(pk) or projects[pk].created_at,
                first_departure=first,
                qf_cents=situation.qf_cents,
                options=tuple(options),
            )
        )
        meta[str(pk)] = ProjectMeta(project=projects[pk], people=len(travellers), plans=plans)
    return projects_in, envelopes_in, meta


def _submitted_at(queryset) -> dict:
    """When each project was submitted (its last move to « submitted »): the FCFS order."""
    from partez.projects.models import StatusChange

    rows = (
        StatusChange.objects.filter(project__in=queryset, to_status=ProjectStatus.SUBMITTED)
        .order_by("project_id", "at")
        .values_list("project_id", "at")
    )
    return dict(rows)  # the last one wins (ordered by date)


def allocation_start(
    *, actor: Membership, edition: Edition, priorities: allocation.Priorities, time_limit: int
):
    from partez.jobs.services import job_start

    if not perms.can_manage_envelopes(actor):
        raise NotAllowed("Seule la coordination répartit les enveloppes.")
    errors = {}
    if not 1 <= time_limit <= 600:
        errors["time_limit"] = "La durée de calcul est comprise entre 1 et 600 secondes."
    for field in ("first_departure_bonus", "low_qf_bonus"):
        if not 0 <= getattr(priorities, field) <= 500:
            errors[field] = "Un bonus de priorité est compris entre 0 et 500 %."
    if errors:
        raise DomainError(errors)
    return job_start(
        actor=actor,
        kind="allocation",
        label=f"Répartition des enveloppes — {edition.name}",
        params={
            "edition": edition.pk,
            "time_limit": time_limit,
            "priorities": {
                "first_departure_bonus": priorities.first_departure_bonus,
                "low_qf_bonus": priorities.low_qf_bonus,
                "respect_quotas": priorities.respect_quotas,
            },
        },
    )


def _stats(result: allocation.Allocation) -> dict:
    return {
        "people_funded": result.people_funded,
        "projects_funded": len(result.funded),
        "objective": result.objective,
        "bound": result.bound,
        "gap": result.gap,
        "status": result.status,
        "seconds": round(result.seconds, 3),
        "envelope_use": dict(result.envelope_use),
    }


@handler("allocation")
def run_allocation(job: Job, progress: Progress) -> None:
    edition = Edition.objects.get(pk=job.params["edition"])
    priorities = allocation.Priorities(**job.params["priorities"])
    progress.update(1, 100, "Lecture des projets déposés et des enveloppes…")
    projects, envelopes, meta = allocation_inputs(edition)
    progress.update(5, 100, f"{len(projects)} projets, {len(envelopes)} enveloppes : calcul en cours…")
    fcfs = allocation.first_come_first_served(projects, envelopes, priorities)
    greedy = allocation.greedy(projects, envelopes, priorities)

    def on_progress(fraction: float, message: str) -> None:
        progress.update(5 + int(fraction * 90), 100, message)

    solved = allocation.solve(
        projects, envelopes, priorities, time_limit=float(job.params["time_limit"]), progress=on_progress
    )
    problems = allocation.check(projects, envelopes, solved, priorities)
    if problems:  # never offer an allocation that overspends: the solver has a bug
        raise RuntimeError("Répartition invalide : " + " ; ".join(problems[:5]))
    available = {e.id: e.available_cents for e in envelopes}
    with transaction.atomic():
        AllocationRun.objects.filter(edition=edition, status=AllocationStatus.PROPOSED).update(
            status=AllocationStatus.SUPERSEDED
        )
        run = AllocationRun.objects.create(
            edition=edition,
            job=job,
            created_by=job.created_by,
            priorities=job.params["priorities"],
            time_limit=job.params["time_limit"],
            results={
                "solver": _stats(solved),
                "fcfs": _stats(fcfs),
                "greedy": _stats(greedy),
                "available": available,
                "projects": len(projects),
                "people": sum(p.people for p in projects),
            },
        )
        decisions = []
        for p in projects:
            chosen = solved.funded.get(p.id)
            plans = meta[p.id].plans
            draws: dict[str, int] = defaultdict(int)
            if chosen is not None:
                for line in p.options[chosen].lines:
                    draws[line.envelope] += line.amount_cents
            decisions.append(
                AllocationDecision(
                    run=run,
                    project=meta[p.id].project,
                    people=p.people,
                    first_departure=p.first_departure,
                    option=chosen,
                    schemes=list(plans[chosen].schemes) if chosen is not None else [],
                    total_aid_cents=plans[chosen].total_aid_cents if chosen is not None else 0,
                    draws=dict(draws),
                    fcfs_funded=p.id in fcfs.funded,
                )
            )
        AllocationDecision.objects.bulk_create(decisions)
    job.result_url = f"/financements/repartition/{run.pk}/"
    job.save(update_fields=["result_url"])


def allocation_apply_start(*, actor: Membership, run: AllocationRun) -> Job:
    from partez.jobs.services import job_start

    if not perms.can_manage_envelopes(actor):
        raise NotAllowed("Seule la coordination applique une répartition.")
    if run.status != AllocationStatus.PROPOSED:
        raise DomainError("Cette répartition n'est plus proposée (déjà appliquée ou remplacée).", field="run")
    return job_start(
        actor=actor,
        kind="allocation_apply",
        label=f"Application de la répartition n° {run.pk}",
        params={"run": run.pk},
    )


@handler("allocation_apply")
def apply_allocation(job: Job, progress: Progress) -> None:
    """Choose each funded project's plan and validate it, one transaction per project; a project
    whose plans changed, or that was decided meanwhile, is skipped with the reason."""
    run = AllocationRun.objects.select_related("edition").get(pk=job.params["run"])
    actor = (
        Membership.objects.active()
        .select_related("organisation", "user")
        .filter(user=job.created_by, organisation=job.organisation)
        .first()
    )
    if actor is None or not perms.can_manage_envelopes(actor) or not perms.can_decide_project(actor):
        raise PermissionError("L'auteur·rice n'a plus le droit de valider les projets.")
    with transaction.atomic():
        claimed = AllocationRun.objects.filter(pk=run.pk, status=AllocationStatus.PROPOSED).update(
            status=AllocationStatus.APPLYING
        )
    if not claimed:
        raise DomainError("Cette répartition n'est plus proposée.")
    decisions = list(run.decisions.filter(option__isnull=False).select_related("project").order_by("id"))
    applied = 0
    for done, decision in enumerate(decisions):
        assert decision.option is not None  # filtered above
        progress.update(done, len(decisions), f"Validation de {decision.project.reference}")
        try:
            # Both or neither: a refused validation must not leave the allocation's plan in
            # place of the one the professional chose.
            with transaction.atomic():
                plan_choose(
                    actor=actor, project=decision.project, index=decision.option, schemes=decision.schemes
                )
                project_transition(actor=actor, project=decision.project, action="validate")
        except DomainError as exc:
            decision.outcome = "skipped"
            decision.outcome_message = exc.message[:300]
        except Exception:  # one project's failure must not stop the others, nor the run
            logger.exception("allocation %s: project %s", run.pk, decision.project_id)
            decision.outcome = "skipped"
            decision.outcome_message = "Erreur inattendue : projet laissé de côté, réessayez depuis sa page."
        else:
            decision.outcome = "applied"
            applied += 1
        decision.save(update_fields=["outcome", "outcome_message"])
    with transaction.atomic():
        run.status = AllocationStatus.APPLIED
        run.applied_at = timezone.now()
        run.applied_by = job.created_by
        run.save(update_fields=["status", "applied_at", "applied_by"])
        audit.record(
            actor=job.created_by,
            organisation=job.organisation,
            action="allocation.apply",
            obj=run,
            changes={"validated": applied, "skipped": len(decisions) - applied},
        )
    job.result_url = f"/financements/repartition/{run.pk}/"
    job.save(update_fields=["result_url"])
