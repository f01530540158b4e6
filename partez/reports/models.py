"""Report definitions (versioned per funding period), the satisfaction survey and the log of
reminders already sent."""

from __future__ import annotations

import hashlib

from django.db import models
from django.db.models import F, Q


class ReportDefinition(models.Model):
    """Which sections a funder's report has during a funding period. ``funder`` empty: the
    definition used for every funder without one of its own for that period."""

    funder = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="financeur",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="report_definitions",
    )
    name = models.CharField("nom", max_length=160)
    valid_from = models.DateField("valable du")
    valid_to = models.DateField("valable jusqu'au", null=True, blank=True)
    sections = models.JSONField("rubriques", default=list)

    class Meta:
        verbose_name = "modèle de rapport"
        verbose_name_plural = "modèles de rapport"
        ordering = ["-valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="report_definition_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class SurveyInvitation(models.Model):
    """The satisfaction survey of one project, sent after the return. Only the token's SHA-256 is
    stored; the clear token is in the link sent by e-mail."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="survey_invitation"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)
    answered_at = models.DateTimeField("répondue le", null=True, blank=True)
    opted_out_at = models.DateTimeField("refus le", null=True, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "invitation à l'enquête de satisfaction"
        verbose_name_plural = "invitations à l'enquête de satisfaction"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Enquête du projet {self.project_id}"


class Satisfaction(models.IntegerChoices):
    VERY = 4, "Très satisfait·e"
    RATHER = 3, "Plutôt satisfait·e"
    RATHER_NOT = 2, "Plutôt pas satisfait·e"
    NOT = 1, "Pas du tout satisfait·e"


class Again(models.TextChoices):
    YES = "yes", "Oui"
    MAYBE = "maybe", "Peut-être"
    NO = "no", "Non"


class SurveyResponse(models.Model):
    """The answers to one survey (one per project; no name, no free text about people)."""

    invitation = models.OneToOneField(SurveyInvitation, on_delete=models.CASCADE, related_name="response")
    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="survey_response"
    )
    satisfaction = models.PositiveSmallIntegerField("satisfaction", choices=Satisfaction.choices)
    organisation_help = models.PositiveSmallIntegerField(
        "accompagnement", choices=Satisfaction.choices, null=True, blank=True
    )
    again = models.CharField("repartir", max_length=5, choices=Again.choices)
    first_holiday = models.BooleanField("premières vacances depuis longtemps", null=True, blank=True)
    comment = models.CharField("commentaire", max_length=500, blank=True)
    answered_at = models.DateTimeField("répondu le", auto_now_add=True)

    class Meta:
        verbose_name = "réponse à l'enquête de satisfaction"
        verbose_name_plural = "réponses à l'enquête de satisfaction"
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1, satisfaction__lte=4), name="survey_satisfaction_range"
            )
        ]

    def __str__(self) -> str:
        return f"Réponse du projet {self.project_id}"


class ReminderSent(models.Model):
    """A reminder already sent for a milestone, ``days_before`` its planned date: the unique
    constraint is what makes ``send_reminders`` idempotent."""

    milestone = models.ForeignKey("territory.Milestone", on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField("jours avant")
    recipients = models.PositiveIntegerField("destinataires", default=0)
    sent_at = models.DateTimeField("envoyé le", auto_now_add=True)

    class Meta:
        verbose_name = "rappel envoyé"
        verbose_name_plural = "rappels envoyés"
        constraints = [
            models.UniqueConstraint(fields=["milestone", "days_before"], name="reminder_once_per_milestone")
        ]

    def __str__(self) -> str:
        return f"Rappel J-{self.days_before} ({self.milestone_id})"
