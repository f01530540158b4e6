"""Who may do what in the network (one condition per line).

The coordination runs the network: it creates trainings, sessions and events, validates resources
and posts announcements. Professionals (coordination, commune referents, social workers,
volunteers) register for trainings; every member reads the library, the directory and the news.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from partez.attendance.registry import default_can_scan
from partez.organisations import perms
from partez.organisations.models import Membership, Role

if TYPE_CHECKING:
    from partez.attendance.models import Roster

PROFESSIONAL_ROLES = {Role.COORDINATOR, Role.COMMUNE_REFERENT, Role.SOCIAL_WORKER, Role.VOLUNTEER}
PUBLISHING_ROLES = {Role.COORDINATOR, Role.COMMUNE_REFERENT, Role.SOCIAL_WORKER}


def can_view_network(m: Membership | None) -> bool:
    """Trainings, library, directory, events and announcements: every member."""
    return m is not None


def can_register_training(m: Membership | None) -> bool:
    """Registering for a training: the professionals who accompany families (not funders, hosts)."""
    return m is not None and m.role in PROFESSIONAL_ROLES


def can_manage_network(m: Membership | None) -> bool:
    """Trainings, sessions, events, announcements, the « validated » mark: the coordination."""
    return perms.sees_whole_territory(m)


def can_publish_resource(m: Membership | None) -> bool:
    """Sharing a document or a link: the coordination, referents and social workers."""
    return m is not None and m.role in PUBLISHING_ROLES


def can_view_registrations(m: Membership | None) -> bool:
    """The list of who registered and who came (and who is trained): the coordination."""
    return perms.sees_whole_territory(m)


def can_scan_network(m: Membership, roster: Roster) -> bool:
    """The door of a training or an event: its organiser's members (the coordination)."""
    return default_can_scan(m, roster)
