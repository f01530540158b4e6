"""Writes of the Fête des vacances: the event and its stands, the invitations, the check-ins and
the hand-overs. The check-in and hand-over services are what the volunteers' devices call
(through the API or the scan page) — possibly twice for the same scan, since a device re-sends
its queue when the network returns: a repeated ``nonce`` is answered with the first result.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from partez.cheques import services as cheque_services
from partez.core import audit, french
from partez.core.codes import new_reference
from partez.core.errors import DomainError, NotAllowed
from partez.households.models import Person, Relation
from partez.organisations import perms
from partez.organisations.models import Membership
from partez.territory.models import Edition

from . import selectors
from .codes import new_code, normalise_code
from .models import (
    Checkin,
    CheckinList,
    Fete,
    Handover,
    HandoverLine,
    Invitation,
    ListKind,
    Stand,
    StandKind,
    TimeSlot,
)

MAX_SIGNATURE_BYTES = 300_000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class UnknownCode(DomainError):
    """No invitation has this code (answered 404)."""


class AlreadyCheckedIn(DomainError):
    """The household is already checked in on this list with another nonce (answered 409)."""

    def __init__(self, checkin: Checkin):
        self.checkin = checkin
        at = timezone.localtime(checkin.at)
        super().__init__(f"Déjà pointé sur cette liste à {at:%H:%M}.", field="code")


class WrongStand(DomainError):
    """A stand's list refuses another commune's household, naming the right stand (answered 400)."""

    def __init__(self, stand: Stand | None, commune_name: str):
        self.stand = stand
        where = f"au stand « {stand.name} »" if stand else "à l'accueil (sa commune n'a pas de stand)"
        super().__init__(f"Ce foyer habite {commune_name} : il est attendu {where}.", field="code")


class HandoverConflict(DomainError):
    """The household's chèques were already handed over (another device, another nonce): 409."""

    def __init__(self, handover: Handover):
        self.handover = handover
        at = timezone.localtime(handover.at)
        super().__init__(
            f"Les chèques de ce foyer ont déjà été remis à {at:%H:%M} (reçu {handover.receipt}). "
            "Rien n'a été remis cette fois-ci.",
            field="code",
        )


class NonceReused(DomainError):
    """A nonce already names another operation (answered 409)."""

    def __init__(self) -> None:
        super().__init__("Ce nonce désigne déjà une autre opération.", field="nonce")


# --- the event -------------------------------------------------------------------------------


@dataclass
class FeteInput:
    date: dt.date
    place: str
    opens_at: dt.time
    closes_at: dt.time
    address: str = ""
    contact: str = ""
    name: str = "Fête des vacances"
    slot_minutes: int = 60


def fete_save(*, actor: Membership, edition: Edition, data: FeteInput) -> Fete:
    """Create or update the edition's Fête, then make sure it has a gate list, a stand (with its
    list) for every participating commune, a welcome stand, and arrival slots."""
    if not perms.can_manage_fete(actor):
        raise NotAllowed("Seule la coordination organise la Fête des vacances.")
    errors = {}
    if not data.place.strip():
        errors["place"] = "Indiquez le lieu."
    if data.closes_at <= data.opens_at:
        errors["closes_at"] = "La fermeture doit suivre l'ouverture."
    if not edition.starts_on <= data.date <= edition.ends_on:
        errors["date"] = f"La date doit être dans l'édition {edition.year}."
    if not 15 <= data.slot_minutes <= 240:
        errors["slot_minutes"] = "Des créneaux de 15 à 240 minutes."
    if errors:
        raise DomainError(errors)
    fields = ["name", "date", "place", "address", "opens_at", "closes_at", "contact"]
    with transaction.atomic():
        fete = Fete.objects.select_for_update().filter(edition=edition).first()
        before = audit.snapshot(fete, fields) if fete else {}
        if fete is None:
            fete = Fete(edition=edition)
        for f in fields:
            setattr(fete, f, getattr(data, f))
        fete.save()
        fete_structure_sync(fete, data.slot_minutes)
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="fete.save",
            obj=fete,
            changes=audit.diff(before, audit.snapshot(fete, fields)),
        )
    return fete


def fete_structure_sync(fete: Fete, slot_minutes: int = 60) -> None:
    """The gate list, a stand (and its list) per participating commune, a welcome stand, and the
    arrival slots (created once). Called by :func:`fete_save` and the demo."""
    _sync_stands(fete)
    _sync_slots(fete, slot_minutes)


def _sync_stands(fete: Fete) -> None:
    CheckinList.objects.get_or_create(fete=fete, kind=ListKind.GATE, defaults={"name": "Entrée"})
    have = set(Stand.objects.filter(fete=fete, commune__isnull=False).values_list("commune_id", flat=True))
    for commune in fete.edition.communes.exclude(pk__in=have).defer("geometry").order_by("name"):
        stand = Stand.objects.create(fete=fete, name=f"Stand {french.de(commune.name)}", commune=commune)
        CheckinList.objects.create(fete=fete, kind=ListKind.STAND, stand=stand, name=stand.name)
    if not Stand.objects.filter(fete=fete, kind=StandKind.OTHER).exists():
        Stand.objects.create(fete=fete, name="Accueil et information", kind=StandKind.OTHER)


def _sync_slots(fete: Fete, minutes: int) -> None:
    if TimeSlot.objects.filter(fete=fete).exists():
        return
    day = dt.date(2000, 1, 1)
    start = dt.datetime.combine(day, fete.opens_at)
    end = dt.datetime.combine(day, fete.closes_at)
    slots = []
    while start + dt.timedelta(minutes=minutes) <= end:
        stop = start + dt.timedelta(minutes=minutes)
        slots.append(TimeSlot(fete=fete, starts_at=start.time(), ends_at=stop.time()))
        start = stop
    TimeSlot.objects.bulk_create(slots)


# --- invitations -----------------------------------------------------------------------------


def _labels(household_ids: Iterable[int]) -> dict[int, tuple[str, int]]:
    """Household id → (« Claire M. », number of people)."""
    out: dict[int, list[Any]] = {}
    for hid, relation, first, last in (
        Person.objects.filter(household_id__in=household_ids)
        .order_by("household_id", "pk")
        .values_list("household_id", "relation", "first_name", "last_name")
    ):
        entry = out.setdefault(hid, ["", 0])
        entry[1] += 1
        if relation == Relation.HEAD and not entry[0]:
            entry[0] = f"{first} {last[:1]}." if last else first
    return {hid: (label, n) for hid, (label, n) in out.items()}


@dataclass
class GenerateResult:
    created: int
    updated: int
    total: int


def invitations_generate(*, actor: Membership, fete: Fete) -> GenerateResult:
    """One invitation per household entitled to something at the Fête (aid granted in chèques, a
    collective-stay place); existing invitations keep their code and get fresh entitlements.
    Arrival slots are spread by commune so each stand's crowd is spread over the day."""
    if not perms.can_manage_fete(actor):
        raise NotAllowed("Seule la coordination envoie les invitations à la Fête.")
    with transaction.atomic():
        result = invitations_build(fete)
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="fete.invitations",
            obj=fete,
            changes={"created": result.created, "updated": result.updated},
        )
    return result


def invitations_build(fete: Fete, *, rng: random.Random | None = None, batch: int = 1000) -> GenerateResult:
    """The writes of :func:`invitations_generate` (also used by the demo, which audits once)."""
    from partez.households.models import Household

    entitlements = selectors.entitlements_by_household(fete.edition)
    slots = list(TimeSlot.objects.filter(fete=fete))
    existing = {inv.household_id: inv for inv in Invitation.objects.filter(fete=fete)}
    communes = dict(Household.objects.filter(pk__in=list(entitlements)).values_list("pk", "commune_id"))
    labels = _labels(list(entitlements))
    codes = set(Invitation.objects.filter(fete=fete).values_list("code", flat=True))
    new, changed = [], []
    per_commune: dict[int, int] = {}
    for household_id in sorted(entitlements):
        rights = entitlements[household_id]
        label, people = labels.get(household_id, ("", 1))
        commune_id = communes[household_id]
        k = per_commune.get(commune_id, 0)
        per_commune[commune_id] = k + 1
        inv = existing.get(household_id)
        if inv is None:
            code = new_code(rng)
            while code in codes:
                code = new_code(rng)
            codes.add(code)
            slot = slots[(commune_id + k) % len(slots)] if slots else None
            new.append(
                Invitation(
                    fete=fete,
                    household_id=household_id,
                    commune_id=commune_id,
                    code=code,
                    entitlements=rights,
                    label=label,
                    people=people or 1,
                    slot=slot,
                )
            )
        elif inv.entitlements != rights or inv.label != label:
            inv.entitlements, inv.label, inv.people = rights, label, people or 1
            changed.append(inv)
    Invitation.objects.bulk_create(new, batch_size=batch)
    Invitation.objects.bulk_update(changed, ["entitlements", "label", "people"], batch_size=batch)
    return GenerateResult(created=len(new), updated=len(changed), total=len(existing) + len(new))


def invitation_rsvp(*, code: str, answer: str) -> Invitation:
    """The household's answer through the public link (no account: the code is the key)."""
    if answer not in ("yes", "no"):
        raise DomainError("Répondez oui ou non.", field="rsvp")
    with transaction.atomic():
        inv = Invitation.objects.select_for_update().filter(code=normalise_code(code)).first()
        if inv is None:
            raise UnknownCode("Code d'invitation inconnu.", field="code")
        inv.rsvp, inv.rsvp_at = answer, timezone.now()
        inv.save(update_fields=["rsvp", "rsvp_at"])
    return inv


# --- check-in --------------------------------------------------------------------------------


def _list_for(m: Membership, list_id: int) -> CheckinList:
    checkin_list = (
        selectors.lists_for(m)
        .select_related("stand__commune", "fete")
        .defer("stand__commune__geometry")
        .filter(pk=list_id)
        .first()
    )
    if checkin_list is None:
        raise UnknownCode("Liste de pointage inconnue.", field="list")
    return checkin_list


def _stand_of(fete_id: int, commune_id: int) -> Stand | None:
    return Stand.objects.filter(fete_id=fete_id, commune_id=commune_id).first()


def _invitation(code: str, fete_id: int | None = None) -> Invitation:
    qs = (
        Invitation.objects.select_related("commune")
        .defer("commune__geometry")
        .filter(code=normalise_code(code))
    )
    if fete_id is not None:
        qs = qs.filter(fete_id=fete_id)
    inv = qs.first()
    if inv is None:
        raise UnknownCode("Code d'invitation inconnu pour cette Fête.", field="code")
    return inv


def checkin_record(
    *, actor: Membership, code: str, nonce: str, list_id: int, scanned_at: dt.datetime | None = None
) -> tuple[Checkin, bool]:
    """Check a household in on a list. Returns (check-in, created): a repeated nonce returns the
    first check-in (created False); a household already on the list under another nonce →
    :class:`AlreadyCheckedIn`; a stand's list refuses another commune's code (:class:`WrongStand`).

    No audit entry: the ``Checkin`` row itself is the record (who, when, which list, which device
    nonce), and the gate sees thousands of them in a few hours."""
    if not perms.can_check_in(actor):
        raise NotAllowed("Votre rôle ne permet pas de pointer les invitations.")
    nonce = (nonce or "").strip()
    if not 8 <= len(nonce) <= 64:
        raise DomainError("Nonce invalide (8 à 64 caractères).", field="nonce")
    checkin_list = _list_for(actor, list_id)
    inv = _invitation(code, checkin_list.fete_id)
    if checkin_list.kind == ListKind.STAND and checkin_list.stand_commune_id != inv.commune_id:
        raise WrongStand(_stand_of(checkin_list.fete_id, inv.commune_id), inv.commune.name)
    try:
        with transaction.atomic():
            checkin = Checkin.objects.create(
                invitation=inv, checkin_list=checkin_list, nonce=nonce, by=actor.user, scanned_at=scanned_at
            )
        checkin.invitation = inv
        return checkin, True
    except IntegrityError:
        pass
    # Either this nonce was already recorded (a re-sent scan) or the household is on the list.
    same = Checkin.objects.filter(nonce=nonce).first()
    if same is not None:
        if same.invitation_id != inv.pk or same.checkin_list_id != checkin_list.pk:
            raise NonceReused()
        same.invitation, same.checkin_list = inv, checkin_list  # the answer needs both: no re-read
        return same, False
    other = Checkin.objects.filter(invitation=inv, checkin_list=checkin_list).first()
    if other is None:  # pragma: no cover - an IntegrityError has one of the two causes
        raise DomainError("Pointage impossible : réessayez.")
    other.invitation, other.checkin_list = inv, checkin_list
    raise AlreadyCheckedIn(other)


# --- hand-over -------------------------------------------------------------------------------


def decode_signature(data: str) -> bytes:
    """A base64 PNG (a ``data:image/png;base64,`` prefix is accepted) → its bytes."""
    text = (data or "").strip()
    if text.startswith("data:"):
        text = text.partition(",")[2]
    try:
        png = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DomainError(
            "Signature illisible (PNG en base64 attendu).", field="signature_png_base64"
        ) from exc
    if not png.startswith(PNG_MAGIC):
        raise DomainError("La signature doit être une image PNG.", field="signature_png_base64")
    if len(png) > MAX_SIGNATURE_BYTES:
        raise DomainError("Signature trop lourde (300 Ko au plus).", field="signature_png_base64")
    return png


def handover_record(
    *,
    actor: Membership,
    code: str,
    serials: list[str],
    signature_png: bytes,
    nonce: str,
    list_id: int | None = None,
) -> tuple[Handover, bool]:
    """Hand the household's prepared chèques over, with its signature. Returns (hand-over,
    created). A repeated nonce returns the first hand-over; the household already served
    (another device) → :class:`HandoverConflict`; any serial already handed →
    ``AlreadyHandedOver``; in both cases nothing is handed."""
    if not perms.can_check_in(actor):
        raise NotAllowed("Votre rôle ne permet pas de remettre les chèques.")
    nonce = (nonce or "").strip()
    if not 8 <= len(nonce) <= 64:
        raise DomainError("Nonce invalide (8 à 64 caractères).", field="nonce")
    if not signature_png:
        raise DomainError("La signature du foyer est obligatoire.", field="signature_png_base64")
    inv = _invitation(code)
    if list_id is not None:
        checkin_list = _list_for(actor, list_id)
        if checkin_list.kind != ListKind.STAND or checkin_list.stand_commune_id != inv.commune_id:
            raise WrongStand(_stand_of(inv.fete_id, inv.commune_id), inv.commune.name)
    elif not selectors.stands_for(actor).filter(fete_id=inv.fete_id, commune_id=inv.commune_id).exists():
        raise WrongStand(_stand_of(inv.fete_id, inv.commune_id), inv.commune.name)
    stand = _stand_of(inv.fete_id, inv.commune_id)
    if stand is None:
        raise DomainError(f"La Fête n'a pas de stand pour {inv.commune.name}.", field="code")
    with transaction.atomic():
        Invitation.objects.select_for_update().filter(pk=inv.pk).first()  # one hand-over at a time
        same = Handover.objects.filter(nonce=nonce).first()
        if same is not None:
            if same.invitation_id != inv.pk:
                raise NonceReused()
            return same, False
        done = Handover.objects.filter(invitation=inv).first()
        if done is not None:
            raise HandoverConflict(done)
        cheques = cheque_services.cheques_hand_over(actor=actor, household=inv.household, serials=serials)
        handover = Handover.objects.create(
            invitation=inv,
            household_id=inv.household_id,
            stand=stand,
            receipt=new_reference("R", 8),
            nonce=nonce,
            amount_cents=sum(c.denomination_cents for c in cheques),
            signature_png=signature_png,
            signature_sha256=hashlib.sha256(signature_png).hexdigest(),
            by=actor.user,
            organisation=actor.organisation,
        )
        HandoverLine.objects.bulk_create([HandoverLine(handover=handover, cheque=c) for c in cheques])
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="fete.handover",
            obj=handover,
            changes={
                "household": inv.household_id,
                "serials": [c.serial for c in cheques],
                "amount_cents": handover.amount_cents,
                "signature_sha256": handover.signature_sha256,
            },
        )
    return handover, True
