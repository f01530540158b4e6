"""Who may do what on the hosting offers (pure functions of a membership, one condition per line).

Object scoping (which offers, which bookings) is in :mod:`partez.offers.selectors`
(``offers_for``, ``bookings_for``, ``arrivals_for``): outside it, a 404."""

from partez.organisations.models import Membership, OrganisationKind, Role
from partez.organisations.perms import can_edit_project, sees_whole_territory


def is_host(m: Membership | None) -> bool:
    return m is not None and m.role == Role.HOST and m.organisation.kind == OrganisationKind.HOST


def can_search_offers(m: Membership | None) -> bool:
    """The catalogue: porteurs (case workers, the coordination) search every offer, a host sees its own."""
    return can_book_offer(m) or is_host(m)


def can_book_offer(m: Membership | None) -> bool:
    """Put an option on an offer for a household, confirm or release it: whoever may edit its projects."""
    return can_edit_project(m)


def can_manage_offers(m: Membership | None) -> bool:
    """Create, import and edit offers: the coordination (every offer) and a host (its own)."""
    return sees_whole_territory(m) or is_host(m)


def can_view_arrivals(m: Membership | None) -> bool:
    """Who arrives, confirm arrivals, report no-shows: a host (its sites) and the coordination."""
    return sees_whole_territory(m) or is_host(m)


def can_match_offers(m: Membership | None) -> bool:
    """Run the matching of donated weeks to families, review and apply it: the coordination."""
    return sees_whole_territory(m)


def can_decide_proposals(m: Membership | None) -> bool:
    """Accept or refuse a matching's proposal: the coordination (every one), a porteur (those of
    its own projects' families, scoped by ``selectors.proposals_for``)."""
    return can_match_offers(m) or can_book_offer(m)
