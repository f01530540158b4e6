"""The commission: its sessions (a commune's commission or the coordination's) and the
decisions taken in each, kept as they were at the moment of the decision for the minutes.

A decision is only a record: the project's status and the money move through
``partez.projects.services.project_transition`` (and, for a validation, the envelope
reservation of ``partez.funding.services``), called by ``partez.commissions.services``."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class CommissionSession(models.Model):
    """One sitting of a commission: held on a day by an organisation, for its commune (a commune's
    commission) or the whole territory (``commune`` null: the coordination's commission)."""

    edition = models.ForeignKey(
        "territory.Edition", verbose_name="édition", on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="organisation",
        on_delete=models.PROTECT,
        related_name="commission_sessions",
    )
    commune = models.ForeignKey(
        "territory.Commune",
        verbose_name="commune",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    held_on = models.DateField("date de la séance")
    members = models.TextField("membres présents", help_text="Un nom par ligne, avec la qualité.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("ouverte le", auto_now_add=True)
    closed_at = models.DateTimeField("close le", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "séance de commission"
        verbose_name_plural = "séances de commission"
        ordering = ["-held_on", "-id"]
        constraints = [
            # one session in progress per organisation: every decision knows which minutes it is in
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(closed_at__isnull=True),
                name="commission_one_open_session",
            )
        ]

    def __str__(self) -> str:
        return f"Commission du {self.held_on:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def member_list(self) -> list[str]:
        return [line.strip() for line in self.members.splitlines() if line.strip()]


class DecisionKind(models.TextChoices):
    VALIDATE = "validate", "Validé"
    REFUSE = "refuse", "Refusé"
    ASK_COMPLETION = "ask_completion", "À compléter"


class CommissionDecision(models.Model):
    """A decision on one project in a session, as it was taken: the reason the family and the
    referent see, and for a validation the aid reserved on each envelope (``draws``: a list of
    ``{"envelope", "label", "funder", "cents"}``)."""

    session = models.ForeignKey(CommissionSession, on_delete=models.PROTECT, related_name="decisions")
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("décision", max_length=16, choices=DecisionKind.choices)
    reason = models.CharField("motif", max_length=300, blank=True)
    aid_cents = models.BigIntegerField("aides du plan (centimes)", default=0)
    remaining_cents = models.BigIntegerField("reste à charge (centimes)", null=True, blank=True)
    draws = models.JSONField("montant par enveloppe", default=list)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("décidé le", auto_now_add=True)

    class Meta:
        verbose_name = "décision de commission"
        verbose_name_plural = "décisions de commission"
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.project_id})"

    @property
    def engaged_cents(self) -> int:
        """What the validation reserved on envelopes (the plan's other aids are paid elsewhere)."""
        return sum(int(d.get("cents", 0) or 0) for d in self.draws)
