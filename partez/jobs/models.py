import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class JobStatus(models.TextChoices):
    QUEUED = "queued", "En attente"
    RUNNING = "running", "En cours"
    DONE = "done", "Terminé"
    FAILED = "failed", "Échec"
    CANCELLED = "cancelled", "Annulé"


class Job(models.Model):
    """A long piece of work run by the task worker; the UI polls it for progress and can cancel it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("type", max_length=40)
    label = models.CharField("libellé", max_length=200)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="jobs"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField("statut", max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0)
    message = models.CharField("message", max_length=300, blank=True)
    cancel_requested = models.BooleanField(default=False)
    result_file = models.FileField(upload_to="jobs/", blank=True)
    result_name = models.CharField(max_length=200, blank=True)
    # A page showing the result, for jobs whose result is not a file (e.g. an allocation to review).
    result_url = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The result file is refused after this and deleted by ``purge_job_files`` (jobs/files.py).
    expires_at = models.DateTimeField("fichier disponible jusqu'au", null=True, blank=True)

    class Meta:
        verbose_name = "traitement"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.label

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)
