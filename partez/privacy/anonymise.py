"""Anonymising a household's file in place (retention or erasure on request).

Why in place rather than delete: the household is referenced (PROTECT) by the money ledger
(commitments, financing plans), the chèques-vacances and their movements, the Fête's invitations
and hand-overs; and every figure of the bilan is a query over those same rows. Keeping the rows
and removing what identifies people leaves each query — hence each figure of every past edition,
each funder report and the chèques reconciliation — exactly as it was, by construction, without a
second set of « archived » aggregates to keep in step.

What is removed: names, addresses, phones, e-mails, CAF numbers, incomes, disability, free texts
(journal notes, reasons, destinations, comments, budget labels, the Fête's display label), the
hand-over signature images, and the same values wherever the audit log copied them.
What stays, because the bilan counts it: the commune, each person's relation in the household,
employment situation and birth date **normalised** (1 July of the birth year if born on or before
1 July, else 31 December: the same age on 1 July of every year, which is what the bilan's age
bands read), the quotient familial **band** (the band's lower bound), past departures (year and
scheme), projects' status, format, dates and destination département, the financing plans and
the ledger, chèque serials and amounts, consent records (scopes and dates, no name).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from partez.camping.models import Participant
from partez.cheques.models import Cheque, ChequeMovement
from partez.core import audit
from partez.core.errors import DomainError, NotAllowed
from partez.core.models import AuditLog
from partez.family.services import household_files_delete
from partez.fete.models import Handover, Invitation
from partez.households.models import Consent, FollowUp, Household, PastDeparture, Person
from partez.organisations.models import Membership
from partez.projects.models import BudgetLine, JournalEntry, Project, StatusChange
from partez.reports import stats
from partez.reports.models import SurveyResponse

from . import perms
from .models import RetentionNotice

ANONYMOUS = "Anonyme"


def normalised_birth_date(born: dt.date) -> dt.date:
    """A date with the same age on 1 July of every year as ``born``, and only the birth year."""
    return dt.date(born.year, 7, 1) if (born.month, born.day) <= (7, 1) else dt.date(born.year, 12, 31)


def qf_band_floor(qf_cents: int | None) -> int | None:
    """The lower bound of the bilan's QF band of ``qf_cents`` (same band, no exact income)."""
    if qf_cents is None:
        return None
    floor = 0
    for _key, _label, upper in stats.QF_BANDS:
        if upper is None or qf_cents < upper * 100:
            return floor
        floor = upper * 100
    return floor


@dataclass
class Anonymised:
    household: Household
    persons: int
    journal_entries: int
    signatures: int
    audit_entries: int


def sensitive_terms(household: Household, persons: list[Person]) -> list[str]:
    """The values that identify the household's people, as they may have been copied elsewhere."""
    terms = {household.address, household.phone, household.email, household.caf_number}
    for p in persons:
        terms |= {p.first_name, p.last_name, f"{p.first_name} {p.last_name}", f"{p.last_name} {p.first_name}"}
        terms |= {p.birth_date.isoformat(), p.birth_date.strftime("%d/%m/%Y")}
    terms |= set(Invitation.objects.filter(household=household).values_list("label", flat=True))
    return sorted(t.strip() for t in terms if t and len(t.strip()) >= 2)


def _matcher(terms: list[str]):
    if not terms:
        return None
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def scrub_all(value: Any) -> Any:
    """Every value of the household's own entries (keys stay, so the history says what changed)."""
    if isinstance(value, dict):
        return {k: scrub_all(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_all(v) for v in value]
    return audit.REDACTED if value is not None else None


def _scrub_matching(pattern):
    def scrub(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: scrub(v) for k, v in value.items()}
        if isinstance(value, list):
            return [scrub(v) for v in value]
        if isinstance(value, str) and pattern.search(value):
            return audit.REDACTED
        return value

    return scrub


def own_objects(household: Household, persons: list[Person], project_ids: list[int]) -> Q:
    objects = {
        "households.household": [household.pk],
        "households.person": [p.pk for p in persons],
        "households.consent": list(Consent.objects.filter(household=household).values_list("pk", flat=True)),
        "households.followup": list(
            FollowUp.objects.filter(household=household).values_list("pk", flat=True)
        ),
        "households.pastdeparture": list(
            PastDeparture.objects.filter(person__household=household).values_list("pk", flat=True)
        ),
        "projects.project": project_ids,
        "fete.invitation": list(Invitation.objects.filter(household=household).values_list("pk", flat=True)),
        "fete.handover": list(Handover.objects.filter(household=household).values_list("pk", flat=True)),
        "camping.participant": list(
            Participant.objects.filter(household=household).values_list("pk", flat=True)
        ),
    }
    condition = Q(pk__in=[])
    for label, pks in objects.items():
        if pks:
            condition |= Q(object_type=label, object_id__in=[str(pk) for pk in pks])
    return condition


def _mentioning(terms: list[str]) -> Q:
    """Entries whose details contain one of ``terms`` (as typed, or JSON-escaped as SQLite keeps
    non-ASCII text): a superset, refined in Python by whole-word matching."""
    condition = Q(pk__in=[])
    for t in terms:
        condition |= Q(changes__icontains=t)
        escaped = json.dumps(t)[1:-1]
        if escaped != t:
            condition |= Q(changes__icontains=escaped)
    return condition


def redact_audit(
    household: Household, persons: list[Person], project_ids: list[int], *, actor, organisation
) -> int:
    """Rewrite the audit log's copies of the household's personal data (see core.audit.redact)."""
    terms = sensitive_terms(household, persons)
    pattern = _matcher(terms)
    kept = Q(action="audit.redact")
    own = list(
        AuditLog.objects.filter(own_objects(household, persons, project_ids))
        .exclude(kept)
        .exclude(changes={})
    )
    own_ids = {e.pk for e in own}
    count = audit.redact(
        own, scrub_all, actor=actor, organisation=organisation, reason="anonymisation du foyer", obj=household
    )
    if pattern is not None:
        scrub = _scrub_matching(pattern)
        others = [
            e
            for e in AuditLog.objects.filter(_mentioning(terms)).exclude(kept).exclude(pk__in=own_ids)
            if scrub(e.changes) != e.changes
        ]
        count += audit.redact(
            others,
            scrub,
            actor=actor,
            organisation=organisation,
            reason="anonymisation du foyer",
            obj=household,
        )
    return count


def household_anonymise(*, actor: Membership | None, household: Household, reason: str) -> Anonymised:
    """Anonymise ``household`` now. ``actor`` None is the system (the daily retention command,
    ``manage.py anonymise_household``); from the interface only the coordination may."""
    if actor is not None and not perms.can_anonymise_household(actor):
        raise NotAllowed("Seule la coordination peut anonymiser un dossier.")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Indiquez le motif de l'anonymisation (sans nom de personne).", field="reason")
    if len(reason) > 200:
        raise DomainError("Le motif tient en 200 caractères au plus.", field="reason")
    user = actor.user if actor is not None else None
    organisation = actor.organisation if actor is not None else None
    with transaction.atomic():
        household = Household.objects.select_for_update().get(pk=household.pk)
        if household.anonymised_at is not None:
            raise DomainError("Ce foyer est déjà anonymisé.")
        persons = list(household.persons.all())
        project_ids = list(Project.objects.filter(household=household).values_list("pk", flat=True))
        # the audit first: it needs the values it looks for
        audit_entries = redact_audit(household, persons, project_ids, actor=user, organisation=organisation)
        for p in persons:
            p.first_name, p.last_name, p.search_name = "", ANONYMOUS, ""
            p.birth_date = normalised_birth_date(p.birth_date)
            p.has_disability = False
        Person.objects.bulk_update(
            persons, ["first_name", "last_name", "search_name", "birth_date", "has_disability"]
        )
        household.address = household.phone = household.email = household.caf_number = ""
        household.annual_taxable_income_cents = household.monthly_family_benefits_cents = 0
        household.rfr_cents = household.tax_parts = household.is_taxable = None
        household.qf_cents = qf_band_floor(household.qf_cents)
        household.qf_lines = []  # the computation names incomes and children's disability
        household.sort_name = ""
        household.anonymised_at = timezone.now()
        household.save()
        projects = Project.objects.filter(pk__in=project_ids)
        projects.update(destination="", status_reason="")
        StatusChange.objects.filter(project__in=project_ids).update(reason="")
        BudgetLine.objects.filter(project__in=project_ids).update(label="")
        journal_entries, _ = JournalEntry.objects.filter(project__in=project_ids).delete()
        FollowUp.objects.filter(household=household).update(end_reason="")
        Invitation.objects.filter(household=household).update(label="")
        signatures = (
            Handover.objects.filter(household=household).exclude(signature_png=b"").update(signature_png=b"")
        )
        ChequeMovement.objects.filter(
            Q(household=household) | Q(cheque__in=Cheque.objects.filter(household=household))
        ).update(note="")
        Participant.objects.filter(household=household).update(
            needs_accessible=False, unplaced_reason="", cancel_reason=""
        )
        SurveyResponse.objects.filter(project__in=project_ids).update(comment="")
        RetentionNotice.objects.filter(household=household).delete()
        family_files = household_files_delete(household)  # its documents, story and photos
        audit.record(
            actor=user,
            organisation=organisation,
            action="household.anonymise",
            obj=household,
            changes={
                "reason": reason,
                "persons": len(persons),
                "audit_entries": audit_entries,
                "family_files": family_files,
            },
        )
    return Anonymised(household, len(persons), journal_entries, signatures, audit_entries)
