"""Which communes a membership acts for: the commune scope every domain builds on (bilan,
chèques, Fête stands, camping). One function, so no view compares organisation kinds."""

from __future__ import annotations

from django.db.models import QuerySet

from partez.territory.models import Commune

from . import perms
from .models import Membership, OrganisationKind


def own_commune_id(m: Membership | None) -> int | None:
    """The commune a commune's CCAS works for (its own residents); None for every other kind
    (a relay structure may sit in a commune, but it does not act for it)."""
    if m is None or m.organisation.kind != OrganisationKind.COMMUNE:
        return None
    return m.organisation.commune_id


def commune_scope(m: Membership | None) -> QuerySet[Commune]:
    """The communes whose figures and stock a membership may see: every commune for the
    coordination, its own commune for a commune's members, none otherwise."""
    communes = Commune.objects.defer("geometry")
    if perms.sees_whole_territory(m):
        return communes.all()
    commune_id = own_commune_id(m)
    if commune_id is None:
        return communes.none()
    return communes.filter(pk=commune_id)
