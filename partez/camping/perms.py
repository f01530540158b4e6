"""Who may do what on the séjour commun (pure functions of a membership, one condition per line).

Object scoping (which participants, which campsites) is in :mod:`partez.camping.selectors`
(``participants_for``, ``campsites_for``): outside it, a 404."""

from partez.organisations.models import Membership, OrganisationKind, Role
from partez.organisations.perms import sees_whole_territory


def can_plan_camping(m: Membership | None) -> bool:
    """Plan, re-plan, move, lock, cancel, edit needs and wishes: the coordinating association."""
    return sees_whole_territory(m)


def is_commune_referent(m: Membership | None) -> bool:
    return (
        m is not None
        and m.role == Role.COMMUNE_REFERENT
        and m.organisation.kind == OrganisationKind.COMMUNE
        and m.organisation.commune_id is not None
    )


def is_campsite_host(m: Membership | None) -> bool:
    return m is not None and m.role == Role.HOST and m.organisation.kind == OrganisationKind.HOST


def can_view_camping(m: Membership | None) -> bool:
    """The board: the coordination (all), a commune referent (its commune's households, read
    only), a host (its campsites' rosters)."""
    return can_plan_camping(m) or is_commune_referent(m) or is_campsite_host(m)


def can_get_letters(m: Membership | None) -> bool:
    """The households' convocation letters (their page too): whoever sees the board, but a host
    (a campsite gets its rosters, not the households' letters)."""
    return can_view_camping(m) and not is_campsite_host(m)
