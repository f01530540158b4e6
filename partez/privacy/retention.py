"""Retention: how long each kind of data is kept (``retention.yaml``, dated parameters) and the
daily work of ``manage.py apply_retention``.

Each day, for the date ``today``:

1. **case files** whose last activity (the household's last change, its projects' last change)
   is older than ``case_file_months`` and that have no open project get a notice (the
   coordination and the referent structure are e-mailed the references, never a name; the page
   « Durées de conservation » lists them); a notice whose file became active again is dropped;
   a notice older than ``grace_days`` is carried out: the household is anonymised
   (:func:`partez.privacy.anonymise.household_anonymise`);
2. **journal notes** of projects closed more than ``journal_notes_months`` ago are deleted;
3. **signature images** of Fête hand-overs older than ``signatures_months`` are deleted (the
   receipt, amount, chèque serials and the image's SHA-256 stay: the accounting proof);
4. **audit details** older than ``audit_details_months`` are redacted (who did what, when, on
   which object stays; the chain stays verifiable), then the chain is sealed.

Job files are expired by the jobs app (``partez/jobs/parameters.yaml``, ``file_retention_days``;
``manage.py purge_job_files``); the page shows that period with the others.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse

from partez.core import audit, parameters
from partez.core.models import AccessLog, AuditLog
from partez.fete.models import Handover
from partez.households.models import FollowUp, Household
from partez.jobs.files import PARAMETERS as JOB_PARAMETERS
from partez.organisations.models import Membership, OrganisationKind, Role
from partez.projects.models import JournalEntry, Project
from partez.projects.workflow import Status

from .anonymise import household_anonymise, scrub_all
from .models import RetentionNotice

PARAMETERS_FILE = Path(__file__).with_name("retention.yaml")
CLOSED = [Status.REFUSED, Status.RETURNED, Status.EVALUATED, Status.WITHDRAWN]
SYSTEM_REASON = "durée de conservation échue"

KINDS = [
    # (parameter, unit, what it means in the interface, file) — job files are the jobs app's
    ("case_file_months", "mois", "Dossier du foyer", PARAMETERS_FILE),
    ("journal_notes_months", "mois", "Journal d'accompagnement", PARAMETERS_FILE),
    ("signatures_months", "mois", "Signatures de remise (Fête)", PARAMETERS_FILE),
    ("file_retention_days", "jours", "Fichiers des traitements", JOB_PARAMETERS),
    ("audit_details_months", "mois", "Détails du journal d'audit", PARAMETERS_FILE),
    ("grace_days", "jours", "Délai avant anonymisation", PARAMETERS_FILE),
]


def value(name: str, on: dt.date) -> int:
    return int(parameters.load(PARAMETERS_FILE)[name].at(on).value)


@dataclass(frozen=True)
class Period:
    name: str
    label: str
    description: str
    value: int
    unit: str
    since: dt.date
    history: tuple  # ((start, value), …) of earlier values


def periods(on: dt.date) -> list[Period]:
    """Every retention period in force on ``on``, for the interface."""
    out = []
    for name, unit, label, path in KINDS:
        p = parameters.load(path)[name]
        current = p.at(on)
        history = tuple((v.start, v.value) for v in p.values if v.start < current.start)
        out.append(Period(name, label, p.description, int(current.value), unit, current.start, history))
    return out


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (the month's last day when it has fewer days)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _cutoff(today: dt.date, name: str) -> dt.datetime:
    unit = {n: u for n, u, _label, _path in KINDS}[name]
    amount = value(name, today)
    day = today - dt.timedelta(days=amount) if unit == "jours" else months_before(today, amount)
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def due_households(today: dt.date):
    """Households whose file is past ``case_file_months`` after its last activity, none open."""
    cutoff = _cutoff(today, "case_file_months")
    open_projects = Project.objects.filter(household=OuterRef("pk")).exclude(status__in=CLOSED)
    return (
        Household.objects.filter(anonymised_at__isnull=True)
        .annotate(
            last_activity=Greatest("updated_at", Coalesce(Max("projects__updated_at"), "updated_at")),
            has_open=Exists(open_projects),
        )
        .filter(last_activity__lt=cutoff, has_open=False)
    )


@dataclass
class Report:
    notified: list[str] = field(default_factory=list)  # references
    cancelled: int = 0
    anonymised: list[str] = field(default_factory=list)
    journal_entries: int = 0
    signatures: int = 0
    audit_entries: int = 0
    sealed: int = 0


def _recipients(household_ids: list[int]) -> dict[str, list[str]]:
    """E-mail address → references of the files it is told about: the coordination gets all,
    each referent structure's coordinators and commune referents get theirs."""
    references = dict(Household.objects.filter(pk__in=household_ids).values_list("pk", "reference"))
    by_email: dict[str, set[str]] = {}
    coordination = (
        Membership.objects.active()
        .filter(organisation__kind=OrganisationKind.COORDINATOR, role=Role.COORDINATOR)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    for email in coordination:
        by_email.setdefault(email, set()).update(references.values())
    referents = FollowUp.objects.filter(
        household_id__in=household_ids, ended_on__isnull=True, is_referent=True
    ).values_list("household_id", "organisation_id")
    organisations: dict[int, set[str]] = {}
    for household_id, organisation_id in referents:
        organisations.setdefault(organisation_id, set()).add(references[household_id])
    members = (
        Membership.objects.active()
        .filter(organisation_id__in=list(organisations), role__in=[Role.COORDINATOR, Role.COMMUNE_REFERENT])
        .exclude(user__email="")
        .values_list("organisation_id", "user__email")
    )
    for organisation_id, email in members:
        by_email.setdefault(email, set()).update(organisations[organisation_id])
    return {email: sorted(refs) for email, refs in by_email.items()}


def _notify(notices: list[RetentionNotice], base_url: str) -> None:
    if not notices:
        return
    anonymise_on = notices[0].anonymise_on
    link = (
        f"{base_url.rstrip('/')}{reverse('retention')}" if base_url else "la page « Durées de conservation »"
    )
    for email, refs in _recipients([n.household_id for n in notices]).items():
        body = (
            "Bonjour,\n\nLa durée de conservation des dossiers suivants est échue (aucun projet en cours, "
            f"aucune activité depuis plus de {value('case_file_months', anonymise_on)} mois). "
            f"Ils seront anonymisés à partir du {anonymise_on:%d/%m/%Y} :\n\n"
            + "\n".join(f"- {r}" for r in refs)
            + "\n\nUn dossier qui reprend (un nouveau projet, une modification) n'est pas anonymisé. "
            f"La liste : {link}\n\n— partez"
        )
        send_mail(
            f"[partez] {len(refs)} dossier(s) à anonymiser le {anonymise_on:%d/%m/%Y}",
            body,
            settings.DEFAULT_FROM_EMAIL,
            [email],
        )


def apply(*, today: dt.date, base_url: str = "") -> Report:
    """The daily retention run for ``today`` (see the module's docstring). Idempotent."""
    report = Report()
    grace = value("grace_days", today)
    due = due_households(today)
    due_ids = set(due.values_list("pk", flat=True))
    # files that became active again: no anonymisation
    stale = RetentionNotice.objects.exclude(household_id__in=due_ids)
    report.cancelled, _ = stale.delete()
    known = set(RetentionNotice.objects.values_list("household_id", flat=True))
    last = dict(due.filter(pk__in=due_ids - known).values_list("pk", "last_activity"))
    new = [
        RetentionNotice(
            household_id=pk,
            notified_on=today,
            anonymise_on=today + dt.timedelta(days=grace),
            last_activity=activity.date(),
        )
        for pk, activity in last.items()
    ]
    with transaction.atomic():
        RetentionNotice.objects.bulk_create(new)
        for notice in new:
            audit.record(
                actor=None,
                organisation=None,
                action="retention.notify",
                obj=Household(pk=notice.household_id),
                changes={"anonymise_on": notice.anonymise_on},
            )
    _notify(new, base_url)
    report.notified = sorted(Household.objects.filter(pk__in=last).values_list("reference", flat=True))
    for notice in RetentionNotice.objects.filter(anonymise_on__lte=today).select_related("household"):
        household_anonymise(actor=None, household=notice.household, reason=SYSTEM_REASON)
        report.anonymised.append(notice.household.reference)
    report.journal_entries = _journal_notes(today)
    report.signatures = _signatures(today)
    report.audit_entries = _audit_details(today)
    report.sealed = audit.seal() + audit.seal(AccessLog)
    return report


def _journal_notes(today: dt.date) -> int:
    cutoff = _cutoff(today, "journal_notes_months")
    entries = JournalEntry.objects.filter(project__status__in=CLOSED, project__updated_at__lt=cutoff)
    projects = list(Project.objects.filter(pk__in=entries.values("project_id")).only("pk"))
    with transaction.atomic():
        deleted, _ = entries.delete()
        for project in projects:
            audit.record(actor=None, organisation=None, action="retention.journal", obj=project)
    return deleted


def _signatures(today: dt.date) -> int:
    cutoff = _cutoff(today, "signatures_months")
    handovers = Handover.objects.filter(at__lt=cutoff).exclude(signature_png=b"")
    with transaction.atomic():
        ids = list(handovers.values_list("pk", flat=True))
        Handover.objects.filter(pk__in=ids).update(signature_png=b"")
        for pk in ids:
            audit.record(actor=None, organisation=None, action="retention.signature", obj=Handover(pk=pk))
    return len(ids)


def _audit_details(today: dt.date) -> int:
    cutoff = _cutoff(today, "audit_details_months")
    old = (
        AuditLog.objects.filter(at__lt=cutoff, redacted_at__isnull=True)
        .exclude(changes={})
        .exclude(action="audit.redact")
        .order_by("id")
    )
    total = 0
    while True:
        batch = list(old[:1000])
        if not batch:
            return total
        with transaction.atomic():
            total += audit.redact(
                batch,
                scrub_all,
                actor=None,
                organisation=None,
                reason="durée de conservation du détail échue",
                obj=batch[0],
            )
