"""Campaign-wide allocation of the funders' envelopes to the submitted projects.

Pure computation: no Django, no ORM. A thin service loads the edition's envelopes and projects,
builds the dataclasses below, calls :func:`solve` (and :func:`first_come_first_served` to show
what the usual practice would have given), checks the result with :func:`check` and saves it.

The problem
    Each project can be funded by one of a few alternative financing plans (:class:`Option`);
    a plan draws fixed amounts from one or more envelopes, all or nothing. An envelope has an
    amount still available and, optionally, per-commune quotas. Choose at most one option per
    project so that no envelope (nor quota) is overspent and the number of people who leave,
    weighted by the coordinator's priorities, is as large as possible. This is a
    multiple-choice, multi-dimensional knapsack, NP-hard. With thousands of small projects the
    LP relaxation is close to the integer optimum except where small commune quotas leave
    crumbs; :func:`solve` starts CP-SAT from a rounded LP solution and reports CP-SAT's proven
    bound (``bench/allocation.py``: 10 000 projects, gap 0.5–0.7 % after 60 s on 2 cores).

Weights (the objective) — integers, in hundredths of a person
    Every person of a funded project counts ``100``, plus
    * ``first_departure_bonus`` if the project is a first departure (``50`` → counts 1.5);
    * ``low_qf_bonus × (ceiling − min(QF, ceiling)) // ceiling`` where ceiling is
      ``Priorities.low_qf_ceiling_cents`` (1 200 € by default): the whole bonus at QF 0, falling
      linearly to nothing at the ceiling and above. An unknown QF (``None``) earns no QF bonus.
    A project weighs ``people × per-person weight``. Without bonuses the objective is
    ``100 × people funded``. ``Allocation.people_funded`` always counts plain people.

Quotas
    With ``respect_quotas`` (the default), an envelope with quotas only funds projects of the
    listed communes, each within its quota, on top of the envelope's own limit. Without it the
    quotas are ignored and only the envelope's total counts.

Determinism
    Inputs are sorted by id, the heuristics break ties by id, and CP-SAT runs with a fixed seed
    and 2 workers in interleaved (deterministic) mode, so the same input gives the same
    allocation — when the search ends by proof or on ``gap_limit``. When it ends on the
    wall-clock ``time_limit`` the answer depends on how far it got (machine load).

Money is integer cents throughout; floats only rank candidates (LP values and prices).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import TYPE_CHECKING

from partez.core import solver_progress
from partez.core.money import euros
from partez.core.solver_progress import ProgressCallback

if TYPE_CHECKING:
    from ortools.sat.python.cp_model import CpModel, CpSolver, CpSolverStatus, IntVar

BASE_WEIGHT = 100  # one person = 100 so that percent bonuses stay integers
NUM_WORKERS = 2  # the production machine has 2 cores
SEED = 0


@dataclass(frozen=True)
class Line:
    """One line of a plan: draw ``amount_cents`` from an envelope."""

    envelope: str
    amount_cents: int


@dataclass(frozen=True)
class Option:
    """One way to fund a project: all its lines are funded together or none is."""

    lines: tuple[Line, ...]


@dataclass(frozen=True)
class ProjectIn:
    id: str
    people: int
    commune: str  # INSEE code
    submitted_at: datetime  # first-come-first-served order
    first_departure: bool
    qf_cents: int | None
    options: tuple[Option, ...]  # at least one; an option without lines is free (always funded)


@dataclass(frozen=True)
class EnvelopeIn:
    id: str
    available_cents: int  # amount minus what is already reserved or consumed
    # commune INSEE -> cents available to it; when non-empty, an unlisted commune gets nothing
    quotas: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Priorities:
    first_departure_bonus: int = 0  # percent extra weight per person of a first departure
    low_qf_bonus: int = 0  # percent extra weight per person at QF 0, linearly down to 0 at the ceiling
    respect_quotas: bool = True
    low_qf_ceiling_cents: int = 120_000  # QF from which the low-QF bonus is nil


@dataclass(frozen=True)
class Allocation:
    """Plain dicts inside (not read-only proxies) so that ``asdict``, pickle and JSON work."""

    funded: Mapping[str, int]  # project id -> index of the chosen option
    people_funded: int
    objective: int  # weighted people (hundredths of a person, see the module's docs)
    bound: int | float  # best known upper bound on the objective (== objective when optimal)
    gap: float  # (bound - objective) / bound; 0 when optimal
    status: str  # "OPTIMAL" | "FEASIBLE"
    seconds: float
    envelope_use: Mapping[str, int]  # cents used per envelope


# --- weights and feasibility shared by every method -------------------------------------------


def person_weight(project: ProjectIn, priorities: Priorities) -> int:
    """The weight of one person of ``project`` (100 = one person without any bonus)."""
    weight = BASE_WEIGHT
    if project.first_departure:
        weight += priorities.first_departure_bonus
    if project.qf_cents is not None and priorities.low_qf_bonus:
        ceiling = priorities.low_qf_ceiling_cents
        below = ceiling - min(max(project.qf_cents, 0), ceiling)
        weight += priorities.low_qf_bonus * below // ceiling
    return weight


def project_weight(project: ProjectIn, priorities: Priorities) -> int:
    return project.people * person_weight(project, priorities)


def _draws(option: Option) -> dict[str, int]:
    """Cents drawn per envelope (two lines on the same envelope add up)."""
    draws: dict[str, int] = defaultdict(int)
    for line in option.lines:
        draws[line.envelope] += line.amount_cents
    return dict(draws)


def _validate(projects: Sequence[ProjectIn], envelopes: Sequence[EnvelopeIn], priorities: Priorities) -> None:
    """Reject malformed input early: the service builds it, so these are programming errors."""
    ids = [p.id for p in projects]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate project ids")
    envelope_ids = [e.id for e in envelopes]
    if len(set(envelope_ids)) != len(envelope_ids):
        raise ValueError("duplicate envelope ids")
    for p in projects:
        if not p.options:
            raise ValueError(f"project {p.id} has no option")
        if p.people < 0:
            raise ValueError(f"project {p.id} has a negative number of people")
        if any(line.amount_cents < 0 for option in p.options for line in option.lines):
            raise ValueError(f"project {p.id} has a negative amount")
    for e in envelopes:
        if any(q < 0 for q in e.quotas.values()):
            raise ValueError(f"envelope {e.id} has a negative quota")
    if priorities.first_departure_bonus < 0 or priorities.low_qf_bonus < 0:
        raise ValueError("bonuses must be non-negative")
    if priorities.low_qf_ceiling_cents <= 0:
        raise ValueError("the low-QF ceiling must be positive")


class _Ledger:
    """Remaining money per envelope and per (envelope, commune) quota, for the heuristics."""

    def __init__(self, envelopes: Iterable[EnvelopeIn], respect_quotas: bool):
        self.envelopes = {e.id: e for e in envelopes}
        self.respect_quotas = respect_quotas
        self.left = {e.id: max(e.available_cents, 0) for e in self.envelopes.values()}
        self.quota_left = {
            (e.id, commune): cents
            for e in self.envelopes.values()
            if respect_quotas
            for commune, cents in e.quotas.items()
        }

    def _quota_key(self, envelope_id: str, commune: str) -> tuple[str, str] | None:
        envelope = self.envelopes[envelope_id]
        return (envelope_id, commune) if self.respect_quotas and envelope.quotas else None

    def fits(self, draws: Mapping[str, int], commune: str) -> bool:
        for envelope_id, cents in draws.items():
            if envelope_id not in self.left:
                return False
            if not cents:
                continue
            if cents > self.left[envelope_id]:
                return False
            key = self._quota_key(envelope_id, commune)
            if key is not None and cents > self.quota_left.get(key, 0):
                return False
        return True

    def take(self, draws: Mapping[str, int], commune: str) -> None:
        for envelope_id, cents in draws.items():
            if not cents:
                continue
            self.left[envelope_id] -= cents
            key = self._quota_key(envelope_id, commune)
            if key is not None:
                self.quota_left[key] -= cents


def _usable_options(project: ProjectIn, untouched: _Ledger) -> list[int]:
    """Indexes of the options that could be funded if the project were alone."""
    return [i for i, option in enumerate(project.options) if untouched.fits(_draws(option), project.commune)]


def _free_option(project: ProjectIn, untouched: _Ledger) -> int | None:
    """The first usable option that draws nothing, if any: such a project is always funded."""
    for i in _usable_options(project, untouched):
        if not any(_draws(project.options[i]).values()):
            return i
    return None


def _allocation(
    projects: Sequence[ProjectIn],
    envelopes: Sequence[EnvelopeIn],
    priorities: Priorities,
    funded: Mapping[str, int],
    *,
    bound: int | float | None,
    status: str,
    seconds: float,
) -> Allocation:
    """Build the result, recomputing every figure from ``funded`` (one source of truth).

    ``bound=None`` when the allocation is proven optimal: the bound is then the objective.
    """
    by_id = {p.id: p for p in projects}
    use = {e.id: 0 for e in envelopes}
    people = objective = 0
    for project_id, index in funded.items():
        project = by_id[project_id]
        people += project.people
        objective += project_weight(project, priorities)
        for envelope_id, cents in _draws(project.options[index]).items():
            use[envelope_id] += cents
    if bound is None:
        bound = objective
    gap = 0.0 if bound <= 0 else max(0.0, (bound - objective) / bound)
    return Allocation(
        funded=dict(sorted(funded.items())),
        people_funded=people,
        objective=objective,
        bound=bound,
        gap=gap,
        status=status,
        seconds=seconds,
        envelope_use=use,
    )


def _trivial_bound(
    projects: Sequence[ProjectIn], envelopes: Sequence[EnvelopeIn], priorities: Priorities
) -> int:
    """Every project that could be funded alone, funded: what the heuristics can claim as a bound."""
    untouched = _Ledger(envelopes, priorities.respect_quotas)
    return sum(project_weight(p, priorities) for p in projects if _usable_options(p, untouched))


# --- heuristics ----------------------------------------------------------------------------------


def _heuristic(
    method: Callable[[Sequence[ProjectIn], Sequence[EnvelopeIn], Priorities], dict[str, int]],
    projects: Sequence[ProjectIn],
    envelopes: Sequence[EnvelopeIn],
    priorities: Priorities,
) -> Allocation:
    """Run a heuristic; its bound is the trivial one (every fundable project funded)."""
    _validate(projects, envelopes, priorities)
    start = time.perf_counter()
    funded = method(projects, envelopes, priorities)
    seconds = time.perf_counter() - start
    bound = _trivial_bound(projects, envelopes, priorities)
    return _allocation(
        projects, envelopes, priorities, funded, bound=bound, status="FEASIBLE", seconds=seconds
    )


def _fund_in_order(
    ordered: Iterable[tuple[ProjectIn, Iterable[int]]],
    envelopes: Sequence[EnvelopeIn],
    priorities: Priorities,
) -> dict[str, int]:
    """Each project in turn takes the first of its listed options that still fits, if any."""
    ledger = _Ledger(envelopes, priorities.respect_quotas)
    funded: dict[str, int] = {}
    for project, options in ordered:
        for index in options:
            draws = _draws(project.options[index])
            if ledger.fits(draws, project.commune):
                ledger.take(draws, project.commune)
                funded[project.id] = index
                break
    return funded


def _fcfs_funded(
    projects: Sequence[ProjectIn], envelopes: Sequence[EnvelopeIn], priorities: Priorities
) -> dict[str, int]:
    ordered = sorted(projects, key=lambda p: (p.submitted_at, p.id))
    return _fund_in_order(((p, range(len(p.options))) for p in ordered), envelopes, priorities)


def first_come_first_served(
    projects: Sequence[ProjectIn], envelopes: Sequence[EnvelopeIn], priorities: Priorities = Priorities()
) -> Allocation:
    """Usual practice: projects in submission order, each takes its first option that still fits.

    A project none of whose options fits any more is skipped and later, smaller ones may still
    pass. ``priorities`` only weighs the result (and sets whether quotas apply), it does not
    reorder.
    """
    return _heuristic(_fcfs_funded, projects, envelopes, priorities)


def _greedy_funded(
    projects: Sequence[ProjectIn], envelopes: Sequence[EnvelopeIn], priorities: Priorities
) -> dict[str, int]:
    # Price of a cent of each envelope (and quota) = how oversubscribed it is: total demand on it
    # (each project's demand spread over its usable options) ÷ what it holds. Exact fractions so
    # the order never depends on float rounding.
    untouched = _Ledger(envelopes, priorities.respect_quotas)
    usable = {p.id: _usable_options(p, untouched) for p in projects}
    demand: dict[str, Fraction] = defaultdict(Fraction)
    quota_demand: dict[tuple[str, str], Fraction] = defaultdict(Fraction)
    by_envelope = {e.id: e for e in envelopes}
    for p in projects:
        for index in usable[p.id]:
            for envelope_id, cents in _draws(p.options[index]).items():
                share = Fraction(cents, len(usable[p.id]))
                demand[envelope_id] += share
                if priorities.respect_quotas and by_envelope[envelope_id].quotas:
                    quota_demand[envelope_id, p.commune] += share

    def price(envelope_id: str, commune: str) -> Fraction:
        envelope = by_envelope[envelope_id]
        result = demand[envelope_id] / max(envelope.available_cents, 1)
        if priorities.respect_quotas and envelope.quotas:
            quota = envelope.quotas.get(commune, 0)
            result = max(result, quota_demand[envelope_id, commune] / max(quota, 1))
        return result

    def cost(p: ProjectIn, index: int) -> Fraction:
        return sum(
            (cents * price(e, p.commune) for e, cents in _draws(p.options[index]).items()),
            start=Fraction(0),
        )

    ranked = []
    for p in projects:
        if not usable[p.id]:
            continue
        options = sorted(usable[p.id], key=lambda i: (cost(p, i), i))
        cheapest = cost(p, options[0])
        weight = project_weight(p, priorities)
        # Free options first, then the most weight per (priced) cent.
        ratio = Fraction(weight, 1) / cheapest if cheapest else None
        ranked.append((ratio is not None, -(ratio or 0), p.submitted_at, p.id, p, options))
    ranked.sort(key=lambda r: r[:4])

    return _fund_in_order(((p, options) for *_, p, options in ranked), envelopes, priorities)


def greedy(
    projects: Sequence[ProjectIn], envelopes: Sequence[EnvelopeIn], priorities: Priorities = Priorities()
) -> Allocation:
    """Most weight per euro first, euros priced by how oversubscribed their envelope is.

    Each project's cost is its cheapest option at those prices; projects go by weight ÷ cost,
    each taking its cheapest option that still fits. A good, fast answer and the solver's hint.
    """
    return _heuristic(_greedy_funded, projects, envelopes, priorities)


# --- the solver ----------------------------------------------------------------------------------


@dataclass
class _Problem:
    """The instance as the optimisers see it: choices (project, option) and the limits that bind."""

    fixed: dict[str, int]  # projects funded outright by a free option
    choices: list[tuple[ProjectIn, int]]  # every (project, option) that could be funded alone
    groups: list[list[int]]  # choices of the same project, when it has more than one
    limits: list[tuple[list[tuple[int, int]], int]]  # ([(choice, cents)], capacity)


def _problem(
    projects: Sequence[ProjectIn], envelopes: Sequence[EnvelopeIn], priorities: Priorities
) -> _Problem:
    by_envelope = {e.id: e for e in envelopes}
    untouched = _Ledger(envelopes, priorities.respect_quotas)
    fixed: dict[str, int] = {}
    choices: list[tuple[ProjectIn, int]] = []
    groups: list[list[int]] = []
    terms: dict[tuple[str, str | None], list[tuple[int, int]]] = defaultdict(list)
    for p in projects:
        free = _free_option(p, untouched)
        if free is not None:
            fixed[p.id] = free
            continue
        group = []
        for i in _usable_options(p, untouched):
            k = len(choices)
            choices.append((p, i))
            group.append(k)
            for envelope_id, cents in _draws(p.options[i]).items():
                if cents:
                    terms[envelope_id, None].append((k, cents))
                    if priorities.respect_quotas and by_envelope[envelope_id].quotas:
                        terms[envelope_id, p.commune].append((k, cents))
        if len(group) > 1:
            groups.append(group)
    limits = []
    for (envelope_id, commune), row in terms.items():
        envelope = by_envelope[envelope_id]
        capacity = max(envelope.available_cents, 0) if commune is None else envelope.quotas.get(commune, 0)
        # A limit that all its demand together cannot reach constrains nothing.
        if sum(cents for _, cents in row) > capacity:
            limits.append((row, capacity))
    return _Problem(fixed, choices, groups, limits)


def _lp_rounding(problem: _Problem, weights: Sequence[int]) -> dict[str, int]:
    """Round the LP relaxation (GLOP): its near-integral choices first, then by LP-priced ratio.

    With thousands of small projects the LP optimum is integral but for a few hundred
    variables, so this lands close to the bound and gives CP-SAT a far better start than the
    greedy. The LP prices (duals) rank what is left better than any fixed rule.
    """
    from ortools.linear_solver import pywraplp

    lp = pywraplp.Solver.CreateSolver("GLOP")
    x = [lp.NumVar(0, 1, "") for _ in problem.choices]
    objective = lp.Objective()
    for k, w in enumerate(weights):
        objective.SetCoefficient(x[k], w)
    objective.SetMaximization()
    for group in problem.groups:
        row = lp.Constraint(0, 1)
        for k in group:
            row.SetCoefficient(x[k], 1)
    rows = []
    uses: list[list[tuple[int, int]]] = [[] for _ in problem.choices]  # (limit, cents) per choice
    for index, (terms, capacity) in enumerate(problem.limits):
        row = lp.Constraint(-lp.infinity(), capacity)
        for k, cents in terms:
            row.SetCoefficient(x[k], cents)
            uses[k].append((index, cents))
        rows.append(row)
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return {}
    values = [round(v.solution_value(), 6) for v in x]
    prices = [row.dual_value() for row in rows]

    def key(k: int) -> tuple[float, float, str, int]:
        priced = sum(prices[limit] * cents for limit, cents in uses[k])
        spent = sum(cents for _, cents in uses[k]) or 1
        project, option = problem.choices[k]
        return (-values[k], -(weights[k] - priced) / spent, project.id, option)

    left = [capacity for _, capacity in problem.limits]
    funded: dict[str, int] = {}
    for k in sorted(range(len(problem.choices)), key=key):
        project, option = problem.choices[k]
        if project.id not in funded and all(left[limit] >= cents for limit, cents in uses[k]):
            for limit, cents in uses[k]:
                left[limit] -= cents
            funded[project.id] = option
    return funded


def solve(
    projects: Sequence[ProjectIn],
    envelopes: Sequence[EnvelopeIn],
    priorities: Priorities = Priorities(),
    *,
    time_limit: float = 60.0,
    gap_limit: float = 0.0,
    progress: ProgressCallback | None = None,
) -> Allocation:
    """The allocation of greatest weight, by CP-SAT, with the solver's proven bound.

    The search starts from the best of three heuristics (rounded LP relaxation, greedy, FCFS),
    so the answer is never worse than any of them. It stops when optimality is proven, when
    ``time_limit`` (seconds, for the whole call) is spent, or as soon as the gap to the bound
    is at most ``gap_limit`` (e.g. 0.01; 0 = prove optimality).

    ``progress(fraction, message)`` is called on the caller's thread: at the start, on every
    better solution, about once a second in between (fraction = share of ``time_limit`` spent)
    and at the end with 1.0. If it raises (e.g. the job was cancelled) the search is stopped and
    the exception propagates.
    """
    from ortools.sat.python import cp_model  # heavy import, only when solving

    _validate(projects, envelopes, priorities)
    if time_limit <= 0 or not 0 <= gap_limit < 1:
        raise ValueError("time_limit must be positive and gap_limit in [0, 1)")
    start = time.perf_counter()
    projects = sorted(projects, key=lambda p: p.id)
    envelopes = sorted(envelopes, key=lambda e: e.id)
    weight = {p.id: project_weight(p, priorities) for p in projects}

    def report(fraction: float, message: str) -> None:
        if progress is not None:
            progress(fraction, message)

    def total(funded: Mapping[str, int]) -> int:
        return sum(weight[project_id] for project_id in funded)

    def elapsed() -> float:
        return time.perf_counter() - start

    report(0.0, f"Préparation : {len(projects)} projets, {len(envelopes)} enveloppes")
    problem = _problem(projects, envelopes, priorities)
    weights = [weight[p.id] for p, _ in problem.choices]
    constant = total(problem.fixed)
    # Free options swapped in: they fund the same project and only give money back.
    hint = max(
        (
            {**funded, **problem.fixed}
            for funded in (
                _lp_rounding(problem, weights) if problem.choices else {},
                _greedy_funded(projects, envelopes, priorities),
                _fcfs_funded(projects, envelopes, priorities),
            )
        ),
        key=total,
    )

    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{k}") for k in range(len(problem.choices))]
    for group in problem.groups:
        model.add_at_most_one(x[k] for k in group)
    for terms, capacity in problem.limits:
        model.add(sum(cents * x[k] for k, cents in terms) <= capacity)
    # Dividing by the common factor (100 without bonuses) keeps the solver's numbers small.
    scale = math.gcd(*weights) or 1
    model.maximize(sum((w // scale) * x[k] for k, w in enumerate(weights)))
    for k, (p, i) in enumerate(problem.choices):
        model.add_hint(x[k], hint.get(p.id) == i)

    solver = cp_model.CpSolver()
    parameters = solver.parameters
    parameters.num_workers = NUM_WORKERS
    parameters.random_seed = SEED
    # Deterministic parallel search: the same input gives the same answer (when it ends by
    # proof, not on the clock).
    parameters.interleave_search = True
    # Measured on the 10 000-project bench: the LP with symmetries folded reaches the LP bound
    # in a second where the default LP worker stalls ~8 % above it; keeping the symmetries
    # also cuts presolve from ~5 s to under 1 s. The other worker runs the LNS that improve
    # the hint.
    parameters.subsolvers.append("max_lp_sym")
    parameters.keep_symmetry_in_presolve = True
    parameters.max_time_in_seconds = max(time_limit - elapsed(), 0.1)
    parameters.relative_gap_limit = gap_limit

    status = _search(
        solver,
        model,
        scale=scale,
        constant=constant,
        start_objective=total(hint),
        time_limit=time_limit,
        elapsed=elapsed,
        report=report,
    )

    funded: dict[str, int] = dict(problem.fixed)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        funded.update((p.id, i) for k, (p, i) in enumerate(problem.choices) if solver.boolean_value(x[k]))
    if total(funded) < total(hint):
        # CP-SAT stopped before even loading its hint (a tiny time limit): keep the hint.
        funded, status = hint, cp_model.FEASIBLE
    raw_bound = solver.best_objective_bound
    if status == cp_model.OPTIMAL and problem.choices and time_limit - elapsed() > 0.5:
        funded = _earliest_among_optimal(
            model, x, problem, projects, weights, scale, funded, time_limit - elapsed()
        )
    # The objective is an integer: the floor of the solver's bound is a bound too.
    bound = math.floor(raw_bound + 1e-6) * scale + constant if math.isfinite(raw_bound) else None
    if status == cp_model.OPTIMAL and bound is not None and bound > total(funded):
        status = cp_model.FEASIBLE  # CP-SAT says OPTIMAL when it stops on gap_limit
    if status == cp_model.OPTIMAL:
        bound = None
    elif bound is None:
        bound = _trivial_bound(projects, envelopes, priorities)
    result = _allocation(
        projects,
        envelopes,
        priorities,
        funded,
        bound=bound,
        status="OPTIMAL" if status == cp_model.OPTIMAL else "FEASIBLE",
        seconds=elapsed(),
    )
    report(
        1.0,
        f"Terminé : {result.people_funded} personnes financées, écart à la borne {result.gap:.2%}".replace(
            ".", ","
        ),
    )
    return result


def _earliest_among_optimal(
    model: CpModel,
    x: Sequence[IntVar],
    problem: _Problem,
    projects: Sequence[ProjectIn],
    weights: Sequence[int],
    scale: int,
    funded: dict[str, int],
    seconds: float,
) -> dict[str, int]:
    """Among the allocations of the proven optimal weight, the one that follows submission order
    best: at equal merit, earlier projects first (what people see as fair). A second, short
    search with the weight fixed at its optimum; the first answer is kept if it finds nothing."""
    from ortools.sat.python import cp_model

    best = sum(
        w // scale
        for k, w in enumerate(weights)
        if funded.get(problem.choices[k][0].id) == problem.choices[k][1]
    )
    order = sorted(projects, key=lambda p: (p.submitted_at, p.id))
    earliness = {p.id: len(order) - rank for rank, p in enumerate(order)}
    model.add(sum((w // scale) * x[k] for k, w in enumerate(weights)) >= best)
    model.clear_objective()  # type: ignore[no-untyped-call]  # unannotated in ortools
    model.maximize(sum(earliness[p.id] * x[k] for k, (p, _i) in enumerate(problem.choices)))
    model.clear_hints()  # type: ignore[no-untyped-call]  # unannotated in ortools
    for k, (p, i) in enumerate(problem.choices):
        model.add_hint(x[k], funded.get(p.id) == i)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = NUM_WORKERS
    solver.parameters.random_seed = SEED
    solver.parameters.interleave_search = True
    solver.parameters.max_time_in_seconds = min(seconds, 10.0)
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return funded
    chosen = dict(problem.fixed)
    chosen.update((p.id, i) for k, (p, i) in enumerate(problem.choices) if solver.boolean_value(x[k]))
    return chosen


def _search(
    solver: CpSolver,
    model: CpModel,
    *,
    scale: int,
    constant: int,
    start_objective: int,
    time_limit: float,
    elapsed: Callable[[], float],
    report: ProgressCallback,
) -> CpSolverStatus:
    """Run CP-SAT on a thread of its own and relay its progress on the caller's thread.

    The caller's thread may then talk to the database (job progress) and cancel the search by
    raising from ``report``.
    """
    best: float = start_objective

    def fraction() -> float:
        return min(elapsed() / time_limit, 0.99)

    def on_solution(raw_objective: float, raw_bound: float) -> None:
        nonlocal best
        objective, bound = raw_objective * scale + constant, raw_bound * scale + constant
        if objective > best:
            best = objective
            gap = (bound - best) / bound if bound > 0 else 0.0
            report(
                fraction(),
                f"Meilleure solution : {_people(best)}, écart à la borne {gap:.2%}".replace(".", ","),
            )

    def on_wait() -> None:
        report(fraction(), f"Recherche en cours ({elapsed():.0f} s)")

    report(fraction(), f"Recherche : solution de départ {_people(best)}")
    return solver_progress.search(solver, model, on_solution=on_solution, on_wait=on_wait)


def _people(weighted: float) -> str:
    return f"{weighted / BASE_WEIGHT:.0f} personnes (pondéré)"


# --- the validator -------------------------------------------------------------------------------


def check(
    projects: Sequence[ProjectIn],
    envelopes: Sequence[EnvelopeIn],
    allocation: Allocation,
    priorities: Priorities = Priorities(),
) -> list[str]:
    """Every constraint ``allocation`` violates, as French messages; ``[]`` when it is valid.

    Checks the chosen options exist and draw from known envelopes, no envelope or quota is
    overspent, projects with a free option are funded, and the reported figures (people,
    objective, envelope use) match the choices.
    """
    errors: list[str] = []
    by_id = {p.id: p for p in projects}
    by_envelope = {e.id: e for e in envelopes}
    use: dict[str, int] = defaultdict(int)
    quota_use: dict[tuple[str, str], int] = defaultdict(int)
    people = objective = 0
    for project_id, index in sorted(allocation.funded.items()):
        project = by_id.get(project_id)
        if project is None:
            errors.append(f"Projet inconnu : {project_id}.")
            continue
        if not 0 <= index < len(project.options):
            errors.append(
                f"Projet {project_id} : l'option {index} n'existe pas (le projet en a {len(project.options)})."
            )
            continue
        people += project.people
        objective += project_weight(project, priorities)
        for envelope_id, cents in _draws(project.options[index]).items():
            if envelope_id not in by_envelope:
                errors.append(f"Projet {project_id} : l'enveloppe {envelope_id} n'existe pas.")
                continue
            if cents < 0:
                errors.append(f"Projet {project_id} : montant négatif sur l'enveloppe {envelope_id}.")
            use[envelope_id] += cents
            if priorities.respect_quotas and by_envelope[envelope_id].quotas and cents:
                quota_use[envelope_id, project.commune] += cents
    for envelope_id, used in sorted(use.items()):
        available = by_envelope[envelope_id].available_cents
        if used > max(available, 0):
            errors.append(
                f"Enveloppe {envelope_id} : {euros(used)} engagés pour {euros(available)} disponibles "
                f"(dépassement de {euros(used - max(available, 0))})."
            )
    for (envelope_id, commune), used in sorted(quota_use.items()):
        quotas = by_envelope[envelope_id].quotas
        if commune not in quotas:
            errors.append(
                f"Enveloppe {envelope_id} : {euros(used)} engagés pour la commune {commune}, "
                "qui n'a pas de quota sur cette enveloppe."
            )
        elif used > quotas[commune]:
            errors.append(
                f"Enveloppe {envelope_id}, commune {commune} : {euros(used)} engagés pour un quota de "
                f"{euros(quotas[commune])}."
            )
    untouched = _Ledger(envelopes, priorities.respect_quotas)
    for project in sorted(projects, key=lambda p: p.id):
        if project.id not in allocation.funded and _free_option(project, untouched) is not None:
            errors.append(f"Projet {project.id} : il a une option sans financement mais n'est pas retenu.")
    if allocation.people_funded != people:
        errors.append(f"Personnes financées annoncées : {allocation.people_funded}, calculées : {people}.")
    if allocation.objective != objective:
        errors.append(f"Objectif annoncé : {allocation.objective}, calculé : {objective}.")
    for envelope_id in sorted(set(use) | set(allocation.envelope_use)):
        if allocation.envelope_use.get(envelope_id, 0) != use.get(envelope_id, 0):
            errors.append(
                f"Enveloppe {envelope_id} : consommation annoncée {euros(allocation.envelope_use.get(envelope_id, 0))}, "
                f"calculée {euros(use.get(envelope_id, 0))}."
            )
    if allocation.bound < allocation.objective:
        errors.append(f"La borne ({allocation.bound}) est inférieure à l'objectif ({allocation.objective}).")
    return errors
