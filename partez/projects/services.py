"""Writes on holiday projects: creation, edits, budget, workflow, journal, checklist."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from partez.core import audit
from partez.core.codes import new_reference
from partez.core.errors import DomainError, NotAllowed
from partez.funding import selectors as funding_selectors
from partez.funding import services as funding
from partez.households.models import ConsentScope, Household, PastDeparture, Person, SchemeCode
from partez.households.services import require_consent, require_not_anonymised, require_open_file
from partez.organisations import perms
from partez.organisations.models import Membership
from partez.territory.models import Edition

from . import checks, workflow
from . import perms as project_perms
from .models import (
    DEFAULT_CHECKLIST,
    BudgetKind,
    BudgetLine,
    ChecklistItem,
    JournalEntry,
    JournalKind,
    Project,
    ProjectFormat,
    StatusChange,
)

MAX_LINE_CENTS = 10_000_000  # 100,000 €: fits the column, far above any holiday budget
EDITABLE = workflow.OPEN | {workflow.Status.REFUSED}
PROJECT_FIELDS = ["format", "destination", "destination_department", "start_date", "end_date"]


@dataclass
class ProjectInput:
    format: str
    traveller_ids: list[int]
    destination: str = ""
    destination_department: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    budget: list[tuple[str, str, int]] = field(default_factory=list)  # (kind, label, amount_cents)
    overlap_reason: str = ""  # why a second open project of the household on the same dates


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def project_errors(
    data: ProjectInput, household: Household, *, project: Project | None = None
) -> tuple[list[Person], Edition | None, dict[str, str]]:
    """Every problem of ``data`` at once: (travellers, the stay's edition, errors by field). Also
    used by the forms to show the service's errors beside their own parsing errors."""
    errors: dict[str, str] = {}
    if data.format not in ProjectFormat.values:
        errors["format"] = "Format de séjour inconnu."
    members = {p.pk: p for p in household.persons.all()}
    ids = list(dict.fromkeys(data.traveller_ids or []))
    if not ids:
        errors["travellers"] = "Choisissez au moins une personne qui part."
    elif any(i not in members for i in ids):
        errors["travellers"] = "Une personne qui part n'appartient pas à ce foyer."
    if data.start_date and data.end_date and data.end_date < data.start_date:
        errors["end_date"] = "La date de retour doit être après la date de départ."
    if len(data.destination or "") > 200:
        errors["destination"] = "La destination ne peut pas dépasser 200 caractères."
    if data.destination_department and not (
        len(data.destination_department) in (2, 3) and data.destination_department.isalnum()
    ):
        errors["destination_department"] = "Département inconnu (ex. 80, 2A, 974)."
    for i, (kind, _label, amount) in enumerate(data.budget):
        if kind not in BudgetKind.values:
            errors[f"budget[{i}].kind"] = "Poste de budget inconnu."
        if not isinstance(amount, int) or amount < 0:
            errors[f"budget[{i}].amount"] = "Un montant ne peut pas être négatif."
        elif amount > MAX_LINE_CENTS:
            errors[f"budget[{i}].amount"] = "Montant trop élevé pour une ligne de budget (100 000 € au plus)."
    edition = None
    if "end_date" not in errors:
        edition, problems = checks.stay_edition_errors(data.start_date, data.end_date)
        errors |= problems
        # asked once, when the dates are set or changed (the reason is kept in the audit log)
        unchanged = project is not None and (project.start_date, project.end_date) == (
            data.start_date,
            data.end_date,
        )
        if not unchanged:
            others = checks.overlapping_projects(
                household.pk, data.start_date, data.end_date, exclude=project.pk if project else None
            )
            errors |= checks.overlap_errors(others, data.overlap_reason or "")
    if len(data.overlap_reason or "") > 300:
        errors["overlap_reason"] = "Le motif ne peut pas dépasser 300 caractères."
    return [members[i] for i in ids if i in members], edition, errors


def _validate(
    data: ProjectInput, household: Household, project: Project | None = None
) -> tuple[list[Person], Edition | None]:
    travellers, edition, errors = project_errors(data, household, project=project)
    if errors:
        raise DomainError(errors)
    return travellers, edition


def _overlap_audit(data: ProjectInput) -> dict[str, str]:
    reason = (data.overlap_reason or "").strip()
    return {"overlap_reason": reason} if reason else {}


def project_create(
    *, actor: Membership, household: Household, edition: Edition, data: ProjectInput
) -> Project:
    """Open a draft project for some members of a household, with the default checklist. The
    project belongs to the edition whose dates contain its stay (``edition`` is only the one of a
    draft without dates yet); a stay outside every edition, or over the dates of another open
    project of the household without ``overlap_reason``, is refused."""
    _require(perms.can_edit_project(actor), "Votre rôle ne permet pas de créer des projets.")
    require_consent(
        household,
        ConsentScope.CASEWORK,
        "Le foyer a retiré son consentement au traitement de son dossier : aucun nouveau projet possible.",
    )
    require_not_anonymised(household)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                # One creation at a time per household, so two identical projects posted at the
                # same moment cannot both miss each other in the overlap check.
                list(Household.objects.select_for_update().filter(pk=household.pk).values_list("pk"))
                travellers, stay_edition = _validate(data, household)
                project = Project.objects.create(
                    reference=new_reference("P"),
                    household=household,
                    organisation=actor.organisation,
                    edition=stay_edition or edition,
                    created_by=actor.user,
                    **{k: getattr(data, k) for k in PROJECT_FIELDS},
                )
                project.travellers.set(travellers)
                BudgetLine.objects.bulk_create(
                    BudgetLine(project=project, kind=k, label=label, amount_cents=a)
                    for k, label, a in data.budget
                )
                ChecklistItem.objects.bulk_create(
                    ChecklistItem(project=project, label=lb) for lb in DEFAULT_CHECKLIST
                )
                audit.record(
                    actor=actor.user,
                    organisation=actor.organisation,
                    action="project.create",
                    obj=project,
                    changes={
                        **audit.snapshot(project, PROJECT_FIELDS),
                        "household": household.pk,
                        "travellers": [p.pk for p in travellers],
                        "budget_cents": sum(a for _k, _l, a in data.budget),
                        **_overlap_audit(data),
                    },
                )
                return project
        except IntegrityError as exc:
            if "reference" not in str(exc):
                raise
    raise DomainError("Impossible d'attribuer une référence au projet, réessayez.")


def project_update(*, actor: Membership, project: Project, data: ProjectInput) -> Project:
    _require(perms.can_edit_project(actor), "Votre rôle ne permet pas de modifier des projets.")
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if project.status not in EDITABLE:
            raise DomainError("Ce projet n'est plus modifiable : le séjour a eu lieu ou a été abandonné.")
        require_not_anonymised(project.household)
        list(Household.objects.select_for_update().filter(pk=project.household_id).values_list("pk"))
        travellers, stay_edition = _validate(data, project.household, project)
        if stay_edition is not None and stay_edition.pk != project.edition_id:
            if funding_selectors.has_commitments(project):
                raise DomainError(
                    f"Ces dates relèvent de l'édition {stay_edition.year} alors que l'aide est déjà engagée "
                    "sur les enveloppes de l'édition du projet : abandonnez ce projet et créez-en un nouveau.",
                    field="start_date",
                )
            project.edition = stay_edition
        before = {
            **audit.snapshot(project, PROJECT_FIELDS),
            "travellers": sorted(project.travellers.values_list("pk", flat=True)),
        }
        for k in PROJECT_FIELDS:
            setattr(project, k, getattr(data, k))
        project.save()
        project.travellers.set(travellers)
        project.budget_lines.all().delete()
        BudgetLine.objects.bulk_create(
            BudgetLine(project=project, kind=k, label=label, amount_cents=a) for k, label, a in data.budget
        )
        after = {**audit.snapshot(project, PROJECT_FIELDS), "travellers": sorted(p.pk for p in travellers)}
        changes: dict[str, Any] = audit.diff(before, after)
        changes["budget_cents"] = sum(a for _k, _l, a in data.budget)
        changes |= _overlap_audit(data)
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="project.update",
            obj=project,
            changes=changes,
        )
    return project


def _check_submittable(project: Project, action: str) -> None:
    """All that the commission needs, reported at once (see ``checks.submission_errors``, and the
    checks other apps register, ``checks.extra_errors``)."""
    errors = checks.submission_errors(project) | checks.extra_errors(project, action)
    if errors:
        raise DomainError(errors)


def project_transition(*, actor: Membership, project: Project, action: str, reason: str = "") -> Project:
    """Move a project along the workflow; the role, the source status and the file are checked."""
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        try:
            transition = workflow.check(project.status, action)
        except ValueError as exc:
            raise DomainError(str(exc), field="status") from exc
        _require(
            project_perms.can_perform(actor, transition),
            "Votre rôle ne permet pas cette action sur le projet.",
        )
        if action != "withdraw":  # a closed file's projects may only be withdrawn
            require_open_file(project.household)
        reason = (reason or "").strip()
        if transition.needs_reason and not reason:
            raise DomainError("Indiquez un motif.", field="reason")
        if action in ("submit", "validate"):  # re-checked at validation: rules may have changed
            _check_submittable(project, action)
        previous = project.status
        project.status = transition.target
        project.status_reason = reason[:300]
        project.save(update_fields=["status", "status_reason", "updated_at"])
        StatusChange.objects.create(
            project=project,
            from_status=previous,
            to_status=project.status,
            reason=reason[:300],
            by=actor.user,
        )
        _commit_funding(actor, project, action)
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action=f"project.{action}",
            obj=project,
            changes={"status": [previous, project.status], **({"reason": reason} if reason else {})},
        )
    return project


def _commit_funding(actor: Membership, project: Project, action: str) -> None:
    """Move the chosen plan's money on the envelopes (see partez.funding.services): reserve on
    validation (refused as a whole if an envelope is short), give it back on withdrawal or
    refusal, consume it on departure — and record the departure in each traveller's history,
    under each scheme of the plan (« other » when no scheme paid: it is still a departure, for
    the first-departure rules, but it uses up no scheme's once-a-year or once-ever right)."""
    if action == "validate":
        funding.plan_reserve(actor=actor, project=project)
    elif action in ("withdraw", "refuse"):
        funding.plan_release(actor=actor, project=project)
    elif action == "depart":
        plan = funding.plan_consume(actor=actor, project=project)
        year = (project.start_date or timezone.localdate()).year
        codes = sorted(funding_selectors.departure_codes(plan) or {SchemeCode.OTHER})
        for person in project.travellers.all():
            for code in codes:
                PastDeparture.objects.get_or_create(
                    person=person, year=year, scheme=code, defaults={"project": project}
                )


def journal_add(
    *,
    actor: Membership,
    project: Project,
    text: str,
    kind: str = JournalKind.NOTE,
    happens_at: dt.datetime | None = None,
) -> JournalEntry:
    _require(perms.can_edit_project(actor), "Votre rôle ne permet pas d'écrire dans le journal.")
    require_open_file(project.household)
    errors = {}
    if not (text or "").strip():
        errors["text"] = "Le contenu est obligatoire."
    if kind not in JournalKind.values:
        errors["kind"] = "Type d'entrée inconnu."
    if kind == JournalKind.APPOINTMENT and happens_at is None:
        errors["happens_at"] = "Indiquez la date et l'heure du rendez-vous."
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        entry = JournalEntry.objects.create(
            project=project,
            kind=kind,
            text=text.strip(),
            happens_at=happens_at if kind == JournalKind.APPOINTMENT else None,
            author=actor.user,
            organisation=actor.organisation,
        )
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="journal.add",
            obj=entry,
            changes={"project": project.pk, "kind": kind},
        )
    return entry


def checklist_toggle(*, actor: Membership, item: ChecklistItem, received: bool) -> ChecklistItem:
    _require(perms.can_edit_project(actor), "Votre rôle ne permet pas de modifier le dossier.")
    with transaction.atomic():
        item = ChecklistItem.objects.select_for_update().select_related("project").get(pk=item.pk)
        if item.project.status not in EDITABLE:
            raise DomainError("Ce projet est clos : ses pièces ne sont plus modifiables.")
        was = item.received_at is not None
        if was != received:
            item.received_at = timezone.now() if received else None
            item.save(update_fields=["received_at"])
            audit.record(
                actor=actor.user,
                organisation=actor.organisation,
                action="checklist.toggle",
                obj=item,
                changes={"received": [was, received], "label": item.label},
            )
    return item
