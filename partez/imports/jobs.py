"""The import job: apply a previewed batch in the background, with progress, then show its page."""

from django.urls import reverse

from partez.jobs.models import Job
from partez.jobs.registry import Progress, handler
from partez.organisations.models import Membership

from . import perms, services
from .models import BatchStatus, ImportBatch


@handler("households_import")
def import_households(job: Job, progress: Progress) -> None:
    batch = ImportBatch.objects.get(pk=job.params["batch"], organisation=job.organisation)
    membership = (
        Membership.objects.active()
        .select_related("organisation")
        .filter(user=job.created_by, organisation=job.organisation)
        .first()
    )
    if membership is None or not perms.can_import_households(membership):
        ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.PREVIEW)
        raise PermissionError("L'auteur·rice de l'import n'a plus le droit d'importer des foyers.")

    def on_progress(done: int, total: int) -> None:
        progress.update(done, total, f"{done} foyer{'s' if done > 1 else ''} sur {total}")

    try:
        services.batch_apply(batch, membership, on_progress)
    except BaseException:
        ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.RUNNING).update(status=BatchStatus.PREVIEW)
        raise
    Job.objects.filter(pk=job.pk).update(result_url=reverse("imports_detail", args=[batch.pk]))
