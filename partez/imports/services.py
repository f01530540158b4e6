"""Importing a commune's households from a spreadsheet: read → preview (what each household
will become, every error named) → fix rows in place → confirm (a job) → undo while no project
exists. Households are created and changed through ``households.services`` (the same checks,
QF and audit as the form); a re-import of the same file changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from partez.core import audit
from partez.core.errors import DomainError, NotAllowed
from partez.households import services as household_services
from partez.households.models import ConsentScope, Household, Person, Relation
from partez.households.selectors import households_for
from partez.organisations.models import Membership
from partez.projects.models import Project
from partez.territory.models import Commune

from . import duplicates, parse, perms, plan, reader
from .models import BatchStatus, ColumnMapping, ImportBatch, ImportedHousehold

if TYPE_CHECKING:
    from partez.jobs.models import Job

HOUSEHOLD_VALUES = (
    "commune_insee",
    "address",
    "phone",
    "email",
    "caf_number",
    "annual_taxable_income_cents",
    "monthly_family_benefits_cents",
)
VALUE_LABELS = {
    "commune_insee": "commune",
    "address": "adresse",
    "phone": "téléphone",
    "email": "e-mail",
    "caf_number": "n° allocataire",
    "annual_taxable_income_cents": "revenus",
    "monthly_family_benefits_cents": "prestations familiales",
}


class Action:
    CREATE = "create"
    UPDATE = "update"
    SKIP = "skip"
    ERROR = "error"


@dataclass
class Planned:
    """What confirming will do to one household of the file."""

    rows: plan.HouseholdRows
    action: str
    household: Household | None = None
    changes: list[str] = field(default_factory=list)  # French labels of what changes
    new_persons: list[plan.PersonRow] = field(default_factory=list)


@dataclass
class Preview:
    batch: ImportBatch
    planned: list[Planned]
    unknown_headers: list[str]
    row_count: int

    @property
    def errors(self) -> list[plan.RowError]:
        return sorted((e for p in self.planned for e in p.rows.errors), key=lambda e: (e.row, e.field))

    def count(self, action: str) -> int:
        return sum(1 for p in self.planned if p.action == action)

    @property
    def rows_in_error(self) -> int:
        return len({e.row for e in self.errors})


def _require(actor: Membership) -> None:
    if not perms.can_import_households(actor):
        raise NotAllowed("Votre rôle ne permet pas d'importer des foyers.")


def saved_mapping(organisation_id: int) -> dict[str, str]:
    found = ColumnMapping.objects.filter(organisation_id=organisation_id).first()
    return dict(found.mapping) if found else {}


def consent_errors(scopes: list[str], collected_on: dt.date | None) -> dict[str, str]:
    """What the structure must say about the consent it collected before a file is read."""
    errors = {}
    if ConsentScope.CASEWORK not in scopes:
        errors["consent_scopes"] = (
            "Indiquez que le consentement au traitement du dossier a été recueilli auprès de ces foyers."
        )
    elif any(s not in ConsentScope.values for s in scopes):
        errors["consent_scopes"] = "Finalité de consentement inconnue."
    if collected_on is None:
        errors["consent_collected_on"] = "Indiquez quand le consentement a été recueilli."
    elif collected_on > timezone.localdate():
        errors["consent_collected_on"] = "La date du consentement ne peut pas être dans le futur."
    return errors


def batch_read(
    *,
    actor: Membership,
    name: str,
    content: bytes,
    consent_scopes: list[str],
    consent_collected_on: dt.date | None,
) -> ImportBatch:
    """Read an uploaded file into a batch to preview (nothing is imported yet)."""
    _require(actor)
    scopes = sorted(set(consent_scopes or []))
    errors = consent_errors(scopes, consent_collected_on)
    try:
        table = reader.read(name, content)
    except DomainError as exc:
        errors |= exc.errors
        table = None
    if errors:
        raise DomainError(errors)
    assert table is not None and consent_collected_on is not None
    mapping = saved_mapping(actor.organisation_id)
    fields_found = {parse.recognise(h, mapping) for h in table.headers}
    missing = [parse.label(f) for f in parse.REQUIRED if f not in fields_found]
    batch = ImportBatch(
        organisation=actor.organisation,
        created_by=actor.user,
        file_name=name[:200],
        file_sha256=hashlib.sha256(content).hexdigest(),
        headers=table.headers,
        mapping={
            parse.header_key(h): mapping[parse.header_key(h)]
            for h in table.headers
            if parse.header_key(h) in mapping
        },
        rows=[[number, cells] for number, cells in table.rows],
        consent_scopes=scopes,
        consent_collected_on=consent_collected_on,
    )
    if missing and not any(parse.recognise(h, mapping) is None for h in table.headers):
        raise DomainError(f"Colonnes manquantes : {', '.join(missing)}.", field="file")
    with transaction.atomic():
        batch.save()
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="import.read",
            obj=batch,
            changes={"file": batch.file_name, "rows": len(table.rows)},
        )
    return batch


def row_fields(batch: ImportBatch) -> list[str]:
    """The fields the file's columns hold, once each, in the file's order (a row's correction form)."""
    return [f for f in dict.fromkeys(_column_fields(batch)) if f]


def _column_fields(batch: ImportBatch) -> list[str | None]:
    return [parse.recognise(h, batch.mapping) for h in batch.headers]


def _rows(batch: ImportBatch) -> list[tuple[int, dict[str, object]]]:
    columns = _column_fields(batch)
    out = []
    for number, cells in batch.rows:
        values: dict[str, object] = {}
        for column, value in zip(columns, cells, strict=False):
            if column and column not in values:
                values[column] = value
        out.append((number, values))
    return out


def _communes() -> parse.CommuneIndex:
    rows = list(Commune.objects.values_list("insee_code", "name"))
    return parse.CommuneIndex(
        by_insee=dict(rows),
        by_name={parse.commune_key(name): code for code, name in rows},
    )


def _matches(batch: ImportBatch, groups: list[plan.HouseholdRows], actor: Membership) -> dict[str, Household]:
    """The existing household each file household stands for: the one a previous import of the
    same key made, else the same CAF number and head's birth date, else the same head (name and
    birth date) — among the files the organisation sees. A fixed number of queries."""
    scope = households_for(actor)
    keys = [g.key for g in groups if not g.key.startswith("ligne ")]
    by_key: dict[str, int] = {}
    for key, household_id in (
        ImportedHousehold.objects.filter(organisation=batch.organisation, key__in=keys)
        .exclude(batch__status=BatchStatus.UNDONE)
        .order_by("batch__created_at")
        .values_list("key", "household_id")
    ):
        by_key[key] = household_id
    heads = {g.key: g.head for g in groups if g.head is not None}
    cafs = {str(g.values["caf_number"]) for g in groups if g.values.get("caf_number")}
    names = {Person.search_key(h.first_name, h.last_name) for h in heads.values()}
    candidates = (
        scope.filter(anonymised_at__isnull=True).filter(pk__in=list(by_key.values()))
        | scope.filter(anonymised_at__isnull=True, caf_number__in=cafs)
        | scope.filter(
            anonymised_at__isnull=True,
            persons__relation=Relation.HEAD,
            persons__search_name__in=names,
        )
    )
    households = {
        h.pk: h
        for h in candidates.distinct()
        .select_related("commune")
        .defer("commune__geometry")
        .prefetch_related("persons")
    }
    by_caf: dict[tuple[str, dt.date], Household] = {}
    by_head: dict[tuple[str, dt.date], Household] = {}
    for h in households.values():
        head = h.head
        if head is None:
            continue
        if h.caf_number:
            by_caf[(h.caf_number, head.birth_date)] = h
        by_head[(head.search_name, head.birth_date)] = h
    found: dict[str, Household] = {}
    for g in groups:
        if g.key in by_key and by_key[g.key] in households:
            found[g.key] = households[by_key[g.key]]
            continue
        head = heads.get(g.key)
        if head is None:
            continue
        match = by_caf.get((str(g.values.get("caf_number") or ""), head.birth_date)) or by_head.get(
            (Person.search_key(head.first_name, head.last_name), head.birth_date)
        )
        if match is not None:
            found[g.key] = match
    return found


def _current(household: Household) -> dict[str, object]:
    return {
        "commune_insee": household.commune.insee_code,
        "address": household.address,
        "phone": household.phone,
        "email": household.email,
        "caf_number": household.caf_number,
        "annual_taxable_income_cents": household.annual_taxable_income_cents,
        "monthly_family_benefits_cents": household.monthly_family_benefits_cents,
    }


def preview(batch: ImportBatch, actor: Membership) -> Preview:
    groups = plan.group(
        _rows(batch),
        communes=_communes(),
        today=timezone.localdate(),
        max_persons=household_services.max_persons(timezone.localdate()),
    )
    matches = _matches(batch, groups, actor)
    planned = []
    for g in groups:
        if g.errors:
            planned.append(Planned(rows=g, action=Action.ERROR, household=matches.get(g.key)))
            continue
        existing = matches.get(g.key)
        if existing is None:
            planned.append(Planned(rows=g, action=Action.CREATE, new_persons=list(g.persons)))
            continue
        current = _current(existing)
        changes = [VALUE_LABELS[k] for k, v in g.values.items() if k in current and current[k] != v]
        known = {(p.search_name, p.birth_date) for p in existing.persons.all()}
        new = [
            p for p in g.persons if (Person.search_key(p.first_name, p.last_name), p.birth_date) not in known
        ]
        if new:
            changes.append(
                f"{len(new)} personne{'s' if len(new) > 1 else ''} ajoutée{'s' if len(new) > 1 else ''}"
            )
        if existing.persons.count() + len(new) > household_services.max_persons(timezone.localdate()):
            g.errors.append(
                plan.RowError(
                    g.rows[0], parse.label("household_key"), "Le foyer existant deviendrait trop grand."
                )
            )
            planned.append(Planned(rows=g, action=Action.ERROR, household=existing))
            continue
        action = Action.UPDATE if changes else Action.SKIP
        planned.append(Planned(rows=g, action=action, household=existing, changes=changes, new_persons=new))
    unknown = [
        h
        for h, f in zip(batch.headers, _column_fields(batch), strict=True)
        if f is None and parse.text(h) and parse.header_key(h) not in batch.mapping
    ]
    return Preview(batch=batch, planned=planned, unknown_headers=unknown, row_count=len(batch.rows))


def report(p: Preview) -> dict[str, Any]:
    """The command's and the job's figures (the shape ``import_households`` prints)."""
    return {
        "rows": p.row_count,
        "households_created": p.count(Action.CREATE),
        "households_updated": p.count(Action.UPDATE),
        "persons_created": sum(
            len(x.new_persons) for x in p.planned if x.action in (Action.CREATE, Action.UPDATE)
        ),
        "rows_in_error": p.rows_in_error,
        "errors": [e.as_dict() for e in p.errors],
    }


def _editable(batch: ImportBatch, actor: Membership) -> ImportBatch:
    _require(actor)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk, organisation=actor.organisation)
    if batch.status != BatchStatus.PREVIEW:
        raise DomainError("Cet import a déjà été lancé : il ne peut plus être modifié.")
    return batch


def row_edit(*, actor: Membership, batch: ImportBatch, row: int, values: dict[str, str]) -> ImportBatch:
    """Correct the cells of one row before confirming (``values``: field → text)."""
    with transaction.atomic():
        batch = _editable(batch, actor)
        columns = _column_fields(batch)
        for entry in batch.rows:
            if entry[0] == row:
                before = dict(zip(columns, entry[1], strict=False))
                for i, column in enumerate(columns):
                    if column in values:
                        entry[1][i] = (values[column] or "").strip()[:250]
                break
        else:
            raise DomainError("Cette ligne n'existe pas dans le fichier.", field="row")
        if row not in batch.edited_rows:
            batch.edited_rows.append(row)
        batch.save(update_fields=["rows", "edited_rows"])
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="import.row_edit",
            obj=batch,
            changes={"row": row, "fields": sorted(k for k in values if before.get(k) != values[k])},
        )
    return batch


def mapping_save(*, actor: Membership, batch: ImportBatch, mapping: dict[str, str]) -> ImportBatch:
    """Say which field an unrecognised column holds (or ignore it); remembered for the
    organisation's next files."""
    allowed = set(parse.FIELDS) | {""}
    bad = [h for h, f in mapping.items() if f not in allowed]
    if bad:
        raise DomainError(f"Champ inconnu pour la colonne « {bad[0]} ».", field="mapping")
    with transaction.atomic():
        batch = _editable(batch, actor)
        keys = {parse.header_key(h) for h in batch.headers}
        clean = {parse.header_key(h): f for h, f in mapping.items() if parse.header_key(h) in keys}
        batch.mapping = {**batch.mapping, **clean}
        batch.save(update_fields=["mapping"])
        saved, _ = ColumnMapping.objects.select_for_update().get_or_create(organisation=actor.organisation)
        saved.mapping = {**saved.mapping, **clean}
        saved.save()
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="import.mapping",
            obj=batch,
            changes=clean,
        )
    return batch


def batch_confirm(*, actor: Membership, batch: ImportBatch) -> Job:
    """Start the import job (refused if the file has nothing to import)."""
    from partez.jobs import services as job_services

    with transaction.atomic():
        batch = _editable(batch, actor)
        p = preview(batch, actor)
        if not p.count(Action.CREATE) and not p.count(Action.UPDATE):
            raise DomainError("Rien à importer : corrigez les lignes en erreur ou déposez un autre fichier.")
        batch.status = BatchStatus.RUNNING
        batch.save(update_fields=["status"])
    job = job_services.job_start(
        actor=actor,
        kind="households_import",
        label=f"Import « {batch.file_name} »",
        params={"batch": batch.pk},
    )
    ImportBatch.objects.filter(pk=batch.pk).update(job=job)
    return job


def _household_input(
    values: dict[str, object], base: dict[str, object] | None = None
) -> household_services.HouseholdInput:
    merged = {**(base or {}), **values}
    return household_services.HouseholdInput(
        commune_insee=str(merged["commune_insee"]),
        address=str(merged.get("address") or ""),
        phone=str(merged.get("phone") or ""),
        email=str(merged.get("email") or ""),
        caf_number=str(merged.get("caf_number") or ""),
        annual_taxable_income_cents=int(merged.get("annual_taxable_income_cents") or 0),  # type: ignore[call-overload]
        monthly_family_benefits_cents=int(merged.get("monthly_family_benefits_cents") or 0),  # type: ignore[call-overload]
    )


def _person_input(p: plan.PersonRow) -> household_services.PersonInput:
    return household_services.PersonInput(
        first_name=p.first_name,
        last_name=p.last_name,
        birth_date=p.birth_date,
        relation=p.relation,
        employment=p.employment,
    )


def _base(household: Household) -> dict[str, object]:
    return {
        **_current(household),
        "rfr_cents": household.rfr_cents,
    }


CHUNK = 50


def _apply_one(
    batch: ImportBatch, actor: Membership, x: Planned, collected_at: dt.datetime
) -> int | list[dict[str, Any]]:
    """Create or update one household (in a savepoint): the persons added, or its errors."""
    try:
        with transaction.atomic():
            if x.action == Action.CREATE:
                household = household_services.household_create(
                    actor=actor,
                    data=_household_input(x.rows.values),
                    persons=[_person_input(pr) for pr in x.rows.persons],
                    consent_scopes=list(batch.consent_scopes),
                    consent_collected_at=collected_at,
                )
                ImportedHousehold.objects.create(
                    batch=batch,
                    organisation=batch.organisation,
                    household=household,
                    key=x.rows.key,
                    created=True,
                )
                return len(x.rows.persons)
            assert x.household is not None
            household = x.household
            before = _current(household)
            if any(k in x.rows.values and before[k] != x.rows.values[k] for k in before):
                household_services.household_update(
                    actor=actor, household=household, data=_household_input(x.rows.values, base=before)
                )
            added = [
                household_services.person_add(actor=actor, household=household, data=_person_input(pr)).pk
                for pr in x.new_persons
            ]
            ImportedHousehold.objects.create(
                batch=batch,
                organisation=batch.organisation,
                household=household,
                key=x.rows.key,
                before=before,
                persons_added=added,
            )
            return len(added)
    except DomainError as exc:
        return [
            {"row": x.rows.rows[0], "field": parse.label("household_key"), "message": message}
            for message in exc.errors.values()
        ]


def batch_apply(
    batch: ImportBatch, actor: Membership, on_progress: Callable[[int, int], None] | None = None
) -> dict[str, Any]:
    """Import every household of the batch that has no error (the job's work; the command's too).
    Each household in its own savepoint: one refused by the household rules is reported and the
    others go on."""
    _require(actor)
    p = preview(batch, actor)
    collected_at = timezone.make_aware(dt.datetime.combine(batch.consent_collected_on, dt.time(12)))
    todo = [x for x in p.planned if x.action in (Action.CREATE, Action.UPDATE)]
    created = updated = persons = 0
    late_errors: list[dict[str, Any]] = []
    for start in range(0, len(todo), CHUNK):
        # One commit per chunk (a savepoint per household): a file's thousands of households do
        # not pay a disk sync each, and the progress shown moves chunk by chunk.
        with transaction.atomic():
            for x in todo[start : start + CHUNK]:
                outcome = _apply_one(batch, actor, x, collected_at)
                if isinstance(outcome, list):
                    late_errors.extend(outcome)
                elif x.action == Action.CREATE:
                    created += 1
                    persons += outcome
                else:
                    updated += 1
                    persons += outcome
        if on_progress:
            on_progress(min(len(todo), start + CHUNK), len(todo))
    created_ids = set(
        ImportedHousehold.objects.filter(batch=batch, created=True).values_list("household_id", flat=True)
    )
    if created_ids:  # the families already known elsewhere in the territory, at once
        duplicates.candidates_refresh(among=created_ids)
    summary = report(p)
    summary |= {"households_created": created, "households_updated": updated, "persons_created": persons}
    summary["errors"] = sorted(summary["errors"] + late_errors, key=lambda e: (e["row"], e["field"]))
    summary["rows_in_error"] = len({e["row"] for e in summary["errors"]})
    with transaction.atomic():
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.IMPORTED, summary=summary, imported_at=timezone.now()
        )
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="import.apply",
            obj=batch,
            changes={k: v for k, v in summary.items() if k != "errors"},
        )
    return summary


def batch_undo(*, actor: Membership, batch: ImportBatch) -> ImportBatch:
    """Remove the households the import created and give the others their values back, while none
    of them has a project."""
    _require(actor)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk, organisation=actor.organisation)
        if batch.status != BatchStatus.IMPORTED:
            raise DomainError("Seul un import terminé peut être annulé.")
        entries = list(batch.households.select_related("household__commune"))
        ids = [e.household_id for e in entries]
        if Project.objects.filter(household_id__in=ids).exists():
            raise DomainError(
                "Impossible d'annuler : des projets ont déjà été ouverts pour des foyers de cet import."
            )
        communes = {
            c.insee_code: c
            for c in Commune.objects.filter(
                insee_code__in={str(e.before.get("commune_insee")) for e in entries if e.before}
            )
        }
        for e in entries:
            household = e.household
            if e.created:
                audit.record(
                    actor=actor.user,
                    organisation=actor.organisation,
                    action="household.delete",
                    obj=household,
                    changes={"import": batch.pk},
                )
                household.delete()
                continue
            Person.objects.filter(pk__in=e.persons_added, household=household).delete()
            before = dict(e.before)
            commune = communes.get(str(before.pop("commune_insee", "")))
            for k, v in before.items():
                setattr(household, k, v)
            if commune is not None:
                household.commune = commune
            household_services.recompute_quotient(household)
            household.save()
            audit.record(
                actor=actor.user,
                organisation=actor.organisation,
                action="household.update",
                obj=household,
                changes={"import_undone": batch.pk, "persons_removed": len(e.persons_added)},
            )
        batch.status = BatchStatus.UNDONE
        batch.undone_at = timezone.now()
        batch.save(update_fields=["status", "undone_at"])
        audit.record(actor=actor.user, organisation=actor.organisation, action="import.undo", obj=batch)
    return batch
