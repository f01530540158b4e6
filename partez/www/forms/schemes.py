"""Forms of the scheme pages: one dated value (its input adapted to the parameter's unit), the whole
definition as YAML, activation. Field parsing only: ``services.scheme_update`` validates the rules
and its ``DomainError`` names the faulty fields by their path, which :func:`apply_definition_error`
puts beside the right input (or names in the message)."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from decimal import Decimal
from typing import Any

import yaml
from django import forms
from django.utils.html import format_html

from partez.core.errors import DomainError
from partez.schemes.definition import STATUSES
from partez.schemes.months import MONTHS

from .fields import DateInput, EurosField, euros_to_cents

COMMENT_HELP = "Obligatoire : il reste dans l'historique des versions (par exemple « barème 2027 publié »)."
UNSUPPORTED_UNITS = {"table"}  # a scale (rows of bounds and amounts) is edited in the YAML editor


def _version_field() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput)


class _VersionedForm(forms.Form):
    """Carries the version the page was built from: a change made meanwhile by someone else is
    refused instead of silently overwritten."""

    def __init__(self, *args, current_version: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_version = current_version
        self.fields["version"].initial = current_version

    def clean(self):
        cleaned = super().clean()
        version = cleaned.get("version")
        if version is not None and version != self.current_version:
            raise forms.ValidationError(
                f"Les règles ont été modifiées entre-temps (version {self.current_version}) : "
                "rechargez la page et recommencez."
            )
        return cleaned


def _value_field(unit: str) -> forms.Field:
    if unit == "cents":
        return EurosField(label="Valeur (€)")
    if unit == "rate":
        field = forms.DecimalField(
            label="Valeur (%)",
            min_value=Decimal(0),
            max_value=Decimal(100),
            max_digits=7,
            decimal_places=4,
            help_text="Un pourcentage : 80 pour 80 %.",
        )
        field.widget.attrs.update({"inputmode": "decimal", "step": "any"})
        return field
    if unit in {"years", "nights", "count"}:
        label = {"years": "Valeur (ans)", "nights": "Valeur (nuits)", "count": "Valeur (nombre)"}[unit]
        return forms.IntegerField(label=label, min_value=0)
    if unit == "months":
        return forms.TypedMultipleChoiceField(
            label="Mois",
            coerce=int,
            choices=[(i, name) for i, name in enumerate(MONTHS, start=1)],
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": "Cochez au moins un mois."},
        )
    if unit == "statuses":
        return forms.MultipleChoiceField(
            label="Situations",
            choices=list(STATUSES.items()),
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": "Cochez au moins une situation."},
        )
    if unit == "bool":
        return forms.TypedChoiceField(
            label="Valeur",
            choices=[("true", "Oui"), ("false", "Non")],
            coerce=lambda v: v == "true",
            widget=forms.RadioSelect,
        )
    raise ValueError(f"unit {unit!r} has no structured form")


def to_stored(unit: str, value: Any) -> Any:
    """A cleaned form value → the value stored in the definition (cents, "0.8", [6, 7]…)."""
    if unit == "cents":
        return euros_to_cents(value)
    if unit == "rate":
        return format((value / 100).normalize(), "f")
    return value


def to_initial(unit: str, value: Any) -> Any:
    """A stored value → what the form shows (euros, a percentage, "true"…)."""
    if unit == "cents":
        return Decimal(int(value)) / 100
    if unit == "rate":
        percent = (Decimal(str(value)) * 100).normalize()
        return percent.quantize(Decimal(1)) if percent == percent.to_integral_value() else percent  # not 8E+1
    if unit == "bool":
        return "true" if value else "false"
    return value


class DatedValueForm(_VersionedForm):
    start = forms.DateField(label="En vigueur à partir du", widget=DateInput())
    source = forms.URLField(
        label="Source",
        max_length=500,
        assume_scheme="https",
        help_text="Adresse web de la publication officielle (texte, barème, page du financeur).",
    )
    comment = forms.CharField(label="Motif de la modification", max_length=300, help_text=COMMENT_HELP)
    version = _version_field()

    field_order = ["start", "value", "source", "comment"]

    def __init__(self, *args, unit: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.fields["value"] = _value_field(unit)
        self.order_fields(self.field_order)

    @classmethod
    def initial_for(cls, item: dict) -> dict:
        """The form's initial data for a stored dated value ``{from, value, source}``."""
        return {"start": dt.date.fromisoformat(str(item["from"])[:10]), "source": item.get("source", "")}

    def stored_value(self) -> Any:
        return to_stored(self.unit, self.cleaned_data["value"])


class DeleteValueForm(_VersionedForm):
    comment = forms.CharField(label="Motif de la suppression", max_length=300, help_text=COMMENT_HELP)
    version = _version_field()


_VALUE_PATH = re.compile(r"^parameters\.(?P<name>[^.]+)\.values\[\d+\]\.(?P<field>from|value|source)\b")


def apply_definition_error(form: forms.Form, error: DomainError, *, parameter: str = "") -> None:
    """Puts each error of ``scheme_update`` beside its input: the date, value and source of the
    edited parameter, the motive; anything else (another field of the definition) goes on top of
    the form with its path named, so the coordinator knows what to fix."""
    targets = {"from": "start", "value": "value", "source": "source"}
    for path, message in error.errors.items():
        match = _VALUE_PATH.match(path)
        if path in form.fields:
            form.add_error(path, message)
        elif match and match["name"] == parameter and targets[match["field"]] in form.fields:
            form.add_error(targets[match["field"]], message)
        elif "text" in form.fields:
            form.add_error("text", format_html("<code>{}</code> : {}", path, message))
        else:
            form.add_error(None, format_html("<code>{}</code> : {}", path, message))


# --- the advanced editor ----------------------------------------------------------------------


class _NoAliasLoader(yaml.SafeLoader):
    """``safe_load`` without anchors and aliases: a definition needs none, and an alias repeated
    in nested lists would expand into an enormous structure once stored as JSON."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "les alias YAML (*nom) ne sont pas acceptés ici", event.start_mark
            )
        return super().compose_node(parent, index)


# Dates stay strings ("2026-01-01"): the definition's own check then names a wrong date by its path
# (PyYAML would raise on 2026-02-30 before any field is known).
_NoAliasLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _dates_for_yaml(obj: Any) -> Any:
    """ISO dates stored as strings become dates again, so YAML shows them unquoted (2026-01-01)."""
    if isinstance(obj, dict):
        out = {}
        for key, value in obj.items():
            if key == "from" and isinstance(value, str):
                with contextlib.suppress(ValueError):
                    value = dt.date.fromisoformat(value)
            out[key] = _dates_for_yaml(value)
        return out
    if isinstance(obj, list):
        return [_dates_for_yaml(v) for v in obj]
    return obj


class _Dumper(yaml.SafeDumper):
    """Long texts (the description) as a folded block (``>``) rather than one quoted line."""


def _str(dumper: yaml.SafeDumper, value: str):
    style = ">" if len(value) > 80 and " " in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


# PostgreSQL's jsonb does not keep the order of keys: the editor shows them in a reading order
# (the same on every database), parameters in the order the criteria and the formula use them.
TOP = ["slug", "name", "funder", "channel", "scope", "order", "base", "history_code", "excludes",
       "all_travellers", "editable_example", "description", "source", "parameters", "criteria", "formula"]  # fmt: skip
ORDERS = {
    "funder": ["name", "slug"],
    "parameter": ["label", "unit", "values"],
    "value": ["from", "value", "source"],
    "criterion": ["type", "label", "min", "min_disabled", "max", "base", "per_half_part", "value", "allowed",
                  "strict", "rule", "per", "schemes", "who", "criteria"],
    "formula": ["basis", "amount", "cap_rate", "cap", "min_remaining", "round_down_to"],
    "amount": ["kind", "by", "value", "per_extra_child"],
    "row": ["from", "upto", "amount", "rate"],
}  # fmt: skip


def _sorted(node: dict, order: list[str]) -> dict:
    rank = {key: i for i, key in enumerate(order)}
    return {k: node[k] for k in sorted(node, key=lambda k: (rank.get(k, len(rank)), str(k)))}


def _criterion(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    node = _sorted(node, ORDERS["criterion"])
    if isinstance(node.get("criteria"), list):
        node["criteria"] = [_criterion(c) for c in node["criteria"]]
    return node


def _value(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    node = _sorted(node, ORDERS["value"])
    if isinstance(node.get("value"), list):
        node["value"] = [_sorted(r, ORDERS["row"]) if isinstance(r, dict) else r for r in node["value"]]
    return node


def _uses(node: Any, names: set[str], found: list[str]) -> None:
    if isinstance(node, dict):
        for value in node.values():
            _uses(value, names, found)
    elif isinstance(node, list):
        for item in node:
            _uses(item, names, found)
    elif isinstance(node, str) and node in names and node not in found:
        found.append(node)


def _reading_order(definition: dict) -> dict:
    out = _sorted(definition, TOP)
    if isinstance(out.get("funder"), dict):
        out["funder"] = _sorted(out["funder"], ORDERS["funder"])
    if isinstance(out.get("criteria"), list):
        out["criteria"] = [_criterion(c) for c in out["criteria"]]
    if isinstance(out.get("formula"), dict):
        formula = _sorted(out["formula"], ORDERS["formula"])
        if isinstance(formula.get("amount"), dict):
            formula["amount"] = _sorted(formula["amount"], ORDERS["amount"])
        out["formula"] = formula
    parameters = out.get("parameters")
    if isinstance(parameters, dict):
        used: list[str] = []
        _uses(out.get("criteria"), set(parameters), used)
        _uses(out.get("formula"), set(parameters), used)
        names = used + sorted(set(parameters) - set(used))
        ordered = {}
        for name in names:
            spec = parameters[name]
            if isinstance(spec, dict):
                spec = _sorted(spec, ORDERS["parameter"])
                if isinstance(spec.get("values"), list):
                    spec["values"] = [_value(v) for v in spec["values"]]
            ordered[name] = spec
        out["parameters"] = ordered
    return out


def definition_to_yaml(definition: dict) -> str:
    ordered = _reading_order(definition)
    return yaml.dump(
        _dates_for_yaml(ordered),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=None,
        width=100,
    )


class DefinitionYamlForm(_VersionedForm):
    text = forms.CharField(
        label="Définition (YAML)",
        max_length=100_000,
        strip=False,
        widget=forms.Textarea(
            attrs={"rows": 32, "class": "code-editor", "spellcheck": "false", "autocapitalize": "off"}
        ),
        help_text=(
            "Les dates s'écrivent AAAA-MM-JJ, les montants en centimes, les taux entre guillemets "
            "(\"0.8\" pour 80 %). Rien n'est enregistré tant qu'une erreur subsiste."
        ),
    )
    comment = forms.CharField(label="Motif de la modification", max_length=300, help_text=COMMENT_HELP)
    version = _version_field()

    def clean_text(self) -> dict:
        text = self.cleaned_data["text"]
        try:
            data = yaml.load(text, Loader=_NoAliasLoader)  # safe: a SafeLoader subclass
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"ligne {mark.line + 1}, colonne {mark.column + 1}" if mark else "texte"
            problem = getattr(exc, "problem", None) or str(exc)
            raise forms.ValidationError(
                format_html("<code>{}</code> : syntaxe YAML invalide ({}).", where, problem)
            ) from exc
        if not isinstance(data, dict):
            raise forms.ValidationError(
                format_html("<code>definition</code> : la définition doit être un objet (clé : valeur).")
            )
        return data


class ActivationForm(forms.Form):
    active = forms.TypedChoiceField(choices=[("1", "activer"), ("0", "suspendre")], coerce=lambda v: v == "1")


class RulesDateForm(forms.Form):
    au = forms.DateField(label="Règles en vigueur au", required=False, widget=DateInput())
