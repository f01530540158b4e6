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

Malformed input (unknown campsite, duplicate ids, invalid date, a lock that breaks a constraint…)
raises :class:`PlanInputError` naming the field, e.g. ``households[3].weeks[0]: date invalide``.
"""

from __future__ import annotations

import math
import queue
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

# One worker: a single-threaded search is deterministic by construction, and measured on the
# bench it proves the people stage in ~2 s where 2 interleaved workers stall at 1 % (the
# interleaved mode runs short slices of every subsolver); the other core stays for the web app.
NUM_WORKERS = 1
SEED = 0
# Steps of the local search that regroups communes before the bus stages (~1 s on the bench).
REGROUP_STEPS = 200_000
# Share of the time left that each stage may use (the last stage takes all that is left).
STAGE_SHARE = {"people": 0.3, "moves": 0.4, "spread": 0.3, "buses": 0.5, "wishes": 0.5, "empty_beds": 1.0}

ProgressCallback = Callable[[float, str], None]


class PlanInputError(ValueError):
    """Malformed input: ``field`` is the path of the faulty value (``households[3].weeks[0]``)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# --- input and output ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    id: str
    beds: int
    accessible: bool = False


@dataclass(frozen=True)
class Campsite:
    id: str
    name: str
    units: tuple[Unit, ...]
    weeks: tuple[date, ...]  # the first day of each week the campsite is open to the operation


@dataclass(frozen=True)
class Bus:
    seats: int
    max_stops: int


@dataclass(frozen=True)
class Household:
    id: str
    commune: str  # INSEE code
    people: int
    needs_accessible: bool = False
    weeks: tuple[date, ...] = ()  # allowed weeks
    companions: tuple[str, ...] = ()  # JSON "with": household ids it wishes to go with
    campsites: tuple[str, ...] = ()  # preferred campsite ids


@dataclass(frozen=True)
class Assignment:
    household: str
    campsite: str
    unit: str
    week: date


@dataclass(frozen=True)
class PlanInput:
    campsites: tuple[Campsite, ...]
    bus: Bus
    households: tuple[Household, ...]
    quotas: Mapping[str, int] = field(default_factory=dict)  # INSEE -> people; absent = no limit
    locked: tuple[Assignment, ...] = ()  # imposed as they are
    previous: tuple[Assignment, ...] = ()  # the plan in force, for re-planning


@dataclass(frozen=True)
class Trip:
    week: date
    campsite: str
    stops: tuple[str, ...]  # INSEE codes, sorted
    passengers: int
    households: tuple[str, ...]


@dataclass(frozen=True)
class Stats:
    people_placed: int
    buses: int
    wishes_honoured: int
    empty_beds: int
    seconds: float
    status: str  # "OPTIMAL" (every stage proven) | "FEASIBLE"
    bound: int  # upper bound on people_placed (see the module's docs)
    moved: int | None = None  # re-planning only
    bounds: Mapping[str, int] = field(default_factory=dict)  # per stage, given the earlier ones


@dataclass(frozen=True)
class Plan:
    assignments: tuple[Assignment, ...]  # sorted by household
    unplaced: Mapping[str, str]  # household id -> reason in French
    buses: tuple[Trip, ...]
    stats: Stats


def gap(plan: Plan) -> float:
    """Relative gap between the people placed and the proven bound (0 when optimal)."""
    bound = plan.stats.bound
    return 0.0 if bound <= 0 else max(0.0, (bound - plan.stats.people_placed) / bound)


# --- JSON ------------------------------------------------------------------------------------------


def _require(data, key: str, path: str, kinds, what: str):
    if not isinstance(data, dict) or key not in data:
        raise PlanInputError(f"{path}{key}" if path else key, "champ obligatoire manquant")
    value = data[key]
    if isinstance(value, bool) and bool not in (kinds if isinstance(kinds, tuple) else (kinds,)):
        raise PlanInputError(f"{path}{key}", f"{what} attendu")
    if not isinstance(value, kinds):
        raise PlanInputError(f"{path}{key}", f"{what} attendu")
    return value


def _text(data, key, path) -> str:
    value = _require(data, key, path, (str, int), "texte")
    return str(value)


def _int(data, key, path, minimum: int) -> int:
    value = _require(data, key, path, int, "nombre entier")
    if value < minimum:
        raise PlanInputError(f"{path}{key}", f"doit être au moins {minimum}")
    return value


def _bool(data, key, path) -> bool:
    if isinstance(data, dict) and key not in data:
        return False
    return _require(data, key, path, bool, "booléen (true/false)")


def _list(data, key, path, *, optional: bool = False) -> list:
    if optional and isinstance(data, dict) and key not in data:
        return []
    return _require(data, key, path, list, "liste")


def _date(value, path: str) -> date:
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise PlanInputError(path, "date invalide (AAAA-MM-JJ attendu)")


def _dates(data, key, path) -> tuple[date, ...]:
    return tuple(_date(v, f"{path}{key}[{i}]") for i, v in enumerate(_list(data, key, path)))


def _ids(data, key, path) -> tuple[str, ...]:
    values = _list(data, key, path, optional=True)
    for i, v in enumerate(values):
        if not isinstance(v, str | int) or isinstance(v, bool):
            raise PlanInputError(f"{path}{key}[{i}]", "identifiant (texte) attendu")
    return tuple(str(v) for v in values)


def _assignments(data, key) -> tuple[Assignment, ...]:
    result = []
    for i, row in enumerate(_list(data, key, "", optional=True)):
        path = f"{key}[{i}]."
        if not isinstance(row, dict):
            raise PlanInputError(f"{key}[{i}]", "objet attendu")
        result.append(
            Assignment(
                household=_text(row, "household", path),
                campsite=_text(row, "campsite", path),
                unit=_text(row, "unit", path),
                week=_date(_require(row, "week", path, str, "date"), f"{path}week"),
            )
        )
    return tuple(result)


def parse_input(data) -> PlanInput:
    """The issue's JSON input as a validated :class:`PlanInput`; :class:`PlanInputError` if not."""
    if not isinstance(data, dict):
        raise PlanInputError("(racine)", "objet JSON attendu")
    campsites = []
    for i, c in enumerate(_list(data, "campsites", "")):
        path = f"campsites[{i}]."
        units = []
        for j, u in enumerate(_list(c, "units", path)):
            upath = f"{path}units[{j}]."
            units.append(
                Unit(_text(u, "id", upath), _int(u, "beds", upath, 1), _bool(u, "accessible", upath))
            )
        campsites.append(
            Campsite(
                id=_text(c, "id", path),
                name=str(c.get("name", "")) if isinstance(c, dict) else "",
                units=tuple(units),
                weeks=_dates(c, "weeks", path),
            )
        )
    bus_data = _require(data, "bus", "", dict, "objet")
    bus = Bus(seats=_int(bus_data, "seats", "bus.", 1), max_stops=_int(bus_data, "max_stops", "bus.", 1))
    quotas_data = data.get("quotas") or {}
    if not isinstance(quotas_data, dict):
        raise PlanInputError("quotas", "objet {code INSEE: personnes} attendu")
    quotas = {}
    for insee, value in quotas_data.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise PlanInputError(f"quotas.{insee}", "nombre entier positif ou nul attendu")
        quotas[str(insee)] = value
    households = []
    for i, h in enumerate(_list(data, "households", "")):
        path = f"households[{i}]."
        households.append(
            Household(
                id=_text(h, "id", path),
                commune=_text(h, "commune", path),
                people=_int(h, "people", path, 1),
                needs_accessible=_bool(h, "needs_accessible", path),
                weeks=_dates(h, "weeks", path),
                companions=_ids(h, "with", path),
                campsites=_ids(h, "campsites", path),
            )
        )
    plan_input = PlanInput(
        campsites=tuple(campsites),
        bus=bus,
        households=tuple(households),
        quotas=quotas,
        locked=_assignments(data, "locked"),
        previous=_assignments(data, "previous"),
    )
    validate(plan_input)
    return plan_input


def plan_to_json(plan: Plan) -> dict:
    """The issue's JSON output (plus ``unplaced_reasons`` and each trip's ``households``)."""
    stats = {
        "people_placed": plan.stats.people_placed,
        "buses": plan.stats.buses,
        "wishes_honoured": plan.stats.wishes_honoured,
        "empty_beds": plan.stats.empty_beds,
        "seconds": round(plan.stats.seconds, 3),
        "status": plan.stats.status,
        "bound": plan.stats.bound,
        "bounds": dict(plan.stats.bounds),
    }
    if plan.stats.moved is not None:
        stats["moved"] = plan.stats.moved
    return {
        "assignments": [
            {"household": a.household, "campsite": a.campsite, "unit": a.unit, "week": a.week.isoformat()}
            for a in plan.assignments
        ],
        "unplaced": list(plan.unplaced),
        "unplaced_reasons": dict(plan.unplaced),
        "buses": [
            {
                "week": t.week.isoformat(),
                "campsite": t.campsite,
                "stops": list(t.stops),
                "passengers": t.passengers,
                "households": list(t.households),
            }
            for t in plan.buses
        ],
        "stats": stats,
    }


# --- validation --------------------------------------------------------------------------------


def _unique(ids: Sequence[str], path: str) -> None:
    seen = set()
    for i, value in enumerate(ids):
        if value in seen:
            raise PlanInputError(path.format(i), f"identifiant en double : {value}")
        seen.add(value)


def validate(plan_input: PlanInput) -> None:
    """Raise :class:`PlanInputError` on structurally malformed input (naming the field)."""
    if plan_input.bus.seats < 1:
        raise PlanInputError("bus.seats", "doit être au moins 1")
    if plan_input.bus.max_stops < 1:
        raise PlanInputError("bus.max_stops", "doit être au moins 1")
    _unique([c.id for c in plan_input.campsites], "campsites[{}].id")
    campsites = {c.id: c for c in plan_input.campsites}
    for i, c in enumerate(plan_input.campsites):
        _unique([u.id for u in c.units], f"campsites[{i}].units[{{}}].id")
        for j, u in enumerate(c.units):
            if u.beds < 1:
                raise PlanInputError(f"campsites[{i}].units[{j}].beds", "doit être au moins 1")
        _unique([w.isoformat() for w in c.weeks], f"campsites[{i}].weeks[{{}}]")
    _unique([h.id for h in plan_input.households], "households[{}].id")
    for i, h in enumerate(plan_input.households):
        if h.people < 1:
            raise PlanInputError(f"households[{i}].people", "doit être au moins 1")
        for j, c in enumerate(h.campsites):
            if c not in campsites:
                raise PlanInputError(f"households[{i}].campsites[{j}]", f"camping inconnu : {c}")
    for insee, quota in plan_input.quotas.items():
        if quota < 0:
            raise PlanInputError(f"quotas.{insee}", "doit être positif ou nul")
    households = {h.id: h for h in plan_input.households}
    for key in ("locked", "previous"):
        rows: Sequence[Assignment] = getattr(plan_input, key)
        _unique([a.household for a in rows], f"{key}[{{}}].household")
        _unique([f"{a.campsite}/{a.unit}/{a.week}" for a in rows], f"{key}[{{}}].unit")
        for i, a in enumerate(rows):
            path = f"{key}[{i}]"
            # A previous assignment of a household since withdrawn is simply dropped.
            if a.household not in households:
                if key == "previous":
                    continue
                raise PlanInputError(f"{path}.household", f"foyer inconnu : {a.household}")
            if key == "locked":
                problem = _assignment_problem(a, households[a.household], campsites, plan_input.bus)
                if problem:
                    raise PlanInputError(path, problem)
            elif a.campsite not in campsites:
                raise PlanInputError(f"{path}.campsite", f"camping inconnu : {a.campsite}")
    locked_people: dict[str, int] = defaultdict(int)
    for a in plan_input.locked:
        h = households[a.household]
        locked_people[h.commune] += h.people
    for insee, people in sorted(locked_people.items()):
        if insee in plan_input.quotas and people > plan_input.quotas[insee]:
            raise PlanInputError(
                "locked",
                f"les foyers verrouillés de la commune {insee} font {people} personnes, "
                f"au-delà de son quota de {plan_input.quotas[insee]}",
            )


def _assignment_problem(a: Assignment, h: Household, campsites: Mapping[str, Campsite], bus: Bus) -> str:
    """Why assignment ``a`` of household ``h`` breaks a constraint of its own ('' if it does not)."""
    campsite = campsites.get(a.campsite)
    if campsite is None:
        return f"camping inconnu : {a.campsite}"
    unit = next((u for u in campsite.units if u.id == a.unit), None)
    if unit is None:
        return f"hébergement {a.unit} inconnu au camping {a.campsite}"
    if a.week not in campsite.weeks:
        return f"le camping {a.campsite} n'est pas ouvert la semaine du {_day(a.week)}"
    if a.week not in h.weeks:
        return f"le foyer {h.id} n'a pas demandé la semaine du {_day(a.week)}"
    if unit.beds < h.people:
        return f"l'hébergement {a.unit} a {unit.beds} lits pour {h.people} personnes"
    if h.needs_accessible and not unit.accessible:
        return f"le foyer {h.id} a besoin d'un hébergement accessible, {a.unit} ne l'est pas"
    if h.people > bus.seats:
        return f"le foyer {h.id} ({h.people} personnes) ne tient pas dans un car de {bus.seats} places"
    return ""


def _day(d: date) -> str:
    return d.strftime("%d/%m/%Y")


# --- the problem, shared by every method ---------------------------------------------------------


@dataclass(frozen=True)
class _Option:
    """A household in a unit kind of a campsite, a given week."""

    campsite: str
    kind: tuple[int, bool]  # (beds, accessible)
    week: date


class _Problem:
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
        self.options: dict[str, list[_Option]] = {}
        for h in self.households:
            if h.id in self.locked:
                a = self.locked[h.id]
                u = self.unit_of[a.campsite, a.unit]
                self.options[h.id] = [_Option(a.campsite, (u.beds, u.accessible), a.week)]
                continue
            options = []
            if h.people <= self.bus.seats and h.people <= self.quotas.get(h.commune, h.people):
                allowed = set(h.weeks)
                for c in self.campsites:
                    kinds = sorted({k for (cid, k) in self.units if cid == c.id})
                    for w in sorted(set(c.weeks) & allowed):
                        for beds, accessible in kinds:
                            if beds >= h.people and (accessible or not h.needs_accessible):
                                options.append(_Option(c.id, (beds, accessible), w))
            self.options[h.id] = options

    def kind_of(self, a: Assignment) -> _Option | None:
        u = self.unit_of.get((a.campsite, a.unit))
        return None if u is None else _Option(a.campsite, (u.beds, u.accessible), a.week)

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

    def units_for(self, chosen: Mapping[str, _Option]) -> dict[str, str]:
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

    def plan(
        self,
        chosen: Mapping[str, _Option],
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
        buses = tuple(
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
        figures = _figures(self.by_id, self.unit_of, assignments)
        moved = None
        if self.input.previous:
            moved = _moved(self, assignments)
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


def _figures(
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


def _moved(problem: _Problem, assignments: Sequence[Assignment]) -> int:
    now = {a.household: a for a in assignments}
    return sum(
        1
        for hid, a in problem.previous.items()
        if hid not in now or (now[hid].campsite, now[hid].unit, now[hid].week) != (a.campsite, a.unit, a.week)
    )


# --- the greedy baseline -------------------------------------------------------------------------


def _fill_buses(
    problem: _Problem, riders_by_place: Mapping[tuple[date, str], Sequence[str]]
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


def _pack_buses(
    problem: _Problem, riders_by_place: Mapping[tuple[date, str], Sequence[str]]
) -> list[tuple[date, str, list[str]]]:
    """Fewest trips for a fixed placement: a small CP-SAT per (week, campsite), from first-fit.

    Each run is bounded by a deterministic time (not the wall clock), so the packing is the same
    on every machine; it is proven optimal in milliseconds on the bench's places.
    """
    from ortools.sat.python import cp_model

    bus = problem.bus
    trips: list[tuple[date, str, list[str]]] = []
    for (w, c), riders in sorted(riders_by_place.items()):
        first_fit = _fill_buses(problem, {(w, c): riders})
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


def _regroup(problem: _Problem, chosen: Mapping[str, _Option], steps: int) -> dict[str, _Option]:
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

    def put(hid: str, o: _Option, sign: int) -> None:
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


def _greedy_choices(problem: _Problem) -> tuple[dict[str, _Option], list[str]]:
    """(chosen options, households in the order they were placed)."""
    free: dict[tuple[str, tuple[int, bool], date], int] = defaultdict(int)
    for c in problem.campsites:
        for w in c.weeks:
            for u in c.units:
                free[c.id, (u.beds, u.accessible), w] += 1
    quota_left = dict(problem.quotas)
    chosen: dict[str, _Option] = {}

    def take(h: Household, o: _Option) -> None:
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
                    o = _Option(c.id, (u.beds, u.accessible), w)
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
    problem = _Problem(plan_input)
    chosen, order = _greedy_choices(problem)
    riders: dict[tuple[date, str], list[str]] = defaultdict(list)
    for hid in order:
        riders[chosen[hid].week, chosen[hid].campsite].append(hid)
    trips = _fill_buses(problem, riders)
    return problem.plan(
        chosen,
        trips,
        seconds=time.perf_counter() - start,
        status="FEASIBLE",
        bound=problem.trivial_bound(),
    )


# --- the CP-SAT solver -----------------------------------------------------------------------------


def _trip_slots(problem: _Problem, candidates: Sequence[str], campsite: str) -> int:
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


class _Model:
    """The CP-SAT model: options, trips, and one linear expression per objective."""

    def __init__(self, problem: _Problem, *, trips: bool):
        """``trips=False``: units only (people and moves do not depend on buses: trips always
        suffice), a far smaller model for the first stages."""
        from ortools.sat.python import cp_model

        self.problem = problem
        model = self.model = cp_model.CpModel()
        self.variables: list = []

        def new(name: str):
            v = model.new_bool_var(name)
            self.variables.append(v)
            return v

        self.y: dict[tuple[str, int], object] = {}  # (household, option index)
        by_kind: dict[tuple[str, tuple[int, bool], date], list] = defaultdict(list)
        at: dict[tuple[str, date, str], list] = defaultdict(list)  # (household, week, campsite)
        people_terms, bed_terms, wish_terms = [], [], []
        by_commune: dict[str, list] = defaultdict(list)
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

        self.trips: list[tuple[date, str, object, dict[str, object]]] = []  # (w, c, used, riders)
        self.stops: list[tuple[dict[str, object], dict[str, object]]] = []  # (riders, commune -> stop)
        self.present: list[tuple[object, tuple[date, str], str]] = []  # commune present at (w, c)
        self.wish_vars: list[tuple[object, str, str, tuple[date, str]]] = []
        self.proxy: list[tuple[tuple[date, str], list]] = []  # (week, campsite) -> trip slots
        self.objectives: dict[str, tuple[list, int]] = {"people": (people_terms, 1)}  # 1 = maximise
        if problem.previous:
            kept = []
            for hid, a in problem.previous.items():
                o = problem.kind_of(a)
                if o is not None and o in problem.options[hid]:
                    kept.append((self.y[hid, problem.options[hid].index(o)], 1))
            self.objectives["moves"] = (kept, 1)  # most kept = fewest moved
        self._at = at
        if not trips:
            return

        # Trips.
        candidates: dict[tuple[date, str], list[str]] = defaultdict(list)
        for hid, w, c in at:
            candidates[w, c].append(hid)
        bus = problem.bus
        bus_terms = []
        for (w, c), hids in sorted(candidates.items()):
            hids.sort()
            slots = _trip_slots(problem, hids, c)
            rides = {hid: [] for hid in hids}
            previous_used = None
            for t in range(slots):
                used = new(f"u_{w}_{c}_{t}")
                bus_terms.append((used, 1))
                if previous_used is not None:
                    model.add_implication(used, previous_used)
                previous_used = used
                riders = {hid: new(f"b_{hid}_{t}") for hid in hids}
                stops: dict[str, object] = {}
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
            present: dict[str, object] = {}
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
        for a, b, count in problem.wishes():
            for w, c in places[a]:
                if (b, w, c) not in at:
                    continue
                v = new(f"w_{a}_{b}_{w}_{c}")
                model.add(v <= sum(at[a, w, c]))
                model.add(v <= sum(at[b, w, c]))
                wish_terms.append((v, count))
                self.wish_vars.append((v, a, b, (w, c)))

        self.objectives["buses"] = (bus_terms, -1)
        self.objectives["wishes"] = (wish_terms, 1)
        self.objectives["empty_beds"] = (bed_terms, -1)

    def add_proxy(self) -> None:
        """The "spread" objective, added after the people (and moves) stages: built in from the
        start, its constraints slow the people stage's bound on large instances."""
        problem, model, at = self.problem, self.model, self._at

        def new(name: str):
            v = model.new_bool_var(name)
            self.variables.append(v)
            return v

        # A lower bound on buses, for a bus-aware placement: each (week, campsite) needs
        # ``n`` trips with ``seats·n ≥ its people`` and ``max_stops·n ≥ its communes``.
        # Any bus plan of a placement meets it, so its optimum (given the people placed) is
        # a proven bound of the bus stage, and its solution the start of that stage.
        present_at: dict[tuple[date, str, str], object] = {}
        places: dict[tuple[date, str], list[str]] = defaultdict(list)
        for (hid, w, c), row in at.items():
            places[w, c].append(hid)
            key = (w, c, problem.by_id[hid].commune)
            if key not in present_at:
                present_at[key] = new(f"p_{w}_{c}_{key[2]}")
                self.present.append((present_at[key], (w, c), key[2]))
            for v in row:
                model.add_implication(v, present_at[key])
        proxy_terms = []
        for (w, c), hids in sorted(places.items()):
            hids = sorted(set(hids))
            slots = [new(f"n_{w}_{c}_{t}") for t in range(_trip_slots(problem, hids, c))]
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

    def chosen(self, solution: Sequence[int]) -> dict[str, _Option]:
        value = dict(zip((id(v) for v in self.variables), solution, strict=True))
        return {hid: self.problem.options[hid][i] for (hid, i), v in self.y.items() if value[id(v)]}

    def hint_from(
        self, chosen: Mapping[str, _Option], trips: Sequence[tuple[date, str, Sequence[str]]]
    ) -> list[int]:
        """A full assignment of the variables from a plan (the greedy's): the first hint."""
        value = {id(v): 0 for v in self.variables}
        problem = self.problem
        for hid, o in chosen.items():
            value[id(self.y[hid, problem.options[hid].index(o)])] = 1
        # Trips of each (week, campsite) in order onto the slots; a greedy trip beyond the slots
        # (never, see _trip_slots) would leave the hint incomplete, which CP-SAT tolerates.
        slot_rows: dict[tuple[date, str], list] = defaultdict(list)
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

    problem = _Problem(plan_input)
    report(0.0, f"Préparation : {len(problem.households)} foyers, {len(problem.campsites)} campings")
    greedy_chosen, _ = _greedy_choices(problem)

    # Stages people (and moves) on the units alone, then the rest on the full model, starting
    # from that placement with its buses filled first-fit by commune.
    first = _Model(problem, trips=False)
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
    regrouped = _regroup(problem, first.chosen(incumbent), REGROUP_STEPS)
    first.add_proxy()
    incumbent = first.hint_from(regrouped, [])
    incumbent, _ = _stages(first, ["spread"], incumbent, clock, proxy_bounds, {})
    chosen = first.chosen(incumbent)
    riders: dict[tuple[date, str], list[str]] = defaultdict(list)
    for hid in sorted(chosen, key=lambda hid: (problem.by_id[hid].commune, hid)):
        riders[chosen[hid].week, chosen[hid].campsite].append(hid)
    m = _Model(problem, trips=True)
    for name, value in reached.items():
        terms, sense = m.objectives[name]
        expression = sum(c * v for v, c in terms)
        m.model.add(expression >= value if sense > 0 else expression <= value)
    start_plan = m.hint_from(chosen, _pack_buses(problem, riders))
    incumbent, later_proven = _stages(
        m, ["buses", "wishes", "empty_beds"], start_plan, clock, bounds, reached
    )
    proven = proven and later_proven
    if "buses" in bounds and "spread" in proxy_bounds:
        bounds["buses"] = max(bounds["buses"], proxy_bounds["spread"])

    value = dict(zip((id(v) for v in m.variables), incumbent, strict=True))
    chosen = m.chosen(incumbent)
    trips = [(w, c, [hid for hid, v in riders.items() if value[id(v)]]) for w, c, used, riders in m.trips]
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
    m: _Model,
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
        model.clear_hints()
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


def _loose(problem: _Problem, name: str, terms: list, sense: int) -> int:
    """A bound without the solver: every term at its best."""
    if name == "people":
        return problem.trivial_bound()
    return sum(c for _, c in terms if c > 0) if sense > 0 else sum(c for _, c in terms if c < 0)


def _public_bound(problem: _Problem, name: str, bound: int) -> int:
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


def _search(solver, model, n: int, count: int, name: str, budget: float, report: ProgressCallback) -> int:
    """Run CP-SAT on a thread of its own, relaying its progress on the caller's thread."""
    from ortools.sat.python import cp_model

    events: queue.Queue = queue.Queue()

    class OnSolution(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            events.put((self.objective_value, self.best_objective_bound))

    outcome: dict = {}

    def run() -> None:
        try:
            outcome["status"] = solver.solve(model, OnSolution())
        except BaseException as error:  # re-raised on the caller's thread
            outcome["error"] = error
        finally:
            events.put(None)

    started = time.perf_counter()
    label = f"Étape {n + 1}/{count} ({STAGE_LABEL[name]})"

    def fraction() -> float:
        return min((n + min((time.perf_counter() - started) / budget, 1.0)) / count, 0.99)

    thread = threading.Thread(target=run, name="cp-sat-camping", daemon=True)
    thread.start()
    try:
        report(fraction(), f"{label} : recherche")
        while True:
            try:
                event = events.get(timeout=1.0)
            except queue.Empty:
                report(fraction(), f"{label} : recherche en cours ({time.perf_counter() - started:.0f} s)")
                continue
            if event is None:
                break
            objective, bound = event
            report(fraction(), f"{label} : {objective:.0f} (borne {bound:.0f})")
    except BaseException:
        solver.stop_search()
        thread.join()
        raise
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["status"]


# --- the validator -------------------------------------------------------------------------------


def check(plan_input: PlanInput, plan: Plan) -> list[str]:
    """Every constraint ``plan`` violates, as French messages; ``[]`` when it is valid.

    Independent of the solver's model: units, weeks, beds, accessibility, one household per unit
    and week, households placed at most once and never split, quotas, locks, every placed
    household on exactly one trip of its (week, campsite), seats and stops per trip, and the
    reported figures.
    """
    errors: list[str] = []
    campsites = {c.id: c for c in plan_input.campsites}
    households = {h.id: h for h in plan_input.households}
    units = {(c.id, u.id): u for c in plan_input.campsites for u in c.units}
    seen: dict[str, Assignment] = {}
    occupied: dict[tuple[str, str, date], str] = {}
    people_by_commune: dict[str, int] = defaultdict(int)
    for a in plan.assignments:
        h = households.get(a.household)
        if h is None:
            errors.append(f"Foyer inconnu placé : {a.household}.")
            continue
        if a.household in seen:
            errors.append(f"Foyer {a.household} placé plusieurs fois (un foyer ne se sépare pas).")
            continue
        seen[a.household] = a
        problem = _assignment_problem(a, h, campsites, plan_input.bus)
        if problem:
            errors.append(f"Foyer {a.household} : {problem}.")
        if (a.campsite, a.unit) in units:
            key = (a.campsite, a.unit, a.week)
            if key in occupied:
                errors.append(
                    f"Hébergement {a.unit} ({a.campsite}) la semaine du {_day(a.week)} : "
                    f"deux foyers ({occupied[key]} et {a.household})."
                )
            occupied[key] = a.household
        people_by_commune[h.commune] += h.people
    for insee, people in sorted(people_by_commune.items()):
        quota = plan_input.quotas.get(insee)
        if quota is not None and people > quota:
            errors.append(f"Commune {insee} : {people} personnes placées pour un quota de {quota}.")
    for lock in plan_input.locked:
        a = seen.get(lock.household)
        if a is None or (a.campsite, a.unit, a.week) != (lock.campsite, lock.unit, lock.week):
            errors.append(f"Foyer {lock.household} : sa place verrouillée n'est pas respectée.")
    unplaced = set(plan.unplaced)
    for hid in sorted(households):
        if hid in seen and hid in unplaced:
            errors.append(f"Foyer {hid} : à la fois placé et non placé.")
        if hid not in seen and hid not in unplaced:
            errors.append(f"Foyer {hid} : ni placé ni dans la liste des non placés.")
    for hid in sorted(unplaced - set(households)):
        errors.append(f"Foyer inconnu dans les non placés : {hid}.")

    # Buses.
    rides: dict[str, int] = defaultdict(int)
    for t in plan.buses:
        where = f"Car du {_day(t.week)} vers {t.campsite}"
        passengers = 0
        communes = set()
        for hid in t.households:
            rides[hid] += 1
            a = seen.get(hid)
            if a is None:
                errors.append(f"{where} : le foyer {hid} n'est pas placé.")
                continue
            if (a.week, a.campsite) != (t.week, t.campsite):
                errors.append(f"{where} : le foyer {hid} est placé ailleurs ({a.campsite}, {_day(a.week)}).")
            passengers += households[hid].people
            communes.add(households[hid].commune)
        if passengers != t.passengers:
            errors.append(f"{where} : {t.passengers} passagers annoncés, {passengers} comptés.")
        if set(t.stops) != communes:
            errors.append(
                f"{where} : arrêts annoncés {sorted(t.stops)}, communes des passagers {sorted(communes)}."
            )
        if passengers > plan_input.bus.seats:
            errors.append(f"{where} : {passengers} passagers pour {plan_input.bus.seats} places.")
        if len(communes) > plan_input.bus.max_stops:
            errors.append(f"{where} : {len(communes)} arrêts pour {plan_input.bus.max_stops} au plus.")
        if not t.households:
            errors.append(f"{where} : car vide.")
    for hid in sorted(seen):
        if rides[hid] != 1:
            errors.append(f"Foyer {hid} : dans {rides[hid]} cars au lieu d'un.")

    # Figures.
    figures = _figures(households, units, list(seen.values()))
    s = plan.stats
    for key, label in (
        ("people_placed", "Personnes placées"),
        ("wishes_honoured", "Souhaits respectés"),
        ("empty_beds", "Lits vides"),
    ):
        if getattr(s, key) != figures[key]:
            errors.append(f"{label} annoncés : {getattr(s, key)}, calculés : {figures[key]}.")
    if s.buses != len(plan.buses):
        errors.append(f"Cars annoncés : {s.buses}, comptés : {len(plan.buses)}.")
    if s.bound < s.people_placed:
        errors.append(f"La borne ({s.bound}) est inférieure aux personnes placées ({s.people_placed}).")
    if s.status not in ("OPTIMAL", "FEASIBLE"):
        errors.append(f"Statut inconnu : {s.status}.")
    return errors


# --- by hand: one move checked, buses of a fixed placement -----------------------------------------


def placement_problems(plan_input: PlanInput, assignments: Sequence[Assignment], a: Assignment) -> list[str]:
    """Why household ``a.household`` may not go where ``a`` says, the others staying where
    ``assignments`` puts them (its own current assignment, if any, is ignored): the constraints
    of :func:`check` that one move can break, as French messages; ``[]`` when the move is valid."""
    households = {h.id: h for h in plan_input.households}
    h = households.get(a.household)
    if h is None:
        return [f"Foyer inconnu : {a.household}."]
    campsites = {c.id: c for c in plan_input.campsites}
    problems = []
    problem = _assignment_problem(a, h, campsites, plan_input.bus)
    if problem:
        problems.append(problem[0].upper() + problem[1:] + ".")
    others = [o for o in assignments if o.household != a.household]
    for o in others:
        if (o.campsite, o.unit, o.week) == (a.campsite, a.unit, a.week):
            problems.append(
                f"L'hébergement {a.unit} ({a.campsite}) est déjà pris la semaine du {_day(a.week)} "
                f"par le foyer {o.household}."
            )
    quota = plan_input.quotas.get(h.commune)
    if quota is not None:
        used = sum(
            households[o.household].people
            for o in others
            if households.get(o.household) and households[o.household].commune == h.commune
        )
        if used + h.people > quota:
            problems.append(
                f"Quota de la commune {h.commune} dépassé : {used} personnes déjà placées, "
                f"{h.people} de plus pour un quota de {quota}."
            )
    return problems


def buses_for(plan_input: PlanInput, assignments: Sequence[Assignment]) -> tuple[Trip, ...]:
    """The fewest trips for a fixed placement (after moves by hand): each (week, campsite) packed
    as the solver's bus stage starts (:func:`_pack_buses`, deterministic). Every household fits a
    bus alone (:func:`placement_problems` refuses one that does not)."""
    problem = _Problem(replace(plan_input, locked=(), previous=()))
    riders: dict[tuple[date, str], list[str]] = defaultdict(list)
    for a in sorted(assignments, key=lambda a: (problem.by_id[a.household].commune, a.household)):
        riders[a.week, a.campsite].append(a.household)
    return tuple(
        sorted(
            (
                Trip(
                    week=w,
                    campsite=c,
                    stops=tuple(sorted({problem.by_id[hid].commune for hid in hids})),
                    passengers=sum(problem.by_id[hid].people for hid in hids),
                    households=tuple(sorted(hids)),
                )
                for w, c, hids in _pack_buses(problem, riders)
                if hids
            ),
            key=lambda t: (t.week, t.campsite, t.households),
        )
    )
