from django.db import models


class RetentionNotice(models.Model):
    """A case file whose retention period is over: the coordination and the referent structure
    were told on ``notified_on``; it is anonymised from ``anonymise_on`` (the grace period) unless
    the file becomes active again (then the notice is dropped)."""

    household = models.OneToOneField(
        "households.Household", on_delete=models.CASCADE, related_name="retention_notice"
    )
    notified_on = models.DateField("notifié le")
    anonymise_on = models.DateField("anonymisé à partir du")
    last_activity = models.DateField("dernière activité")

    class Meta:
        verbose_name = "échéance de conservation"
        verbose_name_plural = "échéances de conservation"
        ordering = ["anonymise_on", "id"]

    def __str__(self) -> str:
        return f"Foyer {self.household_id} : anonymisation le {self.anonymise_on:%d/%m/%Y}"
