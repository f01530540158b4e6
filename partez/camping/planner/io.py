"""The planner's input and output: frozen dataclasses, their JSON form, their validation, and the gap to the bound."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any


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


def _require(data: Any, key: str, path: str, kinds: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(data, dict) or key not in data:
        raise PlanInputError(f"{path}{key}" if path else key, "champ obligatoire manquant")
    value = data[key]
    if isinstance(value, bool) and bool not in (kinds if isinstance(kinds, tuple) else (kinds,)):
        raise PlanInputError(f"{path}{key}", f"{what} attendu")
    if not isinstance(value, kinds):
        raise PlanInputError(f"{path}{key}", f"{what} attendu")
    return value


def _text(data: Any, key: str, path: str) -> str:
    value = _require(data, key, path, (str, int), "texte")
    return str(value)


def _int(data: Any, key: str, path: str, minimum: int) -> int:
    value: int = _require(data, key, path, int, "nombre entier")
    if value < minimum:
        raise PlanInputError(f"{path}{key}", f"doit être au moins {minimum}")
    return value


def _bool(data: Any, key: str, path: str) -> bool:
    if isinstance(data, dict) and key not in data:
        return False
    value: bool = _require(data, key, path, bool, "booléen (true/false)")
    return value


def _list(data: Any, key: str, path: str, *, optional: bool = False) -> list[Any]:
    if optional and isinstance(data, dict) and key not in data:
        return []
    value: list[Any] = _require(data, key, path, list, "liste")
    return value


def _date(value: Any, path: str) -> date:
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise PlanInputError(path, "date invalide (AAAA-MM-JJ attendu)")


def _dates(data: Any, key: str, path: str) -> tuple[date, ...]:
    return tuple(_date(v, f"{path}{key}[{i}]") for i, v in enumerate(_list(data, key, path)))


def _ids(data: Any, key: str, path: str) -> tuple[str, ...]:
    values = _list(data, key, path, optional=True)
    for i, v in enumerate(values):
        if not isinstance(v, str | int) or isinstance(v, bool):
            raise PlanInputError(f"{path}{key}[{i}]", "identifiant (texte) attendu")
    return tuple(str(v) for v in values)


def _assignments(data: Any, key: str) -> tuple[Assignment, ...]:
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


def parse_input(data: Any) -> PlanInput:
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


def plan_to_json(plan: Plan) -> dict[str, Any]:
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
        for j, preferred in enumerate(h.campsites):
            if preferred not in campsites:
                raise PlanInputError(f"households[{i}].campsites[{j}]", f"camping inconnu : {preferred}")
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
                problem = assignment_problem(a, households[a.household], campsites, plan_input.bus)
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


def assignment_problem(a: Assignment, h: Household, campsites: Mapping[str, Campsite], bus: Bus) -> str:
    """Why assignment ``a`` of household ``h`` breaks a constraint of its own ('' if it does not)."""
    campsite = campsites.get(a.campsite)
    if campsite is None:
        return f"camping inconnu : {a.campsite}"
    unit = next((u for u in campsite.units if u.id == a.unit), None)
    if unit is None:
        return f"hébergement {a.unit} inconnu au camping {a.campsite}"
    if a.week not in campsite.weeks:
        return f"le camping {a.campsite} n'est pas ouvert la semaine du {day_text(a.week)}"
    if a.week not in h.weeks:
        return f"le foyer {h.id} n'a pas demandé la semaine du {day_text(a.week)}"
    if unit.beds < h.people:
        return f"l'hébergement {a.unit} a {unit.beds} lits pour {h.people} personnes"
    if h.needs_accessible and not unit.accessible:
        return f"le foyer {h.id} a besoin d'un hébergement accessible, {a.unit} ne l'est pas"
    if h.people > bus.seats:
        return f"le foyer {h.id} ({h.people} personnes) ne tient pas dans un car de {bus.seats} places"
    return ""


def day_text(d: date) -> str:
    return d.strftime("%d/%m/%Y")
