"""The project status workflow, as data (pure: no ORM).

draft → submitted → validated / refused → aid_granted → departed → returned → evaluated,
withdrawn from any open status, and a refused project can be reopened as a draft; the commission
may also send a submitted project back to draft « à compléter » (with the reason).
"""

from __future__ import annotations

from dataclasses import dataclass


class Status:
    DRAFT = "draft"
    SUBMITTED = "submitted"
    VALIDATED = "validated"
    REFUSED = "refused"
    AID_GRANTED = "aid_granted"
    DEPARTED = "departed"
    RETURNED = "returned"
    EVALUATED = "evaluated"
    WITHDRAWN = "withdrawn"


STATUS_LABELS = {
    Status.DRAFT: "Brouillon",
    Status.SUBMITTED: "Déposé",
    Status.VALIDATED: "Validé",
    Status.REFUSED: "Refusé",
    Status.AID_GRANTED: "Aide attribuée",
    Status.DEPARTED: "Parti",
    Status.RETURNED: "Rentré",
    Status.EVALUATED: "Évalué",
    Status.WITHDRAWN: "Abandonné",
}


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    target: str
    needs_reason: bool = False  # who may perform it: ``partez.projects.perms.TRANSITION_RULES``


OPEN = frozenset({Status.DRAFT, Status.SUBMITTED, Status.VALIDATED, Status.AID_GRANTED})

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition("submit", "Déposer le dossier", frozenset({Status.DRAFT}), Status.SUBMITTED),
        Transition("validate", "Valider", frozenset({Status.SUBMITTED}), Status.VALIDATED),
        Transition("refuse", "Refuser", frozenset({Status.SUBMITTED}), Status.REFUSED, True),
        Transition("reopen", "Remettre en brouillon", frozenset({Status.REFUSED}), Status.DRAFT),
        # the commission sends a file back to its social worker: « à compléter », with what is missing
        Transition(
            "ask_completion", "Demander des compléments", frozenset({Status.SUBMITTED}), Status.DRAFT, True
        ),
        Transition(
            "grant_aid",
            "Attribuer l'aide",
            frozenset({Status.VALIDATED}),
            Status.AID_GRANTED,
        ),
        Transition("depart", "Marquer parti", frozenset({Status.AID_GRANTED}), Status.DEPARTED),
        Transition("return", "Marquer rentré", frozenset({Status.DEPARTED}), Status.RETURNED),
        Transition(
            "evaluate",
            "Clore l'évaluation",
            frozenset({Status.RETURNED}),
            Status.EVALUATED,
        ),
        Transition("withdraw", "Abandonner", OPEN, Status.WITHDRAWN, True),
    ]
}


def available(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources]


def check(status: str, action: str) -> Transition:
    """The transition for ``action`` from ``status``; ValueError (French) if it is not allowed."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValueError("Action inconnue.")
    if status not in transition.sources:
        raise ValueError(
            f"Impossible de « {transition.label.lower()} » un projet au statut « {STATUS_LABELS[status]} »."
        )
    return transition
