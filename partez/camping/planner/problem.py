"""The problem every method shares: sorted input, unit kinds, every household's options, a plan's figures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from .io import Assignment, Household, Plan, PlanInput, Stats, Trip, Unit, validate

# One worker: a single-threaded search is deterministic by construction, and measured on the
# bench it proves the people stage in ~2 s where 2 interleaved workers stall at 1 % (the
# interleaved mode runs short slices of every subsolver); the other core stays for the web app.
NUM_WORKERS = 1
SEED = 0
# Steps of the local search that regroups communes before the bus stages (~1 s on the bench).
REGROUP_STEPS = 200_000
# Share of the time left that each stage may use (the last stage takes all that is left).
STAGE_SHARE = {"people": 0.3, "moves": 0.4, "spread": 0.3, "buses": 0.5, "wishes": 0.5, "empty_beds": 1.0}

# --- the problem, shared by every method ---------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """A household in a unit kind of a campsite, a given week."""

    campsite: str
    kind: tuple[int, bool]  # (beds, accessible)
    week: date


class Problem:
    """Sorted input, unit kinds, and every household's possible options."""

    def __init__(self, plan_input: PlanInput):
        validate(plan_input)
        self.input = plan_input
        self.bus = plan_input.bus
        self.campsites = sorted(plan_input.campsites, key=lambda c: c.id)
        self.by_campsite = {c.id: c for c in self.campsites}
        self.households = sorted(plan_input.households, key=lambda h: h.id)
        self.by_id = {h.id: h for h in self.households}
        self.quotas = dict(plan_input.quotas)
        self.unit_of = {(c.id, u.id): u for c in self.campsites for u in c.units}
        # Units of each (campsite, kind), sorted by id.
        self.units: dict[tuple[str, tuple[int, bool]], list[Unit]] = defaultdict(list)
        for c in self.campsites:
            for u in sorted(c.units, key=lambda u: u.id):
                self.units[c.id, (u.beds, u.accessible)].append(u)
        self.locked = {a.household: a for a in plan_input.locked}
        self.previous = {a.household: a for a in plan_input.previous if a.household in self.by_id}
        self.options: dict[str, list[Option]] = {}
        for h in self.households:
            if h.id in self.locked:
                a = self.locked[h.id]
                u = self.unit_of[a.campsite, a.unit]
                self.options[h.id] = [Option(a.campsite, (u.beds, u.accessible), a.week)]
                continue
            options = []
            if h.people <= self.bus.seats and h.people <= self.quotas.get(h.commune, h.people):
                allowed = set(h.weeks)
                for c in self.campsites:
                    kinds = sorted({k for (cid, k) in self.units if cid == c.id})
                    for w in sorted(set(c.weeks) & allowed):
                        for beds, accessible in kinds:
                            if beds >= h.people and (accessible or not h.needs_accessible):
                                options.append(Option(c.id, (beds, accessible), w))
            self.options[h.id] = options

    def kind_of(self, a: Assignment) -> Option | None:
        u = self.unit_of.get((a.campsite, a.unit))
        return None if u is None else Option(a.campsite, (u.beds, u.accessible), a.week)

    def wishes(self) -> list[tuple[str, str, int]]:
        """(h, g, count) per unordered pair with a "with" wish: count = 1 or 2 (mutual)."""
        pairs: dict[tuple[str, str], int] = defaultdict(int)
        for h in self.households:
            for g in set(h.companions):
                if g in self.by_id and g != h.id:
                    pairs[min(h.id, g), max(h.id, g)] += 1
        return [(a, b, n) for (a, b), n in sorted(pairs.items())]

    def reason(self, h: Household, placed_people: Mapping[str, int]) -> str:
        """Why ``h`` is not placed, in French."""
        offered = {w for c in self.campsites for w in c.weeks}
        allowed = set(h.weeks) & offered
        if not allowed:
            return "aucune des semaines demandées n'est proposée par un camping"
        units = [u for c in self.campsites if set(c.weeks) & allowed for u in c.units]
        most = max((u.beds for u in units), default=0)
        if h.people > most:
            return f"foyer de {h.people} personnes : aucun hébergement n'a assez de lits les semaines demandées (au plus {most})"
        if h.needs_accessible and not any(u.accessible and u.beds >= h.people for u in units):
            return f"aucun hébergement accessible de {h.people} lits ou plus les semaines demandées"
        if h.people > self.bus.seats:
            return f"foyer de {h.people} personnes : plus que les {self.bus.seats} places d'un car"
        quota = self.quotas.get(h.commune)
        if quota is not None and h.people > quota:
            return f"dépasse à lui seul le quota de la commune {h.commune} ({quota} personnes)"
        if quota is not None and placed_people.get(h.commune, 0) + h.people > quota:
            return (
                f"quota de la commune {h.commune} atteint ({placed_people.get(h.commune, 0)} "
                f"personnes placées sur {quota})"
            )
        return "plus de place : les hébergements compatibles (lits, accessibilité) sont tous pris les semaines demandées"

    def trivial_bound(self) -> int:
        """People of every household that could be placed alone, within each commune's quota."""
        by_commune: dict[str, int] = defaultdict(int)
        for h in self.households:
            if self.options[h.id]:
                by_commune[h.commune] += h.people
        return sum(min(n, self.quotas.get(c, n)) for c, n in by_commune.items())

    # -- building the result --------------------------------------------------------------------

    def units_for(self, chosen: Mapping[str, Option]) -> dict[str, str]:
        """Unit ids for the chosen options: locked, then kept households get their own unit."""
        taken: set[tuple[str, str, date]] = set()
        result: dict[str, str] = {}

        def first(hid: str, unit: str | None) -> None:
            o = chosen[hid]
            if unit is not None and (o.campsite, unit, o.week) not in taken:
                result[hid] = unit
                taken.add((o.campsite, unit, o.week))

        for source in (self.locked, self.previous):
            for hid, a in sorted(source.items()):
                if hid in chosen and hid not in result and self.kind_of(a) == chosen[hid]:
                    first(hid, a.unit)
        for hid in sorted(chosen):
            if hid in result:
                continue
            o = chosen[hid]
            for u in self.units[o.campsite, o.kind]:
                if (o.campsite, u.id, o.week) not in taken:
                    first(hid, u.id)
                    break
            else:  # the model's capacities make this impossible
                raise AssertionError(f"no free unit for {hid}")
        return result

    def trips(self, trips: Iterable[tuple[date, str, Sequence[str]]]) -> tuple[Trip, ...]:
        """(week, campsite, riders) as :class:`Trip` rows, empty ones dropped, in a fixed order."""
        return tuple(
            sorted(
                (
                    Trip(
                        week=w,
                        campsite=c,
                        stops=tuple(sorted({self.by_id[hid].commune for hid in riders})),
                        passengers=sum(self.by_id[hid].people for hid in riders),
                        households=tuple(sorted(riders)),
                    )
                    for w, c, riders in trips
                    if riders
                ),
                key=lambda t: (t.week, t.campsite, t.households),
            )
        )

    def plan(
        self,
        chosen: Mapping[str, Option],
        trips: Sequence[tuple[date, str, Sequence[str]]],
        *,
        seconds: float,
        status: str,
        bound: int | None,
        bounds: Mapping[str, int] | None = None,
    ) -> Plan:
        """The result, every figure recomputed from the choices (one source of truth)."""
        units = self.units_for(chosen)
        assignments = tuple(
            Assignment(hid, chosen[hid].campsite, units[hid], chosen[hid].week) for hid in sorted(chosen)
        )
        placed_people: dict[str, int] = defaultdict(int)
        for hid in chosen:
            placed_people[self.by_id[hid].commune] += self.by_id[hid].people
        unplaced = {h.id: self.reason(h, placed_people) for h in self.households if h.id not in chosen}
        buses = self.trips(trips)
        figures = plan_figures(self.by_id, self.unit_of, assignments)
        moved = None
        if self.input.previous:
            moved = moved_count(self, assignments)
        return Plan(
            assignments=assignments,
            unplaced=unplaced,
            buses=buses,
            stats=Stats(
                people_placed=figures["people_placed"],
                buses=len(buses),
                wishes_honoured=figures["wishes_honoured"],
                empty_beds=figures["empty_beds"],
                seconds=seconds,
                status=status,
                bound=figures["people_placed"] if bound is None else max(bound, figures["people_placed"]),
                moved=moved,
                bounds=dict(bounds or {}),
            ),
        )


def plan_figures(
    households: Mapping[str, Household],
    units: Mapping[tuple[str, str], Unit],
    assignments: Sequence[Assignment],
) -> dict[str, int]:
    """people placed, wishes honoured and empty beds of a list of assignments."""
    where = {a.household: (a.week, a.campsite) for a in assignments if a.household in households}
    people = empty = wishes = 0
    for a in assignments:
        h = households.get(a.household)
        u = units.get((a.campsite, a.unit))
        if h is None or u is None:
            continue
        people += h.people
        empty += u.beds - h.people
        if a.campsite in h.campsites:
            wishes += 1
        for g in set(h.companions):
            if g != h.id and g in where and where[g] == where[h.id]:
                wishes += 1
    return {"people_placed": people, "wishes_honoured": wishes, "empty_beds": empty}


def moved_count(problem: Problem, assignments: Sequence[Assignment]) -> int:
    now = {a.household: a for a in assignments}
    return sum(
        1
        for hid, a in problem.previous.items()
        if hid not in now or (now[hid].campsite, now[hid].unit, now[hid].week) != (a.campsite, a.unit, a.week)
    )
