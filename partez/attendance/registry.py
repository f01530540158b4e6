"""Which app owns which kind of roster: who may scan it, and what follows a check-in.

An owning app registers its kind once, in its ``AppConfig.ready()``::

    registry.register("training", can_scan=perms.can_scan_training, on_checkin=services.mark_present)

A kind nobody registered is scanned by the roster's own organisation (its coordination,
referents, social workers and volunteers) and by the coordination of the territory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from partez.organisations import perms
from partez.organisations.models import Role

if TYPE_CHECKING:
    from partez.organisations.models import Membership

    from .models import Attendance, Roster, Ticket

SCANNING_ROLES = {Role.COORDINATOR, Role.COMMUNE_REFERENT, Role.SOCIAL_WORKER, Role.VOLUNTEER}


@dataclass(frozen=True)
class Kind:
    can_scan: Callable[[Membership, Roster], bool]
    on_checkin: Callable[[Ticket, Attendance], None] | None = None


def default_can_scan(m: Membership, roster: Roster) -> bool:
    if perms.sees_whole_territory(m):
        return True
    return m.organisation_id == roster.organisation_id and m.role in SCANNING_ROLES


_KINDS: dict[str, Kind] = {}


def register(
    kind: str,
    *,
    can_scan: Callable[[Membership, Roster], bool],
    on_checkin: Callable[[Ticket, Attendance], None] | None = None,
) -> None:
    _KINDS[kind] = Kind(can_scan=can_scan, on_checkin=on_checkin)


def kind_of(roster: Roster) -> Kind:
    return _KINDS.get(roster.kind, Kind(can_scan=default_can_scan))


def can_scan(m: Membership | None, roster: Roster) -> bool:
    return m is not None and kind_of(roster).can_scan(m, roster)
