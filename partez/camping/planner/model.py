"""The CP-SAT model: options, trips, and one linear expression per objective."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from .problem import Option, Problem

if TYPE_CHECKING:
    from ortools.sat.python.cp_model import IntVar

# A linear objective as (variable, coefficient) terms.
Terms = list[tuple["IntVar", int]]

# --- the CP-SAT solver -----------------------------------------------------------------------------


def trip_slots(problem: Problem, candidates: Sequence[str], campsite: str) -> int:
    """Trip slots that always suffice at one (week, campsite): see "Model size" in the docs."""
    if not candidates:
        return 0
    people = [problem.by_id[hid].people for hid in candidates]
    units = problem.by_campsite[campsite].units
    n = min(sum(people), sum(u.beds for u in units))
    d = min(len({problem.by_id[hid].commune for hid in candidates}), len(units))
    m = max(people)
    slots = n // (problem.bus.seats - m + 1) + d // problem.bus.max_stops + 1
    return min(slots, len(candidates), len(units))


class Model:
    """The CP-SAT model: options, trips, and one linear expression per objective."""

    def __init__(self, problem: Problem, *, trips: bool):
        """``trips=False``: units only (people and moves do not depend on buses: trips always
        suffice), a far smaller model for the first stages."""
        from ortools.sat.python import cp_model

        self.problem = problem
        model = self.model = cp_model.CpModel()
        self.variables: list[IntVar] = []

        def new(name: str) -> IntVar:
            v = model.new_bool_var(name)
            self.variables.append(v)
            return v

        self.y: dict[tuple[str, int], IntVar] = {}  # (household, option index)
        by_kind: dict[tuple[str, tuple[int, bool], date], list[IntVar]] = defaultdict(list)
        at: dict[tuple[str, date, str], list[IntVar]] = defaultdict(list)  # (household, week, campsite)
        people_terms: Terms = []
        bed_terms: Terms = []
        wish_terms: Terms = []
        by_commune: dict[str, Terms] = defaultdict(list)
        for h in problem.households:
            row = []
            for i, o in enumerate(problem.options[h.id]):
                v = self.y[h.id, i] = new(f"y_{h.id}_{i}")
                row.append(v)
                by_kind[o.campsite, o.kind, o.week].append(v)
                at[h.id, o.week, o.campsite].append(v)
                people_terms.append((v, h.people))
                by_commune[h.commune].append((v, h.people))
                bed_terms.append((v, o.kind[0] - h.people))
                if o.campsite in h.campsites:
                    wish_terms.append((v, 1))
            if row:
                model.add_at_most_one(row)
            if h.id in problem.locked:
                model.add(row[0] == 1)
        for (c, kind, _w), row in by_kind.items():
            if len(row) > len(problem.units[c, kind]):
                model.add(sum(row) <= len(problem.units[c, kind]))
        for commune, terms in by_commune.items():
            quota = problem.quotas.get(commune)
            if quota is not None and sum(n for _, n in terms) > quota:
                model.add(sum(n * v for v, n in terms) <= quota)

        self.trips: list[tuple[date, str, IntVar, dict[str, IntVar]]] = []  # (w, c, used, riders)
        self.stops: list[tuple[dict[str, IntVar], dict[str, IntVar]]] = []  # (riders, commune -> stop)
        self.present: list[tuple[IntVar, tuple[date, str], str]] = []  # commune present at (w, c)
        self.wish_vars: list[tuple[IntVar, str, str, tuple[date, str]]] = []
        self.proxy: list[tuple[tuple[date, str], list[IntVar]]] = []  # (week, campsite) -> trip slots
        self.objectives: dict[str, tuple[Terms, int]] = {"people": (people_terms, 1)}  # 1 = maximise
        if problem.previous:
            kept: Terms = []
            for hid, a in problem.previous.items():
                option = problem.kind_of(a)
                if option is not None and option in problem.options[hid]:
                    kept.append((self.y[hid, problem.options[hid].index(option)], 1))
            self.objectives["moves"] = (kept, 1)  # most kept = fewest moved
        self._at = at
        if not trips:
            return

        # Trips.
        candidates: dict[tuple[date, str], list[str]] = defaultdict(list)
        for hid, w, c in at:
            candidates[w, c].append(hid)
        bus = problem.bus
        bus_terms: Terms = []
        for (w, c), hids in sorted(candidates.items()):
            hids.sort()
            slots = trip_slots(problem, hids, c)
            rides: dict[str, list[IntVar]] = {hid: [] for hid in hids}
            previous_used: IntVar | None = None
            for t in range(slots):
                used = new(f"u_{w}_{c}_{t}")
                bus_terms.append((used, 1))
                if previous_used is not None:
                    model.add_implication(used, previous_used)
                previous_used = used
                riders = {hid: new(f"b_{hid}_{t}") for hid in hids}
                stops: dict[str, IntVar] = {}
                for hid, v in riders.items():
                    commune = problem.by_id[hid].commune
                    if commune not in stops:
                        stops[commune] = new(f"s_{w}_{c}_{t}_{commune}")
                    model.add_implication(v, stops[commune])
                    rides[hid].append(v)
                load = [(v, problem.by_id[hid].people) for hid, v in riders.items()]
                if sum(n for _, n in load) > bus.seats:
                    model.add(sum(n * v for v, n in load) <= bus.seats * used)
                else:
                    for v, _ in load:
                        model.add_implication(v, used)
                if len(stops) > bus.max_stops:
                    model.add(sum(stops.values()) <= bus.max_stops * used)
                else:
                    for s in stops.values():
                        model.add_implication(s, used)
                self.trips.append((w, c, used, riders))
                self.stops.append((riders, stops))
            for hid in hids:
                model.add(sum(rides[hid]) == sum(at[hid, w, c]))
            # Redundant cuts that give the bus stage a bound: enough seats, enough stops.
            all_used = [u for ww, cc, u, _ in self.trips if (ww, cc) == (w, c)]
            model.add(
                bus.seats * sum(all_used)
                >= sum(problem.by_id[h].people * v for h in hids for v in at[h, w, c])
            )
            present: dict[str, IntVar] = {}
            for hid in hids:
                commune = problem.by_id[hid].commune
                if commune not in present:
                    present[commune] = new(f"p_{w}_{c}_{commune}")
                    self.present.append((present[commune], (w, c), commune))
                for v in at[hid, w, c]:
                    model.add_implication(v, present[commune])
            model.add(bus.max_stops * sum(all_used) >= sum(present.values()))

        # "With" wishes: honoured when both are in the same (week, campsite).
        places: dict[str, list[tuple[date, str]]] = defaultdict(list)
        for hid, w, c in at:
            places[hid].append((w, c))
        for first, second, count in problem.wishes():
            for w, c in places[first]:
                if (second, w, c) not in at:
                    continue
                v = new(f"w_{first}_{second}_{w}_{c}")
                model.add(v <= sum(at[first, w, c]))
                model.add(v <= sum(at[second, w, c]))
                wish_terms.append((v, count))
                self.wish_vars.append((v, first, second, (w, c)))

        self.objectives["buses"] = (bus_terms, -1)
        self.objectives["wishes"] = (wish_terms, 1)
        self.objectives["empty_beds"] = (bed_terms, -1)

    def add_proxy(self) -> None:
        """The "spread" objective, added after the people (and moves) stages: built in from the
        start, its constraints slow the people stage's bound on large instances."""
        problem, model, at = self.problem, self.model, self._at

        def new(name: str) -> IntVar:
            v = model.new_bool_var(name)
            self.variables.append(v)
            return v

        # A lower bound on buses, for a bus-aware placement: each (week, campsite) needs
        # ``n`` trips with ``seats·n ≥ its people`` and ``max_stops·n ≥ its communes``.
        # Any bus plan of a placement meets it, so its optimum (given the people placed) is
        # a proven bound of the bus stage, and its solution the start of that stage.
        present_at: dict[tuple[date, str, str], IntVar] = {}
        places: dict[tuple[date, str], list[str]] = defaultdict(list)
        for (hid, w, c), row in at.items():
            places[w, c].append(hid)
            key = (w, c, problem.by_id[hid].commune)
            if key not in present_at:
                present_at[key] = new(f"p_{w}_{c}_{key[2]}")
                self.present.append((present_at[key], (w, c), key[2]))
            for v in row:
                model.add_implication(v, present_at[key])
        proxy_terms: Terms = []
        for (w, c), hids in sorted(places.items()):
            hids = sorted(set(hids))
            slots = [new(f"n_{w}_{c}_{t}") for t in range(trip_slots(problem, hids, c))]
            for t in range(1, len(slots)):
                model.add_implication(slots[t], slots[t - 1])
            model.add(
                problem.bus.seats * sum(slots)
                >= sum(problem.by_id[h].people * v for h in hids for v in at[h, w, c])
            )
            communes = [v for (ww, cc, _), v in present_at.items() if (ww, cc) == (w, c)]
            model.add(problem.bus.max_stops * sum(slots) >= sum(communes))
            self.proxy.append(((w, c), slots))
            proxy_terms += [(v, 1) for v in slots]
        self.objectives["spread"] = (proxy_terms, -1)

    def chosen(self, solution: Sequence[int]) -> dict[str, Option]:
        value = dict(zip((id(v) for v in self.variables), solution, strict=True))
        return {hid: self.problem.options[hid][i] for (hid, i), v in self.y.items() if value[id(v)]}

    def hint_from(
        self, chosen: Mapping[str, Option], trips: Sequence[tuple[date, str, Sequence[str]]]
    ) -> list[int]:
        """A full assignment of the variables from a plan (the greedy's): the first hint."""
        value = {id(v): 0 for v in self.variables}
        problem = self.problem
        for hid, o in chosen.items():
            value[id(self.y[hid, problem.options[hid].index(o)])] = 1
        # Trips of each (week, campsite) in order onto the slots; a greedy trip beyond the slots
        # (never, see trip_slots) would leave the hint incomplete, which CP-SAT tolerates.
        slot_rows: dict[tuple[date, str], list[tuple[IntVar, dict[str, IntVar]]]] = defaultdict(list)
        for w, c, used, riders in self.trips:
            slot_rows[w, c].append((used, riders))
        counters: dict[tuple[date, str], int] = defaultdict(int)
        for w, c, hids in trips:
            k = counters[w, c]
            counters[w, c] += 1
            if k >= len(slot_rows[w, c]):
                continue
            used, riders = slot_rows[w, c][k]
            value[id(used)] = 1
            for hid in hids:
                value[id(riders[hid])] = 1
        # Stop and wish variables follow from the others.
        for riders, stops in self.stops:
            for hid, v in riders.items():
                if value[id(v)]:
                    value[id(stops[problem.by_id[hid].commune])] = 1
        where = {hid: (o.week, o.campsite) for hid, o in chosen.items()}
        for v, place, commune in self.present:
            value[id(v)] = int(any(where[h] == place and problem.by_id[h].commune == commune for h in chosen))
        for v, a, b, place in self.wish_vars:
            value[id(v)] = int(where.get(a) == where.get(b) == place)
        load: dict[tuple[date, str], int] = defaultdict(int)
        communes: dict[tuple[date, str], set[str]] = defaultdict(set)
        for hid, place in where.items():
            load[place] += problem.by_id[hid].people
            communes[place].add(problem.by_id[hid].commune)
        for place, slots in self.proxy:
            need = max(
                -(-load[place] // problem.bus.seats), -(-len(communes[place]) // problem.bus.max_stops)
            )
            for t, v in enumerate(slots):
                value[id(v)] = int(t < need)
        return [value[id(v)] for v in self.variables]
