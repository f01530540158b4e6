from django.conf import settings
from django.db import models


class ChainedEntry(models.Model):
    """The tamper-evident chain (see audit.py): ``details_digest`` = sha256(salt + canonical
    changes), written with the row; ``seq``, ``prev_hash`` and ``entry_hash`` are set by
    ``audit.seal()`` under the chain head's lock, in seq order."""

    details_digest = models.CharField(max_length=64, blank=True, editable=False)
    details_salt = models.CharField(max_length=32, blank=True, editable=False)
    seq = models.BigIntegerField(null=True, blank=True, unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    entry_hash = models.CharField(max_length=64, blank=True, editable=False)

    # the concrete log's own columns, which the chain and the labels read
    at: models.DateTimeField
    action: models.CharField
    object_type: models.CharField
    object_id: models.CharField

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    @property
    def action_label(self) -> str:
        from .audit import ACTION_LABELS

        return str(ACTION_LABELS.get(self.action, self.action))


class AuditLog(ChainedEntry):
    """Who changed what, when, in which organisation. Written by every service; never edited."""

    at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur·rice", null=True, blank=True, on_delete=models.SET_NULL
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField("action", max_length=64)
    object_type = models.CharField("type d'objet", max_length=64)
    object_id = models.CharField("identifiant", max_length=64)
    changes = models.JSONField("modifications", default=dict, blank=True)
    # A redaction (anonymisation, retention) rewrites ``changes``, clears the salt and sets
    # ``redacted_at``; the digest stays, so the chain still verifies, and an « audit.redact »
    # entry of the chain names the rows.
    redacted_at = models.DateTimeField("anonymisée le", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "entrée du journal d'audit"
        verbose_name_plural = "journal d'audit"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["seq"], name="audit_unsealed_idx", condition=models.Q(seq__isnull=True)),
        ]


class AccessLog(ChainedEntry):
    """Who opened a case file (a page, an API GET) or downloaded a file, when, from which
    organisation: the answer to « who saw this file ». Ids only, never personal data. Hash-chained
    like the audit log (its own chain: ``audit.seal(AccessLog)``); never edited."""

    at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="personne",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField("consultation", max_length=64)
    object_type = models.CharField("type d'objet", max_length=64)
    object_id = models.CharField("identifiant", max_length=64)
    changes = models.JSONField("détail", default=dict, blank=True)

    class Meta:
        verbose_name = "consultation"
        verbose_name_plural = "consultations (qui a vu quoi)"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"], name="access_object_idx"),
            models.Index(fields=["seq"], name="access_unsealed_idx", condition=models.Q(seq__isnull=True)),
        ]


class AuditChainHead(models.Model):
    """The row that holds a chain's last sealed entry (one per chain: « auditlog », « accesslog »):
    sealing starts with an UPDATE of it, which locks it (PostgreSQL row lock, SQLite's write
    lock), so two sealers never fork the chain."""

    chain = models.CharField(max_length=32, unique=True, default="auditlog")
    seq = models.BigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default="0" * 64)
    sealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "tête de la chaîne d'audit"

    def __str__(self) -> str:
        return f"#{self.seq} {self.entry_hash[:12]}"
