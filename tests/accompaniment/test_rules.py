"""The plan's rules, table-driven: each barrier proposes its steps (dated from the stay), the
left-to-pay threshold adds the savings plan, the debrief is always there, nothing twice."""

import datetime as dt

import pytest

from partez.accompaniment import rules

START, END = dt.date(2026, 7, 10), dt.date(2026, 7, 17)
R = rules.rules_on(START)


def kinds(*barriers, left=None, existing=()):
    return [
        s.kind
        for s in rules.propose(
            R, barriers=barriers, left_to_pay_cents=left, start=START, end=END, existing=existing
        )
    ]


@pytest.mark.parametrize(
    ("barrier", "expected"),
    [
        ("no_car", {"transport"}),
        ("no_licence", {"transport"}),
        ("never_left", {"preparation", "call_before"}),
        ("fear_elsewhere", {"preparation", "call_before"}),
        ("isolation", {"call_before"}),
        ("never_booked", {"booking_help"}),
        ("no_internet", {"booking_help"}),
        ("papers", {"papers"}),
        ("left_to_pay", {"budget_workshop"}),
        ("no_savings", {"savings_plan"}),
        ("young_children", {"children_workshop"}),
        ("carer", {"care_solution"}),
        ("health", {"adapted_stay"}),
        ("disability", {"adapted_stay"}),
    ],
)
def test_each_barrier_proposes_its_steps_and_the_debrief(barrier, expected):
    assert set(kinds(barrier)) == expected | {"debrief"}


def test_every_barrier_of_the_default_sheet_has_a_rule():
    from partez.accompaniment.selectors import default_questions

    assert {q.code for q in default_questions()} <= set(R.by_barrier)


def test_left_to_pay_over_the_threshold_adds_the_budget_workshop_and_a_savings_plan():
    assert kinds(left=R.threshold_cents) == ["debrief"]
    assert set(kinds(left=R.threshold_cents + 1)) == {"budget_workshop", "savings_plan", "debrief"}


def test_steps_are_dated_from_the_stay_in_order_and_proposed_once():
    steps = rules.propose(
        R, barriers=["never_left", "fear_elsewhere", "no_car"], left_to_pay_cents=None, start=START, end=END
    )
    assert [s.kind for s in steps] == ["transport", "preparation", "call_before", "debrief"]
    assert steps[0].due_on == START - dt.timedelta(days=45) and steps[0].barrier == "no_car"
    assert steps[2].due_on == START - dt.timedelta(days=7) and steps[2].who == "referent"
    assert steps[-1].due_on == END + dt.timedelta(days=14) and steps[-1].barrier == ""


def test_kinds_already_in_the_plan_are_not_proposed_again_and_undated_without_a_stay():
    assert kinds("no_car", existing=["transport", "debrief"]) == []
    undated = rules.propose(R, barriers=["no_car"], left_to_pay_cents=None, start=None, end=None)
    assert all(s.due_on is None for s in undated)


@pytest.mark.parametrize(
    ("barriers", "mode", "lacks"),
    [
        ({"no_car"}, None, True),
        ({"no_licence"}, "train", True),
        ({"no_car"}, "own_car", False),
        ({"never_left"}, None, False),
    ],
)
def test_lacks_transport(barriers, mode, lacks):
    assert rules.lacks_transport(barriers, mode) is lacks


def test_a_step_is_late_only_when_open_and_past_due():
    today = dt.date(2026, 6, 1)
    assert rules.is_late(dt.date(2026, 5, 31), None, today)
    assert not rules.is_late(dt.date(2026, 5, 31), dt.date(2026, 5, 30), today)
    assert not rules.is_late(today, None, today) and not rules.is_late(None, None, today)
