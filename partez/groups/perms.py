"""Who may do what with group departures (one condition per line; scoping is in selectors)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from partez.organisations import perms
from partez.organisations.models import Membership, OrganisationKind, Role

if TYPE_CHECKING:
    from partez.attendance.models import Roster

CASEWORK_ROLES = {Role.COORDINATOR, Role.COMMUNE_REFERENT, Role.SOCIAL_WORKER}
PORTEUR_KINDS = {OrganisationKind.COORDINATOR, OrganisationKind.COMMUNE, OrganisationKind.RELAY}
SCANNING_ROLES = CASEWORK_ROLES | {Role.VOLUNTEER}


def can_view_groups(m: Membership | None) -> bool:
    """Group departures hold case-file data: the professionals who follow households."""
    return m is not None and m.role in CASEWORK_ROLES


def can_manage_groups(m: Membership | None) -> bool:
    """Open and run groups as a porteur: a relay structure, a commune / CCAS, the coordination
    (a Sac Ados group also needs the relay's approval: checked by the service)."""
    return can_view_groups(m) and m is not None and m.organisation.kind in PORTEUR_KINDS


def can_run_jury(m: Membership | None) -> bool:
    """The Sac Ados jury, its ceremonies, the pack stock and the relays' approvals: the coordination."""
    return perms.sees_whole_territory(m)


def can_scan_ceremony(m: Membership, roster: Roster) -> bool:
    """The ceremony's door: the coordination, and the relays whose young people are awaited there."""
    if perms.sees_whole_territory(m):
        return True
    if m.role not in SCANNING_ROLES:
        return False
    from .selectors import awaited_at

    return awaited_at(m.organisation_id, roster.pk)
