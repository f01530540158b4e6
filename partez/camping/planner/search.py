"""The CP-SAT solve, stage by stage (see the package's docs), each stage's search relayed to the caller."""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from partez.core import solver_progress
from partez.core.solver_progress import ProgressCallback

from .heuristics import greedy_choices, pack_buses, regroup
from .io import Plan, PlanInput, gap
from .model import Model, Terms
from .problem import NUM_WORKERS, REGROUP_STEPS, SEED, STAGE_SHARE, Problem

if TYPE_CHECKING:
    from ortools.sat.python.cp_model import CpModel, CpSolver, CpSolverStatus


def solve(
    plan_input: PlanInput,
    *,
    time_limit: float = 30.0,
    progress: ProgressCallback | None = None,
) -> Plan:
    """The lexicographically best plan by CP-SAT (see the module's docs), with its proven bound.

    Starts from the greedy plan, so it never places fewer people than the greedy. ``time_limit``
    (seconds) is for the whole call, shared between the stages. ``progress(fraction, message)``
    is called on the caller's thread at the start, on every better solution, about once a second
    and at the end with 1.0; if it raises (a cancelled job), the search stops and the exception
    propagates.
    """
    if time_limit <= 0:
        raise ValueError("time_limit must be positive")
    start = time.perf_counter()

    def report(fraction: float, message: str) -> None:
        if progress is not None:
            progress(fraction, message)

    problem = Problem(plan_input)
    report(0.0, f"Préparation : {len(problem.households)} foyers, {len(problem.campsites)} campings")
    greedy_chosen, _ = greedy_choices(problem)

    # Stages people (and moves) on the units alone, then the rest on the full model, starting
    # from that placement with its buses filled first-fit by commune.
    first = Model(problem, trips=False)
    names = [*first.objectives, "spread", "buses", "wishes", "empty_beds"]
    bounds: dict[str, int] = {}
    reached: dict[str, int] = {}
    clock = _Clock(start, time_limit, names, report)
    lexicographic = list(first.objectives)
    incumbent, proven = _stages(
        first, lexicographic, first.hint_from(greedy_chosen, []), clock, bounds, reached
    )
    # Not an objective: among the plans as good on people (and moves), one whose communes are
    # grouped, a far better start for the bus stage than an arbitrary one. Not fixed after. A
    # local search regroups first (CP-SAT on one worker does not move from the people stage's
    # placement), then CP-SAT minimises the buses' lower bound from there: its own bound is a
    # proven bound on buses given the people placed (and moves).
    proxy_bounds: dict[str, int] = {}
    regrouped = regroup(problem, first.chosen(incumbent), REGROUP_STEPS)
    first.add_proxy()
    incumbent = first.hint_from(regrouped, [])
    incumbent, _ = _stages(first, ["spread"], incumbent, clock, proxy_bounds, {})
    chosen = first.chosen(incumbent)
    riders: dict[tuple[date, str], list[str]] = defaultdict(list)
    for hid in sorted(chosen, key=lambda hid: (problem.by_id[hid].commune, hid)):
        riders[chosen[hid].week, chosen[hid].campsite].append(hid)
    m = Model(problem, trips=True)
    for name, value in reached.items():
        terms, sense = m.objectives[name]
        expression = sum(c * v for v, c in terms)
        m.model.add(expression >= value if sense > 0 else expression <= value)
    start_plan = m.hint_from(chosen, pack_buses(problem, riders))
    incumbent, later_proven = _stages(
        m, ["buses", "wishes", "empty_beds"], start_plan, clock, bounds, reached
    )
    proven = proven and later_proven
    if "buses" in bounds and "spread" in proxy_bounds:
        bounds["buses"] = max(bounds["buses"], proxy_bounds["spread"])

    values = dict(zip((id(v) for v in m.variables), incumbent, strict=True))
    chosen = m.chosen(incumbent)
    trips = [(w, c, [hid for hid, v in riders.items() if values[id(v)]]) for w, c, used, riders in m.trips]
    plan = problem.plan(
        chosen,
        trips,
        seconds=time.perf_counter() - start,
        status="OPTIMAL" if proven else "FEASIBLE",
        bound=bounds["people"],
        bounds={("moved" if k == "moves" else k): _public_bound(problem, k, b) for k, b in bounds.items()},
    )
    report(
        1.0,
        f"Terminé : {plan.stats.people_placed} personnes placées, {plan.stats.buses} cars, "
        f"écart à la borne {gap(plan):.2%}".replace(".", ","),
    )
    return plan


class _Clock:
    """The time budget shared by the stages, and the progress bar across them."""

    def __init__(self, start: float, time_limit: float, names: Sequence[str], report: ProgressCallback):
        self.start, self.time_limit, self.names, self.report = start, time_limit, list(names), report

    def budget(self, name: str) -> float:
        left = self.time_limit - (time.perf_counter() - self.start)
        last = name == self.names[-1]
        return max(left if last else left * STAGE_SHARE[name], 0.05)


def _stages(
    m: Model,
    names: Sequence[str],
    incumbent: list[int],
    clock: _Clock,
    bounds: dict[str, int],
    reached: dict[str, int],
) -> tuple[list[int], bool]:
    """Optimise ``names`` in order on ``m``, each fixed at the value reached before the next."""
    from ortools.sat.python import cp_model

    index = {id(v): i for i, v in enumerate(m.variables)}
    proven = True
    for name in names:
        terms, sense = m.objectives[name]
        if not terms:  # nothing to optimise (no wish, no previous plan…)
            bounds[name] = 0
            continue
        model = m.model
        model.clear_hints()  # type: ignore[no-untyped-call]  # unannotated in ortools
        for v, value in zip(m.variables, incumbent, strict=True):
            model.add_hint(v, value)
        expression = sum(c * v for v, c in terms)
        if sense > 0:
            model.maximize(expression)
        else:
            model.minimize(expression)
        budget = clock.budget(name)
        solver = cp_model.CpSolver()
        parameters = solver.parameters
        parameters.num_workers = NUM_WORKERS
        parameters.random_seed = SEED
        parameters.max_time_in_seconds = budget
        status = _search(solver, model, clock.names.index(name), len(clock.names), name, budget, clock.report)
        current = sum(c * incumbent[index[id(v)]] for v, c in terms)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = sum(c * int(solver.boolean_value(v)) for v, c in terms)
            if sense * found >= sense * current:
                incumbent = [int(solver.boolean_value(v)) for v in m.variables]
                current = found
        if status != cp_model.OPTIMAL:
            proven = False
        raw = solver.best_objective_bound
        if status == cp_model.OPTIMAL:
            bounds[name] = current
        elif status != cp_model.FEASIBLE or not math.isfinite(raw):
            # No answer from CP-SAT in its time (UNKNOWN): its bound means nothing, take the
            # trivial one (every term at its best).
            bounds[name] = _loose(m.problem, name, terms, sense)
        elif sense > 0:
            bounds[name] = max(math.floor(raw + 1e-6), current)
        else:
            bounds[name] = min(max(math.ceil(raw - 1e-6), 0), current)
        # Fix what this stage reached before the next one.
        model.add(expression >= current if sense > 0 else expression <= current)
        reached[name] = current
    return incumbent, proven


def _loose(problem: Problem, name: str, terms: Terms, sense: int) -> int:
    """A bound without the solver: every term at its best."""
    if name == "people":
        return problem.trivial_bound()
    return sum(c for _, c in terms if c > 0) if sense > 0 else sum(c for _, c in terms if c < 0)


def _public_bound(problem: Problem, name: str, bound: int) -> int:
    """The moves stage maximises households kept: its bound becomes the fewest moves possible."""
    return len(problem.previous) - bound if name == "moves" else bound


STAGE_LABEL = {
    "people": "personnes placées",
    "moves": "foyers gardés à leur place",
    "spread": "communes regroupées pour les cars",
    "buses": "cars",
    "wishes": "souhaits respectés",
    "empty_beds": "lits vides",
}


def _search(
    solver: CpSolver, model: CpModel, n: int, count: int, name: str, budget: float, report: ProgressCallback
) -> CpSolverStatus:
    """Run CP-SAT on a thread of its own, relaying its progress on the caller's thread."""
    started = time.perf_counter()
    label = f"Étape {n + 1}/{count} ({STAGE_LABEL[name]})"

    def fraction() -> float:
        return min((n + min((time.perf_counter() - started) / budget, 1.0)) / count, 0.99)

    def on_solution(objective: float, bound: float) -> None:
        report(fraction(), f"{label} : {objective:.0f} (borne {bound:.0f})")

    def on_wait() -> None:
        report(fraction(), f"{label} : recherche en cours ({time.perf_counter() - started:.0f} s)")

    report(fraction(), f"{label} : recherche")
    return solver_progress.search(
        solver, model, on_solution=on_solution, on_wait=on_wait, thread_name="cp-sat-camping"
    )
