"""Job handlers. The first real one: export the households an organisation follows to XLSX."""

import tempfile

from django.core.files import File
from django.utils import timezone
from openpyxl import Workbook

from partez.households.models import Person
from partez.households.selectors import households_for
from partez.organisations.models import Membership
from partez.organisations.perms import can_export_households

from .models import Job
from .registry import Progress, handler

CHUNK = 500


@handler("households_export")
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
    households = households_for(membership).order_by("pk")
    total = households.count()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Personnes")
    ws.append(
        [
            "Référence foyer",
            "Commune",
            "Code INSEE",
            "QF (€)",
            "Prénom",
            "Nom",
            "Date de naissance",
            "Lien",
            "Situation",
            "Handicap",
        ]
    )
    done = 0
    last_pk = 0
    while True:
        batch = list(
            households.filter(pk__gt=last_pk).select_related("commune").defer("commune__geometry")[:CHUNK]
        )
        if not batch:
            break
        persons = Person.objects.filter(household__in=batch).order_by("household_id", "birth_date", "pk")
        by_household: dict[int, list[Person]] = {}
        for p in persons:
            by_household.setdefault(p.household_id, []).append(p)
        for h in batch:
            for p in by_household.get(h.pk, []):
                ws.append(
                    [
                        h.reference,
                        h.commune.name,
                        h.commune.insee_code,
                        h.qf_euros,
                        p.first_name,
                        p.last_name,
                        p.birth_date,
                        p.get_relation_display(),
                        p.get_employment_display(),
                        "oui" if p.has_disability else "non",
                    ]
                )
        done += len(batch)
        last_pk = batch[-1].pk
        progress.update(done, total, f"{done} foyer{'s' if done > 1 else ''} sur {total}")
    with tempfile.TemporaryFile() as tmp:
        wb.save(tmp)
        tmp.seek(0)
        name = f"foyers-{job.organisation.slug}-{timezone.localtime(job.created_at):%Y%m%d-%H%M}.xlsx"
        job.result_file.save(f"{job.pk}.xlsx", File(tmp), save=False)
        Job.objects.filter(pk=job.pk).update(result_file=job.result_file.name, result_name=name)
