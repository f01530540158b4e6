"""Writes of the séjour commun: participants, plan and re-plan (background jobs), moves by hand.

Every write to the placements takes the edition's :class:`CampingPlan` row ``select_for_update``
first (one lock order, so no deadlock), checks under that lock, writes, bumps the plan's
``revision`` and records the audit entry. The planner's own checks decide (``planner.check`` for a
whole plan, ``planner.placement_problems`` for one move), so a rule lives in one place; the unique
constraint on (unit, week) is the last line of defence.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from partez.core import audit
from partez.core.errors import DomainError, NotAllowed
from partez.jobs.models import Job
from partez.jobs.registry import Progress, handler
from partez.organisations.models import Membership
from partez.projects.models import Project, ProjectFormat, ProjectStatus
from partez.territory.models import Edition

from . import perms, planner, selectors
from .models import (
    AccommodationUnit,
    BusStop,
    BusTrip,
    CampingPlan,
    CampingWeek,
    Campsite,
    CommuneQuota,
    Participant,
    PickupPoint,
    Placement,
)

if TYPE_CHECKING:
    from partez.households.models import Person

# Validated or later, never withdrawn nor refused: these households go.
GOING = [
    ProjectStatus.VALIDATED,
    ProjectStatus.AID_GRANTED,
    ProjectStatus.DEPARTED,
    ProjectStatus.RETURNED,
    ProjectStatus.EVALUATED,
]
BOARD_URL = "/sejour-commun/"
MAX_TIME_LIMIT = 300


def _require_planner(actor: Membership) -> None:
    if not perms.can_plan_camping(actor):
        raise NotAllowed("Seule la coordination planifie le séjour commun.")


def _locked_plan(edition: Edition) -> CampingPlan:
    """The edition's plan row (created on the first write), locked until the end of the
    transaction (every placement write)."""
    CampingPlan.objects.get_or_create(edition=edition)
    return CampingPlan.objects.select_for_update().get(edition=edition)


def _bump(plan: CampingPlan) -> None:
    plan.revision += 1
    plan.save(update_fields=["revision"])


# --- participants ------------------------------------------------------------------------------


def participants_sync(*, actor: Membership, edition: Edition) -> dict[str, int]:
    """Bring the participants in line with the projects: a validated camping project gets its
    household in (people = its travellers, accessible need if one of them has a disability, its
    week if the edition offers it — else every week —, its destination's campsite as a wish); a
    project withdrawn or refused since takes its household out (its place is freed)."""
    _require_planner(actor)
    projects = list(
        Project.objects.filter(edition=edition, format=ProjectFormat.CAMPING)
        .select_related("household")
        .prefetch_related("travellers")
    )
    weeks = sorted(
        set(CampingWeek.objects.filter(campsite__edition=edition).values_list("starts_on", flat=True))
    )
    towns: dict[str, list[Campsite]] = defaultdict(list)
    for c in Campsite.objects.filter(edition=edition):
        towns[c.town.casefold()].append(c)
    counts = {"added": 0, "cancelled": 0, "updated": 0}
    with transaction.atomic():
        plan = _locked_plan(edition)
        existing = {p.project_id: p for p in Participant.objects.filter(edition=edition)}
        touched_weeks: set[int] = set()
        for project in projects:
            going = project.status in GOING
            travellers = list(project.travellers.all())
            participant = existing.get(project.pk)
            if participant is None:
                if not going or not travellers:
                    continue
                participant, preferred = new_participant(project, travellers, weeks, towns)
                participant.save()
                participant.preferred_campsites.set(preferred)
                counts["added"] += 1
            elif participant.cancelled_at is None and not going:
                touched_weeks |= _cancel(participant, f"Projet {project.get_status_display().lower()}")
                counts["cancelled"] += 1
            elif participant.cancelled_at is None and travellers and participant.people != len(travellers):
                participant.people = len(travellers)
                participant.save(update_fields=["people"])
                counts["updated"] += 1
        if touched_weeks:
            _repack(edition, touched_weeks)
        if any(counts.values()):
            _bump(plan)
            audit.record(
                actor=actor.user,
                organisation=actor.organisation,
                action="camping.participants_sync",
                obj=plan,
                changes=counts,
            )
    return counts


def new_participant(
    project: Project,
    travellers: Sequence[Person],
    weeks: Sequence[dt.date],
    towns: Mapping[str, list[Campsite]],
) -> tuple[Participant, list[Campsite]]:
    """The (unsaved) participant of a validated camping project and its preferred campsites:
    people = the travellers, an accessible unit if one of them has a disability, the project's
    week if the edition offers it (else every week), the campsite of its destination's town."""
    start = project.start_date
    participant = Participant(
        edition_id=project.edition_id,
        project=project,
        household_id=project.household_id,
        people=len(travellers),
        needs_accessible=any(t.has_disability for t in travellers),
        allowed_weeks=[w.isoformat() for w in ([start] if start is not None and start in weeks else weeks)],
    )
    return participant, towns.get(project.destination.casefold(), [])


def _cancel(participant: Participant, reason: str) -> set[int]:
    """Cancel (the caller holds the plan lock); returns the week freed, if any."""
    freed = set(Placement.objects.filter(participant=participant).values_list("week_id", flat=True))
    Placement.objects.filter(participant=participant).delete()
    participant.cancelled_at = timezone.now()
    participant.cancel_reason = reason[:200]
    participant.unplaced_reason = ""
    participant.save(update_fields=["cancelled_at", "cancel_reason", "unplaced_reason"])
    return freed


def participant_cancel(*, actor: Membership, participant: Participant, reason: str) -> Participant:
    """Take a household out of the séjour commun (its place is freed, its bus re-packed)."""
    _require_planner(actor)
    reason = reason.strip()
    if not reason:
        raise DomainError("Indiquez le motif de l'annulation.", field="reason")
    with transaction.atomic():
        plan = _locked_plan(participant.edition)
        participant = Participant.objects.select_related("household", "edition").get(pk=participant.pk)
        if participant.cancelled_at is not None:
            raise DomainError("Ce foyer est déjà retiré du séjour commun.")
        _repack(participant.edition, _cancel(participant, reason))
        _bump(plan)
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="camping.participant_cancel",
            obj=participant,
            changes={"reason": reason},
        )
    return participant


def participant_update(
    *,
    actor: Membership,
    participant: Participant,
    needs_accessible: bool,
    allowed_weeks: Sequence[dt.date],
    preferred_campsites: Sequence[Campsite],
    companion_references: Sequence[str],
) -> Participant:
    """A household's need and wishes; refused if its current place would no longer fit."""
    _require_planner(actor)
    edition = participant.edition
    offered = set(CampingWeek.objects.filter(campsite__edition=edition).values_list("starts_on", flat=True))
    errors = {}
    if not allowed_weeks:
        errors["allowed_weeks"] = "Choisissez au moins une semaine."
    elif set(allowed_weeks) - offered:
        errors["allowed_weeks"] = "Une des semaines choisies n'est proposée par aucun camping."
    if any(c.edition_id != edition.pk for c in preferred_campsites):
        errors["preferred_campsites"] = "Camping d'une autre édition."
    references = sorted({r.strip().upper() for r in companion_references if r.strip()})
    companions = list(
        Participant.objects.active()
        .filter(edition=edition, household__reference__in=references)
        .exclude(pk=participant.pk)
        .select_related("household")
    )
    found = {c.household.reference for c in companions}
    missing = [r for r in references if r not in found]
    if missing:
        errors["companions"] = (
            f"Foyer{'s' if len(missing) > 1 else ''} absent{'s' if len(missing) > 1 else ''} du séjour commun : "
            + ", ".join(missing)
        )
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        plan = _locked_plan(edition)
        participant = Participant.objects.select_related("household").get(pk=participant.pk)
        before = {
            "needs_accessible": participant.needs_accessible,
            "allowed_weeks": list(participant.allowed_weeks),
        }
        participant.needs_accessible = needs_accessible
        participant.allowed_weeks = sorted(w.isoformat() for w in allowed_weeks)
        plan_in, index = selectors.plan_input(edition)
        placement = index.placements.get(participant.household.reference)
        if placement is not None:
            me = selectors.planner_household(participant, [c.name for c in preferred_campsites], [])
            households = tuple(h if h.id != me.id else me for h in plan_in.households)
            problems = planner.placement_problems(
                replace(plan_in, households=households),
                selectors.assignments(index),
                index.assignment(placement),
            )
            if problems:
                raise DomainError(
                    "Sa place actuelle ne conviendrait plus : "
                    + " ".join(problems)
                    + " Déplacez-le d'abord.",
                    field="needs_accessible",
                )
        participant.save(update_fields=["needs_accessible", "allowed_weeks"])
        participant.preferred_campsites.set(preferred_campsites)
        participant.companions.set(companions)
        _bump(plan)
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="camping.participant_update",
            obj=participant,
            changes=audit.diff(
                before,
                {
                    "needs_accessible": participant.needs_accessible,
                    "allowed_weeks": participant.allowed_weeks,
                },
            )
            | {
                "campsites": [c.name for c in preferred_campsites],
                "with": [c.household.reference for c in companions],
            },
        )
    return participant


# --- moves by hand -----------------------------------------------------------------------------


def _move_problems(participant: Participant, unit: AccommodationUnit, week: CampingWeek) -> list[str]:
    """French reasons the move is refused (``[]``: accepted) — read under the caller's lock."""
    edition = participant.edition
    if unit.campsite_id != week.campsite_id:
        return ["Cet hébergement n'est pas dans le camping de cette semaine."]
    if week.campsite.edition_id != edition.pk:
        return ["Camping d'une autre édition."]
    if participant.cancelled_at is not None:
        return ["Ce foyer est retiré du séjour commun."]
    plan_in, index = selectors.plan_input(edition)
    current = index.placements.get(participant.household.reference)
    if current is not None and current.locked:
        return ["Sa place est verrouillée : déverrouillez-la d'abord."]
    a = planner.Assignment(participant.household.reference, week.campsite.name, unit.label, week.starts_on)
    return planner.placement_problems(plan_in, selectors.assignments(index), a)


def placement_check(
    *, actor: Membership, participant: Participant, unit: AccommodationUnit, week: CampingWeek
) -> list[str]:
    """Why a move would be refused (``[]``: it would be accepted). Nothing is written."""
    _require_planner(actor)
    problems = _move_problems(participant, unit, week)
    return problems


def placement_move(
    *, actor: Membership, participant: Participant, unit: AccommodationUnit, week: CampingWeek
) -> Placement:
    """Put a household in ``unit`` for ``week`` (placing it, or moving it from its place), after
    the planner's checks of one move under the plan lock; the buses of both weeks are re-packed."""
    _require_planner(actor)
    with transaction.atomic():
        plan = _locked_plan(participant.edition)
        participant = Participant.objects.select_related("household__commune", "edition").get(
            pk=participant.pk
        )
        problems = _move_problems(participant, unit, week)
        if problems:
            raise DomainError("Déplacement refusé : " + " ".join(problems), field="target")
        placement = Placement.objects.filter(participant=participant).select_related("unit", "week").first()
        before = None
        touched = {week.pk}
        if placement is not None:
            before = {
                "unit": placement.unit.label,
                "campsite": placement.unit.campsite.name,
                "week": placement.week.starts_on.isoformat(),
            }
            touched.add(placement.week_id)
            placement.unit, placement.week = unit, week
            placement.manual, placement.placed_by, placement.placed_at = True, actor.user, timezone.now()
            fields = ["unit", "week", "manual", "placed_by", "placed_at"]
        try:
            with transaction.atomic():
                if placement is None:
                    placement = Placement.objects.create(
                        edition=participant.edition,
                        participant=participant,
                        unit=unit,
                        week=week,
                        manual=True,
                        placed_by=actor.user,
                    )
                else:
                    placement.save(update_fields=fields)
        except IntegrityError:  # the lock makes this impossible; the constraint has the last word
            raise DomainError(
                "Déplacement refusé : cet hébergement vient d'être pris cette semaine.", field="target"
            ) from None
        if participant.unplaced_reason:
            participant.unplaced_reason = ""
            participant.save(update_fields=["unplaced_reason"])
        _repack(participant.edition, touched)
        _bump(plan)
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="camping.move",
            obj=placement,
            changes={
                "household": participant.household.reference,
                "from": before,
                "to": {
                    "unit": unit.label,
                    "campsite": week.campsite.name,
                    "week": week.starts_on.isoformat(),
                },
            },
        )
    return placement


def placement_lock(*, actor: Membership, placement: Placement, locked: bool) -> Placement:
    """Lock a household's place (a re-plan keeps it as it is) or unlock it."""
    _require_planner(actor)
    with transaction.atomic():
        plan = _locked_plan(placement.edition)
        placement = Placement.objects.select_for_update().get(pk=placement.pk)
        if placement.locked == locked:
            return placement
        placement.locked = locked
        placement.save(update_fields=["locked"])
        _bump(plan)
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="camping.lock" if locked else "camping.unlock",
            obj=placement,
        )
    return placement


# --- buses -------------------------------------------------------------------------------------


def _stop_times(
    points: Mapping[str, PickupPoint], communes: Sequence[str], minutes: int
) -> list[tuple[str, PickupPoint | None, dt.time | None, dt.time | None]]:
    """Stops in order of their pickup time, each at least ``minutes`` after the previous one;
    drop-offs back in reverse order, the same spacing."""

    def key(code: str) -> tuple[dt.time, str]:
        p = points.get(code)
        return (p.departure_time if p else dt.time(23, 59), p.commune.name if p else code)

    ordered = sorted(communes, key=key)
    day = dt.date(2000, 1, 1)
    gap = dt.timedelta(minutes=minutes)
    departures: list[dt.datetime | None] = []
    returns: list[dt.datetime | None] = [None] * len(ordered)
    previous: dt.datetime | None = None
    for code in ordered:
        p = points.get(code)
        t = dt.datetime.combine(day, p.departure_time) if p else None
        if t is not None and previous is not None:
            t = max(t, previous + gap)
        departures.append(t)
        previous = t or previous
    previous = None
    for i in range(len(ordered) - 1, -1, -1):
        p = points.get(ordered[i])
        t = dt.datetime.combine(day, p.return_time) if p else None
        if t is not None and previous is not None:
            t = max(t, previous + gap)
        returns[i] = t
        previous = t or previous
    return [
        (code, points.get(code), d.time() if d else None, r.time() if r else None)
        for code, d, r in zip(ordered, departures, returns, strict=True)
    ]


def _save_trips(edition: Edition, trips: Iterable[planner.Trip], index: selectors.Index) -> int:
    """Write the trips (numbered per campsite-week) and link each placement to its own."""
    plan = selectors.camping_plan(edition)
    points = selectors.pickup_points(edition)
    # every stop is the commune of a household on the trip, loaded with the participants
    communes = {p.household.commune.insee_code: p.household.commune_id for p in index.participants.values()}
    numbers: dict[int, int] = defaultdict(int)
    created = []
    for t in trips:
        week = index.weeks[t.campsite, t.week]
        numbers[week.pk] += 1
        created.append(
            (BusTrip(edition=edition, week=week, number=numbers[week.pk], passengers=t.passengers), t)
        )
    BusTrip.objects.bulk_create([trip for trip, _ in created])
    stops, linked = [], []
    for trip, t in created:
        for order, (code, point, departure, back) in enumerate(
            _stop_times(points, t.stops, plan.minutes_between_stops), start=1
        ):
            stops.append(
                BusStop(
                    trip=trip,
                    order=order,
                    commune_id=communes[code],
                    place=point.place if point else "",
                    departure_time=departure,
                    return_time=back,
                )
            )
        for reference in t.households:
            placement = index.placements[reference]
            placement.trip = trip
            linked.append(placement)
    BusStop.objects.bulk_create(stops)
    Placement.objects.bulk_update(linked, ["trip"])
    return len(created)


def _repack(edition: Edition, week_ids: set[int]) -> None:
    """Re-pack the buses of these campsite-weeks after a change of placement (caller holds the lock)."""
    if not week_ids:
        return
    BusTrip.objects.filter(week_id__in=week_ids).delete()
    plan_in, index = selectors.plan_input(edition)
    places = {(w.campsite.name, w.starts_on) for w in index.weeks.values() if w.pk in week_ids}
    concerned = [a for a in selectors.assignments(index) if (a.campsite, a.week) in places]
    if concerned:
        _save_trips(edition, planner.buses_for(plan_in, concerned), index)


# --- plan and re-plan (background jobs) --------------------------------------------------------


def plan_start(*, actor: Membership, edition: Edition, replan: bool, time_limit: int) -> Job:
    """Start the planner as a background job (``replan``: keep as many places as possible)."""
    from partez.jobs.services import job_start

    _require_planner(actor)
    if not 1 <= time_limit <= MAX_TIME_LIMIT:
        raise DomainError(
            f"La durée de calcul est comprise entre 1 et {MAX_TIME_LIMIT} secondes.", field="time_limit"
        )
    if not Campsite.objects.filter(edition=edition, units__isnull=False, weeks__isnull=False).exists():
        raise DomainError("Aucun camping n'a d'hébergements et de semaines : rien à planifier.")
    verb = "Replanification" if replan else "Planification"
    return job_start(
        actor=actor,
        kind="camping_plan",
        label=f"{verb} du séjour commun — {edition.name}",
        params={"edition": edition.pk, "replan": replan, "time_limit": time_limit},
    )


def _job_actor(job: Job) -> Membership:
    actor = (
        Membership.objects.active()
        .select_related("organisation", "user")
        .filter(user=job.created_by, organisation=job.organisation)
        .first()
    )
    if actor is None or not perms.can_plan_camping(actor):
        raise PermissionError("L'auteur·rice n'a plus le droit de planifier le séjour commun.")
    return actor


@handler("camping_plan")
def run_plan(job: Job, progress: Progress) -> None:
    actor = _job_actor(job)
    edition = Edition.objects.get(pk=job.params["edition"])
    replan = bool(job.params.get("replan"))
    progress.update(1, 100, "Mise à jour de la liste des foyers…")
    participants_sync(actor=actor, edition=edition)
    revision = selectors.camping_plan(edition).revision
    plan_in, index = selectors.plan_input(edition, replan=replan)
    progress.update(3, 100, f"{len(plan_in.households)} foyers, {len(plan_in.campsites)} campings")

    def on_progress(fraction: float, message: str) -> None:
        progress.update(3 + int(fraction * 94), 100, message)  # raises Cancelled: the search stops

    result = planner.solve(plan_in, time_limit=float(job.params["time_limit"]), progress=on_progress)
    problems = planner.check(plan_in, result)
    if problems:  # never save a plan that breaks a constraint
        raise RuntimeError("Plan invalide : " + " ; ".join(problems[:5]))
    progress.update(98, 100, "Enregistrement du plan…")
    stats = plan_save(
        actor=actor, edition=edition, result=result, index=index, revision=revision, replan=replan
    )
    moved = f", {stats['moved']} foyers déplacés" if replan else ""
    job.message = (
        f"{stats['people_placed']} personnes placées ({stats['households_placed']} foyers, "
        f"{stats['unplaced']} non placés), {stats['buses']} cars{moved}"
    )[:300]
    job.result_url = BOARD_URL
    job.save(update_fields=["message", "result_url"])


def plan_save(
    *,
    actor: Membership,
    edition: Edition,
    result: planner.Plan,
    index: selectors.Index,
    revision: int,
    replan: bool,
) -> dict[str, Any]:
    """Put a computed plan in force, in one transaction: places that did not change keep their
    row (who placed them, when, their lock), the others are replaced; buses rewritten; each
    unplaced household gets its reason. Refused if the plan changed while it was computed."""
    _require_planner(actor)
    with transaction.atomic():
        plan = _locked_plan(edition)
        if plan.revision != revision:
            raise DomainError(
                "Le plan a changé pendant le calcul (déplacement, verrou ou annulation) : relancez-le.",
                field="revision",
            )
        wanted = {a.household: a for a in result.assignments}
        current = dict(index.placements)
        moved = 0
        keep = {}
        for reference, placement in current.items():
            a = wanted.get(reference)
            if a is not None and index.assignment(placement) == a:
                keep[reference] = placement
            else:
                moved += 1
        BusTrip.objects.filter(edition=edition).delete()
        Placement.objects.filter(edition=edition).exclude(pk__in=[p.pk for p in keep.values()]).delete()
        new = []
        for reference, a in sorted(wanted.items()):
            if reference in keep:
                continue
            new.append(
                Placement(
                    edition=edition,
                    participant=index.participants[reference],
                    unit=index.units[a.campsite, a.unit],
                    week=index.weeks[a.campsite, a.week],
                    placed_by=actor.user,
                )
            )
        Placement.objects.bulk_create(new)
        index.placements = {**keep, **{p.participant.household.reference: p for p in new}}
        _save_trips(edition, result.buses, index)
        participants = []
        for reference, p in index.participants.items():
            reason = result.unplaced.get(reference, "")[:300]
            if p.unplaced_reason != reason:
                p.unplaced_reason = reason
                participants.append(p)
        Participant.objects.bulk_update(participants, ["unplaced_reason"])
        s = result.stats
        stats = {
            "people_placed": s.people_placed,
            "households_placed": len(result.assignments),
            "unplaced": len(result.unplaced),
            "buses": s.buses,
            "wishes_honoured": s.wishes_honoured,
            "empty_beds": s.empty_beds,
            "status": s.status,
            "bound": s.bound,
            "gap": round(planner.gap(result), 4),
            "seconds": round(s.seconds, 2),
            "replan": replan,
            "moved": moved if replan else None,
            "locked": sum(1 for p in keep.values() if p.locked),
        }
        plan.stats = stats
        plan.planned_at = timezone.now()
        plan.planned_by = actor.user
        plan.revision += 1
        plan.save(update_fields=["stats", "planned_at", "planned_by", "revision"])
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="camping.replan" if replan else "camping.plan",
            obj=plan,
            changes=stats,
        )
    return stats


# --- setup from the planner's JSON (``manage.py camping_json``) ---------------------------------


def setup_import(*, edition: Edition, data: Any, actor: Membership | None = None) -> dict[str, int]:
    """Campsites, units, weeks, bus settings and commune quotas from the planner's JSON input
    (the ``plan_camping`` format; its households are ignored: participants come from the
    projects). Validated first (:class:`planner.PlanInputError` names the faulty field), then
    written in one transaction under the plan lock; campsites are matched by name (``name``, else
    ``id``), units by label: importing twice changes nothing."""
    from partez.territory.models import Commune

    if actor is not None:
        _require_planner(actor)
    parsed = planner.parse_input(data)
    names = {}
    for i, raw in enumerate(data["campsites"]):
        name = str(raw.get("name") or raw["id"]).strip()[:120]
        if not name:
            raise planner.PlanInputError(f"campsites[{i}].name", "nom vide")
        names[parsed.campsites[i].id] = (name, str(raw.get("town") or name)[:120])
    communes = dict(
        Commune.objects.filter(insee_code__in=list(parsed.quotas)).values_list("insee_code", "pk")
    )
    for insee in parsed.quotas:
        if insee not in communes:
            raise planner.PlanInputError(f"quotas.{insee}", "commune inconnue (code INSEE)")
    counts = {"campsites": 0, "units": 0, "weeks": 0, "quotas": 0}
    with transaction.atomic():
        plan = _locked_plan(edition)
        plan.bus_seats, plan.bus_max_stops = parsed.bus.seats, parsed.bus.max_stops
        plan.save(update_fields=["bus_seats", "bus_max_stops"])
        for c in parsed.campsites:
            name, town = names[c.id]
            campsite, created = Campsite.objects.get_or_create(
                edition=edition, name=name, defaults={"town": town}
            )
            counts["campsites"] += created
            for u in c.units:
                _, created = AccommodationUnit.objects.update_or_create(
                    campsite=campsite, label=u.id[:40], defaults={"beds": u.beds, "accessible": u.accessible}
                )
                counts["units"] += created
            for start in c.weeks:
                _, created = CampingWeek.objects.get_or_create(
                    campsite=campsite, starts_on=start, defaults={"ends_on": start + dt.timedelta(days=7)}
                )
                counts["weeks"] += created
        for insee, people in parsed.quotas.items():
            _, created = CommuneQuota.objects.update_or_create(
                edition=edition, commune_id=communes[insee], defaults={"people": people}
            )
            counts["quotas"] += created
        _bump(plan)
        audit.record(
            actor=actor.user if actor else None,
            organisation=actor.organisation if actor else None,
            action="camping.setup_import",
            obj=plan,
            changes=counts,
        )
    return counts


def setup_export(edition: Edition) -> dict[str, Any]:
    """The planner's JSON input for the edition as it stands (the plan in force as ``previous``,
    locked places as ``locked``), for ``manage.py plan_camping`` or any other planner."""
    plan_in, _ = selectors.plan_input(edition, replan=True)

    def assignment(a: planner.Assignment) -> dict[str, str]:
        return {"household": a.household, "campsite": a.campsite, "unit": a.unit, "week": a.week.isoformat()}

    return {
        "campsites": [
            {
                "id": c.id,
                "name": c.name,
                "units": [{"id": u.id, "beds": u.beds, "accessible": u.accessible} for u in c.units],
                "weeks": [w.isoformat() for w in c.weeks],
            }
            for c in plan_in.campsites
        ],
        "bus": {"seats": plan_in.bus.seats, "max_stops": plan_in.bus.max_stops},
        "quotas": dict(plan_in.quotas),
        "households": [
            {
                "id": h.id,
                "commune": h.commune,
                "people": h.people,
                "needs_accessible": h.needs_accessible,
                "weeks": [w.isoformat() for w in h.weeks],
                "with": list(h.companions),
                "campsites": list(h.campsites),
            }
            for h in plan_in.households
        ],
        "locked": [assignment(a) for a in plan_in.locked],
        "previous": [assignment(a) for a in plan_in.previous],
    }


# --- settings of the edition's séjour commun -----------------------------------------------------

SETTINGS_FIELDS = [
    "bus_seats",
    "bus_max_stops",
    "minutes_between_stops",
    "contact_name",
    "contact_phone",
    "what_to_bring",
]


def settings_save(
    *, actor: Membership, edition: Edition, values: dict[str, Any], quotas: dict[int, int | None]
) -> CampingPlan:
    """Bus settings, the letters' texts and the commune quotas (``None``: no limit). Refused when
    the plan in force would break them (a household larger than a bus, a commune already over its
    new quota); the buses are re-packed for the new seats and stops."""
    from django.db.models import Max, Sum

    from partez.territory.models import Commune

    _require_planner(actor)
    errors = {}
    if not 1 <= values["bus_seats"] <= 100:
        errors["bus_seats"] = "Un car a entre 1 et 100 places."
    if not 1 <= values["bus_max_stops"] <= 20:
        errors["bus_max_stops"] = "Entre 1 et 20 arrêts par car."
    if not 0 <= values["minutes_between_stops"] <= 120:
        errors["minutes_between_stops"] = "Entre 0 et 120 minutes."
    biggest = Participant.objects.active().filter(edition=edition).aggregate(m=Max("people"))["m"] or 0
    if "bus_seats" not in errors and biggest > values["bus_seats"]:
        errors["bus_seats"] = (
            f"Un foyer inscrit compte {biggest} personnes : il faut au moins {biggest} places."
        )
    if any(q is not None and q < 0 for q in quotas.values()):
        errors["quotas"] = "Un quota est un nombre de personnes positif."
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        plan = _locked_plan(edition)
        placed = dict(
            Placement.objects.filter(edition=edition)
            .values("participant__household__commune_id")
            .annotate(people=Sum("participant__people"))
            .values_list("participant__household__commune_id", "people")
        )
        names = dict(Commune.objects.filter(pk__in=list(quotas)).values_list("pk", "name"))
        over = [
            f"{names.get(pk, pk)} ({placed[pk]} personnes déjà placées)"
            for pk, q in sorted(quotas.items())
            if q is not None and placed.get(pk, 0) > q
        ]
        if over:
            raise DomainError(
                "Quota inférieur aux personnes déjà placées : " + ", ".join(over) + ".", field="quotas"
            )
        before = audit.snapshot(plan, SETTINGS_FIELDS)
        for name in SETTINGS_FIELDS:
            setattr(plan, name, values[name])
        plan.save(update_fields=SETTINGS_FIELDS)
        existing = {q.commune_id: q for q in CommuneQuota.objects.filter(edition=edition)}
        for pk, people in quotas.items():
            if people is None:
                if pk in existing:
                    existing[pk].delete()
            elif pk in existing:
                if existing[pk].people != people:
                    existing[pk].people = people
                    existing[pk].save(update_fields=["people"])
            else:
                CommuneQuota.objects.create(edition=edition, commune_id=pk, people=people)
        _repack(
            edition, set(CampingWeek.objects.filter(campsite__edition=edition).values_list("pk", flat=True))
        )
        _bump(plan)
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="camping.settings",
            obj=plan,
            changes=audit.diff(before, audit.snapshot(plan, SETTINGS_FIELDS))
            | {"quotas": {str(k): v for k, v in sorted(quotas.items())}},
        )
    return plan
