"""The camping week planner: every constraint, infeasible inputs, lexicographic order, re-planning."""

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partez.camping.planner import (
    Assignment,
    Bus,
    Campsite,
    Household,
    PlanInput,
    PlanInputError,
    Trip,
    check,
    gap,
    greedy,
    parse_input,
    plan_to_json,
    solve,
)

W1, W2, W3 = date(2026, 7, 4), date(2026, 7, 11), date(2026, 7, 18)
LENS, LIEVIN, AVION = "62498", "62510", "62065"
LIMIT = 30.0  # tiny instances: every stage ends by proof long before (the margin is for a loaded CI machine: a stage cut by the clock would make the plan depend on timing)


def unit(uid, beds, accessible=False):
    from partez.camping.planner import Unit

    return Unit(uid, beds, accessible)


def household(hid, people=2, commune=LENS, weeks=(W1,), accessible=False, with_=(), campsites=()):
    return Household(hid, commune, people, accessible, tuple(weeks), tuple(with_), tuple(campsites))


def camp(cid, *units, weeks=(W1,)):
    return Campsite(cid, f"Camping {cid}", tuple(units), tuple(weeks))


def instance(campsites, households, seats=50, max_stops=4, **kwargs):
    return PlanInput(tuple(campsites), Bus(seats, max_stops), tuple(households), **kwargs)


def run(plan_input, method=solve):
    plan = method(plan_input, time_limit=LIMIT) if method is solve else method(plan_input)
    assert check(plan_input, plan) == []
    return plan


def placed(plan):
    return {a.household: a for a in plan.assignments}


# --- one constraint at a time --------------------------------------------------------------------


def test_beds_are_enough_and_the_smallest_fitting_unit_is_used():
    plan_input = instance([camp("A", unit("a4", 4), unit("a8", 8))], [household("H", people=4)])
    plan = run(plan_input)
    assert placed(plan)["H"].unit == "a4"
    assert plan.stats.empty_beds == 0
    assert plan.stats.status == "OPTIMAL"


def test_a_household_larger_than_every_unit_is_unplaced_with_the_reason():
    plan = run(instance([camp("A", unit("a4", 4), unit("a5", 5))], [household("H", people=6)]))
    assert plan.assignments == ()
    assert "aucun hébergement n'a assez de lits" in plan.unplaced["H"]
    assert "au plus 5" in plan.unplaced["H"]


def test_accessibility():
    units = (unit("big", 6), unit("acc", 4, accessible=True))
    plan = run(instance([camp("A", *units)], [household("H", people=3, accessible=True)]))
    assert placed(plan)["H"].unit == "acc"
    # Without any accessible unit, the household stays out and is told why.
    plan = run(instance([camp("A", unit("big", 6))], [household("H", people=3, accessible=True)]))
    assert "aucun hébergement accessible" in plan.unplaced["H"]


def test_accessible_units_go_to_those_who_need_them_first():
    units = (unit("acc", 4, accessible=True), unit("std", 4))
    households = [household("A", people=3), household("B", people=3, accessible=True)]
    plan = run(instance([camp("A", *units)], households))
    assert placed(plan)["B"].unit == "acc"
    assert placed(plan)["A"].unit == "std"


def test_allowed_weeks_only():
    site = camp("A", unit("a", 4), weeks=(W1, W2))
    plan = run(instance([site], [household("H", weeks=(W2,))]))
    assert placed(plan)["H"].week == W2
    plan = run(instance([site], [household("H", weeks=(W3,))]))
    assert plan.unplaced["H"] == "aucune des semaines demandées n'est proposée par un camping"


def test_one_household_per_unit_and_week():
    households = [household("H1", weeks=(W1, W2)), household("H2", weeks=(W1, W2))]
    plan = run(instance([camp("A", unit("a", 4), weeks=(W1, W2))], households))
    assert {a.week for a in plan.assignments} == {W1, W2}
    # One week only: one of them waits, with the reason.
    plan = run(instance([camp("A", unit("a", 4))], [household("H1"), household("H2")]))
    assert len(plan.assignments) == 1
    (reason,) = plan.unplaced.values()
    assert reason.startswith("plus de place")


def test_households_are_never_split():
    # 5 people, two units of 3 beds: splitting would place them, the planner must not.
    plan = run(instance([camp("A", unit("a", 3), unit("b", 3))], [household("H", people=5)]))
    assert plan.assignments == ()
    assert "H" in plan.unplaced


def test_commune_quotas():
    households = [
        household("H1", people=3),
        household("H2", people=3),
        household("H3", people=2, commune=AVION),
    ]
    plan_input = instance([camp("A", unit("a", 4), unit("b", 4), unit("c", 4))], households, quotas={LENS: 5})
    plan = run(plan_input)
    assert plan.stats.people_placed == 5
    lens_unplaced = [hid for hid in ("H1", "H2") if hid in plan.unplaced]
    assert len(lens_unplaced) == 1
    assert "quota de la commune 62498 atteint (3 personnes placées sur 5)" in plan.unplaced[lens_unplaced[0]]
    # A household larger than its commune's quota on its own.
    plan = run(instance([camp("A", unit("a", 8))], [household("H", people=6)], quotas={LENS: 5}))
    assert "à lui seul le quota" in plan.unplaced["H"]


def test_bus_seats():
    households = [household(f"H{i}", people=3) for i in range(3)]
    plan = run(instance([camp("A", *(unit(f"u{i}", 4) for i in range(3)))], households, seats=7))
    assert plan.stats.people_placed == 9
    assert plan.stats.buses == 2
    assert all(t.passengers <= 7 for t in plan.buses)
    # A household with more people than a bus has seats cannot travel.
    plan = run(instance([camp("A", unit("a", 8))], [household("H", people=8)], seats=7))
    assert "plus que les 7 places d'un car" in plan.unplaced["H"]


def test_bus_max_stops():
    households = [household(f"H{i}", commune=c) for i, c in enumerate((LENS, LIEVIN, AVION))]
    site = camp("A", *(unit(f"u{i}", 4) for i in range(3)))
    plan = run(instance([site], households, max_stops=1))
    assert plan.stats.buses == 3
    assert all(len(t.stops) == 1 for t in plan.buses)
    assert run(instance([site], households, max_stops=3)).stats.buses == 1
    assert run(instance([site], households, max_stops=2)).stats.buses == 2


def test_locks_are_kept_even_against_the_objectives():
    site = camp("A", unit("a4", 4), unit("a8", 8))
    lock = Assignment("H", "A", "a8", W1)
    plan = run(instance([site], [household("H", people=3)], locked=(lock,)))
    assert plan.assignments == (lock,)
    assert plan.stats.empty_beds == 5


def test_a_lock_that_breaks_a_constraint_is_refused_naming_the_field():
    site = camp("A", unit("a4", 4))
    with pytest.raises(PlanInputError, match=r"^locked\[0\]: l'hébergement a4 a 4 lits pour 5 personnes"):
        solve(instance([site], [household("H", people=5)], locked=(Assignment("H", "A", "a4", W1),)))
    with pytest.raises(PlanInputError, match="quota"):
        solve(
            instance(
                [site], [household("H", people=3)], quotas={LENS: 2}, locked=(Assignment("H", "A", "a4", W1),)
            )
        )


def test_malformed_input_names_the_field():
    good = {
        "campsites": [
            {"id": "A", "name": "Dieppe", "units": [{"id": "a", "beds": 4}], "weeks": ["2026-07-04"]}
        ],
        "bus": {"seats": 50, "max_stops": 4},
        "quotas": {},
        "households": [
            {"id": "H", "commune": LENS, "people": 2, "needs_accessible": False, "weeks": ["2026-07-04"]}
        ],
    }
    assert parse_input(good).households[0].weeks == (W1,)
    cases = [
        (("households", 0, "weeks", 0), "2026-13-01", r"households\[0\]\.weeks\[0\]: date invalide"),
        (("households", 0, "people"), 0, r"households\[0\]\.people: doit être au moins 1"),
        (("households", 0, "people"), "2", r"households\[0\]\.people: nombre entier attendu"),
        (("campsites", 0, "units", 0, "beds"), None, r"campsites\[0\]\.units\[0\]\.beds: nombre entier"),
        (("bus", "max_stops"), 0, r"bus\.max_stops: doit être au moins 1"),
        (("households", 0, "campsites"), ["Z"], r"households\[0\]\.campsites\[0\]: camping inconnu : Z"),
        (("households", 0, "needs_accessible"), "oui", r"households\[0\]\.needs_accessible: booléen"),
    ]
    import copy

    for path, value, message in cases:
        data = copy.deepcopy(good)
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        with pytest.raises(PlanInputError, match=message):
            parse_input(data)
    data = copy.deepcopy(good)
    del data["households"][0]["commune"]
    with pytest.raises(PlanInputError, match=r"households\[0\]\.commune: champ obligatoire manquant"):
        parse_input(data)
    data = copy.deepcopy(good)
    data["households"].append(dict(data["households"][0]))
    with pytest.raises(PlanInputError, match=r"households\[1\]\.id: identifiant en double : H"):
        parse_input(data)


# --- lexicographic order -------------------------------------------------------------------------


def test_more_people_comes_before_fewer_buses():
    # A (4 people) fills a bus of 4 seats; placing B (1 person) as well costs a second bus.
    site = camp("A", unit("a", 4), unit("b", 2))
    plan = run(
        instance([site], [household("A", people=4), household("B", people=1, commune=LIEVIN)], seats=4)
    )
    assert plan.stats.people_placed == 5
    assert plan.stats.buses == 2


def test_fewer_buses_comes_before_wishes():
    # Each wishes another campsite; honouring both costs a bus each, one campsite needs one bus.
    sites = [camp("A", unit("a1", 4), unit("a2", 4)), camp("B", unit("b1", 4), unit("b2", 4))]
    households = [household("H1", campsites=("A",)), household("H2", campsites=("B",))]
    plan = run(instance(sites, households))
    assert plan.stats.buses == 1
    assert plan.stats.wishes_honoured == 1


def test_wishes_come_before_empty_beds():
    sites = [camp("A", unit("a6", 6)), camp("B", unit("b2", 2))]
    plan = run(instance(sites, [household("H", people=2, campsites=("A",))]))
    assert placed(plan)["H"].campsite == "A"
    assert (plan.stats.wishes_honoured, plan.stats.empty_beds) == (1, 4)


def test_with_wishes_put_households_together():
    sites = [camp(c, unit(f"{c}1", 4), unit(f"{c}2", 4), weeks=(W1, W2)) for c in ("A", "B")]
    households = [
        household("H1", weeks=(W1, W2), with_=("H2",)),
        household("H2", weeks=(W1, W2), with_=("H1",)),
        household("H3", weeks=(W2,), with_=("H404",)),  # a withdrawn household: ignored
    ]
    plan = run(instance(sites, households, max_stops=1))
    p = placed(plan)
    assert (p["H1"].week, p["H1"].campsite) == (p["H2"].week, p["H2"].campsite)
    assert plan.stats.wishes_honoured == 2  # a mutual wish is two wishes


# --- re-planning ---------------------------------------------------------------------------------


def test_replanning_keeps_everyone_in_place_when_it_can():
    site = camp("A", unit("a4", 4), unit("a8", 8), unit("b4", 4), weeks=(W1, W2))
    households = [household(f"H{i}", people=3, weeks=(W1, W2)) for i in range(3)]
    # The plan in force is not the one the solver would choose from scratch (H0 in the 8 beds).
    previous = (
        Assignment("H0", "A", "a8", W1),
        Assignment("H1", "A", "a4", W2),
        Assignment("H2", "A", "b4", W2),
        Assignment("H9", "A", "a4", W1),  # cancelled since
    )
    plan = run(instance([site], [*households, household("H3", people=4, weeks=(W1,))], previous=previous))
    assert plan.stats.moved == 0
    assert {a for a in plan.assignments if a.household != "H3"} == set(previous[:3])
    assert placed(plan)["H3"] == Assignment("H3", "A", "a4", W1)


def test_replanning_moves_as_few_households_as_possible():
    # A late household needs the only accessible unit, taken by H0 who does not need it: H0 moves,
    # and only H0 (the others could be shuffled at no cost otherwise).
    site = camp("A", unit("acc", 4, accessible=True), unit("s1", 4), unit("s2", 4), unit("s3", 4))
    households = [household(f"H{i}", people=3) for i in range(3)]
    previous = (
        Assignment("H0", "A", "acc", W1),
        Assignment("H1", "A", "s1", W1),
        Assignment("H2", "A", "s2", W1),
    )
    late = household("LATE", people=2, accessible=True)
    plan = run(instance([site], [*households, late], previous=previous))
    assert plan.stats.people_placed == 11
    assert plan.stats.moved == 1
    assert placed(plan)["LATE"].unit == "acc"
    assert placed(plan)["H0"].unit == "s3"
    assert plan.stats.bounds["moved"] == 1


# --- determinism, bound, progress ------------------------------------------------------------------


def sample_instance():
    sites = [
        camp("DIE", *(unit(f"d{i}", b, i == 0) for i, b in enumerate((4, 5, 6, 8, 4, 6))), weeks=(W1, W2)),
        camp("TRE", *(unit(f"t{i}", b, i == 0) for i, b in enumerate((5, 5, 6, 4))), weeks=(W1, W2, W3)),
    ]
    communes = (LENS, LIEVIN, AVION, "62119")
    households = [
        household(
            f"H{i:02d}",
            people=1 + (i * 7) % 7,
            commune=communes[i % 4],
            weeks=((W1, W2), (W2, W3), (W1,), (W3,))[i % 4],
            accessible=i % 9 == 0,
            with_=(f"H{i + 1:02d}",) if i % 5 == 0 else (),
            campsites=("TRE",) if i % 3 == 0 else (),
        )
        for i in range(22)
    ]
    return instance(sites, households, seats=12, max_stops=2, quotas={AVION: 12})


def test_solver_is_deterministic_and_reports_its_bound():
    plan_input = sample_instance()
    first = plan_to_json(run(plan_input))
    second = plan_to_json(run(plan_input))
    for result in (first, second):
        del result["stats"]["seconds"]
    assert first == second
    assert first["stats"]["status"] == "OPTIMAL"
    assert first["stats"]["bound"] == first["stats"]["people_placed"]


def test_solver_is_at_least_as_good_as_greedy_lexicographically():
    plan_input = sample_instance()
    by_hand, best = run(plan_input, greedy), run(plan_input)
    assert by_hand.stats.status == "FEASIBLE"
    assert (best.stats.people_placed, -best.stats.buses) >= (
        by_hand.stats.people_placed,
        -by_hand.stats.buses,
    )
    assert best.stats.people_placed >= by_hand.stats.people_placed
    assert best.stats.people_placed > by_hand.stats.people_placed  # the greedy fills weeks badly
    assert by_hand.stats.bound >= best.stats.people_placed  # the greedy's trivial bound is a bound
    assert gap(best) == 0.0


def test_greedy_wastes_buses_that_the_solver_saves():
    # One stop a trip. By hand, each household takes its preferred campsite or the first one:
    # both campsites get both communes, four trips; the solver groups communes, two trips.
    sites = [camp(c, unit(f"{c}1", 4), unit(f"{c}2", 4)) for c in ("A", "B")]
    households = [
        household("X1", commune=LENS, campsites=("B",)),
        household("X2", commune=LENS),
        household("Y1", commune=LIEVIN),
        household("Y2", commune=LIEVIN),
    ]
    plan_input = instance(sites, households, max_stops=1)
    by_hand, best = run(plan_input, greedy), run(plan_input)
    assert (by_hand.stats.people_placed, by_hand.stats.buses) == (8, 4)
    assert (best.stats.people_placed, best.stats.buses) == (8, 2)
    assert best.stats.wishes_honoured == 1


def test_progress_is_reported_and_cancels_the_search():
    calls = []
    plan = solve(sample_instance(), time_limit=LIMIT, progress=lambda f, m: calls.append((f, m)))
    assert calls[0][0] == 0.0 and calls[-1][0] == 1.0
    assert calls[-1][1].startswith(f"Terminé : {plan.stats.people_placed} personnes placées")
    assert all(0 <= f <= 1 for f, _ in calls)

    class Cancelled(Exception):
        pass

    def cancel(fraction, message):
        if "Étape" in message:
            raise Cancelled

    with pytest.raises(Cancelled):
        solve(sample_instance(), time_limit=LIMIT, progress=cancel)


# --- the validator catches hand-broken plans ---------------------------------------------------------


def unrequested_week(plan_input, plan):
    """A placed household moved to a week its campsite offers but it did not ask for."""
    households = {h.id: h for h in plan_input.households}
    campsites = {c.id: c for c in plan_input.campsites}
    for a in plan.assignments:
        for w in campsites[a.campsite].weeks:
            if w not in households[a.household].weeks:
                return replace(a, week=w)
    raise AssertionError("no placed household in a campsite open on a week it did not ask for")


def test_check_catches_broken_plans():
    plan_input = sample_instance()
    plan = run(plan_input)
    a0, a1 = plan.assignments[0], plan.assignments[1]
    first_trip = plan.buses[0]
    cases = {
        "deux foyers": replace(
            plan,
            assignments=(
                a0,
                replace(a1, campsite=a0.campsite, unit=a0.unit, week=a0.week),
                *plan.assignments[2:],
            ),
        ),
        "placé plusieurs fois": replace(plan, assignments=(*plan.assignments, a0)),
        "n'a pas demandé la semaine": replace(plan, assignments=(unrequested_week(plan_input, plan),)),
        "passagers pour 12 places": replace(
            plan,
            buses=(
                replace(first_trip, passengers=13, households=tuple(sorted(placed(plan)))),
                *plan.buses[1:],
            ),
        ),
        "dans 0 cars au lieu d'un": replace(plan, buses=plan.buses[1:]),
        "Personnes placées annoncés": replace(plan, stats=replace(plan.stats, people_placed=1)),
        "ni placé ni dans la liste": replace(plan, unplaced={}),
        "arrêts pour 2 au plus": replace(
            plan,
            buses=(
                *plan.buses,
                Trip(W1, "DIE", (AVION, LENS, LIEVIN), 0, tuple(sorted(placed(plan)))),
            ),
        ),
    }
    for expected, broken in cases.items():
        errors = check(plan_input, broken)
        assert any(expected in e for e in errors), (expected, errors)


def test_check_catches_quota_accessibility_and_lock_breaches():
    site = camp("A", unit("a", 4), unit("acc", 4, accessible=True))
    plan_input = instance(
        [site],
        [household("H1", people=3, accessible=True), household("H2", people=3)],
        quotas={LENS: 6},
        locked=(Assignment("H2", "A", "a", W1),),
    )
    plan = run(plan_input)
    swapped = replace(
        plan,
        assignments=(Assignment("H1", "A", "a", W1), Assignment("H2", "A", "acc", W1)),
    )
    errors = check(plan_input, swapped)
    assert any("a besoin d'un hébergement accessible" in e for e in errors)
    assert any("place verrouillée" in e for e in errors)
    tighter = replace(plan_input, quotas={LENS: 5}, locked=())
    assert any("pour un quota de 5" in e for e in check(tighter, plan))


# --- properties: whatever the input, both methods return valid plans ---------------------------------

COMMUNES = (LENS, LIEVIN, AVION)
WEEKS = (W1, W2, W3)


@st.composite
def instances(draw):
    sites = []
    for c in range(draw(st.integers(1, 3))):
        beds = draw(st.lists(st.integers(2, 8), min_size=1, max_size=4))
        units = tuple(unit(f"c{c}u{i}", b, draw(st.booleans())) for i, b in enumerate(beds))
        weeks = draw(st.lists(st.sampled_from(WEEKS), min_size=1, max_size=3, unique=True))
        sites.append(camp(f"C{c}", *units, weeks=tuple(sorted(weeks))))
    ids = [f"H{i}" for i in range(draw(st.integers(0, 9)))]
    households = [
        household(
            hid,
            people=draw(st.integers(1, 9)),
            commune=draw(st.sampled_from(COMMUNES)),
            weeks=tuple(draw(st.lists(st.sampled_from(WEEKS), min_size=1, max_size=3, unique=True))),
            accessible=draw(st.integers(0, 9)) == 0,
            with_=tuple(draw(st.lists(st.sampled_from(ids), max_size=2, unique=True))),
            campsites=tuple(draw(st.lists(st.sampled_from([s.id for s in sites]), max_size=2, unique=True))),
        )
        for hid in ids
    ]
    quotas = draw(st.dictionaries(st.sampled_from(COMMUNES), st.integers(0, 12), max_size=2))
    return instance(
        sites,
        households,
        seats=draw(st.integers(6, 12)),
        max_stops=draw(st.integers(1, 3)),
        quotas=quotas,
    )


@settings(max_examples=40, deadline=None)
@given(instances())
def test_every_plan_the_greedy_returns_is_valid(plan_input):
    plan = greedy(plan_input)
    assert check(plan_input, plan) == []
    assert set(plan.unplaced) | {a.household for a in plan.assignments} == {
        h.id for h in plan_input.households
    }


@settings(max_examples=25, deadline=None)
@given(instances())
def test_every_plan_the_solver_returns_is_valid_and_no_worse_than_greedy(plan_input):
    plan = solve(plan_input, time_limit=2.0)
    assert check(plan_input, plan) == []
    assert plan.stats.people_placed >= greedy(plan_input).stats.people_placed
    assert plan.stats.bound >= plan.stats.people_placed


@settings(max_examples=15, deadline=None)
@given(instances())
def test_replanning_from_a_plan_keeps_it_when_nothing_changed(plan_input):
    first = greedy(plan_input)
    again = solve(replace(plan_input, previous=first.assignments), time_limit=2.0)
    assert check(plan_input, again) == []
    assert again.stats.people_placed >= first.stats.people_placed
    if again.stats.status == "OPTIMAL" and again.stats.people_placed == first.stats.people_placed:
        assert (again.stats.moved or 0) == 0
