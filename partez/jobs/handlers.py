"""Job handlers. The first real one: export the households an organisation follows to XLSX
(the lines: ``households.exports``)."""

import tempfile

from django.core.files import File
from django.utils import timezone

from partez.households import exports
from partez.organisations.models import Membership
from partez.organisations.perms import can_export_households

from .models import Job
from .registry import Progress, handler


@handler("households_export", may_download=can_export_households)
def export_households(job: Job, progress: Progress) -> None:
    membership = (
        Membership.objects.active()
        .select_related("organisation")
        .filter(user=job.created_by, organisation=job.organisation)
        .first()
    )
    if membership is None or not can_export_households(membership):
        # deactivated (or role changed) between the click and the run: export nothing
        raise PermissionError("L'auteur·rice de l'export n'a plus accès aux foyers de cette organisation.")
    households = exports.households_of(membership)
    total = households.count()

    def on_chunk(done: int) -> None:
        progress.update(done, total, f"{done} foyer{'s' if done > 1 else ''} sur {total}")

    with tempfile.TemporaryFile() as tmp:
        exports.write_xlsx(exports.rows(households, on_chunk), tmp)
        tmp.seek(0)
        name = f"foyers-{job.organisation.slug}-{timezone.localtime(job.created_at):%Y%m%d-%H%M}.xlsx"
        job.result_file.save(f"{job.pk}.xlsx", File(tmp), save=False)
        Job.objects.filter(pk=job.pk).update(result_file=job.result_file.name, result_name=name)
