"""Writes of the chèques-vacances ledger. Every move of a chèque runs under a row lock with a
conditional update on its current status, and writes one ``ChequeMovement`` per chèque.

- ``order_create``: a funder's order and its booklets (serial ranges), all in stock;
- ``booklets_allocate``: booklets sent to a participating commune;
- ``household_prepare`` / ``preparation_cancel``: the household's aid in chèques, composed from
  the commune's stock (no change is given: an amount that cannot be met exactly is refused with
  the nearest lower composable amount, which the referent may accept);
- ``cheques_hand_over``: called by the Fête's hand-over service inside its transaction;
- ``cheques_set_status``: used / returned / exchanged / expired, by the coordination;
- ``cheques_expire``: every chèque still held past its validity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from partez.core import audit
from partez.core.errors import DomainError, NotAllowed
from partez.core.money import euros
from partez.households.models import Household
from partez.organisations import perms
from partez.organisations.models import Membership, Organisation, OrganisationKind
from partez.organisations.selectors import commune_scope
from partez.territory.models import Commune, Edition

from . import lifecycle, selectors
from .composition import DENOMINATIONS_CENTS, Composition, compose, describe
from .models import Booklet, Cheque, ChequeFormat, ChequeMovement, ChequeOrder, ChequeStatus, validity_end

MAX_BOOKLET = 1000
SERIAL_WIDTH = 10


def serial_text(number: int) -> str:
    return f"{number:0{SERIAL_WIDTH}d}"


class AlreadyHandedOver(DomainError):
    """Some of the chèques were already handed over: nothing was handed (answered 409)."""

    def __init__(self, serials: Sequence[str]):
        self.serials = sorted(serials)
        shown = ", ".join(self.serials[:10]) + (" …" if len(self.serials) > 10 else "")
        super().__init__(f"Déjà remis : {shown}. Aucun chèque n'a été remis cette fois-ci.", field="booklets")


@dataclass(frozen=True)
class BookletSpec:
    first_serial: int
    count: int
    denomination_cents: int
    issue_year: int
    format: str = ChequeFormat.CLASSIC


def _movements(cheques: Iterable[Cheque], from_status: str, actor: Membership | None, note: str = "") -> None:
    ChequeMovement.objects.bulk_create(
        [
            ChequeMovement(
                cheque_id=c.pk,
                from_status=from_status,
                to_status=c.status,
                commune_id=c.commune_id,
                household_id=c.household_id,
                actor=actor.user if actor else None,
                organisation=actor.organisation if actor else None,
                note=note,
            )
            for c in cheques
        ],
        batch_size=2000,
    )


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


# --- orders ----------------------------------------------------------------------------------


def _validate_booklets(booklets: Sequence[BookletSpec]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not booklets:
        return {"booklets": "Indiquez au moins un carnet."}
    ranges = []
    for i, b in enumerate(booklets):
        where = f"booklets[{i}]"
        if b.denomination_cents not in DENOMINATIONS_CENTS:
            errors[f"{where}.denomination_cents"] = "Valeur faciale inconnue : 10, 20, 25 ou 50 €."
        if not 1 <= b.count <= MAX_BOOKLET:
            errors[f"{where}.count"] = f"Un carnet compte de 1 à {MAX_BOOKLET} chèques."
        if b.first_serial < 1 or b.first_serial + b.count > 10**SERIAL_WIDTH:
            errors[f"{where}.first_serial"] = f"Numéro de série invalide ({SERIAL_WIDTH} chiffres au plus)."
        if not 2000 <= b.issue_year <= 2100:
            errors[f"{where}.issue_year"] = "Année d'émission invalide."
        if b.format not in ChequeFormat.values:
            errors[f"{where}.format"] = "Format inconnu."
        ranges.append((b.first_serial, b.first_serial + b.count - 1, where))
    ranges.sort()
    for (_a, end, _w), (start, _e, where) in zip(ranges, ranges[1:], strict=False):
        if start <= end:
            errors.setdefault(
                f"{where}.first_serial", "Ces numéros chevauchent ceux d'un autre carnet de la commande."
            )
    return errors


def order_create(
    *,
    actor: Membership,
    edition: Edition,
    funder: Organisation,
    reference: str,
    ordered_on: dt.date,
    booklets: Sequence[BookletSpec],
) -> ChequeOrder:
    """Record a funder's order and put its booklets' chèques in stock."""
    _require(perms.can_manage_cheques(actor), "Seule la coordination enregistre les commandes de chèques.")
    errors = _validate_booklets(booklets)
    reference = (reference or "").strip()
    if not reference:
        errors["reference"] = "Indiquez la référence de la commande."
    if funder.kind != OrganisationKind.FUNDER:
        errors["funder"] = "Choisissez un financeur."
    errors = {**_taken(reference, booklets), **errors}
    if errors:
        raise DomainError(errors)
    try:
        return _order_write(actor, edition, funder, reference, ordered_on, booklets)
    except IntegrityError:
        # Another order took these serials (or this reference) between the check and the write:
        # it has committed now, so the check names what it took.
        raise DomainError(
            _taken(reference, booklets)
            or "Une autre commande enregistrait ces chèques au même moment : vérifiez les commandes, puis recommencez."
        ) from None


def _taken(reference: str, booklets: Sequence[BookletSpec]) -> dict[str, str]:
    """The reference and the booklets' serials already recorded, as errors by field."""
    errors = {}
    if reference and ChequeOrder.objects.filter(reference=reference).exists():
        errors["reference"] = "Une commande porte déjà cette référence."
    for i, b in enumerate(booklets):
        last = b.first_serial + b.count - 1
        clash = Booklet.objects.filter(first_serial__lte=last).filter(
            first_serial__gte=b.first_serial - F("count") + 1
        )
        if b.count > 0 and clash.exists():
            errors[f"booklets[{i}].first_serial"] = (
                f"Les numéros {serial_text(b.first_serial)} à {serial_text(last)} sont déjà enregistrés."
            )
    return errors


def _order_write(
    actor: Membership,
    edition: Edition,
    funder: Organisation,
    reference: str,
    ordered_on: dt.date,
    booklets: Sequence[BookletSpec],
) -> ChequeOrder:
    """The order's rows in one transaction; the unique serials and reference are the last line of
    defence against a concurrent order (IntegrityError, turned into a refusal by the caller)."""
    with transaction.atomic():
        order = ChequeOrder.objects.create(
            edition=edition,
            funder=funder,
            reference=reference,
            ordered_on=ordered_on,
            amount_cents=sum(b.count * b.denomination_cents for b in booklets),
            created_by=actor.user,
        )
        created = Booklet.objects.bulk_create(
            [
                Booklet(
                    order=order,
                    number=serial_text(b.first_serial),
                    first_serial=b.first_serial,
                    count=b.count,
                    denomination_cents=b.denomination_cents,
                    issue_year=b.issue_year,
                    valid_until=validity_end(b.issue_year),
                    format=b.format,
                )
                for b in booklets
            ]
        )
        cheques = Cheque.objects.bulk_create(
            [
                Cheque(
                    booklet=booklet,
                    edition=edition,
                    funder=funder,
                    serial=serial_text(booklet.first_serial + k),
                    denomination_cents=booklet.denomination_cents,
                    issue_year=booklet.issue_year,
                    valid_until=booklet.valid_until,
                    format=booklet.format,
                )
                for booklet in created
                for k in range(booklet.count)
            ],
            batch_size=2000,
        )
        _movements(cheques, "", actor, note=f"commande {reference}")
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="cheque_order.create",
            obj=order,
            changes={"amount_cents": order.amount_cents, "booklets": len(created), "cheques": len(cheques)},
        )
    return order


# --- allocation to communes ------------------------------------------------------------------


def booklets_allocate(*, actor: Membership, booklets: Sequence[Booklet], commune: Commune) -> int:
    """Send whole booklets (all their chèques in stock) to a commune of their edition."""
    _require(perms.can_manage_cheques(actor), "Seule la coordination attribue les carnets aux communes.")
    if not booklets:
        raise DomainError("Choisissez au moins un carnet.", field="booklets")
    editions = {b.order.edition_id for b in booklets}
    if not Commune.objects.filter(pk=commune.pk, editions__in=editions).exists():
        raise DomainError(f"{commune.name} ne participe pas à l'édition de ces carnets.", field="commune")
    with transaction.atomic():
        cheques = list(
            Cheque.objects.select_for_update().filter(booklet__in=[b.pk for b in booklets]).order_by("pk")
        )
        not_in_stock = sorted({c.booklet_id for c in cheques if c.status != ChequeStatus.IN_STOCK})
        if not_in_stock:
            numbers = {b.pk: b.number for b in booklets}
            raise DomainError(
                "Ces carnets ne sont plus entièrement en stock : "
                + ", ".join(numbers[pk] for pk in not_in_stock)
                + ".",
                field="booklets",
            )
        moved = Cheque.objects.filter(pk__in=[c.pk for c in cheques], status=ChequeStatus.IN_STOCK).update(
            status=ChequeStatus.ALLOCATED, commune=commune, updated_at=timezone.now()
        )
        for c in cheques:
            c.status, c.commune_id = ChequeStatus.ALLOCATED, commune.pk
        _movements(cheques, ChequeStatus.IN_STOCK, actor)
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="cheques.allocate",
            obj=commune,
            changes={"booklets": [b.number for b in booklets], "cheques": moved},
        )
    return moved


# --- preparation for a household -------------------------------------------------------------


def _check_household_scope(actor: Membership, household: Household) -> None:
    if not commune_scope(actor).filter(pk=household.commune_id).exists():
        raise NotAllowed("Seuls la coordination et la commune du foyer préparent ses chèques.")


def household_prepare(
    *,
    actor: Membership,
    household: Household,
    edition: Edition,
    accept_lower: bool = False,
    on: dt.date | None = None,
) -> tuple[list[Cheque], Composition]:
    """Prepare the chèques of the household's aid (what is granted and not yet prepared) from
    its commune's stock. Refused in French when the amount cannot be composed exactly, unless
    ``accept_lower`` (then the nearest lower composable amount is prepared)."""
    _require(perms.can_prepare_cheques(actor), "Votre rôle ne permet pas de préparer les chèques.")
    _check_household_scope(actor, household)
    on = on or timezone.localdate()
    with transaction.atomic():
        # one preparation at a time per household
        Household.objects.select_for_update().filter(pk=household.pk).first()
        granted, done = selectors.preparation_status(household, edition)
        if granted == 0:
            raise DomainError(
                f"Ce foyer n'a pas d'aide attribuée en chèques-vacances pour l'édition {edition.year}."
            )
        remaining = granted - done
        if remaining <= 0:
            raise DomainError(f"Les chèques de ce foyer sont déjà préparés ({euros(done)}).")
        stock = selectors.stock_by_denomination(household.commune_id, edition, on=on)
        composition = compose(remaining, stock)
        counts = composition.counts if composition.exact else composition.nearest_lower_counts
        if not composition.exact and not accept_lower:
            raise DomainError(composition.message, field="amount")
        if not counts:
            raise DomainError(composition.message or "Aucun chèque à préparer.", field="amount")
        picked: list[int] = []
        for denomination, n in counts.items():
            ids = list(
                Cheque.objects.select_for_update(skip_locked=True)
                .filter(
                    commune_id=household.commune_id,
                    edition=edition,
                    status=ChequeStatus.ALLOCATED,
                    denomination_cents=denomination,
                    valid_until__gte=on,
                )
                .order_by("valid_until", "serial")
                .values_list("pk", flat=True)[:n]
            )
            if len(ids) < n:
                raise DomainError("Le stock de la commune vient de changer : recommencez la préparation.")
            picked += ids
        moved = Cheque.objects.filter(pk__in=picked, status=ChequeStatus.ALLOCATED).update(
            status=ChequeStatus.PREPARED, household=household, updated_at=timezone.now()
        )
        if moved != len(picked):
            raise DomainError("Le stock de la commune vient de changer : recommencez la préparation.")
        cheques = list(Cheque.objects.filter(pk__in=picked).order_by("-denomination_cents", "serial"))
        _movements(cheques, ChequeStatus.ALLOCATED, actor)
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="cheques.prepare",
            obj=household,
            changes={
                "edition": edition.year,
                "amount_cents": sum(c.denomination_cents for c in cheques),
                "granted_cents": granted,
                "cheques": describe(counts),
            },
        )
    return cheques, composition


def preparation_cancel(*, actor: Membership, household: Household, edition: Edition) -> int:
    """Put the household's prepared (not handed) chèques back into its commune's stock."""
    _require(perms.can_prepare_cheques(actor), "Votre rôle ne permet pas de préparer les chèques.")
    _check_household_scope(actor, household)
    with transaction.atomic():
        cheques = list(
            Cheque.objects.select_for_update()
            .filter(household=household, edition=edition, status=ChequeStatus.PREPARED)
            .order_by("pk")
        )
        if not cheques:
            raise DomainError("Aucun chèque préparé pour ce foyer.")
        Cheque.objects.filter(pk__in=[c.pk for c in cheques]).update(
            status=ChequeStatus.ALLOCATED, household=None, updated_at=timezone.now()
        )
        for c in cheques:
            c.status, c.household_id = ChequeStatus.ALLOCATED, None
        _movements(
            cheques, ChequeStatus.PREPARED, actor, note=f"préparation annulée (foyer {household.reference})"
        )
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="cheques.unprepare",
            obj=household,
            changes={"serials": [c.serial for c in cheques]},
        )
    return len(cheques)


# --- hand-over and after ---------------------------------------------------------------------


def cheques_hand_over(*, actor: Membership, household: Household, serials: Sequence[str]) -> list[Cheque]:
    """Hand these chèques to the household. Must run inside the caller's transaction (the
    Fête's hand-over): locks the chèques, then every one must be prepared for this household;
    any already handed over → :class:`AlreadyHandedOver` and nothing moves."""
    serials = [str(s).strip() for s in serials]
    if not serials:
        raise DomainError("Indiquez les chèques remis.", field="booklets")
    if len(set(serials)) != len(serials):
        raise DomainError("Un même numéro figure deux fois.", field="booklets")
    cheques = list(Cheque.objects.select_for_update().filter(serial__in=serials).order_by("pk"))
    found = {c.serial for c in cheques}
    unknown = [s for s in serials if s not in found]
    if unknown:
        raise DomainError(f"Numéro inconnu : {', '.join(unknown[:10])}.", field="booklets")
    handed = [c.serial for c in cheques if c.handed_over_at is not None]
    if handed:
        raise AlreadyHandedOver(handed)
    wrong = [c.serial for c in cheques if c.status != ChequeStatus.PREPARED or c.household_id != household.pk]
    if wrong:
        raise DomainError(
            f"Ces chèques ne sont pas préparés pour ce foyer : {', '.join(wrong[:10])}.", field="booklets"
        )
    now = timezone.now()
    moved = Cheque.objects.filter(
        pk__in=[c.pk for c in cheques], status=ChequeStatus.PREPARED, handed_over_at__isnull=True
    ).update(status=ChequeStatus.HANDED_OVER, handed_over_at=now, updated_at=now)
    if moved != len(cheques):  # cannot happen under the lock; kept as the last line of defence
        raise AlreadyHandedOver(serials)
    for c in cheques:
        c.status, c.handed_over_at = ChequeStatus.HANDED_OVER, now
    _movements(cheques, ChequeStatus.PREPARED, actor)
    return cheques


def cheques_set_status(*, actor: Membership, serials: Sequence[str], to_status: str, note: str = "") -> int:
    """Record what became of chèques (used, returned, exchanged, expired): the coordination."""
    _require(perms.can_manage_cheques(actor), "Seule la coordination met à jour le registre des chèques.")
    if to_status not in {
        ChequeStatus.USED,
        ChequeStatus.RETURNED,
        ChequeStatus.EXCHANGED,
        ChequeStatus.EXPIRED,
    }:
        raise DomainError("Statut inconnu.", field="status")
    with transaction.atomic():
        cheques = list(Cheque.objects.select_for_update().filter(serial__in=list(serials)).order_by("pk"))
        unknown = sorted(set(serials) - {c.serial for c in cheques})
        if unknown:
            raise DomainError(f"Numéro inconnu : {', '.join(unknown[:10])}.", field="serials")
        for c in cheques:
            if not lifecycle.can_move(c.status, to_status):
                raise DomainError(lifecycle.refusal(c.serial, c.status, to_status), field="serials")
        by_status: dict[str, list[Cheque]] = {}
        for c in cheques:
            by_status.setdefault(c.status, []).append(c)
        for from_status, group in by_status.items():
            Cheque.objects.filter(pk__in=[c.pk for c in group], status=from_status).update(
                status=to_status, updated_at=timezone.now()
            )
            for c in group:
                c.status = to_status
            _movements(group, from_status, actor, note=note)
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="cheques.status",
            obj=cheques[0].booklet.order,
            changes={"to": to_status, "serials": [c.serial for c in cheques][:200], "count": len(cheques)},
        )
    return len(cheques)


def cheques_expire(*, on: dt.date | None = None) -> int:
    """Mark expired every chèque still held (stock, allocated, prepared) past its validity.
    Run by the system (``manage.py expire_cheques``): the movements have no actor."""
    on = on or timezone.localdate()
    with transaction.atomic():
        cheques = list(Cheque.objects.select_for_update().held().filter(valid_until__lt=on).order_by("pk"))
        by_status: dict[str, list[Cheque]] = {}
        for c in cheques:
            by_status.setdefault(c.status, []).append(c)
        for from_status, group in by_status.items():
            Cheque.objects.filter(pk__in=[c.pk for c in group], status=from_status).update(
                status=ChequeStatus.EXPIRED, updated_at=timezone.now()
            )
            for c in group:
                c.status = ChequeStatus.EXPIRED
            _movements(group, from_status, None, note="validité dépassée")
    return len(cheques)
