"""Reminders before report deadlines: an e-mail to the coordination ``N`` days before each
« Bilans dus » milestone not yet done, never the same reminder twice.

Idempotent by construction: the :class:`~partez.reports.models.ReminderSent` row (unique per
milestone and delay) is inserted in the same transaction as the e-mail is sent; a second run — or a
concurrent one — hits the unique constraint and sends nothing. When a run is late (the 30-day
reminder never went out and the deadline is now 5 days away), only the closest reminder is sent and
the earlier ones are recorded as covered by it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from partez.core import audit
from partez.organisations.models import Membership, OrganisationKind, Role
from partez.territory.models import Milestone, MilestoneKind

from .models import ReminderSent

DEFAULT_DAYS = (30, 7, 1)


@dataclass
class Sent:
    milestone: Milestone
    days_before: int
    recipients: int


def due(today: dt.date, days: tuple[int, ...] = DEFAULT_DAYS):
    """Report deadlines not yet done, between today and the longest delay ahead."""
    return (
        Milestone.objects.filter(
            kind=MilestoneKind.REPORTS_DUE,
            actual_on__isnull=True,
            planned_on__gte=today,
            planned_on__lte=today + dt.timedelta(days=max(days)),
        )
        .select_related("edition", "funder")
        .order_by("planned_on", "id")
    )


def recipients() -> list[str]:
    """The coordination's active coordinators (their e-mail addresses)."""
    emails = (
        Membership.objects.active()
        .filter(organisation__kind=OrganisationKind.COORDINATOR, role=Role.COORDINATOR)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return sorted(set(emails))


def _message(ms: Milestone, left: int) -> tuple[str, str]:
    who = f" pour {ms.funder.name}" if ms.funder is not None else ""
    subject = f"[partez] {ms}{who} : échéance le {ms.planned_on:%d/%m/%Y} (J-{left})"
    body = (
        f"Bonjour,\n\nL'échéance « {ms} »{who} de l'édition {ms.edition.year} est le "
        f"{ms.planned_on:%d/%m/%Y}, dans {left} jour{'s' if left > 1 else ''}.\n"
        "Les rapports aux financeurs se préparent depuis la page Bilan → Rapports aux financeurs "
        "(ou : manage.py bilan --edition ANNÉE --pdf FICHIER --funder FINANCEUR).\n"
        "Une fois le rapport rendu, renseignez la date réelle de l'étape dans l'édition : les rappels "
        "s'arrêtent.\n\n— partez"
    )
    return subject, body


def reminders_send(*, today: dt.date, days: tuple[int, ...] = DEFAULT_DAYS) -> list[Sent]:
    """Send the reminders due ``today`` (see the module's docstring). Returns what was sent."""
    days = tuple(sorted(set(days)))
    to = recipients()
    sent: list[Sent] = []
    for ms in due(today, days):
        left = (ms.planned_on - today).days
        reached = [d for d in days if left <= d]  # delays whose day has come
        if not reached:
            continue
        closest = min(reached)
        done = set(ReminderSent.objects.filter(milestone=ms).values_list("days_before", flat=True))
        if closest in done:
            continue
        try:
            with transaction.atomic():
                ReminderSent.objects.create(milestone=ms, days_before=closest, recipients=len(to))
                for d in reached:
                    if d != closest and d not in done:
                        ReminderSent.objects.get_or_create(
                            milestone=ms, days_before=d, defaults={"recipients": 0}
                        )
                if to:
                    subject, body = _message(ms, left)
                    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)
                audit.record(
                    actor=None,
                    organisation=None,
                    action="reminder.send",
                    obj=ms,
                    changes={"days_before": closest, "recipients": len(to)},
                )
        except IntegrityError:  # another run sent it a moment ago
            continue
        sent.append(Sent(ms, closest, len(to)))
    return sent
