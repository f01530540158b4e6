from django.conf import settings
from django.db import models


class AuditLog(models.Model):
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

    class Meta:
        verbose_name = "entrée du journal d'audit"
        verbose_name_plural = "journal d'audit"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    @property
    def action_label(self) -> str:
        from .audit import ACTION_LABELS

        return ACTION_LABELS.get(self.action, self.action)
