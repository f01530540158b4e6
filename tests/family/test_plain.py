"""The plain words of the space: next step and budget planner (pure), table-driven."""

import datetime as dt

import pytest

from partez.family import plain
from partez.family.plain import ProjectFacts


@pytest.mark.parametrize(
    ("facts", "title", "action"),
    [
        (ProjectFacts("draft", missing_documents=2), "Envoyez vos papiers", "documents"),
        (ProjectFacts("draft", missing_documents=0), "Attendez l'appel de votre référent", ""),
        (
            ProjectFacts("draft", missing_documents=2, open_proposals=1),
            "Répondez à une proposition",
            "choices",
        ),
        (ProjectFacts("submitted", 0), "Attendez la réponse", ""),
        (ProjectFacts("validated", 0), "Attendez la réponse", ""),
        (ProjectFacts("aid_granted", 0, has_cheques=True), "Préparez vos vacances", "fete"),
        (ProjectFacts("aid_granted", 0), "Préparez vos vacances", ""),
        (ProjectFacts("departed", 0), "Bonnes vacances !", ""),
        (ProjectFacts("returned", 0), "Racontez vos vacances", "story"),
        (ProjectFacts("evaluated", 0, has_story=True), "Merci pour votre récit", "story"),
        (ProjectFacts("refused", 0), "Appelez votre référent", ""),
        (ProjectFacts("withdrawn", 0), "Appelez votre référent", ""),
    ],
)
def test_next_step(facts, title, action):
    step = plain.next_step(facts)
    assert (step.title, step.action) == (title, action)
    assert step.lines and all(len(line) <= 60 for line in step.lines)  # short sentences


def test_missing_documents_are_counted_in_words():
    assert plain.next_step(ProjectFacts("draft", 1)).lines[0] == "Il manque 1 papier."
    assert plain.next_step(ProjectFacts("draft", 3)).lines[0] == "Il manque 3 papiers."


def test_every_status_has_plain_words_without_office_jargon():
    from partez.projects.workflow import STATUS_LABELS

    assert set(plain.STATUS_WORDS) == set(STATUS_LABELS)
    for words in plain.STATUS_WORDS.values():
        assert "QF" not in words and "RFR" not in words and words.endswith(".")


@pytest.mark.parametrize(
    ("today", "departure", "months"),
    [
        (dt.date(2026, 3, 15), dt.date(2026, 7, 4), 4),
        (dt.date(2026, 7, 1), dt.date(2026, 7, 20), 0),
        (dt.date(2026, 8, 1), dt.date(2026, 7, 20), 0),
        (dt.date(2026, 11, 30), dt.date(2027, 2, 1), 3),
        (dt.date(2026, 3, 15), None, 0),
    ],
)
def test_months_until_departure(today, departure, months):
    assert plain.months_until(today, departure) == months


def test_budget_rounds_the_monthly_saving_up():
    b = plain.budget(
        cost_cents=80_000,
        aid_cents=55_000,
        cheques_cents=10_000,
        today=dt.date(2026, 4, 2),
        departure=dt.date(2026, 7, 1),
    )
    assert (b.remaining_cents, b.months, b.per_month_cents) == (25_000, 3, 8_334)


def test_budget_never_negative_and_nothing_to_save_when_fully_paid():
    b = plain.budget(
        cost_cents=50_000, aid_cents=60_000, cheques_cents=0, today=dt.date(2026, 4, 2), departure=None
    )
    assert (b.remaining_cents, b.per_month_cents) == (0, 0)


def test_progress_marks_where_the_project_stands():
    assert plain.progress("validated")[:4] == [
        ("Préparation", "done"),
        ("Envoi", "done"),
        ("Accord", "current"),
        ("Aide", "todo"),
    ]
    assert {state for _, state in plain.progress("refused")} == {"todo"}
