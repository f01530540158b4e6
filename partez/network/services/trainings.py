"""Every write of the network.

Places are the one thing raced here: a registration, a cancellation and a change of capacity take
the session's row lock (``select_for_update``) before counting, so the confirmed never exceed the
capacity and the waitlist's order is the order the locks were granted (the registrations' ``pk``).
A cancellation promotes the first of the waitlist in the same transaction; the people concerned are
told by e-mail once it commits. A confirmed registration holds a ticket on the session's door
(:mod:`partez.attendance`); its check-in marks it present (:func:`mark_present`), which is what
makes a professional *trained*.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from partez.attendance import qr
from partez.attendance import services as attendance_services
from partez.attendance.models import Attendance, Ticket
from partez.core import audit
from partez.core.errors import DomainError, NotAllowed
from partez.core.parameters import load
from partez.organisations.models import Membership, OrganisationKind
from partez.users.models import User

from .. import perms
from ..models import (
    Event,
    EventRegistration,
    ProgrammeItem,
    Registration,
    RegistrationStatus,
    Skill,
    Training,
    TrainingSession,
)

TRAINING_KIND = "network.training"
EVENT_KIND = "network.event"
REGISTRATION_SUBJECT = "network.registration:"
EVENT_SUBJECT = "network.event_registration:"
PARAMETERS = Path(__file__).parent.parent / "parameters.yaml"
NOT_ORGANISER = "Seule la coordination organise les formations et les événements du réseau."


def parameter(name: str, on: dt.date | None = None) -> object:
    return load(PARAMETERS)[name].at(on or timezone.localdate()).value


def holder(user: User) -> str:
    """What the door reads: a first name and an initial."""
    initial = f" {user.last_name[:1]}." if user.last_name else ""
    return (f"{user.first_name}{initial}".strip() or user.username)[:120]


def _mail(subject: str, body: str, to: str) -> None:
    if to:
        transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to]))


def _when(at: dt.datetime) -> str:
    return f"{timezone.localtime(at):%d/%m/%Y à %H:%M}"


# --- trainings ---------------------------------------------------------------------------------


def training_save(
    *,
    actor: Membership,
    title: str,
    summary: str = "",
    skill: str = "",
    duration_hours: int = 3,
    training: Training | None = None,
) -> Training:
    """Create or edit a training of the catalogue (the coordination)."""
    if not perms.can_manage_network(actor):
        raise NotAllowed(NOT_ORGANISER)
    errors = {}
    if not title.strip():
        errors["title"] = "Indiquez l'intitulé de la formation."
    if skill and skill not in Skill.values:
        errors["skill"] = "Compétence inconnue."
    if not 1 <= duration_hours <= 40:
        errors["duration_hours"] = "La durée est comprise entre 1 et 40 heures."
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        training = training or Training()
        training.title, training.summary = title.strip(), summary.strip()
        training.skill, training.duration_hours = skill, duration_hours
        training.save()
        audit.record(actor=actor.user, organisation=actor.organisation, action="training_save", obj=training)
    return training


@dataclass(frozen=True)
class SessionInput:
    training: Training
    starts_at: dt.datetime
    ends_at: dt.datetime
    trainer: str
    capacity: int
    place: str = ""
    video_url: str = ""
    audience_roles: Sequence[str] = ()
    audience_kinds: Sequence[str] = ()


def _session_errors(data: SessionInput, confirmed: int) -> dict[str, str]:
    errors = {}
    if data.ends_at <= data.starts_at:
        errors["ends_at"] = "La fin doit suivre le début."
    if not data.place.strip() and not data.video_url.strip():
        errors["place"] = "Indiquez un lieu ou un lien de visioconférence."
    if not data.trainer.strip():
        errors["trainer"] = "Indiquez le formateur ou la formatrice."
    if data.capacity < 1:
        errors["capacity"] = "Il faut au moins une place."
    elif data.capacity < confirmed:
        errors["capacity"] = (
            f"{confirmed} personnes sont déjà inscrites : il faut au moins {confirmed} places."
        )
    if set(data.audience_roles) - set(perms.PROFESSIONAL_ROLES):
        errors["audience_roles"] = "Rôle inconnu parmi le public visé."
    if set(data.audience_kinds) - set(OrganisationKind.values):
        errors["audience_kinds"] = "Type d'organisation inconnu parmi le public visé."
    return errors


def session_save(
    *, actor: Membership, data: SessionInput, session: TrainingSession | None = None
) -> TrainingSession:
    """Create or edit a session; more places promote the first of the waitlist."""
    if not perms.can_manage_network(actor):
        raise NotAllowed(NOT_ORGANISER)
    with transaction.atomic():
        confirmed = 0
        if session is not None:
            session = TrainingSession.objects.select_for_update().get(pk=session.pk)
            confirmed = session.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
        errors = _session_errors(data, confirmed)
        if errors:
            raise DomainError(errors)
        if session is None:
            roster = attendance_services.roster_open(
                actor=actor,
                kind=TRAINING_KIND,
                title=data.training.title,
                starts_at=data.starts_at,
                organisation=actor.organisation,
                place=data.place or "En visioconférence",
            )
            session = TrainingSession(roster=roster, organisation=actor.organisation)
        session.training = data.training
        session.starts_at, session.ends_at = data.starts_at, data.ends_at
        session.place, session.video_url = data.place.strip(), data.video_url.strip()
        session.trainer, session.capacity = data.trainer.strip(), data.capacity
        session.audience_roles, session.audience_kinds = list(data.audience_roles), list(data.audience_kinds)
        session.save()
        roster = session.roster
        roster.title, roster.starts_at, roster.place = data.training.title, data.starts_at, session.place
        roster.save(update_fields=["title", "starts_at", "place"])
        _promote(session)
        audit.record(actor=actor.user, organisation=actor.organisation, action="session_save", obj=session)
    return session


def session_cancel(*, actor: Membership, session: TrainingSession, reason: str = "") -> int:
    """Cancel a session (the coordination): every live registration is cancelled, its ticket
    revoked and its person told. Returns the registrations cancelled."""
    if not perms.can_manage_network(actor):
        raise NotAllowed(NOT_ORGANISER)
    if len(reason) > 300:
        raise DomainError("Le motif tient en 300 caractères.", field="reason")
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().select_related("training").get(pk=session.pk)
        if locked.cancelled_at is not None:
            raise DomainError("Cette session est déjà annulée.", field="session")
        now = timezone.now()
        locked.cancelled_at = now
        locked.save(update_fields=["cancelled_at"])
        live = list(
            Registration.objects.filter(session=locked)
            .exclude(status=RegistrationStatus.CANCELLED)
            .select_related("user")
        )
        for registration in live:
            registration.status, registration.cancelled_at = RegistrationStatus.CANCELLED, now
            registration.save(update_fields=["status", "cancelled_at"])
            registration.session = locked
            ticket = ticket_of(registration)
            if ticket is not None:
                attendance_services.ticket_revoke(ticket=ticket)
            _mail(
                f"Session annulée : {locked.training.title}",
                f"Bonjour,\n\nLa session « {locked.training.title} » du {_when(locked.starts_at)} est annulée"
                f"{' : ' + reason.strip() if reason.strip() else ''}.\nLes prochaines sessions sont dans partez, "
                "rubrique Formations.\n\nL'équipe de coordination",
                registration.user.email,
            )
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="session_cancel",
            obj=locked,
            changes={"reason": reason.strip(), "registrations": len(live)},
        )
    return len(live)


def audience_refusal(session: TrainingSession, m: Membership) -> str | None:
    """Why ``m`` may not register for ``session`` (None: it may)."""
    if session.cancelled_at is not None:
        return "Cette session est annulée."
    if session.starts_at <= timezone.now():
        return "Cette session a déjà commencé : les inscriptions sont closes."
    if session.audience_roles and m.role not in session.audience_roles:
        return "Cette session s'adresse à d'autres métiers que le vôtre."
    if session.audience_kinds and m.organisation.kind not in session.audience_kinds:
        return "Cette session s'adresse à d'autres types de structures que la vôtre."
    return None


def registration_create(*, actor: Membership, session: TrainingSession) -> Registration:
    """Register the actor: confirmed while places are left, else on the waitlist."""
    if not perms.can_register_training(actor):
        raise NotAllowed("Votre rôle ne permet pas de s'inscrire aux formations.")
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().select_related("training").get(pk=session.pk)
        refusal = audience_refusal(locked, actor)
        if refusal:
            raise DomainError(refusal, field="session")
        live = Registration.objects.filter(session=locked).exclude(status=RegistrationStatus.CANCELLED)
        if live.filter(user_id=actor.user_id).exists():
            raise DomainError("Vous êtes déjà inscrit·e à cette session.", field="session")
        full = live.filter(status=RegistrationStatus.CONFIRMED).count() >= locked.capacity
        registration = Registration.objects.create(
            session=locked,
            membership=actor,
            user=actor.user,
            status=RegistrationStatus.WAITLISTED if full else RegistrationStatus.CONFIRMED,
            confirmed_at=None if full else timezone.now(),
        )
        registration.session = locked
        if full:
            _tell(registration, "waitlisted")
        else:
            _issue(registration)
            _tell(registration, "confirmed")
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="training_registration_create",
            obj=registration,
            changes={"status": registration.status},
        )
    return registration


def registration_cancel(*, actor: Membership, registration: Registration) -> list[Registration]:
    """Cancel a registration (its professional, or the coordination); the freed place goes to the
    first of the waitlist. Returns the registrations promoted."""
    own = registration.user_id == actor.user_id
    if not own and not perms.can_manage_network(actor):
        raise NotAllowed("Seule la personne inscrite ou la coordination peut annuler cette inscription.")
    with transaction.atomic():
        session = (
            TrainingSession.objects.select_for_update()
            .select_related("training")
            .get(pk=registration.session_id)
        )
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == RegistrationStatus.CANCELLED:
            raise DomainError("Cette inscription est déjà annulée.", field="registration")
        if registration.present_at is not None:
            raise DomainError("Vous avez été pointé·e présent·e : l'inscription ne s'annule plus.")
        registration.status, registration.cancelled_at = RegistrationStatus.CANCELLED, timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        ticket = ticket_of(registration)
        if ticket is not None:
            attendance_services.ticket_revoke(ticket=ticket)
        promoted = _promote(session)
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="training_registration_cancel",
            obj=registration,
            changes={"promoted": [r.pk for r in promoted]},
        )
    return promoted


def _promote(session: TrainingSession) -> list[Registration]:
    """Confirm the first of the waitlist while places are left (the caller holds the lock)."""
    confirmed = Registration.objects.filter(session=session, status=RegistrationStatus.CONFIRMED).count()
    free = session.capacity - confirmed
    if free <= 0 or session.starts_at <= timezone.now():
        return []
    waiting = list(
        Registration.objects.filter(session=session, status=RegistrationStatus.WAITLISTED)
        .select_related("user")
        .order_by("pk")[:free]
    )
    now = timezone.now()
    for registration in waiting:
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = registration.promoted_at = now
        registration.save(update_fields=["status", "confirmed_at", "promoted_at"])
        registration.session = session
        _issue(registration)
        _tell(registration, "promoted")
    return waiting


def _issue(registration: Registration) -> Ticket:
    return attendance_services.ticket_issue(
        roster=registration.session.roster,
        subject=f"{REGISTRATION_SUBJECT}{registration.pk}",
        holder=holder(registration.user),
    )


def ticket_of(registration: Registration) -> Ticket | None:
    return Ticket.objects.filter(
        roster_id=registration.session.roster_id,
        subject=f"{REGISTRATION_SUBJECT}{registration.pk}",
        revoked_at__isnull=True,
    ).first()


_MESSAGES = {
    "confirmed": ("Inscription confirmée", "Votre place est réservée."),
    "waitlisted": (
        "Liste d'attente",
        "La session est complète : vous êtes sur la liste d'attente. "
        "Si une place se libère, elle vous est donnée et vous êtes prévenu·e par e-mail.",
    ),
    "promoted": ("Une place s'est libérée", "Une place s'est libérée : vous êtes maintenant inscrit·e."),
}


def _tell(registration: Registration, what: str) -> None:
    title, sentence = _MESSAGES[what]
    session = registration.session
    where = session.place or f"en visioconférence ({session.video_url})"
    body = (
        f"Bonjour,\n\n{sentence}\n\n« {session.training.title} », le {_when(session.starts_at)}, {where}.\n"
        "Votre billet (code QR à présenter à l'entrée) est dans partez, page de la session.\n\n"
        "L'équipe de coordination"
    )
    _mail(f"{title} : {session.training.title}", body, registration.user.email)


def mark_present(ticket: Ticket, attendance: Attendance) -> None:
    """The door's hook: a checked-in ticket marks its registration present."""
    kind, _, pk = ticket.subject.partition(":")
    if not pk.isdigit():
        return
    if f"{kind}:" == REGISTRATION_SUBJECT:
        Registration.objects.filter(pk=int(pk), present_at__isnull=True).update(present_at=attendance.at)
    elif f"{kind}:" == EVENT_SUBJECT:
        EventRegistration.objects.filter(pk=int(pk), present_at__isnull=True).update(present_at=attendance.at)


def evaluation_submit(
    *, actor: Membership, registration: Registration, rating: int, comment: str = ""
) -> Registration:
    """The short evaluation of a session one attended (a note from 1 to 5 and a comment)."""
    if registration.user_id != actor.user_id:
        raise NotAllowed("Seule la personne formée évalue sa session.")
    errors = {}
    if registration.present_at is None:
        errors["rating"] = "L'évaluation s'ouvre quand vous avez été pointé·e présent·e."
    elif not 1 <= rating <= 5:
        errors["rating"] = "Donnez une note de 1 à 5."
    if len(comment) > 2000:
        errors["comment"] = "Le commentaire tient en 2 000 caractères."
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        registration.rating, registration.comment = rating, comment.strip()
        registration.save(update_fields=["rating", "comment"])
        audit.record(
            actor=actor.user, organisation=actor.organisation, action="training_evaluation", obj=registration
        )
    return registration


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """E-mail the confirmed of the sessions starting within ``reminder_days_before`` days, once."""
    now = now or timezone.now()
    days = int(str(parameter("reminder_days_before", timezone.localdate(now))))
    due = Registration.objects.filter(
        status=RegistrationStatus.CONFIRMED,
        reminded_at__isnull=True,
        session__cancelled_at__isnull=True,
        session__starts_at__gt=now,
        session__starts_at__lte=now + dt.timedelta(days=days),
    ).select_related("session__training", "user")
    sent = 0
    for registration in due:
        with transaction.atomic():
            claimed = Registration.objects.filter(pk=registration.pk, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if claimed:
                session = registration.session
                _mail(
                    f"Rappel : {session.training.title}",
                    f"Bonjour,\n\nVous êtes inscrit·e à « {session.training.title} », le {_when(session.starts_at)}"
                    f", {session.place or session.video_url}.\nEmpêché·e ? Annulez dans partez : "
                    "votre place ira à la première personne de la liste d'attente.\n\nL'équipe de coordination",
                    registration.user.email,
                )
                sent += 1
    return sent


# --- events (the colloque) ---------------------------------------------------------------------


@dataclass(frozen=True)
class EventInput:
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    description: str = ""
    is_public: bool = False
    capacity: int | None = None


def event_save(*, actor: Membership, data: EventInput, event: Event | None = None) -> Event:
    if not perms.can_manage_network(actor):
        raise NotAllowed(NOT_ORGANISER)
    errors = {}
    if not data.title.strip():
        errors["title"] = "Indiquez l'intitulé de l'événement."
    if not data.place.strip():
        errors["place"] = "Indiquez le lieu."
    if data.ends_at <= data.starts_at:
        errors["ends_at"] = "La fin doit suivre le début."
    if data.capacity is not None and data.capacity < 1:
        errors["capacity"] = "Il faut au moins une place (ou laissez vide : sans limite)."
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        if event is None:
            roster = attendance_services.roster_open(
                actor=actor,
                kind=EVENT_KIND,
                title=data.title,
                starts_at=data.starts_at,
                organisation=actor.organisation,
                place=data.place,
            )
            base = slugify(data.title)[:60] or "evenement"
            slug, n = base, 1
            while Event.objects.filter(slug=slug).exists():
                n += 1
                slug = f"{base}-{n}"
            event = Event(roster=roster, organisation=actor.organisation, slug=slug)
        event.title, event.description, event.place = (
            data.title.strip(),
            data.description.strip(),
            data.place.strip(),
        )
        event.starts_at, event.ends_at = data.starts_at, data.ends_at
        event.is_public, event.capacity = data.is_public, data.capacity
        event.save()
        audit.record(actor=actor.user, organisation=actor.organisation, action="event_save", obj=event)
    return event


def programme_item_add(
    *, actor: Membership, event: Event, starts_at: dt.datetime, title: str, speakers: str = "", room: str = ""
) -> ProgrammeItem:
    if not perms.can_manage_network(actor):
        raise NotAllowed(NOT_ORGANISER)
    errors = {}
    if not title.strip():
        errors["title"] = "Indiquez l'intitulé de la séquence."
    if not event.starts_at - dt.timedelta(hours=12) <= starts_at <= event.ends_at:
        errors["starts_at"] = "La séquence doit avoir lieu pendant l'événement."
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        item = ProgrammeItem.objects.create(
            event=event,
            starts_at=starts_at,
            title=title.strip(),
            speakers=speakers.strip(),
            room=room.strip(),
        )
        audit.record(actor=actor.user, organisation=actor.organisation, action="programme_item_add", obj=item)
    return item


def event_register(
    *, event: Event, actor: Membership | None = None, name: str = "", email: str = "", structure: str = ""
) -> EventRegistration:
    """Register for an event: a professional (``actor``) with their account's name and e-mail, or,
    when the event is public, anyone with a name and an e-mail. The badge (QR) is e-mailed."""
    if actor is None and not event.is_public:
        raise NotAllowed("Cet événement est réservé aux professionnel·les de l'opération.")
    if actor is not None:
        name, email = str(actor.user), actor.user.email
        structure = actor.organisation.name
    errors = {}
    if not name.strip():
        errors["name"] = "Indiquez votre nom."
    if "@" not in email or len(email) > 254:
        errors["email"] = "Indiquez une adresse e-mail valide."
    if event.starts_at <= timezone.now():
        errors["__all__"] = "L'événement a commencé : les inscriptions sont closes."
    if errors:
        raise DomainError(errors)
    email = email.strip().lower()
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        live = EventRegistration.objects.filter(event=locked, cancelled_at__isnull=True)
        if live.filter(email=email).exists():
            raise DomainError("Cette adresse est déjà inscrite : le badge lui a été envoyé.", field="email")
        if locked.capacity is not None and live.count() >= locked.capacity:
            raise DomainError("L'événement est complet.", field="__all__")
        registration = EventRegistration.objects.create(
            event=locked,
            user=actor.user if actor else None,
            name=name.strip()[:120],
            email=email,
            structure=structure.strip()[:200],
        )
        ticket = event_ticket(registration, issue=True)
        assert ticket is not None
        audit.record(
            actor=actor.user if actor else None,
            organisation=locked.organisation,
            action="event_register",
            obj=registration,
        )
        png = qr.ticket_png(ticket)
        message = EmailMessage(
            f"Votre badge : {locked.title}",
            f"Bonjour,\n\nVotre inscription à « {locked.title} », le {_when(locked.starts_at)}, {locked.place}, "
            f"est enregistrée.\nVotre badge est le code QR joint (code {ticket.code}) : présentez-le à l'entrée.\n\n"
            "L'équipe de coordination",
            settings.DEFAULT_FROM_EMAIL,
            [email],
        )
        message.attach("badge.png", png, "image/png")
        transaction.on_commit(message.send)
    return registration


def event_ticket(registration: EventRegistration, *, issue: bool = False) -> Ticket | None:
    subject = f"{EVENT_SUBJECT}{registration.pk}"
    if issue:
        return attendance_services.ticket_issue(
            roster=registration.event.roster, subject=subject, holder=registration.name
        )
    return Ticket.objects.filter(
        roster_id=registration.event.roster_id, subject=subject, revoked_at__isnull=True
    ).first()


__all__ = [
    "EVENT_KIND",
    "EVENT_SUBJECT",
    "EventInput",
    "NOT_ORGANISER",
    "PARAMETERS",
    "REGISTRATION_SUBJECT",
    "SessionInput",
    "TRAINING_KIND",
    "audience_refusal",
    "evaluation_submit",
    "event_register",
    "event_save",
    "event_ticket",
    "holder",
    "mark_present",
    "parameter",
    "programme_item_add",
    "registration_cancel",
    "registration_create",
    "reminders_send",
    "session_cancel",
    "session_save",
    "ticket_of",
    "training_save",
]
