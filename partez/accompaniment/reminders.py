"""Reminders of a workshop to the households registered: an SMS to the head's mobile (else an
e-mail), sent ``reminder_days_before`` days ahead (dated parameter), only to households who
agreed to be contacted (consent « contact »). Each registration is claimed once by a
conditional update before anything is sent, so two runs at the same time never send twice.
Run daily: ``manage.py send_workshop_reminders``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from partez.core import audit
from partez.fete import sms
from partez.fete.codes import display_code
from partez.households.models import ConsentScope
from partez.households.selectors import active_consent_scopes

from . import rules
from .models import Registration, RegistrationStatus, Workshop


@dataclass
class Sent:
    sms: int = 0
    emails: int = 0
    skipped: int = 0  # no consent or no way to reach the household


def _text(workshop: Workshop, code: str) -> str:
    at = timezone.localtime(workshop.starts_at)
    return (
        f"Rappel : atelier « {workshop.title} » le {at:%d/%m} à {at:%H:%M}, {workshop.place}. "
        f"Votre code d'entrée : {code}. {workshop.organisation.name}"
    )


def reminders_send(*, now: dt.datetime | None = None) -> Sent:
    now = now or timezone.now()
    days = int(rules.parameters()["reminder_days_before"].at(timezone.localdate(now)).value)
    due = (
        Registration.objects.filter(
            status=RegistrationStatus.REGISTERED,
            reminded_at__isnull=True,
            workshop__starts_at__gte=now,
            workshop__starts_at__lte=now + dt.timedelta(days=days),
        )
        .select_related("workshop__organisation", "household")
        .order_by("workshop__starts_at", "pk")
    )
    sent = Sent()
    for r in due:
        # claim it first: a concurrent run, or a re-run after a crash, skips it
        if not Registration.objects.filter(pk=r.pk, reminded_at__isnull=True).update(reminded_at=now):
            continue
        household = r.household
        if ConsentScope.CONTACT not in active_consent_scopes(household):
            sent.skipped += 1
            continue
        ticket = r.workshop.roster.tickets.filter(subject=r.subject).first() if r.workshop.roster else None
        text = _text(r.workshop, display_code(ticket.code) if ticket else "à l'accueil")
        if household.phone and sms.send_sms(household.phone, text).ok:
            sent.sms += 1
        elif household.email:
            send_mail(f"Rappel : {r.workshop.title}", text, settings.DEFAULT_FROM_EMAIL, [household.email])
            sent.emails += 1
        else:
            sent.skipped += 1
    if sent.sms or sent.emails:
        with transaction.atomic():
            for workshop in Workshop.objects.filter(registrations__reminded_at=now).distinct():
                audit.record(
                    actor=None,
                    organisation=workshop.organisation,
                    action="accompaniment.reminders",
                    obj=workshop,
                    changes={"reminded": workshop.registrations.filter(reminded_at=now).count()},
                )
    return sent
