"""The greedy baseline, the first-fit bus filling, the bus packing of one place and the regrouping search."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date

from .io import Household, Plan, PlanInput
from .problem import NUM_WORKERS, SEED, Option, Problem

# --- the greedy baseline -------------------------------------------------------------------------


def fill_buses(
    problem: Problem, riders_by_place: Mapping[tuple[date, str], Sequence[str]]
) -> list[tuple[date, str, list[str]]]:
    """First-fit in the given order: a new trip when the next household lacks a seat or a stop."""
    trips = []
    for (w, c), riders in sorted(riders_by_place.items()):
        current: list[str] = []
        seats = 0
        stops: set[str] = set()
        for hid in riders:
            h = problem.by_id[hid]
            new_stop = h.commune not in stops
            if current and (
                seats + h.people > problem.bus.seats or (new_stop and len(stops) >= problem.bus.max_stops)
            ):
                trips.append((w, c, current))
                current, seats, stops = [], 0, set()
            current.append(hid)
            seats += h.people
            stops.add(h.commune)
        if current:
            trips.append((w, c, current))
    return trips


def pack_buses(
    problem: Problem, riders_by_place: Mapping[tuple[date, str], Sequence[str]]
) -> list[tuple[date, str, list[str]]]:
    """Fewest trips for a fixed placement: a small CP-SAT per (week, campsite), from first-fit.

    Each run is bounded by a deterministic time (not the wall clock), so the packing is the same
    on every machine; it is proven optimal in milliseconds on the bench's places.
    """
    from ortools.sat.python import cp_model

    bus = problem.bus
    trips: list[tuple[date, str, list[str]]] = []
    for (w, c), riders in sorted(riders_by_place.items()):
        first_fit = fill_buses(problem, {(w, c): riders})
        people = sum(problem.by_id[hid].people for hid in riders)
        communes = sorted({problem.by_id[hid].commune for hid in riders})
        lower = max(-(-people // bus.seats), -(-len(communes) // bus.max_stops))
        if len(first_fit) <= lower:
            trips += first_fit
            continue
        slots = len(first_fit)
        model = cp_model.CpModel()
        used = [model.new_bool_var(f"u{t}") for t in range(slots)]
        for t in range(1, slots):
            model.add_implication(used[t], used[t - 1])
        ride = {(hid, t): model.new_bool_var(f"b_{hid}_{t}") for hid in riders for t in range(slots)}
        for hid in riders:
            model.add_exactly_one(ride[hid, t] for t in range(slots))
        for t in range(slots):
            model.add(sum(problem.by_id[hid].people * ride[hid, t] for hid in riders) <= bus.seats * used[t])
            stops = {k: model.new_bool_var(f"s_{k}_{t}") for k in communes}
            for hid in riders:
                model.add_implication(ride[hid, t], stops[problem.by_id[hid].commune])
            model.add(sum(stops.values()) <= bus.max_stops * used[t])
        model.add(sum(used) >= lower)
        for t, (_, _, hids) in enumerate(first_fit):
            model.add_hint(used[t], 1)
            for hid in riders:
                model.add_hint(ride[hid, t], int(hid in hids))
        model.minimize(sum(used))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = NUM_WORKERS
        solver.parameters.random_seed = SEED
        solver.parameters.max_deterministic_time = 2.0
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) or solver.objective_value >= len(first_fit):
            trips += first_fit
            continue
        for t in range(slots):
            hids = [hid for hid in riders if solver.boolean_value(ride[hid, t])]
            if hids:
                trips.append((w, c, hids))
    return trips


def regroup(problem: Problem, chosen: Mapping[str, Option], steps: int) -> dict[str, Option]:
    """The same households placed (same people, quotas, kept places), communes regrouped.

    A seeded local search (deterministic: a fixed number of steps, no clock) on the bus lower
    bound of each (week, campsite), ``max(⌈people / seats⌉, ⌈communes / max_stops⌉)``, then on
    the number of (week, campsite, commune): moves a household to a free unit kind of another
    option, or swaps the options of two households. Locked households, and households kept in
    their previous place when re-planning, do not move.
    """
    import random

    rng = random.Random(SEED)
    bus = problem.bus
    chosen = dict(chosen)
    free: dict[tuple[str, tuple[int, bool], date], int] = defaultdict(int)
    for (cid, kind), units in problem.units.items():
        for w in problem.by_campsite[cid].weeks:
            free[cid, kind, w] = len(units)
    people: dict[tuple[date, str], int] = defaultdict(int)
    count: dict[tuple[date, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def put(hid: str, o: Option, sign: int) -> None:
        h = problem.by_id[hid]
        free[o.campsite, o.kind, o.week] -= sign
        people[o.week, o.campsite] += sign * h.people
        row = count[o.week, o.campsite]
        row[h.commune] += sign
        if not row[h.commune]:
            del row[h.commune]

    def cost(place: tuple[date, str]) -> int:
        n, d = people[place], len(count[place])
        return 1000 * max(-(-n // bus.seats), -(-d // bus.max_stops)) + d

    for hid, o in chosen.items():
        put(hid, o, 1)
    movable = [
        hid
        for hid in sorted(chosen)
        if hid not in problem.locked
        and len(problem.options[hid]) > 1
        and not (hid in problem.previous and problem.kind_of(problem.previous[hid]) == chosen[hid])
    ]
    if not movable:
        return chosen
    for _ in range(steps):
        a = movable[rng.randrange(len(movable))]
        oa = chosen[a]
        if rng.random() < 0.5:
            ob = problem.options[a][rng.randrange(len(problem.options[a]))]
            if ob == oa or free[ob.campsite, ob.kind, ob.week] <= 0:
                continue
            places = {(oa.week, oa.campsite), (ob.week, ob.campsite)}
            before = sum(cost(p) for p in places)
            put(a, oa, -1)
            put(a, ob, 1)
            if sum(cost(p) for p in places) <= before:
                chosen[a] = ob
            else:
                put(a, ob, -1)
                put(a, oa, 1)
        else:
            b = movable[rng.randrange(len(movable))]
            ob = chosen[b]
            if a == b or ob == oa or ob not in problem.options[a] or oa not in problem.options[b]:
                continue
            places = {(oa.week, oa.campsite), (ob.week, ob.campsite)}
            before = sum(cost(p) for p in places)
            put(a, oa, -1)
            put(b, ob, -1)
            put(a, ob, 1)
            put(b, oa, 1)
            if sum(cost(p) for p in places) <= before:
                chosen[a], chosen[b] = ob, oa
            else:
                put(a, ob, -1)
                put(b, oa, -1)
                put(a, oa, 1)
                put(b, ob, 1)
    return chosen


def greedy_choices(problem: Problem) -> tuple[dict[str, Option], list[str]]:
    """(chosen options, households in the order they were placed)."""
    free: dict[tuple[str, tuple[int, bool], date], int] = defaultdict(int)
    for c in problem.campsites:
        for w in c.weeks:
            for u in c.units:
                free[c.id, (u.beds, u.accessible), w] += 1
    quota_left = dict(problem.quotas)
    chosen: dict[str, Option] = {}

    def take(h: Household, o: Option) -> None:
        chosen[h.id] = o
        free[o.campsite, o.kind, o.week] -= 1
        if h.commune in quota_left:
            quota_left[h.commune] -= h.people

    # Locked places first, then the plan in force where still possible (re-planning by hand).
    for source in (problem.locked, problem.previous):
        for hid, a in sorted(source.items()):
            h, o = problem.by_id[hid], problem.kind_of(a)
            if hid in chosen or o is None or o not in problem.options[hid]:
                continue
            if free[o.campsite, o.kind, o.week] > 0 and quota_left.get(h.commune, h.people) >= h.people:
                take(h, o)
    # By commune, then largest households first; each to the first unit that fits, in its first
    # allowed week where one is free, preferred campsites first, then campsites and units in order.
    order = sorted(problem.households, key=lambda h: (h.commune, -h.people, h.id))
    for h in order:
        if h.id in chosen or quota_left.get(h.commune, h.people) < h.people:
            continue
        rank = {c: i for i, c in enumerate(h.campsites)}
        campsite_order = sorted(problem.campsites, key=lambda c: (rank.get(c.id, len(rank)), c.id))
        done = False
        for w in sorted(set(h.weeks)):
            for c in campsite_order:
                if w not in c.weeks:
                    continue
                for u in sorted(c.units, key=lambda u: u.id):
                    o = Option(c.id, (u.beds, u.accessible), w)
                    if o in problem.options[h.id] and free[c.id, o.kind, w] > 0:
                        take(h, o)
                        done = True
                        break
                if done:
                    break
            if done:
                break
    placed_order = [h.id for h in order if h.id in chosen]
    return chosen, placed_order


def greedy(plan_input: PlanInput) -> Plan:
    """First-fit by hand: households by commune then size, first free unit that fits, buses in order.

    Its ``bound`` is the trivial one: every household that could be placed alone, within quotas.
    """
    start = time.perf_counter()
    problem = Problem(plan_input)
    chosen, order = greedy_choices(problem)
    riders: dict[tuple[date, str], list[str]] = defaultdict(list)
    for hid in order:
        riders[chosen[hid].week, chosen[hid].campsite].append(hid)
    trips = fill_buses(problem, riders)
    return problem.plan(
        chosen,
        trips,
        seconds=time.perf_counter() - start,
        status="FEASIBLE",
        bound=problem.trivial_bound(),
    )
