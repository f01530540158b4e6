"""The matching of donated weeks and BSV offers to families, as two jobs around the pure
:mod:`partez.offers.matching`.

``offers_matching`` reads the edition's free offers and the families asking for one (validated BSV
and « Je pars… » projects without a booking yet), solves exactly (min-cost flow), runs the greedy
and the baseline on the same input for comparison, checks each result without the solver, and
saves a :class:`MatchRun` with one :class:`Proposal` per family (the offer and why, or why none).
A re-match keeps the accepted proposals of the run it replaces, never proposes a refused pair
again and moves as few of the other families as possible. The coordination reviews (accepts or
refuses with a reason, :func:`proposal_decide`), then ``offers_matching_apply`` books every
proposal not refused through :func:`services.booking_create` — the same locks and social-mix
rule as a booking by hand; a proposal that became impossible meanwhile is skipped with the reason.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from partez.core import audit
from partez.core.errors import DomainError, NotAllowed
from partez.jobs.models import Job
from partez.jobs.registry import Progress, handler
from partez.organisations.models import Membership
from partez.territory.models import Edition

from . import matching, perms, selectors, services
from .models import Booking, Candidate, Decision, MatchRun, MatchStatus, Offer, Period, Proposal

METHODS = [
    ("solver", "Optimale (flot de coût minimal)"),
    ("greedy", "Gloutonne"),
    ("baseline", "Dans l'ordre des demandes"),
]


def problem_for(
    edition: Edition, previous: MatchRun | None = None
) -> tuple[matching.Problem, dict[str, Any]]:
    """The matcher's input from the database, and the rows behind each id."""
    periods = list(Period.objects.filter(edition=edition))
    first = min((p.start_date for p in periods), default=timezone.localdate())
    held = Booking.objects.filter(selectors.holding(), offer__period__edition=edition)
    offers = list(
        Offer.objects.filter(period__edition=edition, withdrawn=False)
        .exclude(pk__in=held.values("offer_id"))
        .select_related("site", "period")
        .order_by("period__start_date", "site__name", "id")
    )
    occupied: dict[tuple[str, str], int] = defaultdict(int)
    for site_id, code in held.values_list("offer__site_id", "offer__period__code"):
        occupied[(str(site_id), code)] += 1
    candidates = list(
        Candidate.objects.filter(project__in=services.candidate_projects(edition.pk))
        .exclude(project__bookings__in=held)
        .select_related("project__household")
        .prefetch_related("periods", "excluded_sites")
        .order_by("project__created_at", "id")
    )
    fixed: dict[str, str] = {}
    prior: dict[str, str] = {}
    offer_ids = {str(o.pk) for o in offers}
    if previous is not None:
        for p in previous.proposals.exclude(offer=None).exclude(decision=Decision.REFUSED):
            key, offer = str(p.candidate_id), str(p.offer_id)
            if offer in offer_ids:
                (fixed if p.decision == Decision.ACCEPTED else prior)[key] = offer
    forbidden = frozenset(
        (str(c), str(o))
        for c, o in Proposal.objects.filter(run__edition=edition, decision=Decision.REFUSED)
        .exclude(offer=None)
        .values_list("candidate_id", "offer_id")
    )
    candidate_ids = {str(c.pk) for c in candidates}
    fixed = {f: o for f, o in fixed.items() if f in candidate_ids}
    # an accepted offer is never proposed to another family
    prior = {f: o for f, o in prior.items() if f in candidate_ids and o not in set(fixed.values())}
    problem = matching.Problem(
        max_families_per_site_period=selectors.max_families(first),
        offers=tuple(
            matching.OfferIn(
                id=str(o.pk),
                site=str(o.site_id),
                period=o.period.code,
                beds=o.beds,
                accessible=o.accessible and o.site.accessible,
                car_needed=o.car_needed,
            )
            for o in offers
        ),
        families=tuple(
            matching.FamilyIn(
                id=str(c.pk),
                people=c.people,
                needs_accessible=c.needs_accessible,
                periods=tuple(p.code for p in c.periods.all()),
                has_car=c.has_car,
                first_departure=c.first_departure,
                excluded_sites=tuple(str(s.pk) for s in c.excluded_sites.all()),
            )
            for c in candidates
        ),
        fixed=fixed,
        forbidden=forbidden,
        previous=prior,
        occupied=dict(occupied),
        labels={p.code: p.label for p in periods},
    )
    return problem, {
        "offers": {str(o.pk): o for o in offers},
        "candidates": {str(c.pk): c for c in candidates},
    }


def matching_start(*, actor: Membership, edition: Edition, rematch: MatchRun | None = None) -> Job:
    from partez.jobs.services import job_start

    if not perms.can_match_offers(actor):
        raise NotAllowed("Seule la coordination attribue les offres.")
    if rematch is not None and rematch.status != MatchStatus.PROPOSED:
        raise DomainError("Seule une attribution proposée se recalcule.", field="run")
    return job_start(
        actor=actor,
        kind="offers_matching",
        label=f"Attribution des offres — {edition.name}",
        params={"edition": edition.pk, "previous": rematch.pk if rematch else None},
    )


def _figures(m: matching.Matching, problem: matching.Problem) -> dict[str, Any]:
    problems = matching.check(problem, m)
    if problems:  # never offer a matching that breaks a rule: the method has a bug
        raise RuntimeError(f"Attribution invalide ({m.method}) : " + " ; ".join(problems[:5]))
    return {
        "matched": m.matched,
        "first_departures": m.first_departures,
        "empty_beds": m.empty_beds,
        "objective": m.objective,
        "bound": m.bound,
        "moved": m.moved,
        "status": m.status,
        "seconds": round(m.seconds, 3),
    }


@handler("offers_matching")
def run_matching(job: Job, progress: Progress) -> None:
    edition = Edition.objects.get(pk=job.params["edition"])
    previous = MatchRun.objects.filter(pk=job.params.get("previous")).first()
    progress.update(2, 100, "Lecture des offres libres et des familles…")
    problem, rows = problem_for(edition, previous)
    progress.update(10, 100, f"{len(problem.families)} familles, {len(problem.offers)} offres : calcul…")
    baseline, greedy = matching.baseline(problem), matching.greedy(problem)
    progress.update(30, 100, "Heuristiques calculées ; solution optimale en cours…")
    solved = matching.solve(problem, progress=lambda f, msg: progress.update(30 + int(60 * f), 100, msg))
    results = {
        "solver": _figures(solved, problem),
        "greedy": _figures(greedy, problem),
        "baseline": _figures(baseline, problem),
        "families": len(problem.families),
        "offers": len(problem.offers),
        "fixed": len(problem.fixed),
        "forbidden": len(problem.forbidden),
    }
    accepted = {}
    if previous is not None:
        accepted = {
            p.candidate_id: p
            for p in previous.proposals.filter(decision=Decision.ACCEPTED).exclude(offer=None)
        }
    with transaction.atomic():
        MatchRun.objects.filter(edition=edition, status=MatchStatus.PROPOSED).update(
            status=MatchStatus.SUPERSEDED
        )
        run = MatchRun.objects.create(
            edition=edition,
            job=job,
            max_families=problem.max_families_per_site_period,
            results=results,
            created_by=job.created_by,
        )
        proposals = []
        for fid, candidate in rows["candidates"].items():
            offer_id = solved.assignments.get(fid)
            kept = accepted.get(candidate.pk) if fid in problem.fixed else None
            proposals.append(
                Proposal(
                    run=run,
                    candidate=candidate,
                    offer=rows["offers"][offer_id] if offer_id else None,
                    explanation=(solved.explanations.get(fid) or solved.unmatched.get(fid, ""))[:400],
                    decision=Decision.ACCEPTED if kept else Decision.PENDING,
                    decision_reason=kept.decision_reason if kept else "",
                    decided_by_id=kept.decided_by_id if kept else None,
                )
            )
        Proposal.objects.bulk_create(proposals)
        audit.record(
            actor=job.created_by,
            organisation=job.organisation,
            action="offers.matching",
            obj=run,
            changes={"matched": solved.matched, "families": len(problem.families), "moved": solved.moved},
        )
    job.result_url = f"/offres/attribution/{run.pk}/"
    job.save(update_fields=["result_url"])


def proposal_decide(*, actor: Membership, proposal: Proposal, accept: bool, reason: str = "") -> Proposal:
    """Accept or refuse a proposal — the coordination, or the porteur of the family's project
    (a refusal needs its reason; it is never proposed again)."""
    if not perms.can_decide_proposals(actor):
        raise NotAllowed("Votre rôle ne permet pas d'examiner les propositions.")
    if not selectors.proposals_for(actor).filter(pk=proposal.pk).exists():
        raise NotAllowed("Cette proposition concerne une famille d'une autre structure.")
    reason = reason.strip()
    if not accept and not reason:
        raise DomainError("Dites pourquoi la proposition est refusée.", field="reason")
    if len(reason) > 300:
        raise DomainError("Le motif tient en 300 caractères au plus.", field="reason")
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().select_related("run").get(pk=proposal.pk)
        if proposal.run.status != MatchStatus.PROPOSED:
            raise DomainError("Cette attribution n'est plus proposée.", field="run")
        if proposal.offer_id is None:
            raise DomainError("Aucune offre n'est proposée à cette famille.")
        proposal.decision = Decision.ACCEPTED if accept else Decision.REFUSED
        proposal.decision_reason = reason
        proposal.decided_by = actor.user
        proposal.save(update_fields=["decision", "decision_reason", "decided_by"])
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="offers.proposal_decide",
            obj=proposal,
            changes={"decision": proposal.decision, "reason": reason},
        )
    return proposal


def matching_apply_start(*, actor: Membership, run: MatchRun) -> Job:
    from partez.jobs.services import job_start

    if not perms.can_match_offers(actor):
        raise NotAllowed("Seule la coordination applique une attribution.")
    if run.status != MatchStatus.PROPOSED:
        raise DomainError("Cette attribution n'est plus proposée (déjà appliquée ou remplacée).", field="run")
    return job_start(
        actor=actor,
        kind="offers_matching_apply",
        label=f"Application de l'attribution n° {run.pk}",
        params={"run": run.pk},
    )


@handler("offers_matching_apply")
def apply_matching(job: Job, progress: Progress) -> None:
    """An option for every proposal not refused, one transaction each, under the booking's locks."""
    run = MatchRun.objects.get(pk=job.params["run"])
    actor = (
        Membership.objects.active()
        .select_related("organisation", "user")
        .filter(user=job.created_by, organisation=job.organisation)
        .first()
    )
    if actor is None or not perms.can_match_offers(actor):
        raise PermissionError("L'auteur·rice n'a plus le droit d'attribuer les offres.")
    if not MatchRun.objects.filter(pk=run.pk, status=MatchStatus.PROPOSED).update(status=MatchStatus.APPLIED):
        raise DomainError("Cette attribution n'est plus proposée.")
    proposals = list(
        run.proposals.exclude(offer=None)
        .exclude(decision=Decision.REFUSED)
        .select_related("offer__site", "offer__period__edition", "candidate__project__household")
        .order_by("id")
    )
    booked = 0
    for done, p in enumerate(proposals):
        assert p.offer is not None
        progress.update(done, len(proposals), f"Option sur {p.offer.reference}")
        project = p.candidate.project
        try:
            booking, _ = services.booking_create(
                actor=actor,
                offer=p.offer,
                household=project.household,
                nonce=f"attribution-{run.pk}-{p.pk}",
                people=p.candidate.people,
                project=project,
            )
        except DomainError as exc:
            p.outcome = exc.message[:300]
        else:
            p.booking, p.outcome = booking, "Option posée"
            booked += 1
        p.save(update_fields=["booking", "outcome"])
    with transaction.atomic():
        MatchRun.objects.filter(pk=run.pk).update(applied_at=timezone.now(), applied_by=job.created_by)
        audit.record(
            actor=job.created_by,
            organisation=job.organisation,
            action="offers.matching_apply",
            obj=run,
            changes={"booked": booked, "skipped": len(proposals) - booked},
        )
    job.result_url = f"/offres/attribution/{run.pk}/"
    job.save(update_fields=["result_url"])
