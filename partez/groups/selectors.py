"""Reads of group departures, through the membership's scope.

A porteur sees its own groups, the coordination every group; a commune / CCAS (or any structure
following a member's household) sees the groups of the persons whose files it sees — and, on such
a group, only those members (:func:`visible_members`). Funders see aggregates only (the bilan)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from partez.households.models import Person
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
