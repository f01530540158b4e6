"""The Fête des vacances: the edition's event where families collect their chèques-vacances and
their collective-stay papers at their commune's stand.

- ``Fete``: one per edition (date, place, opening hours); ``Stand``: one per participating
  commune plus others (welcome, partners); ``TimeSlot``: the arrival slots shown on invitations.
- ``CheckinList``: the gate (attendance) and one list per stand; a household is checked in at
  most once per list (``checkin_once_per_list``), and every scan carries a client nonce that is
  unique (``Checkin.nonce``), so a device re-sending its queue repeats nothing (pretix-style).
- ``Invitation``: one per household, with one code (in a QR) opening all its entitlements
  (computed when the invitations are generated), and the delivery status of each channel.
- ``Handover``: the hand-over of a household's chèques at its stand, signed on the screen (PNG
  kept with its SHA-256); one per invitation, and ``HandoverLine.cheque`` is unique: **a serial
  can never be handed over twice**, whatever the devices do.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Fete(models.Model):
    edition = models.OneToOneField(
        "territory.Edition", verbose_name="édition", on_delete=models.PROTECT, related_name="fete"
    )
    name = models.CharField("nom", max_length=160, default="Fête des vacances")
    date = models.DateField("date")
    place = models.CharField("lieu", max_length=200)
    address = models.CharField("adresse", max_length=250, blank=True)
    opens_at = models.TimeField("ouverture")
    closes_at = models.TimeField("fermeture")
    contact = models.CharField("contact (téléphone ou e-mail)", max_length=120, blank=True)

    class Meta:
        verbose_name = "fête des vacances"
        verbose_name_plural = "fêtes des vacances"
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="fete_hours_ordered")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.edition.year}"


class StandKind(models.TextChoices):
    COMMUNE = "commune", "Stand d'une commune"
    OTHER = "other", "Autre stand"


class Stand(models.Model):
    fete = models.ForeignKey(Fete, on_delete=models.CASCADE, related_name="stands")
    name = models.CharField("nom", max_length=160)
    kind = models.CharField("type", max_length=10, choices=StandKind.choices, default=StandKind.COMMUNE)
    commune = models.ForeignKey(
        "territory.Commune", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    location = models.CharField("emplacement", max_length=80, blank=True)

    class Meta:
        verbose_name = "stand"
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["fete", "commune"], condition=Q(commune__isnull=False), name="stand_one_per_commune"
            ),
            models.CheckConstraint(
                condition=Q(kind="other") | Q(commune__isnull=False), name="stand_commune_has_commune"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TimeSlot(models.Model):
    fete = models.ForeignKey(Fete, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.TimeField("début")
    ends_at = models.TimeField("fin")

    class Meta:
        verbose_name = "créneau"
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ordered")
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class ListKind(models.TextChoices):
    GATE = "gate", "Entrée"
    STAND = "stand", "Stand"


class CheckinList(models.Model):
    fete = models.ForeignKey(Fete, on_delete=models.CASCADE, related_name="checkin_lists")
    name = models.CharField("nom", max_length=160)
    kind = models.CharField("type", max_length=10, choices=ListKind.choices)
    stand = models.OneToOneField(
        Stand, null=True, blank=True, on_delete=models.CASCADE, related_name="checkin_list"
    )

    class Meta:
        verbose_name = "liste de pointage"
        verbose_name_plural = "listes de pointage"
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["fete"], condition=Q(kind="gate"), name="checkin_list_one_gate"),
            models.CheckConstraint(
                condition=Q(kind="gate", stand__isnull=True) | Q(kind="stand", stand__isnull=False),
                name="checkin_list_stand_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def stand_commune_id(self) -> int | None:
        """The commune of the list's stand; None for the gate (a stand's list always has its stand)."""
        return self.stand.commune_id if self.stand is not None else None


class Delivery(models.TextChoices):
    NONE = "", "—"
    PENDING = "pending", "À envoyer"
    SENT = "sent", "Envoyé"
    FAILED = "failed", "Échec"
    NO_ADDRESS = "no_address", "Pas de coordonnée"
    NO_CONSENT = "no_consent", "Pas de consentement (contact)"


class Rsvp(models.TextChoices):
    NONE = "", "Sans réponse"
    YES = "yes", "Viendra"
    NO = "no", "Ne viendra pas"


class Invitation(models.Model):
    fete = models.ForeignKey(Fete, on_delete=models.PROTECT, related_name="invitations")
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("territory.Commune", on_delete=models.PROTECT, related_name="+")
    code = models.CharField("code", max_length=16, unique=True)
    # what a volunteer needs to greet the family, no more: « Claire M. », 3 people
    label = models.CharField("foyer (affiché)", max_length=120, blank=True)
    people = models.PositiveSmallIntegerField("personnes", default=1)
    # [{"kind": "cheques"|"camping", "label": "…", "amount_cents": int|None}] — at generation time
    entitlements = models.JSONField("droits", default=list)
    slot = models.ForeignKey(TimeSlot, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    letter_status = models.CharField("courrier", max_length=12, choices=Delivery.choices, blank=True)
    email_status = models.CharField("e-mail", max_length=12, choices=Delivery.choices, blank=True)
    sms_status = models.CharField("SMS", max_length=12, choices=Delivery.choices, blank=True)
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)
    rsvp = models.CharField("réponse", max_length=4, choices=Rsvp.choices, blank=True)
    rsvp_at = models.DateTimeField("répondu le", null=True, blank=True)

    class Meta:
        verbose_name = "invitation"
        ordering = ["commune__name", "household__sort_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["fete", "household"], name="invitation_one_per_household")
        ]

    def __str__(self) -> str:
        return f"Invitation {self.code}"


class Checkin(models.Model):
    invitation = models.ForeignKey(Invitation, on_delete=models.PROTECT, related_name="checkins")
    checkin_list = models.ForeignKey(CheckinList, on_delete=models.PROTECT, related_name="checkins")
    nonce = models.CharField(max_length=64, unique=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    scanned_at = models.DateTimeField("scanné le (appareil)", null=True, blank=True)

    class Meta:
        verbose_name = "pointage"
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["invitation", "checkin_list"], name="checkin_once_per_list")
        ]

    def __str__(self) -> str:
        return f"{self.invitation_id} @ {self.checkin_list_id}"


class Handover(models.Model):
    invitation = models.OneToOneField(Invitation, on_delete=models.PROTECT, related_name="handover")
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="+")
    stand = models.ForeignKey(Stand, on_delete=models.PROTECT, related_name="handovers")
    receipt = models.CharField("n° de reçu", max_length=20, unique=True)
    nonce = models.CharField(max_length=64, unique=True)
    amount_cents = models.BigIntegerField("montant remis (centimes)")
    signature_png = models.BinaryField("signature (PNG)")
    signature_sha256 = models.CharField("empreinte SHA-256 de la signature", max_length=64)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "remise de chèques"
        verbose_name_plural = "remises de chèques"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"Reçu {self.receipt}"


class HandoverLine(models.Model):
    handover = models.ForeignKey(Handover, on_delete=models.PROTECT, related_name="lines")
    # unique: a chèque belongs to one hand-over, ever
    cheque = models.OneToOneField("cheques.Cheque", on_delete=models.PROTECT, related_name="handover_line")

    class Meta:
        verbose_name = "chèque remis"
        verbose_name_plural = "chèques remis"

    def __str__(self) -> str:
        return f"{self.handover_id}: {self.cheque_id}"
