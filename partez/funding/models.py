"""Funders' envelopes, their commune quotas, the commitment ledger and the saved financing plans.

Money is in integer cents. An envelope's counters (``reserved_cents``, ``consumed_cents``) are
only moved by :mod:`partez.funding.services`, under row locks, and every move appends a
:class:`Commitment` to the ledger, so that for every envelope (and quota)::

    reserved = Σ reserve − Σ release − Σ consume        consumed = Σ consume

Check constraints make the database itself refuse an overspent envelope or quota
(``reserved + consumed ≤ amount``), whatever the code does.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


def _counter_constraints(prefix: str) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(amount_cents__gte=0) & Q(reserved_cents__gte=0) & Q(consumed_cents__gte=0),
            name=f"{prefix}_amounts_not_negative",
        ),
        models.CheckConstraint(
            condition=Q(amount_cents__gte=F("reserved_cents") + F("consumed_cents")),
            name=f"{prefix}_not_overspent",
        ),
    ]


class Envelope(models.Model):
    """The money a funder puts into one scheme for one edition."""

    funder = models.ForeignKey(
        "organisations.Organisation",
        verbose_name="financeur",
        on_delete=models.PROTECT,
        related_name="envelopes",
    )
    scheme = models.ForeignKey(
        "schemes.Scheme", verbose_name="dispositif", on_delete=models.PROTECT, related_name="envelopes"
    )
    edition = models.ForeignKey(
        "territory.Edition", verbose_name="édition", on_delete=models.PROTECT, related_name="envelopes"
    )
    label = models.CharField("libellé", max_length=120)
    amount_cents = models.BigIntegerField("montant (centimes)", default=0)
    reserved_cents = models.BigIntegerField("engagé (centimes)", default=0)
    consumed_cents = models.BigIntegerField("consommé (centimes)", default=0)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "enveloppe"
        ordering = ["edition", "label", "id"]
        constraints = [
            # One envelope per funder, scheme and edition: a plan line finds its envelope by
            # these three, so a second one would make that choice arbitrary.
            models.UniqueConstraint(fields=["funder", "scheme", "edition"], name="envelope_unique"),
            *_counter_constraints("envelope"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def available_cents(self) -> int:
        return self.amount_cents - self.reserved_cents - self.consumed_cents

    @property
    def committed_cents(self) -> int:
        return self.reserved_cents + self.consumed_cents


class EnvelopeQuota(models.Model):
    """The part of an envelope set aside for one commune's residents. An envelope with quotas
    funds only the communes that have one, each within its quota (and the envelope's total)."""

    envelope = models.ForeignKey(Envelope, on_delete=models.PROTECT, related_name="quotas")
    commune = models.ForeignKey(
        "territory.Commune", verbose_name="commune", on_delete=models.PROTECT, related_name="+"
    )
    amount_cents = models.BigIntegerField("quota (centimes)", default=0)
    reserved_cents = models.BigIntegerField("engagé (centimes)", default=0)
    consumed_cents = models.BigIntegerField("consommé (centimes)", default=0)

    class Meta:
        verbose_name = "quota communal"
        verbose_name_plural = "quotas communaux"
        ordering = ["envelope_id", "commune__name"]
        constraints = [
            models.UniqueConstraint(fields=["envelope", "commune"], name="envelope_quota_unique"),
            *_counter_constraints("envelope_quota"),
        ]

    def __str__(self) -> str:
        return f"{self.envelope} — {self.commune}"

    @property
    def available_cents(self) -> int:
        return self.amount_cents - self.reserved_cents - self.consumed_cents

    @property
    def committed_cents(self) -> int:
        return self.reserved_cents + self.consumed_cents


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Choisi (non engagé)"
    RESERVED = "reserved", "Engagé"
    RELEASED = "released", "Libéré"
    CONSUMED = "consumed", "Consommé"


class FinancingPlan(models.Model):
    """The financing plan chosen for a project, as computed by the rules engine at that moment
    (amounts and the rule versions used), so it can be explained later even if rules change."""

    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="financing_plans")
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="choisi par", on_delete=models.PROTECT, related_name="+"
    )
    chosen_at = models.DateTimeField("choisi le", auto_now_add=True)
    is_current = models.BooleanField("plan en vigueur", default=True)
    cost_cents = models.BigIntegerField("coût du séjour (centimes)")
    total_aid_cents = models.BigIntegerField("total des aides (centimes)")
    remaining_cents = models.BigIntegerField("reste à charge (centimes)")
    format = models.CharField("format", max_length=12, blank=True)
    versions = models.JSONField("versions des règles", default=dict)
    status = models.CharField("statut", max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)

    class Meta:
        verbose_name = "plan de financement"
        verbose_name_plural = "plans de financement"
        ordering = ["-chosen_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"], condition=Q(is_current=True), name="financing_plan_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"Plan de financement #{self.pk} ({self.get_status_display()})"


class PlanLine(models.Model):
    """One aid of a saved plan; ``envelope`` (and ``quota``) say where its money is committed."""

    plan = models.ForeignKey(FinancingPlan, on_delete=models.CASCADE, related_name="lines")
    scheme = models.ForeignKey(
        "schemes.Scheme", verbose_name="dispositif", on_delete=models.PROTECT, related_name="+"
    )
    envelope = models.ForeignKey(
        Envelope, null=True, blank=True, on_delete=models.PROTECT, related_name="plan_lines"
    )
    quota = models.ForeignKey(
        EnvelopeQuota, null=True, blank=True, on_delete=models.PROTECT, related_name="plan_lines"
    )
    funder = models.CharField("financeur", max_length=200)
    funder_slug = models.CharField("identifiant du financeur", max_length=80, blank=True)
    channel = models.CharField("mode de versement", max_length=16, blank=True)
    aid_cents = models.BigIntegerField("aide (centimes)")
    base_cents = models.BigIntegerField("base de calcul (centimes)")
    computation = models.JSONField("calcul", default=list)
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "ligne de plan de financement"
        ordering = ["plan_id", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(aid_cents__gte=0), name="plan_line_aid_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme_id} : {self.aid_cents} c"


class CommitmentKind(models.TextChoices):
    RESERVE = "reserve", "Engagement"
    RELEASE = "release", "Libération"
    CONSUME = "consume", "Consommation"


class Commitment(models.Model):
    """The ledger: one row per move of money on an envelope. Append-only (no service updates or
    deletes a row; the admin shows it read-only)."""

    envelope = models.ForeignKey(Envelope, on_delete=models.PROTECT, related_name="commitments")
    quota = models.ForeignKey(
        EnvelopeQuota, null=True, blank=True, on_delete=models.PROTECT, related_name="commitments"
    )
    # The household's commune at the time (the quota's when there is one): the per-commune view.
    commune = models.ForeignKey(
        "territory.Commune", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="commitments")
    plan_line = models.ForeignKey(PlanLine, on_delete=models.PROTECT, related_name="commitments")
    kind = models.CharField("mouvement", max_length=8, choices=CommitmentKind.choices)
    amount_cents = models.BigIntegerField("montant (centimes)")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("date", auto_now_add=True)

    class Meta:
        verbose_name = "mouvement sur une enveloppe"
        verbose_name_plural = "registre des engagements"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["envelope", "-at"], name="commitment_envelope_at_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="commitment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_cents} c"


class AllocationStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposée"
    APPLYING = "applying", "En cours d'application"
    APPLIED = "applied", "Appliquée"
    SUPERSEDED = "superseded", "Remplacée par une répartition plus récente"


class AllocationRun(models.Model):
    """A campaign-wide allocation computed by the solver, for the coordination to review and apply.
    ``results`` holds the solver's, first-come-first-served's and the greedy's figures on the
    same data (people and projects funded, bound, gap, seconds, use of each envelope)."""

    edition = models.ForeignKey(
        "territory.Edition", verbose_name="édition", on_delete=models.PROTECT, related_name="allocations"
    )
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("calculée le", auto_now_add=True)
    priorities = models.JSONField("priorités", default=dict)
    time_limit = models.PositiveIntegerField("durée de calcul (s)", default=60)
    results = models.JSONField("résultats", default=dict)
    status = models.CharField(
        "statut", max_length=12, choices=AllocationStatus.choices, default=AllocationStatus.PROPOSED
    )
    applied_at = models.DateTimeField("appliquée le", null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "répartition des enveloppes"
        verbose_name_plural = "répartitions des enveloppes"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Répartition n° {self.pk} ({self.get_status_display()})"


class AllocationDecision(models.Model):
    """What a run proposes for one submitted project: funded with which plan (``option``: index
    into the plans the project page proposes), or on the waiting list (``option`` null)."""

    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="decisions")
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="+")
    people = models.PositiveSmallIntegerField("personnes")
    first_departure = models.BooleanField("premier départ", default=False)
    option = models.PositiveSmallIntegerField("plan retenu", null=True, blank=True)
    schemes = models.JSONField("dispositifs du plan", default=list)
    total_aid_cents = models.BigIntegerField("aides du plan (centimes)", default=0)
    draws = models.JSONField("montant par enveloppe (centimes)", default=dict)
    fcfs_funded = models.BooleanField("financé au premier arrivé", default=False)
    outcome = models.CharField("résultat de l'application", max_length=10, blank=True)
    outcome_message = models.CharField("motif", max_length=300, blank=True)

    class Meta:
        verbose_name = "décision de répartition"
        ordering = ["run_id", "id"]
        constraints = [models.UniqueConstraint(fields=["run", "project"], name="allocation_decision_unique")]

    def __str__(self) -> str:
        return f"{self.project_id} : {'financé' if self.option is not None else 'en attente'}"
