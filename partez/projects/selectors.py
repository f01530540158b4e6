"""Reads on projects: the scope (which projects a membership sees) and the dashboards' lists."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from partez.households import naming
from partez.households.models import ConsentScope
from partez.households.selectors import consent_given, household_scope
from partez.organisations.models import Membership, OrganisationKind
from partez.territory.models import Edition

from .models import JournalEntry, JournalKind, Project, ProjectStatus


def project_scope(m: Membership | None, *, prefix: str = "") -> Q:
    """The projects ``m`` sees, as a condition on a project (or, with ``prefix="project__"``, on a
    row that points to one): those of the households whose file it sees
    (:func:`partez.households.selectors.household_scope`), plus the projects its organisation
    carries while the household's file is open. Funders and hosts see none."""
    if m is None:
        return Q(pk__in=[])
    ref = f"{prefix}household_id"
    seen = household_scope(m, ref=ref, prefix=f"{prefix}household__")
    own = Q(**{f"{prefix}organisation": m.organisation}) & Q(consent_given(ConsentScope.CASEWORK, ref=ref))
    if m.organisation.kind in (OrganisationKind.FUNDER, OrganisationKind.HOST):
        return Q(pk__in=[])
    return seen | own


def projects_for(m: Membership | None) -> QuerySet[Project]:
    """The projects ``m`` may see (anything else is a 404)."""
    return Project.objects.filter(project_scope(m))


def count_by_status(projects: QuerySet[Project]) -> list[tuple[str, str, int]]:
    """[(status, French label, count)] for every status, in workflow order."""
    counts = dict(projects.order_by().values_list("status").annotate(n=Count("pk")))
    return [(value, label, counts.get(value, 0)) for value, label in ProjectStatus.choices]


def next_appointments(scope: Q, edition: Edition | None, limit: int = 8) -> QuerySet[JournalEntry]:
    """Upcoming appointments of the projects in ``scope`` (a ``project_scope(prefix="project__")``):
    filtered on the date first, so the cost follows the few upcoming appointments, not all projects."""
    entries = JournalEntry.objects.filter(kind=JournalKind.APPOINTMENT, happens_at__gte=timezone.now())
    if edition is not None:
        entries = entries.filter(project__edition=edition)
    return (
        entries.filter(scope)
        .select_related("project__household")
        .prefetch_related(naming.heads("project__household__persons"))
        .order_by("happens_at")[:limit]
    )


def next_departures(projects: QuerySet[Project], limit: int = 8) -> QuerySet[Project]:
    """Upcoming departures; travellers are prefetched (no GROUP BY: a query that is cheap even
    when the answer is empty, as it is once the season is over)."""
    return (
        projects.filter(
            start_date__gte=timezone.localdate(),
            status__in=[ProjectStatus.VALIDATED, ProjectStatus.AID_GRANTED],
        )
        .select_related("household__commune")
        .only(
            "pk", "reference", "destination", "start_date", "household__reference", "household__commune__name"
        )
        .prefetch_related("travellers", naming.heads("household__persons"))
        .order_by("start_date", "pk")[:limit]
    )
