"""Who runs a commission: whoever may decide on a project (a commune's referents for their
commune, the coordination for the whole territory)."""

from __future__ import annotations

from partez.organisations import perms
from partez.organisations.models import Membership


def can_run_commission(m: Membership | None) -> bool:
    """The commission screen, its sessions, decisions and minutes: the roles that decide."""
    return perms.can_decide_project(m)
