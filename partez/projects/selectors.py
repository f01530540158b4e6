"""Reads on projects for dashboards."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from .models import JournalEntry, JournalKind, ProjectStatus


def count_by_status(projects) -> list[tuple[str, str, int]]:
    """[(status, French label, count)] for every status, in workflow order."""
    counts = dict(projects.order_by().values_list("status").annotate(n=Count("pk")))
    return [(value, label, counts.get(value, 0)) for value, label in ProjectStatus.choices]


def next_appointments(scope: Q, edition, limit: int = 8):
    """Upcoming appointments of the projects in ``scope`` (a ``project_scope(prefix="project__")``):
    filtered on the date first, so the cost follows the few upcoming appointments, not all projects."""
    entries = JournalEntry.objects.filter(kind=JournalKind.APPOINTMENT, happens_at__gte=timezone.now())
    if edition is not None:
        entries = entries.filter(project__edition=edition)
    return entries.filter(scope).select_related("project").order_by("happens_at")[:limit]


def next_departures(projects, limit: int = 8):
    """Upcoming departures; travellers are prefetched (no GROUP BY: a query that is cheap even
    when the answer is empty, as it is once the season is over)."""
    return (
        projects.filter(
            start_date__gte=timezone.localdate(),
            status__in=[ProjectStatus.VALIDATED, ProjectStatus.AID_GRANTED],
        )
        .select_related("household__commune")
        .only("pk", "reference", "destination", "start_date", "household__commune__name")
        .prefetch_related("travellers")
        .order_by("start_date", "pk")[:limit]
    )
