"""Every write on group departures: validate → role → one transaction → audit.

Places are raced (two porteurs' workers adding seniors to the last seats of one stay), so a
Seniors en Vacances membership takes its convention's row, then its stay's, then its group's
under ``select_for_update`` — always in that order — before counting; the check constraints on
``places_used`` / ``places_taken`` are the last line of defence. The pack stock is moved the same
way. Each change that can alter a verdict re-evaluates the members (:func:`_evaluate`) and stores
it, so pages and the API show what the rules decided.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from partez.attendance import services as attendance
from partez.attendance.models import Attendance, Roster, Ticket
from partez.core import audit
from partez.core.codes import new_reference
from partez.core.errors import DomainError, NotAllowed
from partez.fete.services import decode_signature
from partez.households.models import PastDeparture, Person, SchemeCode
from partez.households.selectors import households_for
from partez.organisations.models import Membership, Organisation

from . import evaluation, perms, rules, selectors
from .apps import CEREMONY_KIND
from .models import (
    BourseMeans,
    BudgetKind,
    BudgetLine,
    Convention,
    Decision,
    Group,
    JuryReview,
    JurySession,
    Member,
    Note,
    Pack,
    PackStock,
    RelayApproval,
    ReturnAnswer,
    Role,
    Scheme,
    Status,
    Stay,
)

HISTORY_CODES = {Scheme.SAC_ADOS: SchemeCode.SAC_ADOS, Scheme.SENIORS: SchemeCode.SENIORS}


class PersonNotFound(DomainError):
    """A person the actor's organisation does not follow (answered 404)."""

    def __init__(self, field: str = "members") -> None:
        super().__init__("Personne introuvable parmi les foyers que vous suivez.", field=field)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def _record(actor: Membership, action: str, obj: Any, changes: dict[str, Any] | None = None) -> None:
    audit.record(actor=actor.user, organisation=actor.organisation, action=action, obj=obj, changes=changes)


def _porteur(actor: Membership, group: Group) -> None:
    """Only the group's porteur (or the coordination) changes it; a structure that follows one of
    its members sees that member, nothing more."""
    _require(
        perms.can_manage_groups(actor) and selectors.sees_whole_group(actor, group),
        "Seul le porteur du groupe le modifie.",
    )


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _evaluate(group: Group, *, strict: bool = True) -> rules.GroupVerdict:
    """Evaluate the group's members and store each verdict (``strict``: refuse what the rules refuse)."""
    members = list(group.members.select_related("person__household"))
    v = evaluation.verdict_for(
        scheme=group.scheme,
        persons=[m.person for m in members],
        roles={m.person_id: m.role for m in members},
        starts_on=group.starts_on,
        ends_on=group.ends_on,
        group=group,
        cost_cents=evaluation.cost_of(group),
        organisation=group.organisation,
    )
    if strict and v.errors:
        raise DomainError(v.errors)
    by_person = {m.person: m for m in v.members}
    for member in members:
        mv = by_person[str(member.person_id)]
        member.eligible, member.aid_cents, member.left_to_pay_cents = (
            mv.eligible,
            mv.aid_cents,
            mv.left_to_pay_cents,
        )
        member.eligibility = [c.as_dict() for c in mv.checks]
    Member.objects.bulk_update(members, ["eligible", "aid_cents", "left_to_pay_cents", "eligibility"])
    return v


# --- groups -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupInput:
    scheme: str
    name: str
    members: Sequence[int]
    destination: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    transport: str = ""
    carers: Sequence[int] = ()
    stay_id: int | None = None
    staff: str = ""  # Seniors en Vacances: the coach and the accompanying staff


def _persons(actor: Membership, ids: Iterable[int], field: str = "members") -> list[Person]:
    wanted = list(dict.fromkeys(ids))
    found = {
        p.pk: p
        for p in Person.objects.filter(pk__in=wanted, household__in=households_for(actor)).select_related(
            "household"
        )
    }
    if len(found) != len(wanted):
        raise PersonNotFound(field)
    return [found[i] for i in wanted]


def _validate(data: GroupInput) -> dict[str, str]:
    errors = {}
    if data.scheme not in Scheme.values:
        errors["scheme"] = "Choisissez Sac Ados ou Seniors en Vacances."
    if not data.name.strip():
        errors["name"] = "Donnez un nom au groupe."
    if not data.destination.strip():
        errors["destination"] = "Indiquez la destination."
    if data.starts_on is None:
        errors["starts_on"] = "Indiquez la date de départ."
    if data.ends_on is None:
        errors["ends_on"] = "Indiquez la date de retour."
    return errors


def _stay_for(actor: Membership, stay_id: int | None) -> Stay | None:
    if stay_id is None:
        return None
    stay = Stay.objects.filter(pk=stay_id, organisation=actor.organisation).first()
    if stay is None:
        raise DomainError("Option de séjour introuvable pour votre structure.", field="stay")
    return stay


def group_create(*, actor: Membership, data: GroupInput) -> tuple[Group, rules.GroupVerdict]:
    """Open a group led by the actor's organisation with its first members (checked by the rules)."""
    _require(perms.can_manage_groups(actor), "Votre rôle ne permet pas d'ouvrir un groupe.")
    errors = _validate(data)
    if data.scheme == Scheme.SAC_ADOS and evaluation.approval_of(actor.organisation, data.scheme) is None:
        errors["scheme"] = "Votre structure n'est pas agréée Sac Ados par la coordination."
    stay = _stay_for(actor, data.stay_id) if data.scheme == Scheme.SENIORS else None
    if stay is not None and stay.option_expires_on < timezone.localdate():
        errors["stay"] = f"L'option sur ce séjour a expiré le {stay.option_expires_on:%d/%m/%Y}."
    if stay is not None and data.starts_on and data.starts_on != stay.starts_on:
        errors["starts_on"] = f"Le séjour choisi commence le {stay.starts_on:%d/%m/%Y}."
    if errors:
        raise DomainError(errors)
    assert data.starts_on is not None and data.ends_on is not None
    persons = _persons(actor, [*data.members, *data.carers])
    roles: dict[int, str] = {pk: Role.CARER for pk in data.carers if pk not in set(data.members)}
    v = evaluation.verdict_for(
        scheme=data.scheme,
        persons=persons,
        roles=roles,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        cost_cents=stay.price_cents if stay else 0,
        organisation=actor.organisation,
    )
    if v.errors:
        raise DomainError(v.errors)
    with transaction.atomic():
        if data.scheme == Scheme.SENIORS:
            _take_places(actor.organisation, data.starts_on.year, stay, len(persons))
        group = Group.objects.create(
            reference=new_reference("G"),
            scheme=data.scheme,
            name=data.name.strip(),
            organisation=actor.organisation,
            destination=data.destination.strip(),
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            transport=data.transport.strip(),
            stay=stay,
            staff=data.staff.strip()[:250],
            created_by=actor.user,
        )
        group.referents.add(actor)
        Member.objects.bulk_create(
            [Member(group=group, person=p, role=roles.get(p.pk, Role.PARTICIPANT)) for p in persons]
        )
        v = _evaluate(group)
        _record(actor, "group_create", group, {"scheme": group.scheme, "members": len(persons)})
    return group, v


def _take_places(organisation: Organisation, year: int, stay: Stay | None, count: int) -> None:
    """Take ``count`` places on the porteur's convention, then on the stay (row locks, in order)."""
    convention = Convention.objects.select_for_update().filter(organisation=organisation, year=year).first()
    if convention is None:
        raise DomainError(
            f"Aucune convention Seniors en Vacances {year} pour votre structure.", field="starts_on"
        )
    if convention.places_used + count > convention.places_granted:
        left = convention.places_granted - convention.places_used
        raise DomainError(
            f"La convention {year} n'a plus que {left} place(s) sur {convention.places_granted}.",
            field="members",
        )
    if stay is not None:
        stay = Stay.objects.select_for_update().get(pk=stay.pk)
        if stay.places_taken + count > stay.capacity:
            left = stay.capacity - stay.places_taken
            raise DomainError(f"Le séjour n'a plus que {left} place(s) sur {stay.capacity}.", field="members")
        Stay.objects.filter(pk=stay.pk).update(places_taken=F("places_taken") + count)
    Convention.objects.filter(pk=convention.pk).update(places_used=F("places_used") + count)


def _lock_places(group: Group) -> None:
    """Take the convention's and the stay's rows first (the lock order of ``_take_places``)."""
    if group.scheme == Scheme.SENIORS:
        list(
            Convention.objects.select_for_update().filter(
                organisation=group.organisation_id, year=group.starts_on.year
            )
        )
        if group.stay_id:
            list(Stay.objects.select_for_update().filter(pk=group.stay_id))


def _free_places(group: Group, count: int) -> None:
    Convention.objects.filter(organisation=group.organisation_id, year=group.starts_on.year).update(
        places_used=F("places_used") - count
    )
    if group.stay_id:
        Stay.objects.filter(pk=group.stay_id).update(places_taken=F("places_taken") - count)


def _editable(group: Group) -> None:
    if group.status not in (Status.DRAFT, Status.REWORK):
        raise DomainError(
            f"Le groupe est « {group.get_status_display()} » : ses membres ne changent plus.", field="members"
        )


def member_add(
    *, actor: Membership, group: Group, person_id: int, role: str = Role.PARTICIPANT
) -> rules.GroupVerdict:
    """Add a person the actor follows; the rules must still hold for the whole group."""
    _porteur(actor, group)
    if role not in Role.values:
        raise DomainError("Rôle inconnu.", field="role")
    (person,) = _persons(actor, [person_id], field="person")
    with transaction.atomic():
        if group.scheme == Scheme.SENIORS:
            _take_places(group.organisation, group.starts_on.year, group.stay, 1)
        group = Group.objects.select_for_update().get(pk=group.pk)
        _editable(group)
        if group.members.filter(person=person).exists():
            raise DomainError(f"{person.first_name} fait déjà partie du groupe.", field="person")
        Member.objects.create(group=group, person=person, role=role)
        v = _evaluate(group)
        _record(actor, "group_member_add", group, {"person": person.pk, "role": role})
    return v


def member_remove(*, actor: Membership, group: Group, person_id: int) -> rules.GroupVerdict:
    _porteur(actor, group)
    with transaction.atomic():
        _lock_places(group)
        group = Group.objects.select_for_update().get(pk=group.pk)
        _editable(group)
        member = group.members.filter(person_id=person_id).first()
        if member is None:
            raise PersonNotFound("person")
        member.delete()
        if group.scheme == Scheme.SENIORS:
            _free_places(group, 1)
        v = _evaluate(group)
        _record(actor, "group_member_remove", group, {"person": person_id})
    return v


def group_update(
    *,
    actor: Membership | None,
    group: Group,
    destination: str,
    transport: str,
    wishes: str,
    budget: Sequence[tuple[str, str, int]],
) -> rules.GroupVerdict:
    """The project's own part — destination, travel, wishes, budget line by line — written by the
    referent or by the young people through their link (``actor`` None)."""
    if actor is not None:
        _porteur(actor, group)
    errors = {}
    if not destination.strip():
        errors["destination"] = "Indiquez la destination."
    for i, (kind, _label, amount) in enumerate(budget):
        if kind not in BudgetKind.values:
            errors[f"budget_{i}"] = "Poste de budget inconnu."
        elif amount < 0 or amount > 100_000_000:
            errors[f"budget_{i}"] = "Montant entre 0 et 1 000 000 €."
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        group = Group.objects.select_for_update().get(pk=group.pk)
        _editable(group)
        group.destination, group.transport, group.wishes = (
            destination.strip(),
            transport.strip(),
            wishes.strip(),
        )
        group.save(update_fields=["destination", "transport", "wishes"])
        group.budget_lines.all().delete()
        BudgetLine.objects.bulk_create(
            [
                BudgetLine(group=group, kind=k, label=label.strip()[:160], amount_cents=a)
                for k, label, a in budget
                if a
            ]
        )
        v = _evaluate(group, strict=False)
        audit.record(
            actor=actor.user if actor else None,
            organisation=actor.organisation if actor else group.organisation,
            action="group_update" if actor else "group_update_by_link",
            obj=group,
            changes={"budget_lines": len(budget)},
        )
    return v


def invite_create(*, actor: Membership, group: Group) -> str:
    """A new link for the young people (the old one stops working); only its hash is kept."""
    _porteur(actor, group)
    token = secrets.token_urlsafe(24)
    days = int(rules.value("invite_days", timezone.localdate()))
    with transaction.atomic():
        group.invite_hash = hash_token(token)
        group.invite_expires_at = timezone.now() + dt.timedelta(days=days)
        group.save(update_fields=["invite_hash", "invite_expires_at"])
        _record(actor, "group_invite", group)
    return token


def group_by_token(token: str) -> Group | None:
    if not token:
        return None
    return Group.objects.filter(invite_hash=hash_token(token), invite_expires_at__gt=timezone.now()).first()


def note_add(*, actor: Membership, group: Group, text: str) -> Note:
    _porteur(actor, group)
    if not text.strip():
        raise DomainError("Écrivez la note.", field="text")
    with transaction.atomic():
        note = Note.objects.create(group=group, author=actor.user, text=text.strip())
        _record(actor, "group_note", group)
    return note


TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    # action: (from statuses, to status)
    "submit": ((Status.DRAFT, Status.REWORK), Status.SUBMITTED),
    "confirm": ((Status.DRAFT,), Status.ACCEPTED),  # Seniors en Vacances: no jury
    "depart": ((Status.ACCEPTED,), Status.DEPARTED),
    "return": ((Status.DEPARTED,), Status.RETURNED),
    "cancel": ((Status.DRAFT, Status.SUBMITTED, Status.REWORK, Status.ACCEPTED), Status.CANCELLED),
}
SCHEME_ACTIONS = {  # in the order the page shows them
    Scheme.SAC_ADOS: ("submit", "depart", "return", "cancel"),
    Scheme.SENIORS: ("confirm", "depart", "return", "cancel"),
}


def allowed_actions(group: Group) -> list[str]:
    return [a for a in SCHEME_ACTIONS[Scheme(group.scheme)] if group.status in TRANSITIONS[a][0]]


def group_transition(*, actor: Membership, group: Group, action: str) -> Group:
    """Move a group on: presented to the jury, confirmed, gone (its members' history records it),
    back, or cancelled (its places given back)."""
    _porteur(actor, group)
    with transaction.atomic():
        _lock_places(group)
        group = Group.objects.select_for_update().get(pk=group.pk)
        if action not in allowed_actions(group):
            raise DomainError(
                f"Action impossible depuis le statut « {group.get_status_display()} ».", field="status"
            )
        if action in ("submit", "confirm"):
            _evaluate(group)
        if action == "cancel" and group.scheme == Scheme.SENIORS:
            _free_places(group, group.members.count())
        if action == "depart":
            code = HISTORY_CODES[Scheme(group.scheme)]
            for member in group.members.filter(eligible=True):
                PastDeparture.objects.get_or_create(
                    person_id=member.person_id, year=group.starts_on.year, scheme=code
                )
        before = group.status
        group.status = TRANSITIONS[action][1]
        group.save(update_fields=["status"])
        _record(actor, "group_transition", group, {"from": before, "to": group.status})
    return group


# --- approvals, conventions, stays ---------------------------------------------------------------------


def approval_save(
    *,
    actor: Membership,
    organisation: Organisation,
    approved_on: dt.date,
    trained_professional: str,
    trained_on: dt.date | None,
) -> RelayApproval:
    _require(perms.can_run_jury(actor), "Seule la coordination agrée les structures relais.")
    with transaction.atomic():
        approval, _ = RelayApproval.objects.update_or_create(
            organisation=organisation,
            scheme=Scheme.SAC_ADOS,
            defaults={
                "approved_on": approved_on,
                "trained_professional": trained_professional.strip(),
                "trained_on": trained_on,
                "withdrawn_on": None,
            },
        )
        _record(actor, "group_relay_approve", approval)
    return approval


def convention_save(*, actor: Membership, year: int, places_granted: int, reference: str = "") -> Convention:
    _require(perms.can_manage_groups(actor), "Votre rôle ne permet pas d'enregistrer une convention.")
    if places_granted < 1:
        raise DomainError("Indiquez le nombre de places accordées.", field="places_granted")
    with transaction.atomic():
        convention = (
            Convention.objects.select_for_update().filter(organisation=actor.organisation, year=year).first()
        )
        if convention is None:
            convention = Convention.objects.create(
                organisation=actor.organisation,
                year=year,
                places_granted=places_granted,
                reference=reference.strip(),
            )
        else:
            if places_granted < convention.places_used:
                raise DomainError(
                    f"{convention.places_used} places sont déjà prises : pas moins.", field="places_granted"
                )
            convention.places_granted, convention.reference = places_granted, reference.strip()
            convention.save(update_fields=["places_granted", "reference"])
        _record(actor, "group_convention", convention, {"places": places_granted})
    return convention


def stay_create(
    *,
    actor: Membership,
    provider: str,
    place: str,
    starts_on: dt.date | None,
    nights: int,
    price_cents: int,
    capacity: int,
    option_expires_on: dt.date | None,
) -> Stay:
    """An option on an approved stay; its dates are checked against the scheme's rules."""
    _require(perms.can_manage_groups(actor), "Votre rôle ne permet pas de poser une option.")
    errors = {}
    if not provider.strip():
        errors["provider"] = "Indiquez le prestataire."
    if not place.strip():
        errors["place"] = "Indiquez le lieu."
    if capacity < 1:
        errors["capacity"] = "Indiquez le nombre de places."
    if price_cents < 1:
        errors["price_cents"] = "Indiquez le prix par personne."
    if starts_on is None:
        errors["starts_on"] = "Indiquez la date d'arrivée."
    if option_expires_on is None:
        errors["option_expires_on"] = "Indiquez la date d'expiration de l'option."
    if starts_on is not None:
        v = rules.evaluate(
            rules.GroupIn(Scheme.SENIORS, starts_on, starts_on + dt.timedelta(days=nights)),
            (),
            evaluation.definition(Scheme.SENIORS),
        )
        for field in ("starts_on", "ends_on"):
            if field in v.errors:
                errors["nights" if field == "ends_on" else field] = v.errors[field]
    if errors:
        raise DomainError(errors)
    assert starts_on is not None and option_expires_on is not None
    with transaction.atomic():
        stay = Stay.objects.create(
            organisation=actor.organisation,
            provider=provider.strip(),
            place=place.strip(),
            starts_on=starts_on,
            nights=nights,
            price_cents=price_cents,
            capacity=capacity,
            option_expires_on=option_expires_on,
        )
        _record(actor, "group_stay", stay)
    return stay


# --- the jury -------------------------------------------------------------------------------------


def jury_session_create(
    *, actor: Membership, held_on: dt.date | None, place: str, jurors: str
) -> JurySession:
    _require(perms.can_run_jury(actor), "Seule la coordination organise le jury.")
    errors = {}
    if held_on is None:
        errors["held_on"] = "Indiquez la date du jury."
    if not place.strip():
        errors["place"] = "Indiquez le lieu."
    if not jurors.strip():
        errors["jurors"] = "Indiquez les membres du jury."
    if errors:
        raise DomainError(errors)
    assert held_on is not None
    with transaction.atomic():
        session = JurySession.objects.create(
            organisation=actor.organisation, held_on=held_on, place=place.strip(), jurors=jurors.strip()
        )
        _record(actor, "jury_session_create", session)
    return session


def jury_agenda_add(*, actor: Membership, session: JurySession, group: Group) -> JuryReview:
    _require(perms.can_run_jury(actor), "Seule la coordination tient l'ordre du jour du jury.")
    if session.closed_at is not None:
        raise DomainError("Le procès-verbal de ce jury est arrêté.", field="session")
    with transaction.atomic():
        group = Group.objects.select_for_update().get(pk=group.pk)
        if group.status != Status.SUBMITTED:
            raise DomainError("Seul un groupe présenté au jury peut être inscrit.", field="group")
        review, _ = JuryReview.objects.get_or_create(session=session, group=group)
        _record(actor, "jury_agenda_add", review)
    return review


DECISION_STATUS = {
    Decision.ACCEPTED: Status.ACCEPTED,
    Decision.REWORK: Status.REWORK,
    Decision.REFUSED: Status.REFUSED,
}


def jury_decide(
    *, actor: Membership, review: JuryReview, scores: dict[str, int], decision: str, reasons: str
) -> JuryReview:
    """The jury's scores on the grid in force on the session's day, its decision and the reasons
    the group will read (required unless accepted)."""
    _require(perms.can_run_jury(actor), "Seule la coordination enregistre les décisions du jury.")
    score, errors = rules.jury_score(scores, review.session.held_on)
    if decision not in Decision.values:
        errors["decision"] = "Choisissez la décision du jury."
    elif decision != Decision.ACCEPTED and not reasons.strip():
        errors["reasons"] = "Donnez au groupe les motifs de la décision."
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        review = JuryReview.objects.select_for_update().select_related("session").get(pk=review.pk)
        if review.session.closed_at is not None:
            raise DomainError("Le procès-verbal de ce jury est arrêté.", field="decision")
        group = Group.objects.select_for_update().get(pk=review.group_id)
        if group.status != Status.SUBMITTED:
            raise DomainError("Ce groupe n'attend plus de décision.", field="decision")
        review.scores, review.score, review.decision = scores, score, decision
        review.reasons, review.decided_at = reasons.strip(), timezone.now()
        review.save(update_fields=["scores", "score", "decision", "reasons", "decided_at"])
        group.status = DECISION_STATUS[Decision(decision)]
        group.save(update_fields=["status"])
        _record(actor, "jury_decide", review, {"decision": decision, "score": score})
    return review


def jury_close(*, actor: Membership, session: JurySession) -> JurySession:
    _require(perms.can_run_jury(actor), "Seule la coordination arrête le procès-verbal.")
    with transaction.atomic():
        session = JurySession.objects.select_for_update().get(pk=session.pk)
        if session.reviews.filter(decision="").exists():
            raise DomainError("Des groupes inscrits attendent encore leur décision.", field="session")
        session.closed_at = timezone.now()
        session.save(update_fields=["closed_at"])
        _record(actor, "jury_close", session)
    return session


# --- the pack and its ceremony -------------------------------------------------------------------------


def stock_set(*, actor: Membership, year: int, bags: int, kits: int) -> PackStock:
    _require(perms.can_run_jury(actor), "Seule la coordination tient le stock des packs.")
    if bags < 0 or kits < 0:
        raise DomainError("Un stock ne peut pas être négatif.", field="bags" if bags < 0 else "kits")
    with transaction.atomic():
        stock, _ = PackStock.objects.update_or_create(
            organisation=actor.organisation, year=year, defaults={"bags": bags, "kits": kits}
        )
        _record(actor, "pack_stock", stock, {"bags": bags, "kits": kits})
    return stock


def ceremony_open(
    *, actor: Membership, title: str, starts_at: dt.datetime | None, place: str, groups: Sequence[Group]
) -> Roster:
    """A ceremony's door (an attendance roster) with a ticket and a pack per eligible young person
    of the accepted groups; the bourse is the one the rules gave each member."""
    _require(perms.can_run_jury(actor), "Seule la coordination organise la remise des packs.")
    if starts_at is None:
        raise DomainError("Indiquez la date et l'heure de la cérémonie.", field="starts_at")
    if not groups:
        raise DomainError("Choisissez au moins un groupe accepté.", field="groups")
    groups = list(Group.objects.filter(pk__in=[g.pk for g in groups]))
    if any(g.status != Status.ACCEPTED or g.scheme != Scheme.SAC_ADOS for g in groups):
        raise DomainError(
            "Seuls les groupes Sac Ados acceptés par le jury reçoivent un pack.", field="groups"
        )
    with transaction.atomic():
        roster = attendance.roster_open(
            actor=actor,
            kind=CEREMONY_KIND,
            title=title,
            starts_at=starts_at,
            organisation=actor.organisation,
            place=place,
        )
        members = Member.objects.filter(group__in=groups, eligible=True, pack__isnull=True).select_related(
            "person", "group"
        )
        for member in members:
            attendance.ticket_issue(
                roster=roster,
                subject=f"groups.member:{member.pk}",
                holder=f"{member.person.first_name} {member.person.last_name[:1]}. — {member.group.name}",
            )
            Pack.objects.create(
                member=member, roster=roster, bourse_cents=member.aid_cents, bourse_means=BourseMeans.CHEQUES
            )
        _record(actor, "ceremony_open", roster, {"groups": [g.pk for g in groups]})
    return roster


def ceremony_checked_in(ticket: Ticket, attendance_row: Attendance) -> None:
    """The door's hook (inside the check-in's transaction): the young person is there."""
    kind, _, pk = ticket.subject.partition(":")
    if kind == "groups.member" and pk.isdigit():
        Pack.objects.filter(member_id=int(pk), roster_id=ticket.roster_id, present_at__isnull=True).update(
            present_at=attendance_row.at
        )


def pack_hand_over(
    *,
    actor: Membership,
    pack: Pack,
    signature_png_base64: str,
    insurance_reference: str,
    bag: bool,
    kit: bool,
) -> Pack:
    """Hand one pack over, signed by the young person; bags and kits leave the year's stock."""
    roster = pack.roster
    _require(perms.can_scan_ceremony(actor, roster), "Votre rôle ne permet pas de remettre les packs.")
    errors = {}
    png = b""
    try:
        png = decode_signature(signature_png_base64)
    except DomainError as exc:
        errors.update(exc.errors)
    if not signature_png_base64:
        errors["signature_png_base64"] = "La signature du ou de la jeune est obligatoire."
    if not insurance_reference.strip():
        errors["insurance_reference"] = "Indiquez le numéro de l'assurance nominative."
    if errors:
        raise DomainError(errors)
    year = roster.starts_at.year
    with transaction.atomic():
        stock = (
            PackStock.objects.select_for_update().filter(organisation=roster.organisation, year=year).first()
        )
        pack = Pack.objects.select_for_update().get(pk=pack.pk)
        if pack.handed_at is not None:
            raise DomainError(f"Pack déjà remis à {timezone.localtime(pack.handed_at):%H:%M}.", field="pack")
        if pack.present_at is None:
            raise DomainError("Pointez d'abord le ou la jeune à l'entrée de la cérémonie.", field="pack")
        if (bag or kit) and stock is None:
            raise DomainError(f"Aucun stock de sacs et de kits pour {year}.", field="bag")
        if stock is not None:
            if bag and stock.bags < 1:
                raise DomainError("Plus de sac en stock.", field="bag")
            if kit and stock.kits < 1:
                raise DomainError("Plus de kit de prévention en stock.", field="kit")
            PackStock.objects.filter(pk=stock.pk).update(bags=F("bags") - int(bag), kits=F("kits") - int(kit))
        pack.bag, pack.kit, pack.insurance_reference = bag, kit, insurance_reference.strip()
        pack.signature_png, pack.signature_sha256 = png, hashlib.sha256(png).hexdigest()
        pack.handed_at, pack.handed_by = timezone.now(), actor.user
        pack.save(
            update_fields=[
                "bag",
                "kit",
                "insurance_reference",
                "signature_png",
                "signature_sha256",
                "handed_at",
                "handed_by",
            ]
        )
        _record(actor, "pack_hand_over", pack, {"bourse_cents": pack.bourse_cents, "bag": bag, "kit": kit})
    return pack


# --- after the return ----------------------------------------------------------------------------


def return_answer(*, group: Group, member_id: int, answers: dict[str, Any]) -> ReturnAnswer:
    """A member's questionnaire, sent through the group's link once back."""
    group = Group.objects.get(pk=group.pk)
    if group.status != Status.RETURNED:
        raise DomainError("Le questionnaire s'ouvre au retour du groupe.", field="__all__")
    member = group.members.filter(pk=member_id).first()
    errors = {}
    if member is None:
        errors["member"] = "Choisissez votre prénom."
    rating = answers.get("rating")
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        errors["rating"] = "Donnez une note de 1 à 5."
    if errors:
        raise DomainError(errors)
    assert member is not None and isinstance(rating, int)
    with transaction.atomic():
        answer, _ = ReturnAnswer.objects.update_or_create(
            member=member,
            defaults={
                "rating": rating,
                "went_well": str(answers.get("went_well", ""))[:2000],
                "difficulties": str(answers.get("difficulties", ""))[:2000],
                "would_leave_again": bool(answers.get("would_leave_again")),
            },
        )
        audit.record(actor=None, organisation=group.organisation, action="group_return_answer", obj=answer)
    return answer
