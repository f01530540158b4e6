"""The chèques-vacances ledger: what a funder ordered, where every chèque is, who moved it.

A ``ChequeOrder`` (a funder's purchase for an edition) delivers ``Booklet``\\ s — physical carnets
with a serial range, one denomination, one issue year — whose ``Cheque``\\ s are tracked one by
one: stock → allocated to a commune → prepared for a household → handed over (at the Fête) →
used / returned / exchanged, or expired. Every change of status writes a ``ChequeMovement``
(append-only: who, when, from what to what), so the reconciliation can always be explained.

A serial can be handed over only once: the Fête's hand-over line is unique per chèque
(``partez.fete.models.HandoverLine``) and a chèque is moved only under a row lock.
"""

from __future__ import annotations

import datetime as dt
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q

from .composition import DENOMINATIONS_CENTS


class ChequeFormat(models.TextChoices):
    CLASSIC = "classic", "Chèque-Vacances Classic (papier)"
    E_CHEQUE = "e_cheque", "e-Chèque-Vacances"
    CONNECT = "connect", "Chèque-Vacances Connect (carte, application)"


class ChequeStatus(models.TextChoices):
    IN_STOCK = "in_stock", "En stock"
    ALLOCATED = "allocated", "Attribué à une commune"
    PREPARED = "prepared", "Préparé pour un foyer"
    HANDED_OVER = "handed_over", "Remis au foyer"
    USED = "used", "Utilisé"
    RETURNED = "returned", "Rendu"
    EXCHANGED = "exchanged", "Échangé"
    EXPIRED = "expired", "Périmé"


DENOMINATION_CHOICES = [(d, f"{d // 100} €") for d in DENOMINATIONS_CENTS]
STILL_HELD = (ChequeStatus.IN_STOCK, ChequeStatus.ALLOCATED, ChequeStatus.PREPARED)


def validity_end(issue_year: int) -> dt.date:
    """A chèque-vacances is valid until the end of the second year after its issue (ANCV)."""
    return dt.date(issue_year + 2, 12, 31)


class ChequeOrder(models.Model):
    """A funder's order of chèques-vacances for an edition."""

    edition = models.ForeignKey(
        "territory.Edition", verbose_name="édition", on_delete=models.PROTECT, related_name="cheque_orders"
    )
    funder = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="financeur",
        on_delete=models.PROTECT,
        related_name="cheque_orders",
    )
    reference = models.CharField("référence de la commande", max_length=40, unique=True)
    ordered_on = models.DateField("date de commande")
    amount_cents = models.BigIntegerField("montant (centimes)")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("enregistrée le", auto_now_add=True)

    class Meta:
        verbose_name = "commande de chèques-vacances"
        verbose_name_plural = "commandes de chèques-vacances"
        ordering = ["-ordered_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount_cents__gt=0), name="cheque_order_positive")]

    def __str__(self) -> str:
        return self.reference


class Booklet(models.Model):
    """A carnet: consecutive serials of one denomination, issue year and format."""

    order = models.ForeignKey(ChequeOrder, on_delete=models.PROTECT, related_name="booklets")
    number = models.CharField("numéro du carnet", max_length=20, unique=True)
    first_serial = models.BigIntegerField("premier numéro")
    count = models.PositiveIntegerField("nombre de chèques")
    denomination_cents = models.PositiveIntegerField(
        "valeur faciale (centimes)", choices=DENOMINATION_CHOICES
    )
    issue_year = models.PositiveSmallIntegerField("année d'émission")
    valid_until = models.DateField("valable jusqu'au")
    format = models.CharField("format", max_length=10, choices=ChequeFormat.choices)

    class Meta:
        verbose_name = "carnet"
        ordering = ["first_serial"]
        constraints = [models.CheckConstraint(condition=Q(count__gt=0), name="booklet_not_empty")]

    def __str__(self) -> str:
        return f"Carnet {self.number}"

    @property
    def last_serial(self) -> int:
        return self.first_serial + self.count - 1


class ChequeQuerySet(models.QuerySet["Cheque"]):
    def held(self) -> Self:
        """Chèques still in the operation's hands (stock, allocated, prepared)."""
        return self.filter(status__in=STILL_HELD)


class Cheque(models.Model):
    booklet = models.ForeignKey(Booklet, on_delete=models.PROTECT, related_name="cheques")
    edition = models.ForeignKey("territory.Edition", on_delete=models.PROTECT, related_name="+")
    funder = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    serial = models.CharField("numéro", max_length=20, unique=True)
    denomination_cents = models.PositiveIntegerField(
        "valeur faciale (centimes)", choices=DENOMINATION_CHOICES
    )
    issue_year = models.PositiveSmallIntegerField("année d'émission")
    valid_until = models.DateField("valable jusqu'au")
    format = models.CharField("format", max_length=10, choices=ChequeFormat.choices)
    status = models.CharField(
        "statut", max_length=12, choices=ChequeStatus.choices, default=ChequeStatus.IN_STOCK, db_index=True
    )
    commune = models.ForeignKey(
        "territory.Commune", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "households.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="cheques"
    )
    handed_over_at = models.DateTimeField("remis le", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ChequeQuerySet.as_manager()

    class Meta:
        verbose_name = "chèque-vacances"
        verbose_name_plural = "chèques-vacances"
        ordering = ["serial"]
        indexes = [models.Index(fields=["commune", "status", "denomination_cents"], name="cheque_stock_idx")]
        constraints = [
            # prepared or handed over means "for a household"; allocated means "at a commune"
            models.CheckConstraint(
                condition=~Q(status__in=["prepared", "handed_over"]) | Q(household__isnull=False),
                name="cheque_prepared_has_household",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["allocated", "prepared"]) | Q(commune__isnull=False),
                name="cheque_allocated_has_commune",
            ),
        ]

    def __str__(self) -> str:
        return f"Chèque {self.serial} ({self.denomination_cents // 100} €)"


class ChequeMovement(models.Model):
    """One change of status of one chèque (append-only)."""

    cheque = models.ForeignKey(Cheque, on_delete=models.PROTECT, related_name="movements")
    from_status = models.CharField(max_length=12, choices=ChequeStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=ChequeStatus.choices)
    commune = models.ForeignKey(
        "territory.Commune", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "households.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "mouvement de chèque"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.cheque_id}: {self.from_status or '∅'} → {self.to_status}"
