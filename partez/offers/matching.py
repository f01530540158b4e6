"""Donated weeks (and BSV options) matched to families: pure, no Django, no ORM.

The rules of a match (:func:`compatible`): one offer per family and one family per offer, people
≤ beds, an accessible offer for a family that needs one, an offer reachable without a car for a
family without one, a period the family can leave in, a site it does not exclude, a pair not
refused by a professional, and at most ``max_families_per_site_period`` families per site and
period (the social-mix rule), counting the proposals already accepted (``fixed``).

The objective, lexicographic: as many families as possible, a first departure counting double;
then (a re-match) as few families moved from their ``previous`` proposal; then as few empty beds
in the offers used. Written as one integer sum (:func:`weights`), the tiers scaled so that no
amount of a lower tier buys one unit of a higher one.

Methods on the same input: :func:`solve`, exact — with the social-mix layer the problem stays a
network flow (source → family → offer → site × period → sink), so OR-Tools' min-cost flow gives
the proven optimum of the three-tier objective in about a second for the foundation's 1,300
families and 1,500 offers; :func:`solve_cp`, the same model in CP-SAT (through
:mod:`partez.core.solver_progress`), exact too, an independent cross-check on small and mid-size
instances (on the full size its 600,000 Booleans do not even finish presolve in 10 s: measured
by ``make bench-offers``); :func:`greedy` (the most constrained first-departure families first,
each to its tightest offer); :func:`baseline` (the spreadsheet way: families in the order they
asked, each to the first offer that fits). :func:`check` validates any result without a solver. JSON in and out
(:func:`parse`, :func:`to_json`) is the format of ``manage.py match_offers``.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from partez.core import solver_progress
from partez.core.solver_progress import ProgressCallback

NUM_WORKERS = 2
SEED = 7


@dataclass(frozen=True)
class OfferIn:
    id: str
    site: str
    period: str
    beds: int
    accessible: bool
    car_needed: bool


@dataclass(frozen=True)
class FamilyIn:
    id: str
    people: int
    needs_accessible: bool
    periods: tuple[str, ...]
    has_car: bool
    first_departure: bool
    excluded_sites: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    max_families_per_site_period: int
    offers: tuple[OfferIn, ...]
    families: tuple[FamilyIn, ...]
    # family → offer: accepted proposals, kept as they are by a re-match
    fixed: Mapping[str, str] = field(default_factory=dict)
    # (family, offer) pairs a professional refused: never proposed again
    forbidden: frozenset[tuple[str, str]] = frozenset()
    # family → offer: the proposals of the previous run, moved as little as possible
    previous: Mapping[str, str] = field(default_factory=dict)
    # (site, period) → families already there by other means (bookings made by hand)
    occupied: Mapping[tuple[str, str], int] = field(default_factory=dict)
    # period → its name in the explanations (the period's id when absent)
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Matching:
    method: str
    assignments: dict[str, str]  # family → offer
    unmatched: dict[str, str]  # family → reason (French)
    objective: int  # families matched, a first departure counting twice
    bound: int  # proven upper bound of ``objective`` (equal when optimal)
    status: str  # OPTIMAL, FEASIBLE, HEURISTIC
    seconds: float
    empty_beds: int = 0
    first_departures: int = 0
    moved: int = 0
    explanations: dict[str, str] = field(default_factory=dict)  # family → why this offer

    @property
    def matched(self) -> int:
        return len(self.assignments)


# --- the rules -----------------------------------------------------------------------------------


def score(family: FamilyIn) -> int:
    """What a matched family is worth: a first departure counts double."""
    return 2 if family.first_departure else 1


def compatible(family: FamilyIn, offer: OfferIn, forbidden: frozenset[tuple[str, str]] = frozenset()) -> bool:
    return not incompatibility(family, offer, forbidden)


def incompatibility(
    family: FamilyIn, offer: OfferIn, forbidden: frozenset[tuple[str, str]] = frozenset()
) -> str:
    """Why ``offer`` cannot go to ``family`` (French), or "" when it can."""
    if offer.period not in family.periods:
        return "période non demandée"
    if family.people > offer.beds:
        return f"{offer.beds} lits pour {family.people} personnes"
    if family.needs_accessible and not offer.accessible:
        return "hébergement non accessible"
    if offer.car_needed and not family.has_car:
        return "accessible en voiture seulement"
    if offer.site in family.excluded_sites:
        return "site exclu par la famille"
    if (family.id, offer.id) in forbidden:
        return "proposition refusée"
    return ""


# The filters in the order a reason names the first that leaves nothing.
_FILTERS: tuple[tuple[Callable[[FamilyIn, OfferIn], bool], str], ...] = (
    (lambda f, o: o.period in f.periods, "Aucune offre sur les périodes où la famille peut partir."),
    (lambda f, o: o.beds >= f.people, "Aucune offre de {people} lits ou plus sur ses périodes."),
    (
        lambda f, o: o.accessible or not f.needs_accessible,
        "Aucune offre accessible (PMR) assez grande sur ses périodes.",
    ),
    (
        lambda f, o: not o.car_needed or f.has_car,
        "Aucune offre joignable sans voiture qui convienne (la famille n'a pas de voiture).",
    ),
    (
        lambda f, o: o.site not in f.excluded_sites,
        "Les seules offres qui conviendraient sont sur des sites exclus.",
    ),
)


def unmatched_reason(problem: Problem, family: FamilyIn) -> str:
    """Why ``family`` has no offer, in plain French."""
    offers: list[OfferIn] = list(problem.offers)
    for keep, reason in _FILTERS:
        offers = [o for o in offers if keep(family, o)]
        if not offers:
            return reason.format(people=family.people)
    offers = [o for o in offers if (family.id, o.id) not in problem.forbidden]
    if not offers:
        return "Les offres qui conviendraient ont été refusées pour cette famille."
    n = problem.max_families_per_site_period
    return (
        f"{len(offers)} offre{'s' if len(offers) > 1 else ''} conviendrai{'en' if len(offers) > 1 else ''}t, "
        f"mais elles vont à d'autres familles (premiers départs d'abord) ou leur site a atteint la "
        f"limite de mixité sociale ({n} famille{'s' if n > 1 else ''} par site et période)."
    )


def explanation(family: FamilyIn, offer: OfferIn, labels: Mapping[str, str] | None = None) -> str:
    """Why this offer for this family, in plain French."""
    period = (labels or {}).get(offer.period, offer.period)
    parts = [f"période « {period} » demandée", f"{offer.beds} lits pour {family.people} personnes"]
    if family.needs_accessible:
        parts.append("hébergement accessible")
    if not family.has_car:
        parts.append("joignable sans voiture")
    if family.first_departure:
        parts.append("premier départ (prioritaire)")
    return "Proposée : " + ", ".join(parts) + "."


# --- the objective -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scale:
    empty: int  # more than every empty bed of the catalogue together
    moves: int  # one family kept in place is worth this many empty beds and more
    families: int  # one point of score is worth more than every move and empty bed together


def _scale(problem: Problem) -> _Scale:
    empty = sum(o.beds for o in problem.offers) + 1
    moves = empty if problem.previous else 0
    families = empty + (len(problem.previous) + 1) * moves
    return _Scale(empty=empty, moves=moves, families=families)


def weights(problem: Problem, pairs: Iterable[tuple[FamilyIn, OfferIn]]) -> list[int]:
    """The solver's integer weight of each (family, offer) pair (see the module's docstring)."""
    s = _scale(problem)
    return [
        score(f) * s.families + (s.moves if problem.previous.get(f.id) == o.id else 0) - (o.beds - f.people)
        for f, o in pairs
    ]


def _capacities(problem: Problem) -> dict[tuple[str, str], int]:
    """Families still allowed per (site, period), once the accepted proposals are counted."""
    offers = {o.id: o for o in problem.offers}
    room: dict[tuple[str, str], int] = defaultdict(lambda: problem.max_families_per_site_period)
    for key, count in problem.occupied.items():
        room[key] -= count
    for offer_id in problem.fixed.values():
        o = offers[offer_id]
        room[(o.site, o.period)] -= 1
    return room


def _open(problem: Problem) -> tuple[list[FamilyIn], list[OfferIn]]:
    taken = set(problem.fixed.values())
    families = [f for f in problem.families if f.id not in problem.fixed]
    return families, [o for o in problem.offers if o.id not in taken]


def _pairs(problem: Problem) -> list[tuple[FamilyIn, OfferIn]]:
    families, offers = _open(problem)
    by_period: dict[str, list[OfferIn]] = defaultdict(list)
    for o in offers:
        by_period[o.period].append(o)
    return [
        (f, o)
        for f in families
        for period in dict.fromkeys(f.periods)
        for o in by_period.get(period, ())
        if compatible(f, o, problem.forbidden)
    ]


def result(
    problem: Problem,
    method: str,
    assignments: Mapping[str, str],
    *,
    status: str,
    seconds: float,
    bound: int | None,
) -> Matching:
    """A :class:`Matching` with its figures, reasons and explanations computed from ``assignments``."""
    offers = {o.id: o for o in problem.offers}
    families = {f.id: f for f in problem.families}
    chosen = dict(problem.fixed) | dict(assignments)
    objective = sum(score(families[f]) for f in chosen)
    return Matching(
        method=method,
        assignments=chosen,
        unmatched={f.id: unmatched_reason(problem, f) for f in problem.families if f.id not in chosen},
        objective=objective,
        bound=objective if bound is None else max(bound, objective),
        status=status,
        seconds=seconds,
        empty_beds=sum(offers[o].beds - families[f].people for f, o in chosen.items()),
        first_departures=sum(1 for f in chosen if families[f].first_departure),
        moved=sum(1 for f, o in problem.previous.items() if f in families and chosen.get(f) != o),
        explanations={f: explanation(families[f], offers[o], problem.labels) for f, o in chosen.items()},
    )


def upper_bound(problem: Problem) -> int:
    """A bound without the solver: every family that has a compatible offer, matched."""
    families = {f.id for f, _o in _pairs(problem)}
    return sum(score(f) for f in problem.families if f.id in families or f.id in problem.fixed)


# --- the heuristics ------------------------------------------------------------------------------


def _assign_in_order(
    problem: Problem, order: Sequence[FamilyIn], pick: Callable[[FamilyIn, list[OfferIn]], OfferIn]
) -> dict[str, str]:
    _families, offers = _open(problem)
    room = _capacities(problem)
    free = {o.id for o in offers}
    by_family: dict[str, list[OfferIn]] = defaultdict(list)
    for f, o in _pairs(problem):
        by_family[f.id].append(o)
    chosen: dict[str, str] = {}
    for f in order:
        options = [o for o in by_family[f.id] if o.id in free and room[(o.site, o.period)] > 0]
        if options:
            o = pick(f, options)
            chosen[f.id] = o.id
            free.discard(o.id)
            room[(o.site, o.period)] -= 1
    return chosen


def greedy(problem: Problem) -> Matching:
    """First departures first, then the families with the fewest compatible offers (the hardest to
    place), the largest first; each gets its previous proposal if still free, else the offer with
    the fewest empty beds."""
    started = time.perf_counter()
    families, _offers = _open(problem)
    options: dict[str, int] = defaultdict(int)
    for f, _o in _pairs(problem):
        options[f.id] += 1
    order = sorted(families, key=lambda f: (-score(f), options[f.id], -f.people, f.id))

    def pick(f: FamilyIn, offers: list[OfferIn]) -> OfferIn:
        previous = problem.previous.get(f.id)
        return min(offers, key=lambda o: (o.id != previous, o.beds - f.people, o.id))

    chosen = _assign_in_order(problem, order, pick)
    return result(
        problem, "greedy", chosen, status="HEURISTIC", seconds=time.perf_counter() - started, bound=None
    )


def baseline(problem: Problem) -> Matching:
    """The spreadsheet way: families in the order they asked, each to the first offer of the
    catalogue that fits."""
    started = time.perf_counter()
    families, _offers = _open(problem)
    chosen = _assign_in_order(problem, families, lambda f, offers: offers[0])
    return result(
        problem, "baseline", chosen, status="HEURISTIC", seconds=time.perf_counter() - started, bound=None
    )


# --- the exact methods ---------------------------------------------------------------------------


def solve_cp(
    problem: Problem, *, time_limit: float = 10.0, progress: ProgressCallback | None = None
) -> Matching:
    """CP-SAT: one Boolean per compatible (family, offer) pair, at most one per family, per offer,
    and N per site and period; started from the greedy. Returns the proven optimum (status
    OPTIMAL) or the best found with CP-SAT's bound (FEASIBLE) when ``time_limit`` runs out."""
    from ortools.sat.python import cp_model

    started = time.perf_counter()
    report = progress or (lambda _fraction, _message: None)
    report(0.0, "Construction du modèle…")
    pairs = _pairs(problem)
    w = weights(problem, pairs)
    hint = greedy(problem)
    if not pairs:
        return result(
            problem, "cp_sat", {}, status="OPTIMAL", seconds=time.perf_counter() - started, bound=None
        )
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{k}") for k in range(len(pairs))]
    by_family: dict[str, list[int]] = defaultdict(list)
    by_offer: dict[str, list[int]] = defaultdict(list)
    by_site_period: dict[tuple[str, str], list[int]] = defaultdict(list)
    for k, (f, o) in enumerate(pairs):
        by_family[f.id].append(k)
        by_offer[o.id].append(k)
        by_site_period[(o.site, o.period)].append(k)
    for group in (*by_family.values(), *by_offer.values()):
        model.add_at_most_one(x[k] for k in group)
    room = _capacities(problem)
    for key, group in by_site_period.items():
        if room[key] < len(group):
            model.add(sum(x[k] for k in group) <= max(room[key], 0))
    model.maximize(sum(wk * x[k] for k, wk in enumerate(w)))
    for k, (f, o) in enumerate(pairs):
        model.add_hint(x[k], hint.assignments.get(f.id) == o.id)

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = NUM_WORKERS
    solver.parameters.random_seed = SEED
    solver.parameters.interleave_search = True
    solver.parameters.max_time_in_seconds = max(time_limit - (time.perf_counter() - started), 0.1)
    scale = _scale(problem)
    fixed = sum(score(f) for f in problem.families if f.id in problem.fixed)

    def families_of(value: float) -> int:
        # value = score × F + kept − empty with −E < kept − empty < F − E + 1: one score fits
        return fixed + math.floor((value + scale.empty - 1) / scale.families + 1e-9)

    def on_solution(objective: float, bound: float) -> None:
        elapsed = time.perf_counter() - started
        report(
            min(elapsed / time_limit, 0.99),
            f"Solution trouvée : {families_of(objective)} points (borne {families_of(bound)})",
        )

    def on_wait() -> None:
        elapsed = time.perf_counter() - started
        report(min(elapsed / time_limit, 0.99), f"Recherche en cours ({elapsed:.0f} s)…")

    status = solver_progress.search(
        solver, model, on_solution=on_solution, on_wait=on_wait, thread_name="offers"
    )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        report(1.0, "Pas de solution meilleure que l'heuristique dans le temps donné.")
        return _relabel(hint, "cp_sat", bound=upper_bound(problem), seconds=time.perf_counter() - started)
    chosen = {pairs[k][0].id: pairs[k][1].id for k in range(len(pairs)) if solver.boolean_value(x[k])}
    optimal = status == cp_model.OPTIMAL
    bound = None if optimal else families_of(solver.best_objective_bound)
    out = result(
        problem,
        "cp_sat",
        chosen,
        status="OPTIMAL" if optimal else "FEASIBLE",
        seconds=time.perf_counter() - started,
        bound=bound,
    )
    report(1.0, f"Terminé : {out.matched} familles, {out.first_departures} premiers départs.")
    return out


def _relabel(m: Matching, method: str, *, bound: int, seconds: float) -> Matching:
    m.method, m.bound, m.seconds, m.status = method, max(bound, m.objective), seconds, "FEASIBLE"
    return m


def solve(problem: Problem, *, progress: ProgressCallback | None = None) -> Matching:
    """The proven optimum by min-cost flow (see :func:`flow_optimum`)."""
    started = time.perf_counter()
    report = progress or (lambda _fraction, _message: None)
    report(0.1, f"Réseau de {len(problem.families)} familles et {len(problem.offers)} offres…")
    _optimum, chosen = flow_optimum(problem)
    out = result(
        problem, "solver", chosen, status="OPTIMAL", seconds=time.perf_counter() - started, bound=None
    )
    report(
        1.0, f"Terminé : {out.matched} familles, {out.first_departures} premiers départs (optimum prouvé)."
    )
    return out


def flow_optimum(problem: Problem) -> tuple[int, dict[str, str]]:
    """The exact optimum by OR-Tools' min-cost flow (source → family → offer → site-period →
    sink, the weights as negative costs, a free arc source → sink for the families left out):
    the optimum's total weight and its assignments. Network flows have integral optima, so the
    flow's optimum is the matching's (the proof is the flow's own optimality)."""
    from ortools.graph.python import min_cost_flow

    pairs = _pairs(problem)
    w = weights(problem, pairs)
    family_ids = sorted({f.id for f, _o in pairs})
    offer_ids = sorted({o.id for _f, o in pairs})
    site_periods = sorted({(o.site, o.period) for _f, o in pairs})
    node: dict[Any, int] = {}
    keys: list[tuple[str, Any]] = [("f", f) for f in family_ids] + [("o", o) for o in offer_ids]
    for key in keys + [("s", s) for s in site_periods]:
        node[key] = len(node) + 2  # 0: source, 1: sink
    flow = min_cost_flow.SimpleMinCostFlow()
    room = _capacities(problem)
    n = len(family_ids)
    flow.add_arc_with_capacity_and_unit_cost(0, 1, n, 0)
    for fid in family_ids:
        flow.add_arc_with_capacity_and_unit_cost(0, node[("f", fid)], 1, 0)
    edge_of: dict[int, tuple[str, str]] = {}
    for (f, o), wk in zip(pairs, w, strict=True):
        arc = flow.add_arc_with_capacity_and_unit_cost(node[("f", f.id)], node[("o", o.id)], 1, -wk)
        edge_of[arc] = (f.id, o.id)
    offer_site = {o.id: (o.site, o.period) for _f, o in pairs}
    for oid in offer_ids:
        flow.add_arc_with_capacity_and_unit_cost(node[("o", oid)], node[("s", offer_site[oid])], 1, 0)
    for s in site_periods:
        flow.add_arc_with_capacity_and_unit_cost(node[("s", s)], 1, max(room[s], 0), 0)
    flow.set_node_supply(0, n)
    flow.set_node_supply(1, -n)
    if n and flow.solve() != flow.OPTIMAL:
        raise RuntimeError("min-cost flow: no optimum")
    chosen = {edge_of[a][0]: edge_of[a][1] for a in edge_of if n and flow.flow(a)}
    return (-flow.optimal_cost() if n else 0), chosen


def total_weight(problem: Problem, m: Matching) -> int:
    """The solver's objective (all three tiers) of a result, for comparing methods exactly."""
    offers = {o.id: o for o in problem.offers}
    families = {f.id: f for f in problem.families}
    pairs = [(families[f], offers[o]) for f, o in m.assignments.items() if f not in problem.fixed]
    return sum(weights(problem, pairs))


# --- the independent check -----------------------------------------------------------------------


def check(problem: Problem, m: Matching) -> list[str]:
    """Every rule a result breaks (French), computed without the solver: empty when valid."""
    offers = {o.id: o for o in problem.offers}
    families = {f.id: f for f in problem.families}
    problems: list[str] = []
    used: dict[str, str] = {}
    per_site: dict[tuple[str, str], int] = defaultdict(int)
    for fid, oid in m.assignments.items():
        f, o = families.get(fid), offers.get(oid)
        if f is None or o is None:
            problems.append(f"famille {fid} ou offre {oid} inconnue")
            continue
        if oid in used:
            problems.append(f"offre {oid} donnée deux fois ({used[oid]} et {fid})")
        used[oid] = fid
        if problem.fixed.get(fid, oid) != oid:
            problems.append(f"famille {fid} : proposition acceptée non gardée")
        why = incompatibility(f, o, problem.forbidden)
        if why:
            problems.append(f"famille {fid} → offre {oid} : {why}")
        per_site[(o.site, o.period)] += 1
    for fid in problem.fixed:
        if fid not in m.assignments:
            problems.append(f"famille {fid} : proposition acceptée perdue")
    for (site, period), count in per_site.items():
        count += problem.occupied.get((site, period), 0)
        if count > problem.max_families_per_site_period:
            problems.append(
                f"site {site}, période {period} : {count} familles pour "
                f"{problem.max_families_per_site_period} au plus (mixité sociale)"
            )
    missing = set(families) - set(m.assignments) - set(m.unmatched)
    if missing:
        problems.append(f"{len(missing)} famille(s) ni placées ni expliquées")
    if m.objective != sum(score(families[f]) for f in m.assignments if f in families):
        problems.append("objectif annoncé différent de l'objectif recalculé")
    if m.bound < m.objective:
        problems.append("borne inférieure à l'objectif")
    return problems


# --- JSON in and out -----------------------------------------------------------------------------


class InputError(ValueError):
    """The input file is not valid; ``errors`` maps each field path to its French message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k} : {v}" for k, v in errors.items()))


def _str(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int) or str(value) == "":
        return None
    return str(value)


def _parse_items(raw: Any, name: str, spec: dict[str, str], errors: dict[str, str]) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        errors[name] = "Liste attendue."
        return []
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        path = f"{name}[{i}]"
        if not isinstance(item, dict):
            errors[path] = "Objet JSON attendu."
            continue
        values: dict[str, Any] = {}
        for key, kind in spec.items():
            value, where = item.get(key), f"{path}.{key}"
            if key not in item and kind != "strs?":
                errors[where] = "Ce champ est obligatoire."
            elif kind == "id":
                values[key] = _str(value)
                if values[key] is None:
                    errors[where] = "Identifiant attendu (texte ou nombre)."
                elif values[key] in seen:
                    errors[where] = f"Identifiant « {value} » en double."
                seen.add(values[key] or "")
            elif kind == "str":
                values[key] = _str(value)
                if values[key] is None:
                    errors[where] = "Texte attendu."
            elif kind == "int":
                if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                    errors[where] = "Nombre entier supérieur ou égal à 1 attendu."
                values[key] = value
            elif kind == "bool":
                if not isinstance(value, bool):
                    errors[where] = "Booléen attendu (true ou false)."
                values[key] = value
            else:  # a list of strings, optional when the kind ends with « ? »
                value = [] if value is None and kind == "strs?" else value
                if not isinstance(value, list) or any(_str(v) is None for v in value):
                    errors[where] = "Liste de textes attendue."
                    value = []
                values[key] = tuple(str(v) for v in value)
        items.append(values)
    return items


OFFER_FIELDS = {
    "id": "id",
    "site": "str",
    "period": "str",
    "beds": "int",
    "accessible": "bool",
    "car_needed": "bool",
}
FAMILY_FIELDS = {
    "id": "id",
    "people": "int",
    "needs_accessible": "bool",
    "periods": "strs",
    "has_car": "bool",
    "first_departure": "bool",
    "excluded_sites": "strs?",
}


def parse(data: Any) -> Problem:
    """The input of ``match_offers`` (see the issue's format); :class:`InputError` names every bad field."""
    errors: dict[str, str] = {}
    if not isinstance(data, dict):
        raise InputError({"__all__": "Objet JSON attendu."})
    n = data.get("max_families_per_site_period")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        errors["max_families_per_site_period"] = "Nombre entier supérieur ou égal à 1 attendu."
    offers = _parse_items(data.get("offers"), "offers", OFFER_FIELDS, errors)
    families = _parse_items(data.get("families"), "families", FAMILY_FIELDS, errors)
    if errors:
        raise InputError(errors)
    assert isinstance(n, int)
    return Problem(
        max_families_per_site_period=n,
        offers=tuple(OfferIn(**o) for o in offers),
        families=tuple(FamilyIn(**f) for f in families),
    )


def problem_json(problem: Problem) -> dict[str, Any]:
    return {
        "max_families_per_site_period": problem.max_families_per_site_period,
        "offers": [vars(o) | {} for o in problem.offers],
        "families": [
            vars(f) | {"periods": list(f.periods), "excluded_sites": list(f.excluded_sites)}
            for f in problem.families
        ],
    }


def to_json(m: Matching) -> dict[str, Any]:
    """The output of ``match_offers``."""
    return {
        "assignments": [{"family": f, "offer": o} for f, o in m.assignments.items()],
        "unmatched": [{"family": f, "reason": r} for f, r in m.unmatched.items()],
        "objective": m.objective,
        "bound": m.bound,
    }
