"""Group eligibility, table-driven: sizes, ages on the departure day, months, nights, once ever /
once a year across projects and groups, taxable or not, spouse and carer (pure: no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from partez.groups import rules
from partez.schemes import catalogue, engine
from partez.schemes.definition import parse

KNOWN = set(catalogue.slugs())
SAC = parse(catalogue.raw("sac-ados"), known_slugs=KNOWN)
SEV = parse(catalogue.raw("seniors-en-vacances"), known_slugs=KNOWN)
D = {"sac-ados": SAC, "seniors-en-vacances": SEV}


def young(i: int, born: str = "2007-03-01", *, past: tuple = (), household: str = "") -> rules.Candidate:
    m = engine.MemberIn(
        id=str(i), birth_date=dt.date.fromisoformat(born), relation="adult", label=f"Jeune{i}"
    )
    return rules.Candidate(
        member=m,
        household=household or f"h{i}",
        past=tuple(engine.PastDepartureIn(str(i), y, s) for y, s in past),
    )


def senior(
    i: int,
    born: str = "1955-01-01",
    *,
    status: str = "retired",
    household: str = "",
    taxable: bool = False,
    disabled: bool = False,
    role: str = rules.PARTICIPANT,
    past: tuple = (),
) -> rules.Candidate:
    m = engine.MemberIn(
        id=str(i),
        birth_date=dt.date.fromisoformat(born),
        relation="adult",
        status=status,
        disabled=disabled,
        label=f"P{i}",
    )
    return rules.Candidate(
        member=m,
        household=household or f"h{i}",
        role=role,
        taxable=taxable,
        past=tuple(engine.PastDepartureIn(str(i), y, s) for y, s in past),
    )


def group(scheme: str, start: str, nights: int, cost: int = 0) -> rules.GroupIn:
    day = dt.date.fromisoformat(start)
    return rules.GroupIn(
        scheme=scheme, starts_on=day, ends_on=day + dt.timedelta(days=nights), cost_cents=cost
    )


TRAINED = dt.date(2024, 1, 10)

CASES = [
    # (id, scheme, start, nights, cost, candidates, error fields, eligible members)
    (
        "sac: 3 of 17-19 years, 5 nights",
        "sac-ados",
        "2026-07-10",
        5,
        90000,
        [young(1), young(2, "2008-01-01"), young(3, "2006-05-05")],
        set(),
        {"1", "2", "3"},
    ),
    ("sac: alone is too few", "sac-ados", "2026-07-10", 5, 0, [young(1)], {"members"}, {"1"}),
    (
        "sac: seven is too many",
        "sac-ados",
        "2026-07-10",
        5,
        0,
        [young(i) for i in range(7)],
        {"members"},
        {str(i) for i in range(7)},
    ),
    ("sac: 3 nights is too short", "sac-ados", "2026-07-10", 3, 0, [young(1), young(2)], {"ends_on"}, set()),
    (
        "sac: 15 on the departure day",
        "sac-ados",
        "2026-07-10",
        4,
        0,
        [young(1), young(2, "2010-07-11")],
        {"members"},
        {"1"},
    ),
    (
        "sac: 16 on the departure day itself",
        "sac-ados",
        "2026-07-10",
        4,
        0,
        [young(1), young(2, "2010-07-10")],
        set(),
        {"1", "2"},
    ),
    (
        "sac: 26 is too old",
        "sac-ados",
        "2026-07-10",
        4,
        0,
        [young(1), young(2, "2000-07-01")],
        {"members"},
        {"1"},
    ),
    ("sac: any month, even August", "sac-ados", "2026-08-20", 6, 0, [young(1), young(2)], set(), {"1", "2"}),
    (
        "sac: once ever (a past Sac Ados)",
        "sac-ados",
        "2026-07-10",
        5,
        0,
        [young(1), young(2, past=((2024, "sac-ados"),))],
        {"members"},
        {"1"},
    ),
    (
        "sac: another scheme before is fine",
        "sac-ados",
        "2026-07-10",
        5,
        0,
        [young(1), young(2, past=((2025, "depart-18-25"),))],
        set(),
        {"1", "2"},
    ),
    (
        "sev: 30 seniors, 7 nights in May",
        "seniors-en-vacances",
        "2026-05-04",
        7,
        44200,
        [senior(i) for i in range(30)],
        set(),
        {str(i) for i in range(30)},
    ),
    (
        "sev: July is refused",
        "seniors-en-vacances",
        "2026-07-04",
        7,
        44200,
        [senior(1), senior(2)],
        {"starts_on"},
        set(),
    ),
    (
        "sev: 26 June + 7 nights runs into July",
        "seniors-en-vacances",
        "2026-06-27",
        7,
        44200,
        [senior(1), senior(2)],
        {"starts_on"},
        set(),
    ),
    (
        "sev: 5 nights is neither 4 nor 7",
        "seniors-en-vacances",
        "2026-09-07",
        5,
        40000,
        [senior(1), senior(2)],
        {"ends_on"},
        set(),
    ),
    (
        "sev: 4 nights in September",
        "seniors-en-vacances",
        "2026-09-07",
        4,
        36900,
        [senior(1), senior(2)],
        set(),
        {"1", "2"},
    ),
    (
        "sev: taxable goes at full price",
        "seniors-en-vacances",
        "2026-09-07",
        4,
        36900,
        [senior(1), senior(2, taxable=True)],
        set(),
        {"1"},
    ),
    (
        "sev: 58 and disabled",
        "seniors-en-vacances",
        "2026-09-07",
        4,
        36900,
        [senior(1), senior(2, "1968-01-01", disabled=True)],
        set(),
        {"1", "2"},
    ),
    (
        "sev: 58, not disabled, alone",
        "seniors-en-vacances",
        "2026-09-07",
        4,
        36900,
        [senior(1), senior(2, "1968-01-01")],
        {"members"},
        {"1"},
    ),
    (
        "sev: 58 spouse on the same notice",
        "seniors-en-vacances",
        "2026-09-07",
        4,
        36900,
        [senior(1, household="a"), senior(2, "1968-01-01", status="employee", household="a")],
        set(),
        {"1", "2"},
    ),
    (
        "sev: employed 62-year-old alone",
        "seniors-en-vacances",
        "2026-09-07",
        4,
        36900,
        [senior(1), senior(2, "1964-01-01", status="employee")],
        {"members"},
        {"1"},
    ),
    (
        "sev: a 45-year-old carer",
        "seniors-en-vacances",
        "2026-09-07",
        4,
        36900,
        [senior(1), senior(2), senior(3, "1981-01-01", status="employee", role=rules.CARER)],
        set(),
        {"1", "2", "3"},
    ),
    (
        "sev: a carer with nobody to help",
        "seniors-en-vacances",
        "2026-09-07",
        4,
        36900,
        [senior(1, "1970-01-01", status="employee"), senior(3, "1981-01-01", role=rules.CARER)],
        {"members"},
        set(),
    ),
    (
        "sev: once a year (already this year)",
        "seniors-en-vacances",
        "2026-09-07",
        4,
        36900,
        [senior(1), senior(2, past=((2026, "seniors-en-vacances"),))],
        set(),
        {"1"},
    ),
    (
        "sev: last year is fine",
        "seniors-en-vacances",
        "2026-09-07",
        4,
        36900,
        [senior(1), senior(2, past=((2025, "seniors-en-vacances"),))],
        set(),
        {"1", "2"},
    ),
    (
        "sev: alone is not a group",
        "seniors-en-vacances",
        "2026-09-07",
        4,
        36900,
        [senior(1)],
        {"members"},
        {"1"},
    ),
]


@pytest.mark.parametrize(
    ("scheme", "start", "nights", "cost", "candidates", "fields", "eligible"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_group_eligibility(scheme, start, nights, cost, candidates, fields, eligible):
    v = rules.evaluate(group(scheme, start, nights, cost), candidates, D[scheme], relay_trained_on=TRAINED)
    assert set(v.errors) == fields, v.errors
    assert {m.person for m in v.members if m.eligible} == eligible
    for m in v.members:  # every verdict explains itself, criterion by criterion
        assert m.checks and all(c.label and c.threshold for c in m.checks)


def test_seniors_aid_and_left_to_pay_per_person_follow_the_dated_table():
    v = rules.evaluate(
        group("seniors-en-vacances", "2026-05-04", 7, 44200), [senior(1), senior(2, taxable=True)], SEV
    )
    by = {m.person: m for m in v.members}
    assert (by["1"].aid_cents, by["1"].left_to_pay_cents) == (19400, 24800)  # 2023 values: 194 € / 248 €
    assert (by["2"].aid_cents, by["2"].left_to_pay_cents) == (0, 44200)
    old = rules.evaluate(group("seniors-en-vacances", "2019-05-06", 4, 30000), [senior(1), senior(2)], SEV)
    assert {m.aid_cents for m in old.members} == {15000}  # 2009 table, 4 nights
    assert v.aid_cents == 19400 and v.left_to_pay_cents == 24800 + 44200


def test_sac_ados_bourse_is_the_dated_amount_and_known_before_the_budget():
    with_budget = rules.evaluate(group("sac-ados", "2026-07-10", 5, 120000), [young(1), young(2)], SAC)
    assert {m.aid_cents for m in with_budget.members} == {15000}
    no_budget = rules.evaluate(group("sac-ados", "2026-07-10", 5, 0), [young(1), young(2)], SAC)
    assert {m.aid_cents for m in no_budget.members} == {15000} and all(m.eligible for m in no_budget.members)
    early = rules.evaluate(
        group("sac-ados", "2016-07-10", 5, 120000), [young(1, "1998-01-01"), young(2, "1998-01-01")], SAC
    )
    assert {m.aid_cents for m in early.members} == {13000}


def test_the_relay_training_is_a_dated_rule_read_from_its_declared_date():
    assert rules.relay_trained(dt.date(2026, 3, 1), dt.date(2026, 7, 1)).passed
    assert not rules.relay_trained(None, dt.date(2026, 7, 1)).passed
    assert not rules.relay_trained(dt.date(2026, 8, 1), dt.date(2026, 7, 1)).passed
    v = rules.evaluate(group("sac-ados", "2026-07-10", 5), [young(1), young(2)], SAC, relay_trained_on=None)
    assert [c.passed for c in v.checks if "formé" in c.label] == [False]


@pytest.mark.parametrize(
    ("scores", "expected", "errors"),
    [
        ({"autonomy": 4, "budget": 4, "safety": 4, "presentation": 4}, 100, set()),
        ({"autonomy": 0, "budget": 0, "safety": 0, "presentation": 0}, 0, set()),
        ({"autonomy": 2, "budget": 3, "safety": 1, "presentation": 4}, 56, set()),  # (6+6+2+4)/32
        ({"autonomy": 5, "budget": 3, "safety": 1}, 25, {"score_autonomy", "score_presentation"}),
    ],
)
def test_jury_grid_is_weighted_data(scores, expected, errors):
    score, found = rules.jury_score(scores, dt.date(2026, 6, 1))
    assert set(found) == errors
    if not errors:
        assert score == expected
