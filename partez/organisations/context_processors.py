from . import perms
from .models import Membership


def current_organisation(request):
    getter = getattr(request, "get_membership", None)
    membership = getter() if getter else None
    if membership is None:
        return {"current_membership": None, "my_memberships": [], "nav": {}}

    def others():
        return list(
            Membership.objects.active()
            .filter(user=request.user)
            .select_related("organisation")
            .order_by("organisation__name")
        )

    nav = {
        "casework": perms.can_view_households(membership),
        "audit": perms.can_view_audit(membership),
    }
    return {"current_membership": membership, "my_memberships": others, "nav": nav}
