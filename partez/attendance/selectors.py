"""Reads of the door's lists."""

from __future__ import annotations

from django.db.models import Count, Q

from partez.organisations.models import Membership

from . import registry
from .models import Roster, Ticket


def roster_for(m: Membership | None, pk: int) -> Roster | None:
    """The roster ``m`` may scan, or None (answered 404: a list one may not scan is not shown)."""
    roster = Roster.objects.filter(pk=pk).select_related("organisation").first()
    if roster is None or not registry.can_scan(m, roster):
        return None
    return roster


def attended_subjects(roster: Roster) -> set[str]:
    return set(
        Ticket.objects.filter(roster=roster, attendance__isnull=False).values_list("subject", flat=True)
    )


def roster_counts(roster: Roster) -> tuple[int, int]:
    """(live tickets, present) in one query."""
    row = Ticket.objects.filter(roster=roster, revoked_at__isnull=True).aggregate(
        tickets=Count("pk"), present=Count("pk", filter=Q(attendance__isnull=False))
    )
    return int(row["tickets"]), int(row["present"])
