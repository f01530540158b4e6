"""Reads on households: search, filters and list annotations with a constant query count."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery, TextField
from django.db.models.functions import Cast, Coalesce

from partez.core.text import normalise

from .models import Consent, Household, Person, Relation

DATE_FR = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
DATE_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")


def parse_date(text: str) -> dt.date | None:
    for pattern, order in ((DATE_FR, (3, 2, 1)), (DATE_ISO, (1, 2, 3))):
        match = pattern.match(text or "")
        if match:
            y, mo, d = (int(match.group(i)) for i in order)
            try:
                return dt.date(y, mo, d)
            except ValueError:
                return None
    return None


def search(
    qs, *, q: str = "", commune_insee: str = "", project_status: str = "", situation: str = "", edition=None
):
    """Filter households by name or birth date of any member, commune, project status, situation."""
    q = (q or "").strip()
    if q:
        birth = parse_date(q)
        if birth is not None:
            qs = qs.filter(Exists(Person.objects.filter(household=OuterRef("pk"), birth_date=birth)))
        else:
            cond = Q()
            for word in normalise(q).split()[:4]:
                cond &= Q(search_name__contains=word)
            qs = qs.filter(Exists(Person.objects.filter(cond, household=OuterRef("pk")))) if cond else qs
    if commune_insee:
        qs = qs.filter(commune__insee_code=commune_insee)
    if project_status:
        from partez.projects.models import Project

        projects = Project.objects.filter(household=OuterRef("pk"))
        if edition is not None:
            projects = projects.filter(edition=edition)
        if project_status == "none":
            qs = qs.filter(~Exists(projects))
        else:
            qs = qs.filter(Exists(projects.filter(status=project_status)))
    if situation:
        qs = qs.filter(Exists(Person.objects.filter(household=OuterRef("pk"), employment=situation)))
    return qs


def with_list_columns(qs):
    """Head's name and the member count, as subqueries (no N+1)."""
    head = Person.objects.filter(household=OuterRef("pk"), relation=Relation.HEAD)
    size = (
        Person.objects.filter(household=OuterRef("pk"))
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        qs.select_related("commune")
        .defer("commune__geometry")
        .annotate(
            head_last_name=Subquery(head.values("last_name")[:1]),
            head_first_name=Subquery(head.values("first_name")[:1]),
            head_birth_date=Subquery(head.values("birth_date")[:1]),
            size=Coalesce(Subquery(size), 0),
        )
    )


def page_rows(qs):
    """The list's rows: sorted on the indexed head name, members prefetched for the page only
    (so the query cost does not grow with the number of households)."""
    members = Prefetch(
        "persons",
        queryset=Person.objects.only(
            "household_id", "first_name", "last_name", "birth_date", "relation"
        ).order_by("birth_date", "pk"),
    )
    return (
        qs.select_related("commune")
        .only("pk", "reference", "qf_cents", "sort_name", "commune__name")
        .prefetch_related(members)
        .order_by("sort_name", "pk")
    )


def consented(scope: str, household: str = "pk"):
    """A condition: the household (``household``, the path to it from the rows filtered) has an
    active (not withdrawn) consent covering ``scope``. The scopes are a JSON list, matched on its
    text (``"contact"`` with its quotes, so one scope never matches another) because SQLite has no
    JSON containment lookup."""
    active = Consent.objects.filter(household=OuterRef(household), revoked_at__isnull=True).annotate(
        scopes_text=Cast("scopes", TextField())
    )
    return Exists(active.filter(scopes_text__contains=f'"{scope}"'))


def with_consent(household_ids, scope: str) -> set[int]:
    """The households among ``household_ids`` whose active consent covers ``scope`` (one query)."""
    return set(
        Household.objects.filter(consented(scope), pk__in=list(household_ids)).values_list("pk", flat=True)
    )
