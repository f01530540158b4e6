from partez.camping import perms as camping_perms

from . import perms


def current_organisation(request):
    """The current membership, the user's memberships for the switcher (already loaded by the
    middleware: no extra query) and what the navigation may show."""
    getter = getattr(request, "get_membership", None)
    membership = getter() if getter else None
    if membership is None:
        return {"current_membership": None, "my_memberships": [], "nav": {}}
    nav = {
        "casework": perms.can_view_households(membership),
        "audit": perms.can_view_audit(membership),
        "editions": perms.can_manage_editions(membership),
        "funding": perms.can_view_envelopes(membership),
        "camping": camping_perms.can_view_camping(membership),
        "bilan": perms.can_view_bilan(membership),
        "cheques": perms.can_view_cheques(membership),
        "fete": perms.can_manage_fete(membership),
        "scan": perms.can_check_in(membership),
        "security": perms.can_manage_account_security(membership),
    }
    return {"current_membership": membership, "my_memberships": request.get_memberships(), "nav": nav}
