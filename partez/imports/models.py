from django.conf import settings
from django.db import models


class BatchStatus(models.TextChoices):
    PREVIEW = "preview", "À vérifier"
    RUNNING = "running", "Import en cours"
    IMPORTED = "imported", "Importé"
    UNDONE = "undone", "Annulé"


class ImportBatch(models.Model):
    """One uploaded file: its rows as read (editable until confirmed), the consent the structure
    says it collected, and what the import did."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("déposé le", auto_now_add=True)
    file_name = models.CharField("fichier", max_length=200)
    file_sha256 = models.CharField(max_length=64)
    headers = models.JSONField("en-têtes", default=list)
    # header_key → field (or "" to ignore the column): the mapping used for this file
    mapping = models.JSONField("correspondance des colonnes", default=dict, blank=True)
    rows = models.JSONField("lignes", default=list)  # [[row number, [cells]]]
    edited_rows = models.JSONField("lignes corrigées", default=list, blank=True)
    consent_scopes = models.JSONField("consentements recueillis", default=list)
    consent_collected_on = models.DateField("consentement recueilli le")
    status = models.CharField(max_length=10, choices=BatchStatus.choices, default=BatchStatus.PREVIEW)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    summary = models.JSONField("bilan de l'import", default=dict, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "import de foyers"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import « {self.file_name} »"


class ImportedHousehold(models.Model):
    """A household an import created or updated (what undo reverts, and what a re-import of the
    same household key finds again)."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="households")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="+")
    key = models.CharField("n° foyer dans le fichier", max_length=100)
    created = models.BooleanField(default=False)
    before = models.JSONField(default=dict, blank=True)  # the household's values before an update
    persons_added = models.JSONField(default=list, blank=True)  # person ids added by the import

    class Meta:
        verbose_name = "foyer importé"
        indexes = [models.Index(fields=["organisation", "key"], name="imported_key_idx")]

    def __str__(self) -> str:
        return f"N° foyer {self.key}"


class ColumnMapping(models.Model):
    """The columns an organisation's files use that partez does not recognise by themselves."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    mapping = models.JSONField(default=dict)  # header_key → field ("" = ignored)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "correspondance de colonnes"

    def __str__(self) -> str:
        return f"Colonnes de {self.organisation}"


class PairStatus(models.TextChoices):
    OPEN = "open", "À examiner"
    DISTINCT = "distinct", "Deux foyers distincts"
    MERGED = "merged", "Fusionnés"


class DuplicatePair(models.Model):
    """Two households that may be one family (``a_id < b_id``). A decision is remembered: a pair
    said distinct is never proposed again."""

    a = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField("score")
    reasons = models.JSONField("raisons", default=list)
    status = models.CharField(max_length=10, choices=PairStatus.choices, default=PairStatus.OPEN)
    found_at = models.DateTimeField("trouvé le", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "doublon possible"
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["a", "b"], name="duplicate_pair_unique"),
            models.CheckConstraint(condition=models.Q(a__lt=models.F("b")), name="duplicate_pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"Doublon possible {self.a_id} / {self.b_id}"


class HouseholdMerge(models.Model):
    """A merge of ``removed`` into ``kept``, with everything needed to undo it for a period."""

    kept = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="+")
    removed_id = models.PositiveBigIntegerField("foyer fusionné (id)")
    removed_reference = models.CharField("foyer fusionné", max_length=20)
    pair = models.ForeignKey(
        DuplicatePair, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    snapshot = models.JSONField(default=dict)  # the removed household, its persons, what moved
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "fusion de foyers"
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"Fusion de {self.removed_reference}"
