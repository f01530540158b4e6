"""The collective camping week ("séjour commun"): households to campsites, weeks, units and buses.

Pure computation: no Django, no ORM. The file CLI (``manage.py plan_camping``) and, later, the
planning jobs build a :class:`PlanInput` (or parse the issue's JSON with :func:`parse_input`),
call :func:`solve` (or :func:`greedy`, the by-hand baseline), check the result with
:func:`check` and save it (:func:`plan_to_json`).

The problem
    Each household goes, whole, to one unit (mobile-home, chalet…) of one campsite for one of
    the weeks it allows, or stays unplaced. A unit hosts one household a week and needs
    ``beds ≥ people``; a household that needs an accessible unit gets one; the people placed
    from a commune stay within its quota (a commune without a quota has no limit). Buses: a trip
    serves one (week, campsite), carries at most ``bus.seats`` people and stops in at most
    ``bus.max_stops`` communes (a stop = a commune); every placed household rides exactly one
    trip of its (week, campsite), whole. A commune's households may share several trips.

Objectives, lexicographic (most important first)
    1. most people placed;
    2. (re-planning only) fewest moves: previously placed households not kept in the same unit
       and week (a household that drops out of the plan counts as moved);
    3. fewest buses (trips);
    4. most wishes honoured: a "with" wish (``Household.companions``, JSON ``with``) of ``h``
       towards ``g`` is honoured when both are placed the same week in the same campsite (a
       mutual wish counts twice: each household's wish is one wish; a wish towards a household
       absent from the input is ignored); a campsite preference of a household is honoured when
       it is placed in one of its preferred campsites (one wish per household that has some);
    5. fewest empty beds (beds of the used units − people placed).

    They are optimised **stage by stage**: each stage is a CP-SAT solve of one objective, then
    the value reached is added as a constraint (``people ≥ p``, ``buses ≤ b``…) before the next
    stage, which starts from the previous solution (a complete hint). Weighted sums would need
    weights larger than the whole range of every later objective (a person must outweigh all
    buses, wishes and beds: factors of 10⁶ and more on 10 000 people), which makes the
    solver's bounds and its LP weak; staging keeps each objective small and its bound
    meaningful, and is exactly lexicographic when every stage ends by proof. When a stage stops
    on its time share, its value is still fixed as reached (the later stages never lose what an
    earlier one found) but it may not be the best possible: the status is then ``FEASIBLE``.

Bound
    ``stats.bound`` is CP-SAT's proven upper bound on the first objective, **people placed**
    (equal to it when proven optimal). ``stats.bounds`` gives each stage's bound, each proven
    *given the values fixed by the earlier stages* (e.g. the bus bound is the fewest buses
    possible with that many people placed). :func:`gap` is ``(bound − placed) / bound``. The bus
    bound comes from the bus stage or, when higher, from the regrouping step before it, which
    minimises ``Σ max(⌈people / seats⌉, ⌈communes / max_stops⌉)`` over the (week, campsite)
    (every bus plan needs at least that many trips) with the people placed fixed.

Regrouping before the buses
    After the people stage (and moves), a seeded local search (:func:`_regroup`, a fixed number
    of steps) moves and swaps households to group each commune in few (week, campsite), then
    CP-SAT minimises that lower bound from there, and each (week, campsite)'s trips are packed
    by a small CP-SAT (:func:`_pack_buses`, deterministic time limit): the start of the bus
    stage. On the bench this takes the bus count from 56 to 25–27 (greedy 39).

Model size
    Units of a campsite with the same beds and accessibility are interchangeable, so the model
    chooses a unit *kind* per household, week and campsite (capacity = how many units of that
    kind), never a unit: no symmetric solutions between identical units, and far fewer
    variables. Unit ids are given afterwards (locked households and households kept in place
    first get their own unit back). Trips: each (week, campsite) has ``T`` trip slots, used in
    order (slot ``t+1`` only if slot ``t``); every candidate household has a boolean per slot.
    ``T`` never cuts a solution off: sorting any set of ``N`` passengers from ``d`` communes by
    commune and filling trips first-fit closes a trip either because the next household does not
    fit (the trip then holds ≥ ``seats − m + 1`` people, ``m`` the largest household) or because
    its stops are full at a commune boundary (it ends the runs of ``max_stops`` communes, each
    run ends once); so ``T = ⌊N / (seats − m + 1)⌋ + ⌊d / max_stops⌋ + 1`` trips always suffice,
    with ``N``, ``d``, ``m`` bounded over the households that could go there.

Re-planning
    Given ``previous`` assignments (the plan in force) after cancellations or late additions, the
    stages are people, then moves, then the rest; a household kept in the same campsite, week
    and unit kind gets its previous unit back, so "not moved" in the model is "not moved" in the
    output. ``locked`` assignments are imposed as they are (and must respect every constraint,
    else the input is rejected).

Unplaced households
    Every unplaced household gets a French reason: no allowed week is offered, too many people
    for any unit (or any accessible one) or for a bus, over its commune's quota alone, quota
    already used, or every compatible unit taken in its weeks.

Determinism
    Inputs are sorted by id, the model is built in that order, and CP-SAT runs with a fixed seed
    on a single worker (a sequential, deterministic search): the same input gives the same plan
    whenever every stage ends by proof. A stage that stops on the wall-clock time
    limit depends on how far it got (machine load), so the plan may then differ from run to
    run — it is still valid (:func:`check`) and never worse than the greedy on people placed.

The package
    ``io`` (the dataclasses in and out, their JSON and validation), ``problem`` (what every
    method shares: sorted input, unit kinds, options), ``heuristics`` (the greedy, bus filling
    and packing, the regrouping search), ``model`` (the CP-SAT model), ``search`` (the staged
    solve), ``check`` (the independent validator, one move by hand). Import from the package:
    its names below are the public API.

Malformed input (unknown campsite, duplicate ids, invalid date, a lock that breaks a constraint…)
raises :class:`PlanInputError` naming the field, e.g. ``households[3].weeks[0]: date invalide``.
"""

from partez.core.solver_progress import ProgressCallback

from .check import buses_for, check, placement_problems
from .heuristics import greedy
from .io import (
    Assignment,
    Bus,
    Campsite,
    Household,
    Plan,
    PlanInput,
    PlanInputError,
    Stats,
    Trip,
    Unit,
    assignment_problem,
    gap,
    parse_input,
    plan_to_json,
    validate,
)
from .problem import NUM_WORKERS, REGROUP_STEPS, SEED, STAGE_SHARE
from .search import STAGE_LABEL, solve

__all__ = [
    "NUM_WORKERS",
    "REGROUP_STEPS",
    "SEED",
    "STAGE_LABEL",
    "STAGE_SHARE",
    "Assignment",
    "Bus",
    "Campsite",
    "Household",
    "Plan",
    "PlanInput",
    "PlanInputError",
    "ProgressCallback",
    "Stats",
    "Trip",
    "Unit",
    "assignment_problem",
    "buses_for",
    "check",
    "gap",
    "greedy",
    "parse_input",
    "placement_problems",
    "plan_to_json",
    "solve",
    "validate",
]
