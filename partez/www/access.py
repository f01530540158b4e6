"""The web side of the scope layer: only the HTTP translation. Who may see which object is decided
by the domain's selectors (``households_for``, ``projects_for``…) and who may do what by
``perms``; here an anonymous visitor is redirected to the log-in page, a role that may not gets a
403 and an object outside the membership's scope a 404."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from partez.households import naming
from partez.households.models import Household
from partez.households.selectors import households_for
from partez.organisations.models import Membership
from partez.projects.models import Project
from partez.projects.selectors import projects_for


def membership_required(permission=None):
    """Log-in + an active membership in the current organisation (+ a role permission).
    The view receives the membership as its second argument."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = request.get_membership()
            if membership is None:
                return render(request, "www/no_membership.html", status=403)
            if permission is not None and not permission(membership):
                raise PermissionDenied("Votre rôle ne donne pas accès à cette page.")
            return view(request, membership, *args, **kwargs)

        return wrapper

    return decorator


def get_household(m: Membership, pk: int) -> Household:
    """The household (404 outside ``m``'s scope), its head loaded to name it on the page."""
    return get_object_or_404(
        households_for(m)
        .select_related("commune")
        .defer("commune__geometry")
        .prefetch_related(naming.heads()),
        pk=pk,
    )


def get_project(m: Membership, pk: int) -> Project:
    return get_object_or_404(
        projects_for(m)
        .select_related("household__commune", "organisation", "edition", "created_by")
        .defer("household__commune__geometry")
        .prefetch_related(naming.heads("household__persons")),
        pk=pk,
    )
