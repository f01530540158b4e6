from .models import Membership


def current_organisation(request):
    getter = getattr(request, "get_membership", None)
    membership = getter() if getter else None
    if membership is None:
        return {"current_membership": None, "my_memberships": []}

    def others():
        return list(
            Membership.objects.active()
            .filter(user=request.user)
            .select_related("organisation")
            .order_by("organisation__name")
        )

    return {"current_membership": membership, "my_memberships": others}
