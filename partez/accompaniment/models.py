"""Accompaniment beyond money: what holds a family back (a screening of its barriers, at the
first appointment and again after return), the plan of steps that lifts them, the workshops for
families (places, waitlist, check-in at the door), how the family travels, and the debrief.

A screening keeps the wording of each question as it was asked (``BarrierAnswer.wording``): the
coordination may reword the questions of the next edition without rewriting what a family said.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Category(models.TextChoices):
    FINANCIAL = "financial", "Financier"
    METHODOLOGICAL = "methodological", "Organisation et démarches"
    PSYCHOLOGICAL = "psychological", "Confiance"
    MOBILITY = "mobility", "Mobilité"
    FAMILY = "family", "Famille"


class ScreeningQuestion(models.Model):
    """A question of the edition's screening sheet (fiche de repérage), edited by the coordination.
    An edition without questions of its own asks the defaults of ``questions.yaml``."""

    edition = models.ForeignKey("territory.Edition", on_delete=models.CASCADE, related_name="+")
    code = models.SlugField("code", max_length=40)
    category = models.CharField("famille de freins", max_length=16, choices=Category.choices)
    wording = models.CharField("question", max_length=200)
    order = models.PositiveSmallIntegerField("ordre", default=0)
    is_active = models.BooleanField("posée", default=True)

    class Meta:
        verbose_name = "question de repérage"
        ordering = ["edition_id", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["edition", "code"], name="screening_question_unique")]

    def __str__(self) -> str:
        return self.wording


class Phase(models.TextChoices):
    FIRST = "first", "Premier rendez-vous"
    AFTER = "after", "Après le retour"


class Screening(models.Model):
    """One screening of a household's barriers, filled with the family by the professional."""

    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="screenings"
    )
    phase = models.CharField("moment", max_length=8, choices=Phase.choices, default=Phase.FIRST)
    screened_on = models.DateField("date du repérage")
    left_to_pay_cents = models.PositiveIntegerField("reste à payer estimé (centimes)", null=True, blank=True)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "repérage des freins"
        ordering = ["-screened_on", "-pk"]
        indexes = [models.Index(fields=["household", "phase"], name="screening_household_idx")]

    def __str__(self) -> str:
        return f"Repérage du {self.screened_on:%d/%m/%Y}"


class BarrierAnswer(models.Model):
    """One question of a screening: is this barrier there, and the professional's note."""

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="answers")
    code = models.SlugField(max_length=40)
    category = models.CharField(max_length=16, choices=Category.choices)
    wording = models.CharField(max_length=200)
    present = models.BooleanField(default=False)
    note = models.CharField("note", max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["screening", "code"], name="barrier_answer_unique")]

    def __str__(self) -> str:
        return self.wording


class Who(models.TextChoices):
    FAMILY = "family", "La famille"
    REFERENT = "referent", "Le ou la référent·e"
    TOGETHER = "together", "Ensemble"
    STRUCTURE = "structure", "La structure"


class Step(models.Model):
    """A step of a project's plan: what, by when, who does it, done or not."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="steps")
    kind = models.SlugField("type", max_length=40)
    label = models.CharField("étape", max_length=200)
    due_on = models.DateField("pour le", null=True, blank=True)
    who = models.CharField("qui", max_length=10, choices=Who.choices, default=Who.TOGETHER)
    done_on = models.DateField("faite le", null=True, blank=True)
    barrier = models.SlugField("frein levé", max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "étape d'accompagnement"
        ordering = ["done_on", "due_on", "pk"]
        indexes = [models.Index(fields=["project", "done_on", "due_on"], name="step_open_idx")]

    def __str__(self) -> str:
        return self.label


class Theme(models.TextChoices):
    BUDGET = "budget", "Budget des vacances"
    PACKING = "packing", "Préparer sa valise"
    CHILDREN = "children", "Partir avec des enfants"
    TRAIN = "train", "Premier voyage en train"
    OTHER = "other", "Autre"


class Workshop(models.Model):
    """A collective session for families: its places are counted under the row's lock, its door
    is a roster of :mod:`partez.attendance` (kind ``accompaniment_workshop``)."""

    edition = models.ForeignKey("territory.Edition", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="organisé par"
    )
    theme = models.CharField("thème", max_length=10, choices=Theme.choices)
    title = models.CharField("intitulé", max_length=200)
    starts_at = models.DateTimeField("date et heure")
    place = models.CharField("lieu", max_length=200)
    capacity = models.PositiveSmallIntegerField("places")
    covered = models.TextField("ce que l'atelier a abordé", blank=True)
    roster = models.OneToOneField(
        "attendance.Roster", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "atelier pour les familles"
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="workshop_capacity_positive")
        ]

    def __str__(self) -> str:
        return self.title


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", "Inscrit"
    WAITLISTED = "waitlisted", "Liste d'attente"
    CANCELLED = "cancelled", "Annulé"


class Registration(models.Model):
    """A household's place at a workshop (or its turn on the waitlist, first come first served)."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="registrations")
    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=RegistrationStatus.choices)
    seats = models.PositiveSmallIntegerField("places", default=1)
    attended_at = models.DateTimeField("présent·e le", null=True, blank=True)
    # Set when the reminder was sent (or found impossible): each registration is reminded once.
    reminded_at = models.DateTimeField("rappel envoyé le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "household"],
                condition=~Q(status="cancelled"),
                name="registration_one_live_per_household",
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="registration_seats_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.household} · {self.workshop}"

    @property
    def subject(self) -> str:
        return f"accompaniment.registration:{self.pk}"


class Mode(models.TextChoices):
    OWN_CAR = "own_car", "Sa propre voiture"
    CARSHARING = "carsharing", "Covoiturage"
    COACH = "coach", "Car du séjour commun"
    TRAIN = "train", "Train"
    LIFT = "lift", "Trajet organisé par la structure"
    UNSOLVED = "unsolved", "Pas encore trouvé"


class Mobility(models.Model):
    """How the family of a project travels, its reduced fares and the cost."""

    project = models.OneToOneField("projects.Project", on_delete=models.CASCADE, related_name="mobility")
    mode = models.CharField("moyen de transport", max_length=10, choices=Mode.choices)
    reduced_fares = models.CharField("réductions auxquelles le foyer a droit", max_length=200, blank=True)
    cost_cents = models.PositiveIntegerField("coût du trajet (centimes)", default=0)
    note = models.CharField("précisions", max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "mobilité"

    def __str__(self) -> str:
        return self.get_mode_display()


class Wish(models.TextChoices):
    ALONE = "alone", "Repartir seule, sans aide"
    WITH_HELP = "with_help", "Repartir avec de l'aide"
    NOT_AGAIN = "not_again", "Ne pas repartir l'an prochain"
    UNDECIDED = "undecided", "Ne sait pas encore"


class Debrief(models.Model):
    """What the family says after return: how it went, what helped, what to change, next year."""

    project = models.OneToOneField("projects.Project", on_delete=models.CASCADE, related_name="debrief")
    how_it_went = models.TextField("comment ça s'est passé")
    what_helped = models.TextField("ce qui a aidé", blank=True)
    what_to_change = models.TextField("ce qu'il faudrait changer", blank=True)
    wish = models.CharField("l'an prochain", max_length=10, choices=Wish.choices)
    held_on = models.DateField("date du bilan")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "bilan après le séjour"

    def __str__(self) -> str:
        return f"Bilan du {self.held_on:%d/%m/%Y}"
