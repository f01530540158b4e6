"""A job's result file: who may download it, until when, and its deletion.

A file is served only to its author, in the organisation it was made for, while the author's
membership is active and their role still passes the kind's rule (``@handler(kind,
may_download=...)``; a kind without a rule never serves its file). It expires
``file_retention_days`` (a dated parameter, ``parameters.yaml``) after the job finished; then it
is refused and ``manage.py purge_job_files`` (daily) deletes it. Every download is audited.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from partez.core import audit, parameters
from partez.core.errors import DomainError, NotAllowed
from partez.organisations.models import Membership

from .models import Job, JobStatus
from .registry import DOWNLOAD_RULES

PARAMETERS = Path(__file__).with_name("parameters.yaml")


class FileExpired(DomainError):
    """The file's period is over (answered 410)."""


def retention_days(on: dt.date) -> int:
    return int(parameters.load(PARAMETERS)["file_retention_days"].at(on).value)


def expiry(finished_at: dt.datetime) -> dt.datetime:
    return finished_at + dt.timedelta(days=retention_days(timezone.localdate(finished_at)))


def job_file_open(*, actor: Membership, job: Job):
    """The job's file, opened for reading, and the download audited. The caller fetched ``job``
    through the actor's organisation and user (404 otherwise)."""
    if job.organisation_id != actor.organisation_id or job.created_by_id != actor.user_id:
        raise NotAllowed("Ce fichier n'est pas le vôtre.")
    rule = DOWNLOAD_RULES.get(job.kind)
    if rule is None or not actor.is_active or not rule(actor):
        raise NotAllowed("Votre rôle ne donne plus accès à ce fichier.")
    if job.status != JobStatus.DONE or not job.result_file:
        raise DomainError("Fichier indisponible.")
    if job.is_expired:
        raise FileExpired(
            f"Ce fichier a expiré le {timezone.localtime(job.expires_at):%d/%m/%Y à %H:%M} ; relancez le traitement."
        )
    with transaction.atomic():
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="job.download",
            obj=job,
            changes={"kind": job.kind, "file": job.result_name},
        )
    return job.result_file.open("rb")


def job_files_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the expired files (the job rows stay, without their file); returns how many."""
    now = now or timezone.now()
    deleted = 0
    for job in Job.objects.filter(expires_at__lte=now).exclude(result_file="").iterator():
        with transaction.atomic():
            name = job.result_file.name
            job.result_file.delete(save=False)
            Job.objects.filter(pk=job.pk).update(result_file="")
            audit.record(
                actor=None,
                organisation=job.organisation,
                action="job.file_delete",
                obj=job,
                changes={"file": name, "expired_at": job.expires_at},
            )
        deleted += 1
    return deleted
