from django.conf import settings
from django.db import models
from django.db.models import Q

from partez.households.models import Household
from partez.organisations.models import Organisation

from .workflow import STATUS_LABELS, Status


class ProjectStatus(models.TextChoices):
    DRAFT = Status.DRAFT, STATUS_LABELS[Status.DRAFT]
    SUBMITTED = Status.SUBMITTED, STATUS_LABELS[Status.SUBMITTED]
    VALIDATED = Status.VALIDATED, STATUS_LABELS[Status.VALIDATED]
    REFUSED = Status.REFUSED, STATUS_LABELS[Status.REFUSED]
    AID_GRANTED = Status.AID_GRANTED, STATUS_LABELS[Status.AID_GRANTED]
    DEPARTED = Status.DEPARTED, STATUS_LABELS[Status.DEPARTED]
    RETURNED = Status.RETURNED, STATUS_LABELS[Status.RETURNED]
    EVALUATED = Status.EVALUATED, STATUS_LABELS[Status.EVALUATED]
    WITHDRAWN = Status.WITHDRAWN, STATUS_LABELS[Status.WITHDRAWN]


class ProjectFormat(models.TextChoices):
    INDIVIDUAL = "individual", "Séjour individuel"
    CAMPING = "camping", "Séjour commun (semaine en camping)"
    SAC_ADOS = "sac_ados", "Sac Ados"
    SENIORS = "seniors", "Seniors en Vacances"
    BSV = "bsv", "Bourse Solidarité Vacances"
    HOSTING = "hosting", "Offre d'hébergement (Je pars, tu pars, il part)"


class Project(models.Model):
    """A holiday project (dossier): who leaves, where, when, how it is paid, and its follow-up."""

    reference = models.CharField("référence", max_length=20, unique=True)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="projects")
    organisation = models.ForeignKey(
        Organisation, verbose_name="structure porteuse", on_delete=models.PROTECT, related_name="projects"
    )
    edition = models.ForeignKey("territory.Edition", verbose_name="édition", on_delete=models.PROTECT)
    format = models.CharField("format", max_length=12, choices=ProjectFormat.choices)
    status = models.CharField(
        "statut", max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT
    )
    travellers = models.ManyToManyField(
        "households.Person", verbose_name="personnes qui partent", related_name="projects"
    )
    destination = models.CharField("destination", max_length=200, blank=True)
    destination_department = models.CharField("département de destination", max_length=3, blank=True)
    start_date = models.DateField("départ", null=True, blank=True)
    end_date = models.DateField("retour", null=True, blank=True)
    status_reason = models.CharField("motif", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "projet de départ"
        verbose_name_plural = "projets de départ"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["edition", "status"], name="project_edition_status_idx"),
            models.Index(fields=["start_date"], name="project_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="project_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"Projet {self.reference}"

    @property
    def nights(self) -> int | None:
        if self.start_date and self.end_date:
            return (self.end_date - self.start_date).days
        return None


class BudgetKind(models.TextChoices):
    TRANSPORT = "transport", "Transport"
    LODGING = "lodging", "Hébergement"
    FOOD = "food", "Alimentation"
    ACTIVITIES = "activities", "Activités et loisirs"
    OTHER = "other", "Autre"


class BudgetLine(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_lines")
    kind = models.CharField("poste", max_length=12, choices=BudgetKind.choices)
    label = models.CharField("détail", max_length=200, blank=True)
    amount_cents = models.PositiveIntegerField("montant (centimes)")

    class Meta:
        verbose_name = "ligne de budget"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} : {self.amount_cents / 100:.2f} €"


class StatusChange(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=ProjectStatus.choices)
    to_status = models.CharField(max_length=12, choices=ProjectStatus.choices)
    reason = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class JournalKind(models.TextChoices):
    NOTE = "note", "Note"
    APPOINTMENT = "appointment", "Rendez-vous"


class JournalEntry(models.Model):
    """The accompaniment journal: notes and appointments of a project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="journal")
    kind = models.CharField("type", max_length=12, choices=JournalKind.choices, default=JournalKind.NOTE)
    text = models.TextField("contenu")
    happens_at = models.DateTimeField("date du rendez-vous", null=True, blank=True, db_index=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("écrit le", auto_now_add=True)

    class Meta:
        verbose_name = "entrée du journal"
        verbose_name_plural = "journal d'accompagnement"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:60]


DEFAULT_CHECKLIST = [
    "Pièce d'identité",
    "Attestation CAF (quotient familial)",
    "Avis d'imposition",
    "Justificatif de domicile",
    "Devis ou réservation de l'hébergement",
]


class ChecklistItem(models.Model):
    """A document of the complete-file checklist."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="checklist")
    label = models.CharField("pièce", max_length=120)
    received_at = models.DateTimeField("reçue le", null=True, blank=True)

    class Meta:
        verbose_name = "pièce du dossier"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.label
