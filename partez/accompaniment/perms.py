"""Who may do what in the accompaniment (one condition per line).

Screenings, plans, mobility and the debrief are part of the case file: whoever edits projects.
Workshops are organised by a structure's case workers; anyone who may scan a door's list may
check families in (volunteers included). The screening's questions are the coordination's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from partez.attendance import registry
from partez.organisations import perms
from partez.organisations.models import Membership

if TYPE_CHECKING:
    from partez.attendance.models import Roster

    from .models import Workshop


def can_edit_accompaniment(m: Membership | None) -> bool:
    """Screen a household, edit its plan, its mobility and its debrief: case workers."""
    return perms.can_edit_project(m)


def can_view_workshops(m: Membership | None) -> bool:
    """The workshops for families (with the households registered in one's scope): case workers."""
    return perms.can_view_households(m)


def can_manage_workshops(m: Membership | None) -> bool:
    """Create workshops and say what they covered: case workers (their organisation's workshops)."""
    return perms.can_view_households(m)


def can_manage_workshop(m: Membership | None, workshop: Workshop) -> bool:
    """This workshop: its own organisation's case workers, or the coordination."""
    if m is None or not can_manage_workshops(m):
        return False
    return perms.sees_whole_territory(m) or m.organisation_id == workshop.organisation_id


def can_register_household(m: Membership | None) -> bool:
    """Register a household (of one's scope) to a workshop, or cancel it: case workers."""
    return perms.can_edit_project(m)


def can_edit_questions(m: Membership | None) -> bool:
    """The screening's questions and their wording, per edition: the coordination."""
    return perms.can_manage_editions(m)


def can_view_accompaniment_bilan(m: Membership | None) -> bool:
    """Barriers lifted, workshops and autonomy: whoever sees the bilan (funders: small cells hidden)."""
    return perms.can_view_bilan(m)


def can_scan_workshop(m: Membership, roster: Roster) -> bool:
    """A workshop's door: the organising structure's case workers and volunteers, the coordination."""
    return registry.default_can_scan(m, roster)
