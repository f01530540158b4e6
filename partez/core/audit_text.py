"""The audit log read as sentences: « Martine Leroy a modifié le foyer Dupuis Martine
(F-6YUEAB) : téléphone, adresse », each change field by field in words (« téléphone :
06 12 34 56 78 → 06 98 76 54 32 »), the raw details kept for who needs them.

``partez.core`` knows no other app: each app registers how its objects are named
(:func:`register`, in its ``AppConfig.ready()``) — a function from ids to labels that answers
in one query, so a page of 200 entries costs one query per kind of object, never one per line.
Field names come from the models' ``verbose_name``; values of a field with choices are shown by
their label, amounts in cents in euros, yes/no in French.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from .audit import ACTION_LABELS
from .money import euros

Labeler = Callable[[list[str]], dict[str, str]]


@dataclass(frozen=True)
class Kind:
    noun: str  # with its article: « le foyer », « la personne », « l'organisation »
    labels: Labeler | None = None
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)  # list fields' codes
    formats: dict[str, Callable[[Any], str]] = field(default_factory=dict)  # « phone »: shown the French way


_KINDS: dict[str, Kind] = {}

# Verbs by the last part of an action (« household.update » → « a modifié »).
VERBS = {
    "create": "a créé",
    "update": "a modifié",
    "add": "a ajouté",
    "submit": "a déposé",
    "validate": "a validé",
    "refuse": "a refusé",
    "reopen": "a remis en brouillon",
    "withdraw": "a abandonné",
    "anonymise": "a anonymisé",
    "activate": "a activé",
    "deactivate": "a suspendu",
}
# Details that are not model fields, in words.
EXTRA_FIELDS = {
    "persons": "personnes",
    "consent": "consentement",
    "household": "foyer",
    "organisation": "organisation",
    "file_closed": "dossier clos",
    "followups_ended": "suivis terminés",
    "reason": "motif",
    "action": "action",
}
EMPTY = "vide"
USER_TYPE = "users.user"  # an entry about one's own account (a login) names no object


def register(
    object_type: str,
    *,
    noun: str,
    labels: Labeler | None = None,
    value_labels: dict[str, dict[str, str]] | None = None,
    formats: dict[str, Callable[[Any], str]] | None = None,
) -> None:
    """How the objects of ``object_type`` (« households.household ») are named in sentences."""
    _KINDS[object_type] = Kind(
        noun=noun, labels=labels, value_labels=value_labels or {}, formats=formats or {}
    )


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, key: str) -> Any:
    if model is None:
        return None
    for name in (key, key.removesuffix("_id")):
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
    return None


def field_label(object_type: str, key: str) -> str:
    """« téléphone », « revenus imposables annuels »: the field's verbose name, in lower case."""
    model_field = _field(_model(object_type), key)
    label = getattr(model_field, "verbose_name", None)
    if label is None:
        return EXTRA_FIELDS.get(key, key.replace("_", " "))
    return str(label).replace(" (centimes)", "")


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Line:
    entry: Any  # the AuditLog row
    sentence: str
    changes: list[Change]


def _value(object_type: str, key: str, value: Any, names: dict[tuple[str, str], str]) -> str:
    kind = _KINDS.get(object_type)
    model_field = _field(_model(object_type), key)
    if value is None or value == "" or value == []:
        return EMPTY
    if kind is not None and key in kind.formats:
        return kind.formats[key](value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        codes = kind.value_labels.get(key, {}) if kind else {}
        return ", ".join(codes.get(str(v), str(v)) for v in value)
    if model_field is not None and getattr(model_field, "choices", None):
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field is not None and model_field.is_relation and model_field.related_model is not None:
        related = model_field.related_model._meta.label_lower
        return names.get((related, str(value)), f"n° {value}")
    if key.endswith("_cents") and isinstance(value, int):
        return euros(value)
    return str(value)


def _is_diff(changes: dict[str, Any]) -> bool:
    return bool(changes) and all(isinstance(v, list) and len(v) == 2 for v in changes.values())


def _names(entries: list[Any]) -> dict[tuple[str, str], str]:
    """Every label the lines need (the objects, and the objects their changes point to), one
    call per kind of object."""
    wanted: dict[str, set[str]] = {}
    for entry in entries:
        wanted.setdefault(entry.object_type, set()).add(entry.object_id)
        changes = entry.changes or {}
        if not _is_diff(changes):
            continue
        model = _model(entry.object_type)
        for key, pair in changes.items():
            model_field = _field(model, key)
            if model_field is not None and model_field.is_relation and model_field.related_model is not None:
                related = model_field.related_model._meta.label_lower
                wanted.setdefault(related, set()).update(str(v) for v in pair if v is not None)
    names: dict[tuple[str, str], str] = {}
    for object_type, ids in wanted.items():
        kind = _KINDS.get(object_type)
        if kind is None or kind.labels is None or not ids:
            continue
        for object_id, label in kind.labels(sorted(ids)).items():
            names[object_type, str(object_id)] = label
    return names


def _actor(entry: Any) -> str:
    user = entry.actor
    if user is None:
        return "Le système"
    return user.get_full_name() or user.get_username()


def _noun(object_type: str) -> str:
    kind = _KINDS.get(object_type)
    if kind is not None:
        return kind.noun
    model = _model(object_type)
    return f"« {model._meta.verbose_name} »" if model is not None else "l'objet"


def _in_form_order(object_type: str, changes: dict[str, Any]) -> dict[str, Any]:
    """The changes in the model's field order (the order of the form), not the stored JSON's."""
    model = _model(object_type)
    order = {f.name: i for i, f in enumerate(model._meta.fields)} if model is not None else {}

    def position(key: str) -> int:
        return order.get(key, order.get(key.removesuffix("_id"), len(order)))

    return dict(sorted(changes.items(), key=lambda item: position(item[0])))


def describe(entries: Iterable[Any]) -> list[Line]:
    """The entries as sentences, with their changes field by field."""
    entries = list(entries)
    names = _names(entries)
    lines = []
    for entry in entries:
        label = names.get((entry.object_type, entry.object_id), f"n° {entry.object_id}")
        obj = f"{_noun(entry.object_type)} {label}"
        changes = entry.changes or {}
        diff = _is_diff(changes)
        verb = VERBS.get(entry.action.rsplit(".", 1)[-1])
        if entry.object_type == USER_TYPE and entry.object_id == str(entry.actor_id):
            what = ACTION_LABELS.get(entry.action, entry.action)  # « Céline Perret : connexion »
            sentence = f"{_actor(entry)} : {what[:1].lower()}{what[1:]}"
        elif verb is not None:
            sentence = f"{_actor(entry)} {verb} {obj}"
        else:
            what = ACTION_LABELS.get(entry.action, entry.action)
            sentence = f"{_actor(entry)} : {what[:1].lower()}{what[1:]} ({obj})"
        details = []
        if diff:
            changes = _in_form_order(entry.object_type, changes)
            fields = [field_label(entry.object_type, key) for key in changes]
            sentence += " : " + ", ".join(fields)
            details = [
                Change(
                    label,
                    _value(entry.object_type, key, pair[0], names),
                    _value(entry.object_type, key, pair[1], names),
                )
                for label, (key, pair) in zip(fields, changes.items(), strict=True)
            ]
        lines.append(Line(entry=entry, sentence=sentence, changes=details))
    return lines


def column_labels(model: type[models.Model], column: str) -> Labeler:
    """A labeler reading one column (« name », « label »), one query for all the ids."""

    def labels(ids: list[str]) -> dict[str, str]:
        rows = model._default_manager.filter(pk__in=ids).values_list("pk", column)
        return {str(pk): str(value) for pk, value in rows}

    return labels
