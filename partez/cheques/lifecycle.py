"""The status graph of a chèque-vacances, as data (pure: no ORM).

in stock → allocated to a commune → prepared for a household → handed over → used / returned /
exchanged; a chèque still held past its validity is expired, and an expired one can be
exchanged (ANCV: within three months after the end of its validity). A preparation can be
undone (prepared → allocated) and an allocation taken back (allocated → in stock) until the
hand-over; after it, nothing moves back.
"""

from __future__ import annotations

TRANSITIONS: dict[str, set[str]] = {
    "in_stock": {"allocated", "expired"},
    "allocated": {"prepared", "in_stock", "expired"},
    "prepared": {"handed_over", "allocated", "expired"},
    "handed_over": {"used", "returned", "exchanged"},
    "returned": set(),
    "used": set(),
    "exchanged": set(),
    "expired": {"exchanged"},
}

LABELS = {
    "in_stock": "en stock",
    "allocated": "attribué à une commune",
    "prepared": "préparé pour un foyer",
    "handed_over": "remis au foyer",
    "used": "utilisé",
    "returned": "rendu",
    "exchanged": "échangé",
    "expired": "périmé",
}


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, set())


def refusal(serial: str, from_status: str, to_status: str) -> str:
    """The French reason a move is refused."""
    return (
        f"Le chèque {serial} est {LABELS.get(from_status, from_status)} : "
        f"il ne peut pas passer à « {LABELS.get(to_status, to_status)} »."
    )
