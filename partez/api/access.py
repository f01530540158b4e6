"""Tenancy for the API, the same rules as the web app: a role check first (403 for roles that
never see case files, whatever the object), then every object fetched *through* the
membership's organisation, so anything outside it is a 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest

from partez.core.errors import NotAllowed
from partez.households.models import Household
from partez.organisations import perms
from partez.organisations.models import Membership
from partez.projects.models import Project

from .errors import ObjectNotFound

NO_CASEWORK = "Votre rôle ne donne pas accès aux dossiers des foyers."


def casework_membership(request: HttpRequest) -> Membership:
    """The authenticated membership, if its role may see case files (else 403)."""
    membership: Membership = request.auth  # set by BearerToken
    if not perms.can_view_households(membership):
        raise NotAllowed(NO_CASEWORK)
    return membership


def households_for(m: Membership) -> QuerySet[Household]:
    return Household.objects.for_organisation(m.organisation, whole_territory=perms.sees_whole_territory(m))


def projects_for(m: Membership) -> QuerySet[Project]:
    return Project.objects.for_organisation(m.organisation, whole_territory=perms.sees_whole_territory(m))


def get_or_404(qs: QuerySet, pk: int, message: str, field: str | None = None):
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise ObjectNotFound(message, field)
    return obj
