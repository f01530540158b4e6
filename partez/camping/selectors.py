"""Reads of the séjour commun: scopes, the planner's input from the database, the board.

The planner (:mod:`partez.camping.planner`, pure) speaks in ids: here a household is its
reference (``F-7KQ2MX``), a campsite its name (unique in an edition), a unit its label (unique in
its campsite) and a week its first day, so the planner's French messages (« l'hébergement MH-03 a
4 lits pour 5 personnes ») read well as they are. :class:`Index` maps them back to rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from django.db.models import Prefetch, QuerySet

from partez.core.collation import french_order
from partez.households import naming
from partez.households.models import Person, Relation
from partez.organisations.models import Membership
from partez.territory.models import Commune, Edition

from . import perms, planner
from .models import (
    AccommodationUnit,
    BusStop,
    BusTrip,
    CampingPlan,
    CampingWeek,
    Campsite,
    CommuneQuota,
    Participant,
    ParticipantQuerySet,
    PickupPoint,
    Placement,
)


def camping_plan(edition: Edition) -> CampingPlan:
    """The edition's séjour commun settings and plan figures, read only: the row is created by the
    first service that writes to it (``services._locked_plan``); until then, the defaults (an
    unsaved row), so a page is never a write."""
    return CampingPlan.objects.filter(edition=edition).first() or CampingPlan(edition=edition)


# --- scopes ------------------------------------------------------------------------------------


def campsites_for(m: Membership, edition: Edition) -> QuerySet[Campsite]:
    """The campsites a member sees: all of them, or a host's own."""
    campsites = Campsite.objects.filter(edition=edition)
    if perms.can_plan_camping(m) or perms.is_commune_referent(m):
        return campsites
    if perms.is_campsite_host(m):
        return campsites.filter(host=m.organisation)
    return campsites.none()


def participant_files_for(m: Membership, edition: Edition) -> ParticipantQuerySet:
    """The participants whose page and convocation letter ``m`` may open: those it sees, but
    never for a host (a campsite gets its rosters, not the households' pages)."""
    if not perms.can_get_letters(m):
        return Participant.objects.none()
    return participants_for(m, edition)


def communes_for(m: Membership, edition: Edition) -> QuerySet[Commune]:
    """The communes whose households ``m`` sees on the board: a commune referent's own, else the
    edition's communes."""
    if perms.is_commune_referent(m):
        return Commune.objects.defer("geometry").filter(pk__in=[m.organisation.commune_id])
    return edition.communes.defer("geometry")


def board_commune_id(m: Membership, requested: int | None) -> int | None:
    """The board's commune filter: a commune referent's own commune, whatever she asks for."""
    return m.organisation.commune_id if perms.is_commune_referent(m) else requested


def participants_for(m: Membership, edition: Edition) -> ParticipantQuerySet:
    """The participants a member sees: all (coordination), its commune's (commune referent),
    those placed in its campsites (host)."""
    participants = Participant.objects.filter(edition=edition)
    if perms.can_plan_camping(m):
        return participants
    if perms.is_commune_referent(m):
        return participants.filter(household__commune_id__in=[m.organisation.commune_id])
    if perms.is_campsite_host(m):
        return participants.filter(placement__unit__campsite__host=m.organisation)
    return participants.none()


# --- the planner's input -------------------------------------------------------------------------


@dataclass
class Index:
    """The rows behind the planner's ids."""

    campsites: dict[str, Campsite] = field(default_factory=dict)  # name ->
    units: dict[tuple[str, str], AccommodationUnit] = field(default_factory=dict)  # (campsite, label) ->
    weeks: dict[tuple[str, dt.date], CampingWeek] = field(default_factory=dict)  # (campsite, start) ->
    participants: dict[str, Participant] = field(default_factory=dict)  # reference ->
    placements: dict[str, Placement] = field(default_factory=dict)  # reference -> (plan in force)

    def assignment(self, placement: Placement) -> planner.Assignment:
        return planner.Assignment(
            household=placement.participant.household.reference,
            campsite=placement.unit.campsite.name,
            unit=placement.unit.label,
            week=placement.week.starts_on,
        )


def planner_household(p: Participant, preferred: list[str], companions: list[str]) -> planner.Household:
    return planner.Household(
        id=p.household.reference,
        commune=p.household.commune.insee_code,
        people=p.people,
        needs_accessible=p.needs_accessible,
        weeks=tuple(sorted(dt.date.fromisoformat(w) for w in p.allowed_weeks)),
        companions=tuple(sorted(companions)),
        campsites=tuple(sorted(preferred)),
    )


def plan_input(edition: Edition, *, replan: bool = False) -> tuple[planner.PlanInput, Index]:
    """The planner's input for the edition's active participants, in a fixed number of queries
    (9, whatever the number of campsites, units, weeks and participants).

    Locked places are imposed (``locked``) when they still hold (a household that grew since is
    passed as an ordinary place); with ``replan`` the plan in force is ``previous``, so the
    planner moves as few households as it can."""
    settings = camping_plan(edition)
    index = Index()
    campsites = list(Campsite.objects.filter(edition=edition).order_by("name"))
    by_pk = {c.pk: c for c in campsites}
    units_of: dict[int, list[AccommodationUnit]] = defaultdict(list)
    for u in AccommodationUnit.objects.filter(campsite__edition=edition).order_by("label"):
        u.campsite = by_pk[u.campsite_id]
        units_of[u.campsite_id].append(u)
        index.units[u.campsite.name, u.label] = u
    weeks_of: dict[int, list[CampingWeek]] = defaultdict(list)
    for w in CampingWeek.objects.filter(campsite__edition=edition).order_by("starts_on"):
        w.campsite = by_pk[w.campsite_id]
        weeks_of[w.campsite_id].append(w)
        index.weeks[w.campsite.name, w.starts_on] = w
    for c in campsites:
        index.campsites[c.name] = c
    units_by_pk = {u.pk: u for u in index.units.values()}
    weeks_by_pk = {w.pk: w for w in index.weeks.values()}
    participants = list(
        Participant.objects.active()
        .filter(edition=edition)
        .select_related("household__commune")
        .defer("household__commune__geometry")
        .prefetch_related(
            Prefetch("preferred_campsites", queryset=Campsite.objects.only("id", "name")),
            Prefetch(
                "companions",
                queryset=Participant.objects.active()
                .select_related("household")
                .only("id", "household__reference"),
            ),
        )
    )
    households = []
    for p in participants:
        index.participants[p.household.reference] = p
        households.append(
            planner_household(
                p,
                [c.name for c in p.preferred_campsites.all()],
                [g.household.reference for g in p.companions.all()],
            )
        )
    quotas = dict(CommuneQuota.objects.filter(edition=edition).values_list("commune__insee_code", "people"))
    by_reference = {p.pk: p for p in participants}
    placements = Placement.objects.filter(edition=edition, participant__cancelled_at__isnull=True)
    locked, previous = [], []
    for placement in placements.order_by("pk"):
        participant = by_reference.get(placement.participant_id)
        if participant is None:
            continue
        placement.participant = participant
        placement.unit = units_by_pk[placement.unit_id]
        placement.week = weeks_by_pk[placement.week_id]
        index.placements[participant.household.reference] = placement
    plan_in = planner.PlanInput(
        campsites=tuple(
            planner.Campsite(
                id=c.name,
                name=c.name,
                units=tuple(planner.Unit(u.label, u.beds, u.accessible) for u in units_of[c.pk]),
                weeks=tuple(w.starts_on for w in weeks_of[c.pk]),
            )
            for c in campsites
        ),
        bus=planner.Bus(seats=settings.bus_seats, max_stops=settings.bus_max_stops),
        households=tuple(households),
        quotas=quotas,
    )
    campsites_in = {c.id: c for c in plan_in.campsites}
    households_in = {h.id: h for h in households}
    for reference, placement in sorted(index.placements.items()):
        a = index.assignment(placement)
        fits = not planner.assignment_problem(a, households_in[reference], campsites_in, plan_in.bus)
        if placement.locked and fits:
            locked.append(a)
        elif replan:
            previous.append(a)
    locked = _within_quotas(locked, households_in, quotas, previous if replan else None)
    return replace(plan_in, locked=tuple(locked), previous=tuple(previous)), index


def _within_quotas(
    locked: Iterable[planner.Assignment],
    households: Mapping[str, planner.Household],
    quotas: Mapping[str, int],
    previous: list[planner.Assignment] | None,
) -> list[planner.Assignment]:
    """Locked places that fit their commune's quota (a quota lowered since: the extra ones are
    passed as ordinary places, never imposed)."""
    used: dict[str, int] = defaultdict(int)
    kept = []
    for a in locked:
        h = households[a.household]
        if h.commune in quotas and used[h.commune] + h.people > quotas[h.commune]:
            if previous is not None:
                previous.append(a)
            continue
        used[h.commune] += h.people
        kept.append(a)
    return kept


def assignments(index: Index) -> list[planner.Assignment]:
    """The plan in force as the planner's assignments."""
    return [index.assignment(p) for p in index.placements.values()]


# --- the board ---------------------------------------------------------------------------------


def head_names(household_ids: Iterable[int]) -> dict[int, str]:
    """« Dupuis Martine » (``households.naming``) of each household's head, in one query."""
    names = {}
    for hid, first, last in Person.objects.filter(
        household_id__in=household_ids, relation=Relation.HEAD
    ).values_list("household_id", "first_name", "last_name"):
        names[hid] = naming.full_name(last, first)
    return names


@dataclass
class UnitRow:
    unit: AccommodationUnit
    placement: Placement | None
    visible: bool  # False: occupied by a household the viewer may not see


@dataclass
class Cell:
    campsite: Campsite
    week: CampingWeek
    rows: list[UnitRow]
    trips: list[BusTrip]

    @property
    def people(self) -> int:
        return sum(r.placement.participant.people for r in self.rows if r.placement)

    @property
    def beds(self) -> int:
        return sum(r.unit.beds for r in self.rows)

    @property
    def occupied(self) -> int:
        return sum(1 for r in self.rows if r.placement)


@dataclass
class Board:
    weeks: list[tuple[dt.date, list[Cell]]]
    unplaced: list[Participant]


def board(
    m: Membership,
    edition: Edition,
    *,
    commune_id: int | None = None,
    week: dt.date | None = None,
    campsite_id: int | None = None,
) -> Board:
    """Weeks × campsites with each unit's occupant, the buses and the unplaced households, as the
    member may see them, in a fixed number of queries (whatever the size of the plan)."""
    campsites = list(campsites_for(m, edition).order_by("name"))
    if campsite_id is not None:
        campsites = [c for c in campsites if c.pk == campsite_id]
    by_pk = {c.pk: c for c in campsites}
    units_of: dict[int, list[AccommodationUnit]] = defaultdict(list)
    for u in AccommodationUnit.objects.filter(campsite__in=campsites).order_by("label", "pk"):
        u.campsite = by_pk[u.campsite_id]
        units_of[u.campsite_id].append(u)
    weeks = CampingWeek.objects.filter(campsite__in=campsites).order_by("starts_on")
    if week is not None:
        weeks = weeks.filter(starts_on=week)
    week_list = list(weeks)
    visible = set(participants_for(m, edition).values_list("pk", flat=True))
    placements = {
        (p.unit_id, p.week_id): p
        for p in Placement.objects.filter(week__in=week_list)
        .select_related("participant__household__commune", "trip")
        .defer("participant__household__commune__geometry")
    }
    trips_of: dict[int, list[BusTrip]] = defaultdict(list)
    trips = (
        BusTrip.objects.filter(week__in=week_list)
        .prefetch_related(
            Prefetch("stops", queryset=BusStop.objects.select_related("commune").defer("commune__geometry"))
        )
        .order_by("number")
    )
    for t in trips:
        trips_of[t.week_id].append(t)
    rows_by_week: dict[dt.date, list[Cell]] = defaultdict(list)
    for w in week_list:
        w.campsite = by_pk[w.campsite_id]
        rows = []
        for u in units_of[w.campsite_id]:
            p = placements.get((u.pk, w.pk))
            seen = p is not None and p.participant_id in visible
            if p is not None and commune_id is not None and p.participant.household.commune_id != commune_id:
                seen = False
            rows.append(UnitRow(u, p, seen))
        cell = Cell(w.campsite, w, rows, trips_of[w.pk])
        rows_by_week[w.starts_on].append(cell)
    unplaced = []
    if perms.can_plan_camping(m) or perms.is_commune_referent(m):
        unplaced_qs = (
            participants_for(m, edition)
            .active()
            .filter(placement__isnull=True)
            .select_related("household__commune")
            .defer("household__commune__geometry")
            .order_by(french_order("household__commune__name"), "household__reference")
        )
        if commune_id is not None:
            unplaced_qs = unplaced_qs.filter(household__commune_id=commune_id)
        unplaced = list(unplaced_qs)
    shown = [
        r.placement.participant.household_id
        for cells in rows_by_week.values()
        for c in cells
        for r in c.rows
        if r.visible and r.placement is not None
    ]
    names = head_names(shown + [p.household_id for p in unplaced])
    for cells in rows_by_week.values():
        for c in cells:
            for r in c.rows:
                if r.visible and r.placement is not None:
                    r.placement.participant.head_name = names.get(r.placement.participant.household_id, "")
    for participant in unplaced:
        participant.head_name = names.get(participant.household_id, "")
    _flag_missed_wishes(rows_by_week)
    return Board(
        weeks=sorted(rows_by_week.items()),
        unplaced=unplaced,
    )


def _flag_missed_wishes(rows_by_week: dict[dt.date, list[Cell]]) -> None:
    """Each shown household placed away from the campsites it asked for carries ``wish_missed``
    (« Mers-les-Bains »), so the board flags it on its line (two queries)."""
    shown = [
        r.placement.participant
        for cells in rows_by_week.values()
        for c in cells
        for r in c.rows
        if r.placement
    ]
    wished: dict[int, set[int]] = defaultdict(set)
    for participant_id, campsite_id in Participant.preferred_campsites.through.objects.filter(
        participant_id__in=[p.pk for p in shown]
    ).values_list("participant_id", "campsite_id"):
        wished[participant_id].add(campsite_id)
    towns = dict(
        Campsite.objects.filter(pk__in={c for ids in wished.values() for c in ids}).values_list("pk", "town")
    )
    for cells in rows_by_week.values():
        for c in cells:
            for r in c.rows:
                if r.placement is None:
                    continue
                asked = wished.get(r.placement.participant_id, set())
                missed = bool(asked) and c.campsite.pk not in asked
                r.placement.participant.wish_missed = (
                    ", ".join(sorted(towns[i] for i in asked)) if missed else ""
                )


def totals(m: Membership, edition: Edition, *, commune_id: int | None = None) -> dict[str, int]:
    """People and households placed and buses of the whole plan, as the member sees it (2 queries)."""
    from django.db.models import Count, Sum

    placements = Placement.objects.filter(edition=edition, participant__in=participants_for(m, edition))
    if commune_id is not None:
        placements = placements.filter(participant__household__commune_id=commune_id)
    figures = placements.aggregate(people=Sum("participant__people"), households=Count("pk"))
    buses = BusTrip.objects.filter(edition=edition, week__campsite__in=campsites_for(m, edition))
    if commune_id is not None:
        buses = buses.filter(stops__commune_id=commune_id).distinct()
    return {"people": figures["people"] or 0, "households": figures["households"], "buses": buses.count()}


def pickup_points(edition: Edition) -> dict[str, PickupPoint]:
    """INSEE code → pickup point."""
    return {
        p.commune.insee_code: p
        for p in PickupPoint.objects.filter(edition=edition)
        .select_related("commune")
        .defer("commune__geometry")
    }
