"""What the family's space says, in plain words (pure: no ORM, no Django).

The FALC rules (facile à lire et à comprendre) hold for every sentence here: short sentences, one
idea per sentence, everyday words, no abbreviation, figures written as figures. The next step
comes from the project's status and its checklist; the budget planner from the plan's figures.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class NextStep:
    """What to do now: a title, one or two sentences, and which page of the space helps
    (``documents``, ``choices``, ``fete``, ``story`` or empty)."""

    title: str
    lines: tuple[str, ...]
    action: str = ""
    icon: str = "info"


@dataclass(frozen=True)
class ProjectFacts:
    status: str
    missing_documents: int
    open_proposals: int = 0
    has_cheques: bool = False
    has_story: bool = False


# The status in plain words (the staff labels say « Déposé », « Validé »: words of the office).
STATUS_WORDS = {
    "draft": "Votre dossier est en préparation.",
    "submitted": "Votre dossier est envoyé. Il va être étudié.",
    "validated": "Votre projet est accepté.",
    "refused": "Votre projet n'est pas accepté.",
    "aid_granted": "Votre aide est accordée.",
    "departed": "Vous êtes en vacances.",
    "returned": "Vous êtes rentrés de vacances.",
    "evaluated": "Vous êtes rentrés de vacances.",
    "withdrawn": "Ce projet est arrêté.",
}

# The steps of a project, in order, for the « où en suis-je » line: (status, word).
MILESTONES = (
    ("draft", "Préparation"),
    ("submitted", "Envoi"),
    ("validated", "Accord"),
    ("aid_granted", "Aide"),
    ("departed", "Vacances"),
    ("returned", "Retour"),
)
_ORDER = {status: i for i, (status, _) in enumerate(MILESTONES)}
_ORDER["evaluated"] = _ORDER["returned"]


def progress(status: str) -> list[tuple[str, str]]:
    """Each milestone with ``done``, ``current`` or ``todo`` (a refused or stopped project has
    no current step)."""
    here = _ORDER.get(status)
    if here is None:
        return [(word, "todo") for _, word in MILESTONES]
    return [
        (word, "done" if i < here else "current" if i == here else "todo")
        for i, (_, word) in enumerate(MILESTONES)
    ]


def _documents(missing: int) -> str:
    return "Il manque 1 papier." if missing == 1 else f"Il manque {missing} papiers."


def next_step(facts: ProjectFacts) -> NextStep:
    """The one thing to do now, from the project's status and checklist."""
    if facts.open_proposals:
        return NextStep(
            "Répondez à une proposition",
            ("Votre référent vous propose un choix.", "Répondez oui ou non."),
            "choices",
            "choice",
        )
    status = facts.status
    if status == "draft":
        if facts.missing_documents:
            return NextStep(
                "Envoyez vos papiers",
                (_documents(facts.missing_documents), "Prenez-les en photo avec votre téléphone."),
                "documents",
                "camera",
            )
        return NextStep(
            "Attendez l'appel de votre référent",
            ("Tous vos papiers sont là.", "Votre référent va envoyer votre dossier."),
            "",
            "phone",
        )
    if status in ("submitted", "validated"):
        return NextStep(
            "Attendez la réponse",
            ("Votre dossier est étudié.", "Votre référent vous appellera."),
            "",
            "clock",
        )
    if status == "aid_granted":
        lines = ["Votre aide est accordée.", "Préparez votre départ."]
        if facts.has_cheques:
            lines.append("Vos chèques-vacances sont à la Fête des vacances.")
        return NextStep("Préparez vos vacances", tuple(lines), "fete" if facts.has_cheques else "", "bag")
    if status == "departed":
        return NextStep("Bonnes vacances !", ("Profitez bien.",), "", "sun")
    if status in ("returned", "evaluated"):
        if facts.has_story:
            return NextStep("Merci pour votre récit", ("Vous pouvez le changer.",), "story", "pen")
        return NextStep(
            "Racontez vos vacances",
            ("Écrivez quelques mots.", "Ajoutez une photo si vous voulez."),
            "story",
            "pen",
        )
    if status == "refused":
        return NextStep(
            "Appelez votre référent",
            ("Votre projet n'est pas accepté.", "Votre référent peut vous expliquer."),
            "",
            "phone",
        )
    return NextStep("Appelez votre référent", ("Ce projet est arrêté.",), "", "phone")


@dataclass(frozen=True)
class Budget:
    cost_cents: int
    aid_cents: int
    cheques_cents: int
    remaining_cents: int
    months: int  # whole months left to put money aside (0: the departure is this month or past)
    per_month_cents: int
    lines: tuple[str, ...] = field(default=())


def months_until(today: dt.date, departure: dt.date | None) -> int:
    """The months to put money aside: from this month to the month before the departure."""
    if departure is None:
        return 0
    return max(0, (departure.year - today.year) * 12 + departure.month - today.month)


def budget(
    *, cost_cents: int, aid_cents: int, cheques_cents: int, today: dt.date, departure: dt.date | None
) -> Budget:
    """What is left to pay and how much to put aside each month until the departure."""
    remaining = max(0, cost_cents - aid_cents)
    months = months_until(today, departure)
    per_month = math.ceil(remaining / months) if months and remaining else 0
    return Budget(cost_cents, aid_cents, cheques_cents, remaining, months, per_month)
