"""Reads of group departures, through the membership's scope.

A porteur sees its own groups, the coordination every group; a commune / CCAS (or any structure
following a member's household) sees the groups of the persons whose files it sees — and, on such
a group, only those members (:func:`visible_members`). Funders see aggregates only (the bilan)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from partez.households.models import PastDeparture, Person
from partez.households.selectors import household_scope, households_for
from partez.organisations import perms
from partez.organisations.models import Membership

from . import perms as group_perms
from .models import Convention, Group, JuryReview, JurySession, Member, Pack, Scheme, Status, Stay


def groups_for(m: Membership | None) -> QuerySet[Group]:
    if m is None or not group_perms.can_view_groups(m):
        return Group.objects.none()
    if perms.sees_whole_territory(m):
        return Group.objects.all()
    residents = Member.objects.filter(group=OuterRef("pk")).filter(
        household_scope(m, ref="person__household_id", prefix="person__household__")
    )
    return Group.objects.filter(Q(organisation=m.organisation) | Q(Exists(residents)))


def sees_whole_group(m: Membership, group: Group) -> bool:
    return perms.sees_whole_territory(m) or group.organisation_id == m.organisation_id


def visible_members(m: Membership, group: Group) -> QuerySet[Member]:
    qs = (
        Member.objects.filter(group=group)
        .select_related("person__household__commune")
        .defer("person__household__commune__geometry")
    )
    if sees_whole_group(m, group):
        return qs
    return qs.filter(household_scope(m, ref="person__household_id", prefix="person__household__"))


def group_rows(m: Membership, *, scheme: str = "", status: str = "") -> QuerySet[Any]:  # annotated groups
    """The list page's rows: counts annotated, one query whatever the number of groups."""
    qs = (
        groups_for(m)
        .select_related("organisation")
        .annotate(
            member_count=Count("members", distinct=True),
            aid_total=Sum("members__aid_cents"),
        )
    )
    if scheme:
        qs = qs.filter(scheme=scheme)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("starts_on", "pk")


def sessions() -> QuerySet[JurySession]:
    return JurySession.objects.annotate(group_count=Count("reviews")).order_by("-held_on", "pk")


def awaiting_jury() -> QuerySet[Group]:
    """Sac Ados groups presented to the jury and not yet on a session's agenda."""
    pending = JuryReview.objects.filter(group=OuterRef("pk"), decision="")
    return (
        Group.objects.filter(status=Status.SUBMITTED).exclude(Exists(pending)).select_related("organisation")
    )


def awaited_at(organisation_id: int, roster_id: int) -> bool:
    return Pack.objects.filter(roster_id=roster_id, member__group__organisation_id=organisation_id).exists()


def packs_on(roster_id: int) -> QuerySet[Pack]:
    return (
        Pack.objects.filter(roster_id=roster_id)
        .select_related("member__person", "member__group")
        .order_by("member__group__reference", "member__person__last_name", "pk")
    )


def conventions_for(m: Membership) -> QuerySet[Convention]:
    qs = Convention.objects.select_related("organisation")
    return qs if perms.sees_whole_territory(m) else qs.filter(organisation=m.organisation)


def stays_for(m: Membership) -> QuerySet[Stay]:
    qs = Stay.objects.select_related("organisation")
    return qs if perms.sees_whole_territory(m) else qs.filter(organisation=m.organisation)


def candidate_persons(
    m: Membership, scheme: str, on: dt.date, *, exclude_group: Group | None = None
) -> list[Person]:
    """Whom a porteur may put in a group: the persons of the files it sees, of the scheme's ages on
    the departure day (Sac Ados: 16–25; Seniors en Vacances: every adult, since spouses and carers
    may be younger), at most :data:`CANDIDATES_SHOWN`, oldest files first."""
    if scheme == Scheme.SAC_ADOS:
        youngest, oldest = 16, 25
    else:
        youngest, oldest = 18, 120
    latest = _years_before(on, youngest)
    earliest = _years_before(on, oldest + 1) + dt.timedelta(days=1)
    qs = Person.objects.filter(
        household__in=households_for(m), birth_date__gte=earliest, birth_date__lte=latest
    )
    if exclude_group is not None:
        qs = qs.exclude(group_memberships__group=exclude_group)
    return list(qs.order_by("last_name", "first_name", "pk")[:CANDIDATES_SHOWN])


CANDIDATES_SHOWN = 300


def _years_before(on: dt.date, years: int) -> dt.date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def memberships_of(household_id: int) -> list[Member]:
    """A household's group departures, for its file's history (the file is already in scope, so
    its members' groups are too: :func:`groups_for`)."""
    return list(
        Member.objects.filter(person__household_id=household_id)
        .select_related("group", "person")
        .order_by("-group__starts_on", "pk")
    )


# --- the bilan -----------------------------------------------------------------------------------

BILAN_MEASURES = {
    "groups": "Groupes",
    "people": "Personnes",
    "first": "Premiers départs",
    "accepted": "Acceptés par le jury",
    "rework": "À retravailler",
    "refused": "Refusés",
    "aid_cents": "Aides",
    "places_used": "Places de convention utilisées",
    "places_granted": "Places accordées",
}
BILAN_PEOPLE = ("people", "first")


def bilan_figures(
    year: int, *, commune_id: int | None = None, schemes: Sequence[str] | None = None
) -> tuple[dict[str, dict[str, int | str | None]], list[tuple[str, int, int]]]:
    """The year's groups per scheme (members counted where they live when ``commune_id`` is
    given) and the Sac Ados destinations, in four queries whatever the number of groups."""
    members = Member.objects.filter(group__starts_on__year=year).exclude(group__status=Status.CANCELLED)
    if commune_id is not None:
        members = members.filter(person__household__commune_id=commune_id)
    if schemes is not None:
        members = members.filter(group__scheme__in=list(schemes))
    rows = list(
        members.values_list("group_id", "group__scheme", "group__destination", "person_id", "aid_cents")
    )
    earlier = set(
        PastDeparture.objects.filter(person_id__in={r[3] for r in rows}, year__lt=year).values_list(
            "person_id", flat=True
        )
    )
    decisions: dict[int, set[str]] = {}
    for gid, decision in (
        JuryReview.objects.filter(group_id__in={r[0] for r in rows})
        .exclude(decision="")
        .values_list("group_id", "decision")
    ):
        decisions.setdefault(gid, set()).add(decision)
    figures: dict[str, dict[str, int | str | None]] = {}
    groups_of: dict[str, set[int]] = {}
    for gid, scheme, _dest, pid, aid in rows:
        f = figures.setdefault(scheme, dict.fromkeys(BILAN_MEASURES, 0))
        groups_of.setdefault(scheme, set()).add(gid)
        f["people"] = int(f["people"] or 0) + 1
        f["first"] = int(f["first"] or 0) + (pid not in earlier)
        f["aid_cents"] = int(f["aid_cents"] or 0) + aid
    for scheme, ids in groups_of.items():
        f = figures[scheme]
        f["groups"] = len(ids)
        for outcome in ("accepted", "rework", "refused"):
            f[outcome] = sum(1 for g in ids if outcome in decisions.get(g, ()))
    used: dict[str, int | None] = {"used": 0, "granted": 0}
    if Scheme.SENIORS in figures:  # no query for a year without Seniors en Vacances groups
        conventions = Convention.objects.filter(year=year)
        if commune_id is not None:
            conventions = conventions.filter(organisation__commune_id=commune_id)
        used = conventions.aggregate(used=Sum("places_used"), granted=Sum("places_granted"))
    for scheme, f in figures.items():
        if scheme == Scheme.SENIORS:
            f["places_used"], f["places_granted"] = used["used"] or 0, used["granted"] or 0
            f["accepted"] = f["rework"] = f["refused"] = None  # no jury
        else:
            f["places_used"] = f["places_granted"] = None
    destinations: dict[str, tuple[set[int], int]] = {}
    for gid, scheme, dest, _pid, _aid in rows:
        if scheme == Scheme.SAC_ADOS:
            ids, people = destinations.get(dest, (set(), 0))
            ids.add(gid)
            destinations[dest] = (ids, people + 1)
    top = sorted(((d, len(ids), n) for d, (ids, n) in destinations.items()), key=lambda t: (-t[1], t[0]))
    return figures, top[:10]
