"""Resolve the current organisation once per request (les-emplois / pretix style).

The chosen organisation id lives in the session; ``request.get_membership()`` returns the user's
active membership in it (or None) and ``request.get_memberships()`` all their active memberships
(the switcher), both from one query made on first use. Views fetch every object through the
membership's organisation (``partez.www.access``).
"""

from .models import Membership

SESSION_KEY = "current_organisation_id"


def _resolve(request) -> tuple[Membership | None, list[Membership]]:
    """The current membership and all the user's active memberships (for the switcher), in one query."""
    user = request.user
    if not user.is_authenticated:
        return None, []
    memberships = list(
        Membership.objects.active()
        .filter(user=user)
        .select_related("organisation", "organisation__commune")
        .order_by("organisation__name", "pk")
    )
    wanted = request.session.get(SESSION_KEY)
    membership = next((m for m in memberships if m.organisation_id == wanted), None) if wanted else None
    if membership is None and memberships:
        membership = memberships[0]
        request.session[SESSION_KEY] = membership.organisation_id
    return membership, memberships


class CurrentOrganisationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cache = {}

        def resolved():
            if "m" not in cache:
                cache["m"] = _resolve(request)
            return cache["m"]

        request.get_membership = lambda: resolved()[0]
        request.get_memberships = lambda: resolved()[1]
        return self.get_response(request)
