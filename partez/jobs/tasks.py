"""The single task the worker runs: execute a Job by its kind, tracking status and progress."""

import logging

from django.utils import timezone
from django_tasks import task

from . import files
from .models import Job, JobStatus
from .registry import HANDLERS, Cancelled, Progress

logger = logging.getLogger(__name__)


@task()
def run_job(job_id: str) -> str:
    started = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    job = Job.objects.get(pk=job_id)
    if not started:
        return job.status
    if job.cancel_requested:
        Job.objects.filter(pk=job.pk).update(status=JobStatus.CANCELLED, finished_at=timezone.now())
        return JobStatus.CANCELLED
    try:
        HANDLERS[job.kind](job, Progress(job))
    except Cancelled:
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.CANCELLED, finished_at=timezone.now(), message="Annulé à la demande."
        )
        return JobStatus.CANCELLED
    except Exception as exc:
        logger.exception("job %s failed", job.pk)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            error=repr(exc)[:2000],
            message="Le traitement a échoué.",
        )
        return JobStatus.FAILED
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE, progress=100, finished_at=now, expires_at=files.expiry(now)
    )
    return JobStatus.DONE
