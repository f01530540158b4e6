"""The validator of a whole plan, independent of the model, and the checks of one move by hand."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from .heuristics import pack_buses
from .io import Assignment, Plan, PlanInput, Trip, assignment_problem, day_text
from .problem import Problem, plan_figures

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
        problem = assignment_problem(a, h, campsites, plan_input.bus)
        if problem:
            errors.append(f"Foyer {a.household} : {problem}.")
        if (a.campsite, a.unit) in units:
            key = (a.campsite, a.unit, a.week)
            if key in occupied:
                errors.append(
                    f"Hébergement {a.unit} ({a.campsite}) la semaine du {day_text(a.week)} : "
                    f"deux foyers ({occupied[key]} et {a.household})."
                )
            occupied[key] = a.household
        people_by_commune[h.commune] += h.people
    for insee, people in sorted(people_by_commune.items()):
        quota = plan_input.quotas.get(insee)
        if quota is not None and people > quota:
            errors.append(f"Commune {insee} : {people} personnes placées pour un quota de {quota}.")
    for lock in plan_input.locked:
        kept = seen.get(lock.household)
        if kept is None or (kept.campsite, kept.unit, kept.week) != (lock.campsite, lock.unit, lock.week):
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
        where = f"Car du {day_text(t.week)} vers {t.campsite}"
        passengers = 0
        communes = set()
        for hid in t.households:
            rides[hid] += 1
            rider = seen.get(hid)
            if rider is None:
                errors.append(f"{where} : le foyer {hid} n'est pas placé.")
                continue
            if (rider.week, rider.campsite) != (t.week, t.campsite):
                errors.append(
                    f"{where} : le foyer {hid} est placé ailleurs ({rider.campsite}, {day_text(rider.week)})."
                )
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
    figures = plan_figures(households, units, list(seen.values()))
    s = plan.stats
    for figure, label in (
        ("people_placed", "Personnes placées"),
        ("wishes_honoured", "Souhaits respectés"),
        ("empty_beds", "Lits vides"),
    ):
        if getattr(s, figure) != figures[figure]:
            errors.append(f"{label} annoncés : {getattr(s, figure)}, calculés : {figures[figure]}.")
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
    problem = assignment_problem(a, h, campsites, plan_input.bus)
    if problem:
        problems.append(problem[0].upper() + problem[1:] + ".")
    others = [o for o in assignments if o.household != a.household]
    for o in others:
        if (o.campsite, o.unit, o.week) == (a.campsite, a.unit, a.week):
            problems.append(
                f"L'hébergement {a.unit} ({a.campsite}) est déjà pris la semaine du {day_text(a.week)} "
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
    as the solver's bus stage starts (:func:`pack_buses`, deterministic). Every household fits a
    bus alone (:func:`placement_problems` refuses one that does not)."""
    problem = Problem(replace(plan_input, locked=(), previous=()))
    riders: dict[tuple[date, str], list[str]] = defaultdict(list)
    for a in sorted(assignments, key=lambda a: (problem.by_id[a.household].commune, a.household)):
        riders[a.week, a.campsite].append(a.household)
    return problem.trips(pack_buses(problem, riders))
