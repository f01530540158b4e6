"""The matcher (pure): table cases, the exact methods against brute force on small instances
(hypothesis), ``check()`` independent of every method, the JSON format and its errors."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partez.offers.matching import (
    FamilyIn,
    InputError,
    Matching,
    OfferIn,
    Problem,
    baseline,
    check,
    compatible,
    greedy,
    parse,
    solve,
    solve_cp,
    to_json,
    total_weight,
    weights,
)


def fam(id, people=3, periods=("ete",), car=True, first=False, acc=False, excluded=()):
    return FamilyIn(id, people, acc, tuple(periods), car, first, tuple(excluded))


def off(id, site="S1", period="ete", beds=4, acc=False, car=False):
    return OfferIn(id, site, period, beds, acc, car)


def test_each_rule_of_a_match():
    o = off("O", beds=4, car=True)
    assert compatible(fam("F"), o)
    assert not compatible(fam("F", people=5), o)
    assert not compatible(fam("F", periods=("noel",)), o)
    assert not compatible(fam("F", car=False), o)
    assert not compatible(fam("F", acc=True), o)
    assert not compatible(fam("F", excluded=("S1",)), o)
    assert not compatible(fam("F"), o, frozenset({("F", "O")}))


def test_a_first_departure_counts_double_then_fewer_empty_beds():
    problem = Problem(
        1, (off("big", beds=8), off("small", site="S2", beds=4)), (fam("A"), fam("B", first=True))
    )
    m = solve(problem)
    assert m.assignments == {"A": "small", "B": "big"} or m.assignments == {"B": "small", "A": "big"}
    assert m.objective == 3 and m.bound == 3 and m.status == "OPTIMAL"
    only = Problem(1, (off("small", beds=4), off("big", site="S1", beds=8)), (fam("A"), fam("B", first=True)))
    m = solve(only)  # one family per site: the first departure, in the small unit
    assert m.assignments == {"B": "small"} and m.empty_beds == 1
    assert "limite de mixité sociale" in m.unmatched["A"]


def test_the_reason_names_the_first_rule_that_leaves_nothing():
    problem = Problem(
        2,
        (off("O", beds=4, car=True),),
        (fam("P", periods=("noel",)), fam("B", people=6), fam("C", car=False)),
    )
    reasons = solve(problem).unmatched
    assert reasons["P"].startswith("Aucune offre sur les périodes")
    assert reasons["B"] == "Aucune offre de 6 lits ou plus sur ses périodes."
    assert "sans voiture" in reasons["C"]


def test_a_rematch_keeps_accepted_proposals_and_moves_as_few_families_as_possible():
    offers = (off("O1", beds=5), off("O2", site="S2", beds=5), off("O3", site="S3", beds=4))
    families = (fam("A"), fam("B"), fam("C"))
    problem = Problem(
        1,
        offers,
        families,
        fixed={"A": "O1"},
        forbidden=frozenset({("B", "O3")}),
        previous={"B": "O2", "C": "O3"},
    )
    m = solve(problem)
    assert m.assignments == {"A": "O1", "B": "O2", "C": "O3"} and m.moved == 0
    assert check(problem, m) == []


def test_check_finds_every_broken_rule_without_a_solver():
    problem = Problem(1, (off("O1", beds=2), off("O2", beds=4)), (fam("A"), fam("B")))
    bad = Matching("x", {"A": "O1", "B": "O2"}, {}, objective=5, bound=1, status="x", seconds=0)
    problems = check(problem, bad)
    assert any("2 lits pour 3 personnes" in p for p in problems)
    assert any("mixité sociale" in p for p in problems)
    assert any("objectif annoncé" in p for p in problems)
    assert any("borne inférieure" in p for p in problems)


# --- against brute force ---------------------------------------------------------------------


def brute_force(problem: Problem) -> int:
    """The best total weight over every assignment (tiny instances only)."""
    offers = list(problem.offers)
    best = 0
    for choice in itertools.product([None, *offers], repeat=len(problem.families)):
        used = [o.id for o in choice if o is not None]
        if len(used) != len(set(used)):
            continue
        pairs = [(f, o) for f, o in zip(problem.families, choice, strict=True) if o is not None]
        if not all(compatible(f, o, problem.forbidden) for f, o in pairs):
            continue
        counts: dict = {}
        for _f, o in pairs:
            counts[(o.site, o.period)] = counts.get((o.site, o.period), 0) + 1
        if any(n > problem.max_families_per_site_period for n in counts.values()):
            continue
        best = max(best, sum(weights(problem, pairs)))
    return best


offers_st = st.lists(
    st.builds(
        OfferIn,
        id=st.just(""),
        site=st.sampled_from(["S1", "S2"]),
        period=st.sampled_from(["p1", "p2"]),
        beds=st.integers(2, 6),
        accessible=st.booleans(),
        car_needed=st.booleans(),
    ),
    min_size=1,
    max_size=4,
)
families_st = st.lists(
    st.builds(
        FamilyIn,
        id=st.just(""),
        people=st.integers(1, 6),
        needs_accessible=st.booleans(),
        periods=st.sets(st.sampled_from(["p1", "p2"]), min_size=1).map(tuple),
        has_car=st.booleans(),
        first_departure=st.booleans(),
        excluded_sites=st.sets(st.sampled_from(["S1", "S2"]), max_size=1).map(tuple),
    ),
    min_size=1,
    max_size=4,
)


def numbered(problem_offers, problem_families, n):
    offers = tuple(OfferIn(**{**vars(o), "id": f"O{i}"}) for i, o in enumerate(problem_offers))
    families = tuple(FamilyIn(**{**vars(f), "id": f"F{i}"}) for i, f in enumerate(problem_families))
    return Problem(n, offers, families)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(offers_st, families_st, st.integers(1, 2))
def test_the_exact_method_finds_the_brute_force_optimum(offers, families, n):
    problem = numbered(offers, families, n)
    best = brute_force(problem)
    m = solve(problem)
    assert check(problem, m) == []
    assert total_weight(problem, m) == best
    for heuristic in (greedy(problem), baseline(problem)):
        assert check(problem, heuristic) == []
        assert heuristic.objective <= m.objective == m.bound


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(offers_st, families_st, st.integers(1, 2))
def test_cp_sat_agrees_with_the_flow(offers, families, n):
    problem = numbered(offers, families, n)
    m = solve_cp(problem, time_limit=5)
    assert check(problem, m) == []
    assert m.status == "OPTIMAL" and total_weight(problem, m) == total_weight(problem, solve(problem))


# --- JSON ------------------------------------------------------------------------------------


def test_parse_names_every_bad_field():
    with pytest.raises(InputError) as exc:
        parse(
            {
                "max_families_per_site_period": 0,
                "offers": [{"id": "O1", "site": "S", "period": "p", "beds": "4", "accessible": True}],
                "families": [
                    {"id": "O1", "people": 2, "needs_accessible": False, "periods": "p", "has_car": 1}
                ],
            }
        )
    assert set(exc.value.errors) == {
        "max_families_per_site_period",
        "offers[0].beds",
        "offers[0].car_needed",
        "families[0].periods",
        "families[0].has_car",
        "families[0].first_departure",
    }


def test_round_trip_in_the_issues_format():
    problem = parse(
        {
            "max_families_per_site_period": 2,
            "offers": [
                {"id": 1, "site": "S", "period": "p", "beds": 4, "accessible": False, "car_needed": False}
            ],
            "families": [
                {
                    "id": "A",
                    "people": 3,
                    "needs_accessible": False,
                    "periods": ["p"],
                    "has_car": False,
                    "first_departure": True,
                    "excluded_sites": [],
                },
                {
                    "id": "B",
                    "people": 5,
                    "needs_accessible": False,
                    "periods": ["p"],
                    "has_car": True,
                    "first_departure": False,
                },
            ],
        }
    )
    out = to_json(solve(problem))
    assert out["assignments"] == [{"family": "A", "offer": "1"}]
    assert out["unmatched"] == [{"family": "B", "reason": "Aucune offre de 5 lits ou plus sur ses périodes."}]
    assert (out["objective"], out["bound"]) == (2, 2)
