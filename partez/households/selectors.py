"""Reads on households: the scope (which files a membership sees), search, filters and list
annotations with a constant query count."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from partez.core.text import normalise
from partez.organisations import perms
from partez.organisations.models import Membership, OrganisationKind

from .models import Consent, ConsentScope, FollowUp, Household, Person, Relation

if TYPE_CHECKING:
    from partez.territory.models import Edition

# --- scope -----------------------------------------------------------------------------------
#
# Who sees a household's file (web, API, exports, counts, search: everything goes through here):
#
# - an organisation that follows it (an open follow-up);
# - a commune's CCAS, for its residents, when the CCAS opened the file itself or when the household
#   agreed to share it (an active « sharing » consent): a file opened by a relay structure stays
#   with that structure unless the household said otherwise (issue 12, « consent where data is used »);
# - the coordination, every file of the territory;
# - funders and hosts, none.
#
# A *closed* file (the household withdrew its « case work » consent: no active consent covers it
# any more) is seen only by the organisation that still follows it, read only, until the
# retention rules remove it: the household asked for the work on its file to stop, so nobody
# else may open it, but the structure that accompanied it keeps what it needs to answer for what
# was done (the projects, the money engaged) — see ``households.services.consent_revoke``.


def consent_given(scope: str, *, ref: str = "pk") -> Exists:
    """An active (not withdrawn) consent of the household ``OuterRef(ref)`` that covers ``scope``.
    ``scopes`` is a JSON list of identifiers: matched on the quoted identifier, which works on
    SQLite and PostgreSQL alike (no identifier is a substring of another one between quotes)."""
    return Exists(
        Consent.objects.filter(
            household=OuterRef(ref), revoked_at__isnull=True, scopes__icontains=f'"{scope}"'
        )
    )


def household_scope(m: Membership | None, *, ref: str = "pk", prefix: str = "") -> Q:
    """The files ``m`` sees, as a condition on a household (``ref="pk"``, no prefix) or on a row
    that points to one (a project: ``ref="household_id", prefix="household__"``)."""
    if m is None:
        return Q(pk__in=[])
    organisation = m.organisation
    followed = Q(
        Exists(
            FollowUp.objects.filter(household=OuterRef(ref), organisation=organisation, ended_on__isnull=True)
        )
    )
    open_file = Q(consent_given(ConsentScope.CASEWORK, ref=ref))
    if perms.sees_whole_territory(m):
        return followed | open_file
    if organisation.kind in (OrganisationKind.FUNDER, OrganisationKind.HOST):
        return Q(pk__in=[])
    condition = followed
    if organisation.kind == OrganisationKind.COMMUNE and organisation.commune_id:
        opened_here = Q(**{f"{prefix}created_by_organisation": organisation})
        shared = Q(consent_given(ConsentScope.SHARING, ref=ref))
        condition |= (
            Q(**{f"{prefix}commune_id": organisation.commune_id}) & open_file & (opened_here | shared)
        )
    return condition


def households_for(m: Membership | None) -> QuerySet[Household]:
    """The households whose file ``m`` may see (anything else is a 404)."""
    return Household.objects.filter(household_scope(m))


def file_is_open(household: Household) -> bool:
    """Whether the household's case work may go on (an active « case work » consent)."""
    return ConsentScope.CASEWORK in active_consent_scopes(household)


def active_consent_scopes(household: Household) -> set[str]:
    """The scopes of the household's consents that have not been withdrawn."""
    scopes: set[str] = set()
    for consent in household.consents.filter(revoked_at__isnull=True):
        scopes.update(consent.scopes)
    return scopes


# --- search and list ----------------------------------------------------------------------------

# A household's or a project's reference as lists show it (« F-6YUEAB », « P-CDT4N7 »), typed
# with or without its dash, in any case.
REFERENCE = re.compile(r"^\s*([A-Za-z])-?([0-9A-Za-z]{6})\s*$")
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
    qs: QuerySet[Household],
    *,
    q: str = "",
    commune_insee: str = "",
    project_status: str = "",
    situation: str = "",
    edition: Edition | None = None,
) -> QuerySet[Household]:
    """Filter households by their reference or one of their projects' (« F-6YUEAB »,
    « P-CDT4N7 »), name or birth date of any member, commune, project status, situation."""
    q = (q or "").strip()
    if q:
        birth = parse_date(q)
        reference = REFERENCE.match(q)
        if reference is not None and reference.group(1).upper() in ("F", "P"):
            from partez.projects.models import Project

            code = f"{reference.group(1)}-{reference.group(2)}".upper()
            by_name = Q(
                Exists(Person.objects.filter(household=OuterRef("pk"), search_name__contains=normalise(q)))
            )
            qs = qs.filter(
                Q(reference=code)
                | Q(Exists(Project.objects.filter(household=OuterRef("pk"), reference=code)))
                | by_name  # « Francis » reads like a reference too: names are still searched
            )
        elif birth is not None:
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


def with_list_columns(qs: QuerySet[Household]) -> QuerySet[Any]:  # households + annotated columns
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


def page_rows(qs: QuerySet[Any]) -> QuerySet[Any]:
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


def with_consent(household_ids: Iterable[int], scope: str) -> set[int]:
    """The households among ``household_ids`` whose active consent covers ``scope`` (one query)."""
    return set(
        Household.objects.filter(consent_given(scope), pk__in=list(household_ids)).values_list(
            "pk", flat=True
        )
    )
