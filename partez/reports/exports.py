"""The tidy export: one line per person × project, filtered as the dashboard is, read in chunks
(keyset pagination on the person × project row) so 10,000+ lines never sit in memory at once.
The same rows feed the streamed CSV and the XLSX background job."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.db.models import F

from partez.funding.models import PlanLine
from partez.households.models import EmploymentSituation
from partez.organisations.models import Membership
from partez.projects.models import ProjectFormat, ProjectStatus
from partez.projects.selectors import project_scope

from . import stats
from .selectors import LEFT, PAID_PLANS, Filters, age_band, household_type, qf_band, travellers

CHUNK = 2000
HEADERS = [
    "Édition",
    "Référence du projet",
    "Statut",
    "Format",
    "Commune",
    "Code INSEE",
    "Référence du foyer",
    "Type de foyer",
    "QF (€)",
    "Tranche de QF",
    "Prénom",
    "Nom",
    "Date de naissance",
    "Tranche d'âge",
    "Situation",
    "Parti·e",
    "Premier départ",
    "Départ",
    "Retour",
    "Nuits",
    "Département de destination",
    "Région de destination",
    "Dispositifs d'aide",
]
AGE_LABELS = {k: label for k, label, _ in stats.AGE_BANDS}
QF_LABELS = {k: label for k, label, _ in stats.QF_BANDS} | dict([stats.QF_UNKNOWN])
TYPE_LABELS = dict(stats.HOUSEHOLD_TYPES)
STATUS_LABELS = dict(ProjectStatus.choices)
FORMAT_LABELS = dict(ProjectFormat.choices)
EMPLOYMENT_LABELS = dict(EmploymentSituation.choices)
FIELDS = (
    "id",
    "project_id",
    "project__reference",
    "project__status",
    "project__format",
    "project__household__commune__name",
    "project__household__commune__insee_code",
    "project__household__reference",
    "htype",
    "project__household__qf_cents",
    "qf",
    "person__first_name",
    "person__last_name",
    "person__birth_date",
    "age",
    "person__employment",
    "is_first",
    "project__start_date",
    "project__end_date",
    "project__destination_department",
)


def _lines(filters: Filters, reader: Membership | None):
    """The person × project lines of the filters; with a ``reader``, only those of the projects
    whose file it sees (``projects.selectors.project_scope``): the export names people, so a
    commune does not get the residents a relay structure follows without their consent to share."""
    qs = travellers(filters)
    return qs if reader is None else qs.filter(project_scope(reader, prefix="project__"))


def count(filters: Filters, reader: Membership | None = None) -> int:
    return _lines(filters, reader).count()


def rows(filters: Filters, reader: Membership | None = None) -> Iterator[list]:
    """The export's lines (without the header), chunk by chunk: 2 queries per chunk."""
    qs = _lines(filters, reader).annotate(
        age=age_band(filters.edition.year), qf=qf_band(), htype=household_type()
    )
    last = 0
    year = filters.edition.year
    while True:
        chunk = list(qs.filter(id__gt=last).order_by("id").values_list(*FIELDS)[:CHUNK])
        if not chunk:
            return
        last = chunk[-1][0]
        schemes: dict[int, list[str]] = defaultdict(list)
        for project_id, name in (
            PlanLine.objects.filter(
                plan__project_id__in={r[1] for r in chunk}, plan__is_current=True, plan__status__in=PAID_PLANS
            )
            .order_by("plan__project_id", "order", "id")
            .values_list("plan__project_id", F("scheme__name"))
        ):
            if name not in schemes[project_id]:
                schemes[project_id].append(name)
        for r in chunk:
            (
                _id,
                project_id,
                reference,
                status,
                fmt,
                commune,
                insee,
                household,
                htype,
                qf_cents,
                qf,
                first_name,
                last_name,
                born,
                age,
                employment,
                is_first,
                start,
                end,
                department,
            ) = r
            left = status in LEFT
            yield [
                year,
                reference,
                STATUS_LABELS.get(status, status),
                FORMAT_LABELS.get(fmt, fmt),
                commune,
                insee,
                household,
                TYPE_LABELS.get(htype, htype),
                None if qf_cents is None else round(qf_cents / 100),
                QF_LABELS.get(qf, qf),
                first_name,
                last_name,
                born,
                AGE_LABELS.get(age, age),
                EMPLOYMENT_LABELS.get(employment, employment),
                "oui" if left else "non",
                "oui" if left and is_first else "non",
                start,
                end,
                (end - start).days if start and end else None,
                department,
                stats.REGIONS.get(stats.region_of(department) or "", ""),
                ", ".join(schemes.get(project_id, [])),
            ]
