"""Who among the professionals may do what with a family's space (one condition per line).
Which household: the case-file scope (``households.selectors.households_for``) decides."""

from __future__ import annotations

from partez.organisations import perms
from partez.organisations.models import Membership, Role


def can_invite_family(m: Membership | None) -> bool:
    """Give or withdraw a household's access to its space: those who work on its file."""
    return perms.can_edit_household(m)


def can_propose_to_family(m: Membership | None) -> bool:
    return perms.can_edit_project(m)


def can_view_family_documents(m: Membership | None) -> bool:
    return perms.can_view_households(m)


def can_moderate_stories(m: Membership | None) -> bool:
    """Publishing a family's story is the coordination's call."""
    return m is not None and m.role == Role.COORDINATOR
