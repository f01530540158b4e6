"""Reads on projects for dashboards."""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone

from .models import JournalEntry, JournalKind, Project, ProjectStatus


def count_by_status(projects) -> list[tuple[str, str, int]]:
    """[(status, French label, count)] for every status, in workflow order."""
    counts = dict(projects.order_by().values_list("status").annotate(n=Count("pk")))
    return [(value, label, counts.get(value, 0)) for value, label in ProjectStatus.choices]


def next_appointments(projects, limit: int = 8):
    return (
        JournalEntry.objects.filter(
            project__in=projects.values("pk"), kind=JournalKind.APPOINTMENT, happens_at__gte=timezone.now()
        )
        .select_related("project")
        .order_by("happens_at")[:limit]
    )


def next_departures(projects, limit: int = 8):
    return (
        projects.filter(
            start_date__gte=timezone.localdate(),
            status__in=[ProjectStatus.VALIDATED, ProjectStatus.AID_GRANTED],
        )
        .select_related("household__commune")
        .annotate(n_travellers=Count("travellers"))
        .order_by("start_date", "pk")[:limit]
    )


def recent_projects(qs, limit: int = 8) -> list[Project]:
    return list(qs.select_related("household__commune").order_by("-updated_at", "-pk")[:limit])
