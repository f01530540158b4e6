"""Who may use the right of access, the right to erasure and the « who saw this file » page."""

from partez.organisations import perms
from partez.organisations.models import Membership, Role


def can_export_household_file(m: Membership | None) -> bool:
    """The whole file of a household (right of access): whoever may see the file."""
    return perms.can_view_households(m)


def can_anonymise_household(m: Membership | None) -> bool:
    """Erasure on request: the coordination, which answers the DPO's requests."""
    return perms.sees_whole_territory(m)


def can_view_file_readers(m: Membership | None) -> bool:
    """« Qui a consulté ce dossier » : the coordination and commune referents (for the files they see)."""
    return m is not None and m.role in (Role.COORDINATOR, Role.COMMUNE_REFERENT)


def can_view_retention_notices(m: Membership | None) -> bool:
    """The list of files due for anonymisation: the coordination (all), referents (their files)."""
    return can_view_file_readers(m)
