"""The campaign-wide allocation: solver against brute force, heuristics, priorities, validator."""

import itertools
import random
import threading
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partez.funding.allocation import (
    Allocation,
    EnvelopeIn,
    Line,
    Option,
    Priorities,
    ProjectIn,
    check,
    first_come_first_served,
    greedy,
    person_weight,
    project_weight,
    solve,
)

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def project(pid, *options, people=1, commune="62498", minute=0, first=False, qf=None):
    """A project whose options are given as lists of (envelope, cents)."""
    return ProjectIn(
        id=pid,
        people=people,
        commune=commune,
        submitted_at=T0 + timedelta(minutes=minute),
        first_departure=first,
        qf_cents=qf,
        options=tuple(Option(tuple(Line(e, c) for e, c in lines)) for lines in options),
    )


def feasible(projects, envelopes, funded, respect_quotas):
    """Independent of the module: does ``funded`` overspend an envelope or a quota?"""
    by_id = {p.id: p for p in projects}
    by_envelope = {e.id: e for e in envelopes}
    use, quota_use = defaultdict(int), defaultdict(int)
    for pid, index in funded.items():
        p = by_id[pid]
        for line in p.options[index].lines:
            if line.envelope not in by_envelope:
                return False
            use[line.envelope] += line.amount_cents
            if respect_quotas and by_envelope[line.envelope].quotas:
                quota_use[line.envelope, p.commune] += line.amount_cents
    if any(used > max(by_envelope[e].available_cents, 0) for e, used in use.items()):
        return False
    return all(used <= by_envelope[e].quotas.get(c, 0) for (e, c), used in quota_use.items() if used)


def brute_force(projects, envelopes, priorities):
    """The best objective over every combination of (no option | one option) per project."""
    best = 0
    for combo in itertools.product(*[[None, *range(len(p.options))] for p in projects]):
        funded = {p.id: i for p, i in zip(projects, combo, strict=True) if i is not None}
        if feasible(projects, envelopes, funded, priorities.respect_quotas):
            best = max(best, sum(project_weight(p, priorities) for p in projects if p.id in funded))
    return best


# --- weights -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "qf", "priorities", "weight"),
    [
        (False, 30_000, Priorities(), 100),
        (True, 0, Priorities(), 100),
        (True, None, Priorities(first_departure_bonus=50), 150),
        (False, 0, Priorities(low_qf_bonus=40), 140),  # the whole bonus at QF 0
        (False, 60_000, Priorities(low_qf_bonus=40), 120),  # half-way to the 1 200 € ceiling
        (False, 120_000, Priorities(low_qf_bonus=40), 100),  # nothing at the ceiling…
        (False, 250_000, Priorities(low_qf_bonus=40), 100),  # …nor above
        (False, None, Priorities(low_qf_bonus=40), 100),  # unknown QF: no bonus
        (True, 30_000, Priorities(first_departure_bonus=50, low_qf_bonus=40), 180),
        (False, 50_000, Priorities(low_qf_bonus=40, low_qf_ceiling_cents=100_000), 120),
    ],
)
def test_person_weight(first, qf, priorities, weight):
    assert person_weight(project("p", [("E", 1)], first=first, qf=qf), priorities) == weight


# --- the solver against brute force ----------------------------------------------------------------

COMMUNES = ["62498", "62510", "62001"]


@st.composite
def instances(draw):
    """Up to 7 projects; budgets and quotas drawn as a share of the demand on them, so they bind."""
    envelope_ids = [f"E{n}" for n in range(draw(st.integers(1, 3)))]
    # Mostly real lines; now and then (1 in 10) a free line or plan, or an unknown envelope.
    envelope = st.sampled_from([*envelope_ids * 9, "unknown"])
    amount = st.sampled_from([*range(100, 501, 20), *range(110, 501, 20), 0, 0])
    line = st.tuples(envelope, amount)
    plan = st.tuples(st.integers(0, 9), st.lists(line, min_size=1, max_size=2)).map(
        lambda drawn: [] if drawn[0] == 0 else drawn[1]
    )
    projects = []
    for n in range(draw(st.integers(2, 7))):
        options = draw(st.lists(plan, min_size=1, max_size=3))
        projects.append(
            project(
                f"p{n}",
                *options,
                people=draw(st.sampled_from([0, *range(1, 7), *range(1, 7)])),
                commune=draw(st.sampled_from(COMMUNES[:2])),
                minute=draw(st.integers(0, 5)),
                first=draw(st.booleans()),
                qf=draw(st.none() | st.integers(0, 150_000)),
            )
        )
    demand = defaultdict(int)
    for p in projects:
        for option in p.options:
            for e, cents in ((line.envelope, line.amount_cents) for line in option.lines):
                demand[e] += cents
                demand[e, p.commune] += cents
    share = st.integers(0, 100)
    envelopes = []
    for eid in envelope_ids:
        quotas = {}
        if draw(st.integers(0, 2)):  # two envelopes in three have quotas
            listed = draw(st.lists(st.sampled_from(COMMUNES), min_size=1, max_size=3, unique=True))
            quotas = {c: demand[eid, c] * draw(share) // 100 for c in listed}
        envelopes.append(
            EnvelopeIn(eid, demand[eid] * draw(share) // 100 - draw(st.sampled_from([0, 50])), quotas)
        )
    priorities = Priorities(
        first_departure_bonus=draw(st.sampled_from([0, 50, 100])),
        low_qf_bonus=draw(st.sampled_from([0, 30])),
        respect_quotas=draw(st.sampled_from([True, True, True, False])),
    )
    return projects, envelopes, priorities


@settings(max_examples=30, deadline=None)
@given(instances())
def test_solver_reaches_the_brute_force_optimum(instance):
    projects, envelopes, priorities = instance
    result = solve(projects, envelopes, priorities, time_limit=10)
    assert result.status == "OPTIMAL"
    assert result.objective == result.bound == brute_force(projects, envelopes, priorities)
    assert result.gap == 0
    assert check(projects, envelopes, result, priorities) == []
    assert feasible(projects, envelopes, result.funded, priorities.respect_quotas)
    for heuristic in (first_come_first_served, greedy):
        other = heuristic(projects, envelopes, priorities)
        assert check(projects, envelopes, other, priorities) == []
        assert other.objective <= result.objective


# --- crafted cases ---------------------------------------------------------------------------------


def test_quotas_are_respected_and_unlisted_communes_get_nothing():
    envelopes = [EnvelopeIn("CALL", 100_000, {"62498": 30_000})]
    projects = [project(f"lens{n}", [("CALL", 20_000)], commune="62498", minute=n) for n in range(3)]
    projects.append(project("lievin", [("CALL", 10_000)], commune="62510", minute=9))

    for method in (solve, first_come_first_served, greedy):
        result = method(projects, envelopes)
        assert list(result.funded) in (["lens0"], ["lens1"], ["lens2"])  # 2 × 200 € > 300 € quota
        assert check(projects, envelopes, result, Priorities()) == []

    ignoring = Priorities(respect_quotas=False)
    assert len(solve(projects, envelopes, ignoring).funded) == 4
    # The same allocation breaks the quotas once they count again.
    errors = check(projects, envelopes, solve(projects, envelopes, ignoring), Priorities())
    assert any("62510" in e and "pas de quota" in e for e in errors)
    assert any("62498" in e and "quota de" in e for e in errors)


def test_fcfs_goes_in_submission_order_and_skips_what_no_longer_fits():
    envelopes = [EnvelopeIn("A", 50_000), EnvelopeIn("B", 10_000)]
    projects = [
        project("late-small", [("A", 20_000)], minute=30),
        project("early-big", [("A", 30_000)], minute=0),
        project("second-big", [("A", 30_000)], minute=10),  # 300 € left? no: skipped
        project("switches", [("A", 30_000)], [("B", 10_000)], minute=20),  # A is short: takes B
    ]
    result = first_come_first_served(projects, envelopes)
    assert dict(result.funded) == {"early-big": 0, "switches": 1, "late-small": 0}
    assert result.envelope_use == {"A": 50_000, "B": 10_000}
    assert check(projects, envelopes, result, Priorities()) == []


def test_solver_beats_fcfs_when_an_early_project_takes_everything():
    envelopes = [EnvelopeIn("A", 60_000)]
    projects = [project("big", [("A", 60_000)], people=2, minute=0)]
    projects += [project(f"s{n}", [("A", 20_000)], people=2, minute=n + 1) for n in range(3)]
    assert first_come_first_served(projects, envelopes).people_funded == 2
    best = solve(projects, envelopes)
    assert (best.people_funded, best.status, best.bound) == (6, "OPTIMAL", 600)


def test_multi_line_options_are_all_or_nothing():
    envelopes = [EnvelopeIn("A", 10_000), EnvelopeIn("B", 5_000)]
    both = project("both", [("A", 10_000), ("B", 10_000)], people=5)  # B cannot pay its half
    alone = project("alone", [("A", 10_000)], people=1, minute=1)
    for method in (solve, first_come_first_served, greedy):
        result = method([both, alone], envelopes)
        assert dict(result.funded) == {"alone": 0}
        assert result.envelope_use == {"A": 10_000, "B": 0}

    envelopes = [EnvelopeIn("A", 10_000), EnvelopeIn("B", 10_000)]
    result = solve([both, alone], envelopes)
    assert dict(result.funded) == {"both": 0}
    assert result.envelope_use == {"A": 10_000, "B": 10_000}


def test_priorities_change_the_choice_and_people_stay_people():
    envelopes = [EnvelopeIn("A", 30_000)]
    family = project("family", [("A", 30_000)], people=3, qf=110_000)
    first = project("first", [("A", 30_000)], people=2, first=True, qf=10_000)

    plain = solve([family, first], envelopes)
    assert list(plain.funded) == ["family"]
    assert (plain.people_funded, plain.objective) == (3, 300)

    bonus = solve([family, first], envelopes, Priorities(first_departure_bonus=60))
    assert list(bonus.funded) == ["first"]
    assert (bonus.people_funded, bonus.objective) == (2, 320)  # 2 × 160 > 3 × 100

    low_qf = solve([family, first], envelopes, Priorities(low_qf_bonus=80))
    # family: 3 × (100 + 80 × 100/1200 → 6) = 318; first: 2 × (100 + 80 × 1100/1200 → 73) = 346
    assert list(low_qf.funded) == ["first"]
    assert low_qf.objective == 346


def test_free_option_is_always_funded():
    envelopes = [EnvelopeIn("A", 0)]
    projects = [project("paid-or-free", [("A", 5_000)], [], people=0), project("paid", [("A", 5_000)])]
    for method in (solve, greedy):
        assert dict(method(projects, envelopes).funded) == {"paid-or-free": 1}
    fcfs = first_come_first_served(projects, envelopes)
    assert dict(fcfs.funded) == {"paid-or-free": 1}
    assert check(
        projects, envelopes, replace(fcfs, funded={}, people_funded=0, objective=0), Priorities()
    ) == ["Projet paid-or-free : il a une option sans financement mais n'est pas retenu."]


def random_instance(seed, size):
    rng = random.Random(seed)
    envelopes = [EnvelopeIn(f"E{n}", rng.randint(50_000, 200_000)) for n in range(4)]
    envelopes.append(EnvelopeIn("Q", 150_000, {c: rng.randint(10_000, 60_000) for c in COMMUNES[:2]}))
    projects = []
    for n in range(size):
        options = []
        for _ in range(rng.randint(1, 3)):
            lines = rng.sample([e.id for e in envelopes], rng.randint(1, 2))
            options.append([(e, rng.randrange(5_000, 60_000, 500)) for e in lines])
        projects.append(
            project(
                f"p{n:03d}",
                *options,
                people=rng.randint(1, 6),
                commune=rng.choice(COMMUNES),
                minute=rng.randint(0, 10_000),
                first=rng.random() < 0.3,
                qf=rng.randint(0, 120_000),
            )
        )
    return projects, envelopes


def test_deterministic_whatever_the_input_order():
    projects, envelopes = random_instance(7, 60)
    priorities = Priorities(first_departure_bonus=50)
    first = solve(projects, envelopes, priorities, time_limit=10)
    again = solve(projects, envelopes, priorities, time_limit=10)
    shuffled = solve(list(reversed(projects)), list(reversed(envelopes)), priorities, time_limit=10)
    assert first.status == "OPTIMAL"
    assert dict(first.funded) == dict(again.funded) == dict(shuffled.funded)
    assert first.envelope_use == again.envelope_use == shuffled.envelope_use


def test_invariants_when_stopped_on_the_gap_limit():
    projects, envelopes = random_instance(3, 150)
    result = solve(projects, envelopes, time_limit=10, gap_limit=0.2)
    assert check(projects, envelopes, result, Priorities()) == []
    assert result.bound >= result.objective
    assert result.gap <= 0.2
    assert result.status == ("OPTIMAL" if result.bound == result.objective else "FEASIBLE")
    assert result.objective >= greedy(projects, envelopes).objective


def test_progress_is_reported_and_can_cancel():
    projects, envelopes = random_instance(5, 40)
    calls = []
    solve(projects, envelopes, time_limit=10, progress=lambda f, m: calls.append((f, m)))
    assert calls[0][0] == 0.0 and calls[0][1].startswith("Préparation")
    assert calls[-1][0] == 1.0 and calls[-1][1].startswith("Terminé")
    assert all(0.0 <= f <= 1.0 for f, _ in calls)

    class Cancelled(Exception):
        pass

    def cancel(fraction, message):
        if message.startswith("Recherche"):  # CP-SAT is running by now
            raise Cancelled

    with pytest.raises(Cancelled):
        solve(projects, envelopes, time_limit=10, progress=cancel)
    assert not [t for t in threading.enumerate() if t.name == "cp-sat"]  # stopped and joined


# --- the validator ---------------------------------------------------------------------------------


def test_check_reports_every_violation_in_french():
    envelopes = [EnvelopeIn("A", 10_000), EnvelopeIn("Q", 50_000, {"62498": 5_000})]
    projects = [
        project("p1", [("A", 8_000)]),
        project("p2", [("A", 8_000)]),
        project("p3", [("Q", 6_000)]),
        project("p4", [("nowhere", 1_000)]),
    ]
    forged = Allocation(
        funded={"p1": 0, "p2": 0, "p3": 0, "p4": 0, "p5": 0, "p1-bis": 0},
        people_funded=99,
        objective=1,
        bound=0,
        gap=0.0,
        status="OPTIMAL",
        seconds=0.0,
        envelope_use={"A": 0},
    )
    errors = check(projects, envelopes, forged, Priorities())
    expected = [
        "Projet inconnu : p1-bis.",
        "Projet p4 : l'enveloppe nowhere n'existe pas.",
        "Projet inconnu : p5.",
        "Enveloppe A : 160,00 € engagés pour 100,00 € disponibles (dépassement de 60,00 €).",
        "Enveloppe Q, commune 62498 : 60,00 € engagés pour un quota de 50,00 €.",
        "Personnes financées annoncées : 99, calculées : 4.",
        "Objectif annoncé : 1, calculé : 400.",
        "Enveloppe A : consommation annoncée 0,00 €, calculée 160,00 €.",
        "Enveloppe Q : consommation annoncée 0,00 €, calculée 60,00 €.",
        "La borne (0) est inférieure à l'objectif (1).",
    ]
    assert errors == expected
    bad_option = replace(forged, funded={"p1": 3})
    assert "Projet p1 : l'option 3 n'existe pas (le projet en a 1)." in check(
        projects, envelopes, bad_option, Priorities()
    )


def test_invalid_input_is_rejected():
    envelopes = [EnvelopeIn("A", 10_000)]
    with pytest.raises(ValueError, match="no option"):
        solve([project("p")], envelopes)
    with pytest.raises(ValueError, match="duplicate project"):
        solve([project("p", [("A", 1)]), project("p", [("A", 1)])], envelopes)
    with pytest.raises(ValueError, match="negative amount"):
        first_come_first_served([project("p", [("A", -1)])], envelopes)
    with pytest.raises(ValueError, match="gap_limit"):
        solve([project("p", [("A", 1)])], envelopes, gap_limit=1.5)


def test_at_equal_merit_earlier_projects_come_first():
    """Two projects of two people each, room for one: the optimum is the same either way, and the
    one submitted first gets it (what first-come-first-served would do)."""
    later = ProjectIn(
        id="a",
        people=2,
        commune="62498",
        submitted_at=datetime(2025, 3, 2, tzinfo=UTC),
        first_departure=False,
        qf_cents=None,
        options=(Option(lines=(Line(envelope="e", amount_cents=10_000),)),),
    )
    earlier = ProjectIn(
        id="b",
        people=2,
        commune="62498",
        submitted_at=datetime(2025, 3, 1, tzinfo=UTC),
        first_departure=False,
        qf_cents=None,
        options=(Option(lines=(Line(envelope="e", amount_cents=10_000),)),),
    )
    result = solve([later, earlier], [EnvelopeIn(id="e", available_cents=10_000)], time_limit=5)
    assert result.status == "OPTIMAL" and dict(result.funded) == {"b": 0}
