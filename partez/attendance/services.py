"""Writes of the door's check-in: open a roster, issue and revoke tickets, check a ticket in.

``check_in`` is what a device calls, possibly twice for one scan (a queue re-sent when the network
returns): a repeated nonce is answered with the first attendance (created False); the same ticket
checked in under another nonce is :class:`AlreadyCheckedIn` (409). The one-to-one
``Attendance.ticket`` and the unique nonce make both hold under concurrency without a lock.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from partez.core import audit
from partez.core.errors import DomainError, NotAllowed
from partez.fete.codes import new_code, normalise_code
from partez.organisations.models import Membership, Organisation

from . import registry
from .models import Attendance, Roster, Ticket


class UnknownTicket(DomainError):
    """No live ticket of this roster has this code (answered 404)."""

    def __init__(self) -> None:
        super().__init__("Code inconnu sur cette liste : vérifiez-le ou demandez à l'accueil.", field="code")


class AlreadyCheckedIn(DomainError):
    """The ticket was checked in by another scan (answered 409)."""

    def __init__(self, attendance: Attendance):
        self.attendance = attendance
        at = timezone.localtime(attendance.at)
        super().__init__(f"Déjà pointé·e à {at:%H:%M}.", field="code")


class NonceReused(DomainError):
    def __init__(self) -> None:
        super().__init__("Ce nonce désigne déjà un autre pointage.", field="nonce")


def roster_open(
    *,
    actor: Membership,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    organisation: Organisation,
    place: str = "",
) -> Roster:
    """A door's list, owned by ``organisation``; the owning app has checked the actor's role."""
    errors = {}
    if not kind.strip():
        errors["kind"] = "Indiquez le type de liste."
    if not title.strip():
        errors["title"] = "Indiquez l'intitulé."
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        roster = Roster.objects.create(
            kind=kind,
            title=title.strip(),
            starts_at=starts_at,
            place=place.strip(),
            organisation=organisation,
        )
        audit.record(actor=actor.user, organisation=actor.organisation, action="roster_open", obj=roster)
    return roster


def ticket_issue(*, roster: Roster, subject: str, holder: str) -> Ticket:
    """The ticket of ``subject`` on ``roster``: made once, then returned as it is (a revoked one is
    given back to life with a new code, so an old printed QR stays dead)."""
    ticket = Ticket.objects.filter(roster=roster, subject=subject).first()
    if ticket is not None:
        if ticket.revoked_at is not None:
            ticket.revoked_at = None
            ticket.code = new_code()
            ticket.holder = holder[:120]
            ticket.save(update_fields=["revoked_at", "code", "holder"])
        return ticket
    for _ in range(5):
        try:
            with transaction.atomic():
                return Ticket.objects.create(
                    roster=roster, subject=subject, holder=holder[:120], code=new_code()
                )
        except IntegrityError:
            existing = Ticket.objects.filter(roster=roster, subject=subject).first()
            if existing is not None:  # a concurrent issue of the same subject
                return existing
    raise DomainError("Impossible de créer le billet : réessayez.")  # pragma: no cover - 31^10 codes


def ticket_revoke(*, ticket: Ticket) -> None:
    if ticket.revoked_at is None:
        ticket.revoked_at = timezone.now()
        ticket.save(update_fields=["revoked_at"])


def check_in(*, actor: Membership, code: str, nonce: str, roster_id: int) -> tuple[Attendance, bool]:
    roster = Roster.objects.filter(pk=roster_id).select_related("organisation").first()
    if roster is None or not registry.can_scan(actor, roster):
        raise UnknownTicket()
    nonce = (nonce or "").strip()
    if not 8 <= len(nonce) <= 64:
        raise DomainError("Nonce invalide (8 à 64 caractères).", field="nonce")
    ticket = Ticket.objects.filter(roster=roster, code=normalise_code(code), revoked_at__isnull=True).first()
    if ticket is None:
        raise UnknownTicket()
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(ticket=ticket, nonce=nonce, by=actor.user)
            hook = registry.kind_of(roster).on_checkin
            if hook is not None:
                hook(ticket, attendance)
        attendance.ticket = ticket
        return attendance, True
    except IntegrityError:
        pass
    same = Attendance.objects.filter(nonce=nonce).first()
    if same is not None:
        if same.ticket_id != ticket.pk:
            raise NonceReused()
        same.ticket = ticket
        return same, False
    other = Attendance.objects.filter(ticket=ticket).first()
    if other is None:  # pragma: no cover - an IntegrityError has one of the two causes
        raise DomainError("Pointage impossible : réessayez.")
    other.ticket = ticket
    raise AlreadyCheckedIn(other)


def require_scan(actor: Membership | None, roster: Roster) -> None:
    if not registry.can_scan(actor, roster):
        raise NotAllowed("Votre rôle ne permet pas de pointer cette liste.")
