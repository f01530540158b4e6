"""Start and cancel background jobs (the one way the whole app runs long work)."""

from typing import Any

from django.db import transaction

from partez.core import audit
from partez.core.errors import DomainError
from partez.organisations.models import Membership

from .models import Job, JobStatus
from .registry import HANDLERS


def job_start(
    *,
    actor: Membership,
    kind: str,
    label: str,
    params: dict[str, Any] | None = None,
    backend: str = "default",
) -> Job:
    if kind not in HANDLERS:
        raise DomainError("Type de traitement inconnu.", field="kind")
    from .tasks import run_job

    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            label=label,
            organisation=actor.organisation,
            created_by=actor.user,
            params=params or {},
        )
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="job.start",
            obj=job,
            changes={"kind": kind},
        )
    run_job.using(backend=backend).enqueue(str(job.pk))
    job.refresh_from_db()
    return job


def job_cancel(*, actor: Membership, job: Job) -> Job:
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.is_finished:
            raise DomainError("Ce traitement est déjà terminé.")
        job.cancel_requested = True
        fields = ["cancel_requested"]
        if job.status == JobStatus.QUEUED:
            job.status = JobStatus.CANCELLED
            fields.append("status")
        job.save(update_fields=fields)
        audit.record(actor=actor.user, organisation=actor.organisation, action="job.cancel", obj=job)
    return job
