"""The API side of the scope layer: only the HTTP translation, the same rules as the web app. The
domain's selectors (``households_for``, ``projects_for``…) decide which objects a membership sees
and ``perms`` what its role may do; here a role that may not gets a 403 error body and an object
outside the scope a 404 one (never a 403 that would reveal it exists)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest

from partez.core.errors import NotAllowed
from partez.organisations import perms
from partez.organisations.models import Membership

from .auth import membership_of
from .errors import ObjectNotFound

NO_CASEWORK = "Votre rôle ne donne pas accès aux dossiers des foyers."


def casework_membership(request: HttpRequest) -> Membership:
    """The authenticated membership, if its role may see case files (else 403)."""
    membership = membership_of(request)
    if not perms.can_view_households(membership):
        raise NotAllowed(NO_CASEWORK)
    return membership


def get_or_404(qs: QuerySet, pk: int, message: str, field: str | None = None):
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise ObjectNotFound(message, field)
    return obj
