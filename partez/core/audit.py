"""The audit log: every service calls :func:`record` inside its transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone

from .models import AccessLog, AuditChainHead, AuditLog

GENESIS = "0" * 64
# A read of a case file is recorded once per user, file and kind of read in this window: a
# social worker reloads a file many times while working on it (and htmx reloads parts of it);
# one entry per ten minutes still answers « who saw this file, and when » to the quarter hour.
READ_DEDUP_SECONDS = 600


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.date | dt.datetime | dt.time | Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    return {f: _jsonable(getattr(instance, f)) for f in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields that changed."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def canonical(value: Any) -> str:
    """The one serialisation hashed by the chain: sorted keys, no spaces, UTF-8 text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def details_digest(salt: str, changes: Any) -> str:
    return hashlib.sha256((salt + canonical(changes)).encode()).hexdigest()


def entry_hash(entry: AuditLog, prev_hash: str) -> str:
    """sha256 over the entry's immutable core and its details' digest, chained to the previous
    entry's hash (the details themselves can be redacted without breaking the chain)."""
    core = {
        "seq": entry.seq,
        "prev": prev_hash,
        "at": entry.at.astimezone(dt.UTC).isoformat(),
        "actor": entry.actor_id,
        "organisation": entry.organisation_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "details": entry.details_digest,
    }
    return hashlib.sha256(canonical(core).encode()).hexdigest()


def _create(
    *, actor, organisation, action: str, object_type: str, object_id: str, changes: dict, model=AuditLog
) -> AuditLog:
    changes = json.loads(canonical({k: _jsonable(v) for k, v in changes.items()}))
    salt = secrets.token_hex(16)
    return model.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        organisation=organisation,
        action=action,
        object_type=object_type,
        object_id=object_id,
        changes=changes,
        details_salt=salt,
        details_digest=details_digest(salt, changes),
    )


def record(*, actor, organisation, action: str, obj: models.Model, changes: dict | None = None) -> AuditLog:
    entry = _create(
        actor=actor,
        organisation=organisation,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        changes=changes or {},
    )
    _seal_on_commit()
    return entry


def _seal_chain() -> None:
    seal(AuditLog)


def _seal_on_commit() -> None:
    """Seal once the service's transaction commits (a short transaction of its own, so no
    service ever waits on the chain's lock while it holds rows of its own) — once per
    transaction, however many entries it writes (a job records thousands)."""
    connection = transaction.get_connection()
    if any(item[1] is _seal_chain for item in connection.run_on_commit):
        return
    transaction.on_commit(_seal_chain)


def record_read(*, actor, organisation, action: str, obj: models.Model, changes: dict | None = None) -> None:
    """A read of a case file (``read.*``) or a download (``download.*``) in the access log: one
    INSERT, sealed by the next seal of that chain (``seal(AccessLog)``: the daily retention run,
    ``verify_audit``, or a download). Reads are deduplicated per user, object and action
    (READ_DEDUP_SECONDS); downloads are all recorded and sealed once committed."""
    if not getattr(actor, "pk", None):
        return
    label = obj._meta.label_lower
    if action.startswith("read."):
        key = f"audit-read:{actor.pk}:{organisation.pk if organisation else ''}:{action}:{label}:{obj.pk}"
        if not cache.add(key, 1, timeout=READ_DEDUP_SECONDS):
            return
    _create(
        actor=actor,
        organisation=organisation,
        action=action,
        object_type=label,
        object_id=str(obj.pk),
        changes=changes or {},
        model=AccessLog,
    )
    if action.startswith("download."):
        transaction.on_commit(lambda: seal(AccessLog))


def seal(model=AuditLog, batch: int = 500) -> int:
    """Give every unsealed entry its place in the chain, in id order; returns how many.

    Each batch is one transaction that first UPDATEs the chain head row: that takes its lock
    (a row lock on PostgreSQL, the database write lock on SQLite) before the head is read, so
    two sealers run one after the other and the chain never forks."""
    chain = model._meta.model_name
    AuditChainHead.objects.get_or_create(chain=chain)
    sealed = 0
    while True:
        with transaction.atomic():
            AuditChainHead.objects.filter(chain=chain).update(sealed_at=timezone.now())
            head = AuditChainHead.objects.get(chain=chain)
            entries = list(model.objects.filter(seq__isnull=True).order_by("id")[:batch])
            if not entries:
                return sealed
            for entry in entries:
                entry.seq = head.seq + 1
                entry.prev_hash = head.entry_hash
                entry.entry_hash = entry_hash(entry, head.entry_hash)
                head.seq, head.entry_hash = entry.seq, entry.entry_hash
            model.objects.bulk_update(entries, ["seq", "prev_hash", "entry_hash"])
            head.save(update_fields=["seq", "entry_hash"])
            sealed += len(entries)


@dataclass(frozen=True)
class Break:
    seq: int | None
    entry_id: int | None
    message: str


def verify(model=AuditLog) -> tuple[int, list[Break]]:
    """Walk the chain in seq order: every entry's hash recomputed, chained to the one before,
    no seq missing, the head matching the last entry, unredacted details matching their digest,
    every redacted entry named by an « audit.redact » entry. Returns (entries checked, breaks)."""
    breaks: list[Break] = []
    redacted_ok: set[int] = set()
    for changes in model.objects.filter(action="audit.redact", seq__isnull=False).values_list(
        "changes", flat=True
    ):
        redacted_ok.update(int(i) for i in (changes or {}).get("entries", []))
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    for entry in model.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=2000):
        checked += 1
        if entry.seq != expected_seq:
            breaks.append(
                Break(entry.seq, entry.pk, f"entrée(s) {expected_seq} à {entry.seq - 1} manquante(s)")
            )
        if entry.prev_hash != prev_hash:
            breaks.append(Break(entry.seq, entry.pk, "le lien vers l'entrée précédente ne correspond pas"))
        if entry_hash(entry, entry.prev_hash) != entry.entry_hash:
            breaks.append(Break(entry.seq, entry.pk, "l'entrée a été modifiée (empreinte différente)"))
        if getattr(entry, "redacted_at", None) is None:
            if details_digest(entry.details_salt, entry.changes) != entry.details_digest:
                breaks.append(Break(entry.seq, entry.pk, "le détail a été modifié (empreinte différente)"))
        elif entry.pk not in redacted_ok:
            breaks.append(Break(entry.seq, entry.pk, "détail anonymisé sans entrée « audit.redact »"))
        prev_hash, expected_seq = entry.entry_hash, entry.seq + 1
    head = AuditChainHead.objects.filter(chain=model._meta.model_name).first()
    if head is not None and (head.seq, head.entry_hash) != (expected_seq - 1, prev_hash):
        breaks.append(Break(head.seq, None, "la tête de chaîne ne correspond pas à la dernière entrée"))
    return checked, breaks


REDACTED = "[anonymisé]"


def redact(
    entries: Iterable[AuditLog],
    scrub: Callable[[Any], Any],
    *,
    actor,
    organisation,
    reason: str,
    obj: models.Model,
) -> int:
    """Rewrite the details of ``entries`` with ``scrub(changes)`` (called inside the caller's
    transaction), clear their salt so the old details can never be confirmed from the digest,
    and record one « audit.redact » entry naming them: the chain stays verifiable."""
    now, ids = timezone.now(), []
    changed = []
    for entry in entries:
        entry.changes = json.loads(canonical(scrub(entry.changes)))
        entry.details_salt = ""
        entry.redacted_at = now
        changed.append(entry)
        ids.append(entry.pk)
    if not changed:
        return 0
    AuditLog.objects.bulk_update(changed, ["changes", "details_salt", "redacted_at"], batch_size=500)
    record(
        actor=actor,
        organisation=organisation,
        action="audit.redact",
        obj=obj,
        changes={"entries": ids, "reason": reason},
    )
    return len(ids)


ACTION_LABELS = {
    "household.create": "Création du foyer",
    "household.update": "Modification du foyer",
    "person.add": "Ajout d'une personne",
    "person.update": "Modification d'une personne",
    "past_departure.add": "Départ passé enregistré",
    "followup.add": "Nouvelle structure au suivi",
    "followup.end": "Fin de suivi",
    "followup.referent": "Changement de référent",
    "consent.revoke": "Retrait du consentement",
    "project.create": "Création d'un projet",
    "project.update": "Modification d'un projet",
    "project.submit": "Dossier déposé",
    "project.validate": "Projet validé",
    "project.refuse": "Projet refusé",
    "project.reopen": "Projet remis en brouillon",
    "project.grant_aid": "Aide attribuée",
    "project.depart": "Départ",
    "project.return": "Retour",
    "project.evaluate": "Évaluation close",
    "project.withdraw": "Projet abandonné",
    "scheme.update": "Règles du dispositif modifiées",
    "allocation.apply": "Répartition des enveloppes appliquée",
    "scheme.activate": "Dispositif activé",
    "scheme.deactivate": "Dispositif suspendu",
    "envelope.create": "Enveloppe créée",
    "envelope.update": "Enveloppe modifiée",
    "envelope.quota": "Quota communal d'une enveloppe",
    "financing_plan.choose": "Plan de financement choisi",
    "financing_plan.reserve": "Aides engagées sur les enveloppes",
    "financing_plan.release": "Aides libérées sur les enveloppes",
    "financing_plan.consume": "Aides consommées (départ)",
    "cheque_order.create": "Commande de chèques-vacances enregistrée",
    "cheques.allocate": "Carnets attribués à une commune",
    "cheques.prepare": "Chèques préparés pour un foyer",
    "cheques.unprepare": "Préparation de chèques annulée",
    "cheques.status": "Statut de chèques mis à jour",
    "fete.save": "Fête des vacances enregistrée",
    "fete.invitations": "Invitations à la Fête générées",
    "fete.handover": "Chèques remis au foyer (signature)",
    "job.download": "Fichier d'un traitement téléchargé",
    "job.file_delete": "Fichier d'un traitement expiré supprimé",
    "households.export_command": "Export des foyers en ligne de commande",
    "audit.redact": "Détails du journal anonymisés",
    "household.anonymise": "Foyer anonymisé",
    "household.export": "Dossier complet exporté (droit d'accès)",
    "retention.notify": "Échéance de conservation notifiée",
    "read.household": "Consultation du foyer",
    "read.project": "Consultation du projet",
    "read.household_api": "Consultation du foyer (API)",
    "read.project_api": "Consultation du projet (API)",
    "read.household_admin": "Consultation du foyer (administration)",
    "read.project_admin": "Consultation du projet (administration)",
    "download.access_export": "Téléchargement du dossier complet",
    "download.camping_letter": "Convocation au séjour commun téléchargée",
    "download.camping_roster": "Liste d'accueil du séjour commun téléchargée",
    "download.camping_bus_list": "Liste du car téléchargée",
    "download.fete_letter": "Lettre d'invitation à la Fête ouverte",
    "download.signature": "Reçu de remise avec signature ouvert",
    "bilan.export_csv": "Export des personnes du bilan (CSV)",
    "bilan.funder_report": "Rapport à un financeur téléchargé",
}


def history_for(objects: dict[str, list], limit: int = 30):
    """The audit entries of several objects at once: ``{"app.model": [pks]}`` → one query."""
    condition = models.Q(pk__in=[])
    for label, pks in objects.items():
        if pks:
            condition |= models.Q(object_type=label, object_id__in=[str(pk) for pk in pks])
    return (
        AuditLog.objects.filter(condition)
        .select_related("actor", "organisation")
        .order_by("-at", "-id")[:limit]
    )
