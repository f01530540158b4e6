"""Resolve the current organisation once per request (les-emplois / pretix style).

The chosen organisation id lives in the session; ``request.membership`` is the user's active
membership in it (or None), ``request.organisation`` its organisation. Views fetch every
object through ``request.organisation``.
"""

from django.utils.functional import SimpleLazyObject

from .models import Membership

SESSION_KEY = "current_organisation_id"


def _resolve(request):
    user = request.user
    if not user.is_authenticated:
        return None
    memberships = (
        Membership.objects.active().filter(user=user).select_related("organisation", "organisation__commune")
    )
    wanted = request.session.get(SESSION_KEY)
    membership = None
    if wanted:
        membership = next((m for m in memberships if m.organisation_id == wanted), None)
    if membership is None:
        membership = memberships.order_by("organisation__name").first()
        if membership is not None:
            request.session[SESSION_KEY] = membership.organisation_id
    return membership


class CurrentOrganisationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cache = {}

        def membership():
            if "m" not in cache:
                cache["m"] = _resolve(request)
            return cache["m"]

        request.get_membership = membership
        request.membership = SimpleLazyObject(membership)
        return self.get_response(request)
