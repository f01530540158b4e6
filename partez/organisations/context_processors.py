def current_organisation(request):
    """The current membership, the user's memberships for the switcher (already loaded by the
    middleware: no extra query). The menu is :func:`partez.www.navigation.navigation`'s."""
    getter = getattr(request, "get_membership", None)
    membership = getter() if getter else None
    if membership is None:
        return {"current_membership": None, "my_memberships": []}
    return {"current_membership": membership, "my_memberships": request.get_memberships()}
