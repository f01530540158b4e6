"""Job kinds of the bilan: the person × project export as XLSX (openpyxl write-only, rows read
chunk by chunk, progress reported per chunk)."""

from __future__ import annotations

import tempfile

from django.core.files import File
from django.utils import timezone

from partez.core.spreadsheet import Workbook
from partez.jobs.models import Job
from partez.jobs.registry import Progress, handler
from partez.organisations import perms
from partez.organisations.models import Membership, Organisation
from partez.schemes.models import Scheme
from partez.territory.models import Commune, Edition

from . import exports
from .selectors import Filters


def filters_from_params(params: dict) -> Filters:
    def get(queryset, field, value):
        return queryset.get(**{field: value}) if value else None

    return Filters(
        Edition.objects.get(year=params["edition"]),
        commune=get(Commune.objects.defer("geometry"), "insee_code", params.get("commune")),
        scheme=get(Scheme.objects.all(), "slug", params.get("scheme")),
        funder=get(Organisation.objects.all(), "slug", params.get("funder")),
    )


@handler("bilan_export", may_download=perms.can_export_bilan)
def export_bilan(job: Job, progress: Progress) -> None:
    membership = (
        Membership.objects.active()
        .select_related("organisation")
        .filter(user=job.created_by, organisation=job.organisation)
        .first()
    )
    if membership is None or not perms.can_export_bilan(membership):
        raise PermissionError("L'auteur·rice de l'export n'a plus accès au bilan de cette organisation.")
    filters = filters_from_params(job.params)
    if not perms.sees_whole_territory(membership) and filters.commune != membership.organisation.commune:
        raise PermissionError("Une commune n'exporte que ses propres habitant·es.")
    total = exports.count(filters, membership)
    wb = Workbook()
    ws = wb.create_sheet("Personnes × projets")
    ws.append(exports.HEADERS)
    for done, row in enumerate(exports.rows(filters, membership), start=1):
        ws.append(row)
        if done % exports.CHUNK == 0:
            progress.update(done, total, f"{done} lignes sur {total}")
    with tempfile.TemporaryFile() as tmp:
        wb.save(tmp)
        tmp.seek(0)
        name = f"bilan-{filters.edition.year}-{timezone.localtime(job.created_at):%Y%m%d-%H%M}.xlsx"
        job.result_file.save(f"{job.pk}.xlsx", File(tmp), save=False)
        Job.objects.filter(pk=job.pk).update(result_file=job.result_file.name, result_name=name)
