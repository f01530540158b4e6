"""The audit log: every service calls :func:`record` inside its transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models

from .models import AuditLog


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


def record(*, actor, organisation, action: str, obj: models.Model, changes: dict | None = None) -> AuditLog:
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        organisation=organisation,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        changes={k: _jsonable(v) for k, v in (changes or {}).items()},
    )


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
