"""Who may import a file of households: the coordination and a commune's referent (a whole
file at once is more than a social worker's daily case work)."""

from partez.organisations.models import Membership, Role


def can_import_households(m: Membership | None) -> bool:
    return m is not None and m.role in (Role.COORDINATOR, Role.COMMUNE_REFERENT)


def can_review_duplicates(m: Membership | None) -> bool:
    """The duplicates queue: the coordination (the whole territory) and a commune's referent (its
    own residents)."""
    return can_import_households(m)
