"""Group departures: a departure shared by persons of several households, led by a porteur.

- **Sac Ados** (Département 62): the relay structures the coordination approved
  (:class:`RelayApproval`, with the declared Sac Ados training of their professional), the young
  people's own project (:class:`Group`, :class:`BudgetLine`, filled in by them through a link),
  the jury (:class:`JurySession`, :class:`JuryReview`: the grid is dated data in
  ``parameters.yaml``), the pack (:class:`PackStock`, :class:`Pack`) handed over at a ceremony
  whose door is a :mod:`partez.attendance` roster.
- **Seniors en Vacances** (ANCV): the porteur's yearly :class:`Convention` (places granted), the
  :class:`Stay` options it holds (provider, dates, price, capacity, expiry) and the group on one
  of them. ``places_used`` / ``places_taken`` are counters moved under row locks by the services,
  with check constraints as the last line of defence.

Each :class:`Member` keeps the verdict of the rules as it was computed (``eligibility``: the
criteria explained in French) with the aid, so a page shows what was decided.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Scheme(models.TextChoices):
    SAC_ADOS = "sac-ados", "Sac Ados"
    SENIORS = "seniors-en-vacances", "Seniors en Vacances"


class Status(models.TextChoices):
    DRAFT = "draft", "En préparation"
    SUBMITTED = "submitted", "Présenté au jury"
    REWORK = "rework", "À retravailler"
    ACCEPTED = "accepted", "Accepté"
    REFUSED = "refused", "Refusé"
    DEPARTED = "departed", "Parti"
    RETURNED = "returned", "Rentré"
    CANCELLED = "cancelled", "Annulé"


class RelayApproval(models.Model):
    """A relay structure the coordination approved for a scheme, with its trained professional."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="group_approvals"
    )
    scheme = models.CharField("dispositif", max_length=30, choices=Scheme.choices)
    approved_on = models.DateField("agréée le")
    # Declared for now; the network's trainings (issue 17) will replace it (see rules.relay_trained)
    trained_professional = models.CharField("professionnel·le formé·e", max_length=120, blank=True)
    trained_on = models.DateField("formation suivie le", null=True, blank=True)
    withdrawn_on = models.DateField("retirée le", null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "scheme"], name="groups_one_approval_per_scheme")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_scheme_display()})"


class Convention(models.Model):
    """A porteur's yearly Seniors en Vacances convention with the ANCV: the places granted."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="group_conventions"
    )
    year = models.PositiveSmallIntegerField("année")
    reference = models.CharField("n° de convention ANCV", max_length=40, blank=True)
    places_granted = models.PositiveIntegerField("places accordées")
    places_used = models.PositiveIntegerField("places utilisées", default=0)

    class Meta:
        ordering = ["-year", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="groups_one_convention_a_year"),
            models.CheckConstraint(
                condition=Q(places_used__lte=F("places_granted")), name="groups_convention_within_places"
            ),
        ]

    def __str__(self) -> str:
        return f"Convention {self.year} — {self.organisation}"

    @property
    def places_left(self) -> int:
        return self.places_granted - self.places_used


class Stay(models.Model):
    """An option a porteur holds on an approved Seniors en Vacances stay."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="group_stays"
    )
    provider = models.CharField("prestataire", max_length=160)
    place = models.CharField("lieu", max_length=160)
    starts_on = models.DateField("arrivée")
    nights = models.PositiveSmallIntegerField("nuits")
    price_cents = models.PositiveIntegerField("prix par personne (centimes)")
    capacity = models.PositiveIntegerField("places de l'option")
    places_taken = models.PositiveIntegerField("places prises", default=0)
    option_expires_on = models.DateField("option valable jusqu'au")

    class Meta:
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(places_taken__lte=F("capacity")), name="groups_stay_within_capacity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place} ({self.provider}), {self.starts_on:%d/%m/%Y}, {self.nights} nuits"


class Group(models.Model):
    reference = models.CharField("référence", max_length=20, unique=True)
    scheme = models.CharField("dispositif", max_length=30, choices=Scheme.choices)
    name = models.CharField("nom du groupe", max_length=120)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="groups",
        verbose_name="porteur",
    )
    referents = models.ManyToManyField(
        "organisations.Membership", related_name="groups_referred", verbose_name="référent·es", blank=True
    )
    status = models.CharField("statut", max_length=12, choices=Status.choices, default=Status.DRAFT)
    destination = models.CharField("destination", max_length=160)
    starts_on = models.DateField("départ")
    ends_on = models.DateField("retour")
    transport = models.CharField("transport", max_length=160, blank=True)
    wishes = models.TextField("ce que le groupe veut faire", blank=True)
    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, null=True, blank=True, related_name="groups")
    staff = models.CharField("accompagnant·es et car", max_length=250, blank=True)
    # the young people's link (only its SHA-256 is stored) and until when it works
    invite_hash = models.CharField(max_length=64, blank=True, db_index=True)
    invite_expires_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="groups_dates_ordered")
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.name}"

    @property
    def nights(self) -> int:
        return (self.ends_on - self.starts_on).days


class Role(models.TextChoices):
    PARTICIPANT = "participant", "Participant·e"
    CARER = "carer", "Aidant·e"


class Member(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        "households.Person", on_delete=models.PROTECT, related_name="group_memberships"
    )
    role = models.CharField("rôle", max_length=12, choices=Role.choices, default=Role.PARTICIPANT)
    eligible = models.BooleanField("éligible", default=False)
    aid_cents = models.PositiveIntegerField("aide (centimes)", default=0)
    left_to_pay_cents = models.PositiveIntegerField("reste à payer (centimes)", default=0)
    eligibility = models.JSONField("critères expliqués", default=list)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person__last_name", "person__first_name", "pk"]
        constraints = [models.UniqueConstraint(fields=["group", "person"], name="groups_member_once")]

    def __str__(self) -> str:
        return f"{self.person} dans {self.group.reference}"


class BudgetSide(models.TextChoices):
    EXPENSE = "expense", "Dépense"
    RESOURCE = "resource", "Ressource"


class BudgetKind(models.TextChoices):
    TRANSPORT = "transport", "Transport"
    ACCOMMODATION = "accommodation", "Hébergement"
    FOOD = "food", "Repas"
    ACTIVITIES = "activities", "Activités"
    OTHER_EXPENSE = "other_expense", "Autre dépense"
    OWN = "own", "Ce que nous payons"
    BOURSE = "bourse", "Bourse Sac Ados"
    OTHER_AID = "other_aid", "Autre aide"


EXPENSE_KINDS = {
    BudgetKind.TRANSPORT,
    BudgetKind.ACCOMMODATION,
    BudgetKind.FOOD,
    BudgetKind.ACTIVITIES,
    BudgetKind.OTHER_EXPENSE,
}


class BudgetLine(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="budget_lines")
    kind = models.CharField("poste", max_length=16, choices=BudgetKind.choices)
    label = models.CharField("détail", max_length=160, blank=True)
    amount_cents = models.PositiveIntegerField("montant (centimes)")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.amount_cents} c)"

    @property
    def is_expense(self) -> bool:
        return self.kind in EXPENSE_KINDS


class Note(models.Model):
    """The group's journal: meetings, calls, what was decided."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("note")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"note du {self.created_at:%d/%m/%Y}"


class JurySession(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="organisée par"
    )
    held_on = models.DateField("date")
    place = models.CharField("lieu", max_length=160)
    jurors = models.CharField("membres du jury", max_length=400)
    closed_at = models.DateTimeField("procès-verbal arrêté le", null=True, blank=True)

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"Jury du {self.held_on:%d/%m/%Y} — {self.place}"


class Decision(models.TextChoices):
    ACCEPTED = "accepted", "Accepté"
    REWORK = "rework", "À retravailler"
    REFUSED = "refused", "Refusé"


class JuryReview(models.Model):
    """A group on a session's agenda, its scores on the grid and the jury's decision."""

    session = models.ForeignKey(JurySession, on_delete=models.PROTECT, related_name="reviews")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="reviews")
    scores = models.JSONField("notes", default=dict)
    score = models.PositiveSmallIntegerField("note pondérée (sur 100)", null=True, blank=True)
    decision = models.CharField("décision", max_length=10, choices=Decision.choices, blank=True)
    reasons = models.TextField("motifs communiqués au groupe", blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session__held_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "group"], name="groups_review_once")]

    def __str__(self) -> str:
        return f"{self.group_id} au jury {self.session_id}"


class PackStock(models.Model):
    """The coordination's stock of bags and prevention kits for a year's packs."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("année")
    bags = models.PositiveIntegerField("sacs en stock", default=0)
    kits = models.PositiveIntegerField("kits de prévention en stock", default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="groups_one_stock_a_year")
        ]

    def __str__(self) -> str:
        return f"stock {self.year}"


class BourseMeans(models.TextChoices):
    CHEQUES = "cheques", "Chèques-vacances"
    TRANSFER = "transfer", "Virement à la structure relais"


class Pack(models.Model):
    """One young person's pack, handed over at a ceremony (its door is ``roster``)."""

    member = models.OneToOneField(Member, on_delete=models.PROTECT, related_name="pack")
    roster = models.ForeignKey("attendance.Roster", on_delete=models.PROTECT, related_name="+")
    bourse_cents = models.PositiveIntegerField("bourse (centimes)")
    bourse_means = models.CharField(
        "versée en", max_length=10, choices=BourseMeans.choices, default=BourseMeans.CHEQUES
    )
    insurance_reference = models.CharField("n° d'assurance nominative", max_length=40, blank=True)
    present_at = models.DateTimeField("pointé·e à la cérémonie", null=True, blank=True)
    bag = models.BooleanField("sac remis", default=False)
    kit = models.BooleanField("kit de prévention remis", default=False)
    signature_png = models.BinaryField("signature (PNG)", null=True, blank=True)
    signature_sha256 = models.CharField(max_length=64, blank=True)
    handed_at = models.DateTimeField("remis le", null=True, blank=True)
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["member__group__reference", "pk"]

    def __str__(self) -> str:
        return f"pack de {self.member_id}"


class ReturnAnswer(models.Model):
    """A member's short questionnaire after the return (through the group's link)."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="return_answer")
    rating = models.PositiveSmallIntegerField("note du séjour (1 à 5)")
    went_well = models.TextField("ce qui s'est bien passé", blank=True)
    difficulties = models.TextField("les difficultés", blank=True)
    would_leave_again = models.BooleanField("repartirait seul·e ou en groupe")
    submitted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"retour de {self.member_id}"
