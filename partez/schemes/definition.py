"""A scheme's rules as data: schema, parsing and validation (pure: no ORM).

A definition is a dict (YAML in ``catalogue/``, JSON in the database)::

    slug, name, funder {name, slug?}, channel, scope, order, base, excludes, history_code,
    all_travellers, parameters {name: {label, unit, values: [{from, value, source}]}},
    criteria [{type, ...}], formula {basis, amount {...}, cap?, cap_rate?, min_remaining?,
    round_down_to?}

Every number a rule uses is a **dated parameter** (OpenFisca's model: a value applies from its
date until the next one), referenced by name from the criteria and the formula. ``parse`` checks
everything and raises ``DefinitionError`` with one French message per faulty field (the field is
named by its path, e.g. ``parameters.age_max.values[1].from``), so nothing invalid is ever saved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from partez.core.parameters import DatedValue, Parameter

CHANNELS = {
    "cheques": "Chèques-vacances",
    "host_payment": "Paiement à l'hébergeur",
    "reduced_price": "Tarif réduit",
    "in_kind": "Place ou séjour en nature",
    "bourse": "Bourse",
}
SCOPES = {"national", "local"}
BASES = {"cost", "remaining"}
STATUSES = {
    "employee": "salarié·e",
    "retired": "retraité·e",
    "inactive": "sans activité",
    "jobseeker": "demandeur·se d'emploi",
    "student": "étudiant·e boursier·e ou scolaire",
    "apprentice": "apprenti·e ou alternant·e",
    "civic_service": "service civique, CEJ",
    "other": "autre",
}
FORMATS = {"individual", "camping", "sac_ados", "seniors", "bsv", "hosting"}
HISTORY_RULES = {"first_departure", "once_per_year", "once_ever"}
WHO = {"each", "any", "all"}
UNITS = {"cents", "rate", "years", "nights", "count", "months", "statuses", "bool", "table"}

# Criterion type -> (required parameter keys, optional parameter keys, other keys allowed)
CRITERIA: dict[str, tuple[set[str], set[str], set[str]]] = {
    "age": (set(), {"min", "max", "min_disabled"}, {"who"}),
    "status": ({"allowed"}, set(), {"who"}),
    "qf_max": ({"value"}, set(), {"strict"}),
    "rfr_ceiling": ({"base"}, {"per_half_part"}, set()),
    "not_taxable": (set(), set(), set()),
    "resident": (set(), set(), set()),
    "group_size": (set(), {"min", "max"}, set()),
    "nights": (set(), {"min", "max"}, set()),
    "months": ({"allowed"}, set(), set()),
    "history": (set(), set(), {"rule", "per", "schemes"}),
    "format": (set(), set(), {"allowed"}),
    "any_of": (set(), set(), {"criteria", "label"}),
    # every sub-criterion met by the same person (e.g. « 60 ans ou plus ET retraité·e »)
    "all_of": (set(), set(), {"criteria", "label", "who"}),
    "relation": (set(), set(), {"allowed", "who"}),
}
# The unit each parameter role expects: a rule never compares an age with an amount.
CRITERION_UNITS = {
    ("age", "min"): "years",
    ("age", "max"): "years",
    ("age", "min_disabled"): "years",
    ("status", "allowed"): "statuses",
    ("qf_max", "value"): "cents",
    ("rfr_ceiling", "base"): "cents",
    ("rfr_ceiling", "per_half_part"): "cents",
    ("group_size", "min"): "count",
    ("group_size", "max"): "count",
    ("nights", "min"): "nights",
    ("nights", "max"): "nights",
    ("months", "allowed"): "months",
}
FORMULA_UNITS = {
    ("fixed", "value"): "cents",
    ("fixed", "per_extra_child"): "cents",
    ("rate", "value"): "rate",
    ("table", "value"): "table",
    "cap": "cents",
    "cap_rate": "rate",
    "min_remaining": "cents",
    "round_down_to": "cents",
}
MAX_CENTS = 1_000_000_000  # 10 M€: far above any holiday aid, and a guard against typos
AMOUNT_KINDS: dict[str, tuple[set[str], set[str]]] = {
    "fixed": ({"value"}, {"per_extra_child"}),
    "rate": ({"value"}, set()),
    "table": ({"value"}, set()),
    "cost": (set(), set()),
}


def _is(value: Any, choices) -> bool:
    """``value in choices`` for text only (a YAML list or mapping is never a valid choice)."""
    return isinstance(value, str) and value in choices


class DefinitionError(Exception):
    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k} : {v}" for k, v in errors.items()))


@dataclass(frozen=True)
class Criterion:
    type: str
    params: dict[str, str]  # role -> parameter name (e.g. {"max": "age_max"})
    options: dict[str, Any]  # who, strict, rule, per, schemes, allowed (formats), label
    children: tuple[Criterion, ...] = ()


@dataclass(frozen=True)
class Formula:
    basis: str  # household | beneficiary
    amount_kind: str  # fixed | rate | table | cost
    amount: dict[str, str]  # role -> parameter name
    table_key: str  # nights | qf | group_size (for table)
    limits: dict[str, str]  # cap, cap_rate, min_remaining, round_down_to -> parameter name


@dataclass(frozen=True)
class SchemeDefinition:
    slug: str
    name: str
    funder_name: str
    funder_slug: str
    channel: str
    scope: str
    order: int
    base: str
    excludes: frozenset[str]
    history_code: str
    all_travellers: bool
    description: str
    source: str
    editable_example: bool
    parameters: dict[str, Parameter]
    personal_filters: int  # criteria that choose the beneficiaries among the travellers
    parameter_labels: dict[str, tuple[str, str]]  # name -> (label, unit)
    criteria: tuple[Criterion, ...]
    formula: Formula
    version: int = 1


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _number(value: Any) -> Decimal | None:
    if isinstance(value, (bool, float)):
        # floats are refused: amounts in cents and rates as strings ("0.8") stay exact
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return None
        return number if number.is_finite() else None  # "NaN", "Infinity"
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    return None


def _check_value(unit: str, value: Any, path: str, errors: dict[str, str]) -> Any:
    """Normalise one dated value for its unit, or record why it is invalid."""
    if unit == "bool":
        if not isinstance(value, bool):
            errors[path] = "doit valoir true ou false."
        return value
    if unit == "months":
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(m, int) and 1 <= m <= 12 for m in value)
        ):
            errors[path] = "doit être une liste de mois, de 1 à 12."
            return value
        return sorted(set(value))
    if unit == "statuses":
        if not isinstance(value, list) or not value or not set(value) <= set(STATUSES):
            errors[path] = f"doit être une liste de situations parmi : {', '.join(STATUSES)}."
        return value
    if unit == "table":
        if not isinstance(value, list) or not value:
            errors[path] = "doit être une liste de tranches."
            return value
        rows: list[dict[str, int | str]] = []
        for i, row in enumerate(value):
            rpath = f"{path}[{i}]"
            if not isinstance(row, dict) or "upto" not in row and "from" not in row:
                errors[rpath] = "chaque tranche a une borne « upto » (jusqu'à) ou « from » (à partir de)."
                continue
            bound_key = "upto" if "upto" in row else "from"
            bound = _number(row[bound_key])
            if bound is None:
                errors[f"{rpath}.{bound_key}"] = "doit être un nombre entier."
                continue
            if ("amount" in row) == ("rate" in row):
                errors[rpath] = "chaque tranche donne soit « amount » (centimes), soit « rate » (taux)."
                continue
            if "amount" in row:
                amount = _number(row["amount"])
                if amount is None or amount < 0 or amount != amount.to_integral_value():
                    errors[f"{rpath}.amount"] = "doit être un montant en centimes, entier et positif."
                    continue
                rows.append({bound_key: int(bound), "amount": int(amount)})
            else:
                rate = _number(row["rate"])
                if rate is None or not 0 <= rate <= 1:
                    errors[f"{rpath}.rate"] = 'doit être un taux entre 0 et 1 (par exemple "0.8").'
                    continue
                rows.append({bound_key: int(bound), "rate": str(rate)})
        kinds = {"upto" if "upto" in r else "from" for r in rows}
        if len(kinds) > 1:
            errors[path] = "toutes les tranches utilisent la même borne (« upto » ou « from »)."
        return rows
    number = _number(value)
    if number is None:
        errors[path] = 'doit être un nombre (les taux s\'écrivent entre guillemets, par exemple "0.8").'
        return value
    if number < 0:
        errors[path] = "ne peut pas être négatif."
        return value
    if unit == "rate":
        if number > 1:
            errors[path] = "un taux est compris entre 0 et 1."
        return str(number)
    if number != number.to_integral_value():
        errors[path] = "doit être un nombre entier" + (" de centimes." if unit == "cents" else ".")
        return value
    if number > MAX_CENTS:
        errors[path] = "valeur trop grande (10 000 000 € ou 1 000 000 000 au plus)."
        return value
    return int(number)


def is_web_address(value) -> bool:
    """An http(s) address with a host: a source is shown as a link, so never ``javascript:``,
    ``data:`` or anything a browser would run."""
    if not isinstance(value, str) or value != value.strip() or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _parse_parameters(raw: Any, errors: dict[str, str]):
    params: dict[str, Parameter] = {}
    labels: dict[str, tuple[str, str]] = {}
    if not isinstance(raw, dict) or not raw:
        errors["parameters"] = "au moins un paramètre daté est nécessaire."
        return params, labels
    for name, spec in raw.items():
        path = f"parameters.{name}"
        if not isinstance(spec, dict):
            errors[path] = "doit décrire label, unit et values."
            continue
        unit = spec.get("unit")
        if unit not in UNITS:
            errors[f"{path}.unit"] = f"unité inconnue ; choisir parmi : {', '.join(sorted(UNITS))}."
            continue
        label = spec.get("label")
        if not isinstance(label, str) or not label.strip():
            errors[f"{path}.label"] = "le libellé en français est obligatoire."
        values = spec.get("values")
        if not isinstance(values, list) or not values:
            errors[f"{path}.values"] = "au moins une valeur datée est nécessaire."
            continue
        dated: list[DatedValue] = []
        seen: set[dt.date] = set()
        for i, item in enumerate(values):
            vpath = f"{path}.values[{i}]"
            if not isinstance(item, dict):
                errors[vpath] = "doit contenir from, value et source."
                continue
            start = _date(item.get("from"))
            if start is None:
                errors[f"{vpath}.from"] = "date invalide (format AAAA-MM-JJ)."
                continue
            if start in seen:
                errors[f"{vpath}.from"] = f"deux valeurs commencent le {start:%d/%m/%Y}."
                continue
            seen.add(start)
            source = item.get("source", "")
            if not is_web_address(source):
                errors[f"{vpath}.source"] = "la source (adresse web) de la valeur est obligatoire."
            if "value" not in item:
                errors[f"{vpath}.value"] = "la valeur est obligatoire."
                continue
            value = _check_value(unit, item["value"], f"{vpath}.value", errors)
            dated.append(
                DatedValue(start=start, value=value, source=source if isinstance(source, str) else "")
            )
        dated.sort(key=lambda v: v.start)
        params[name] = Parameter(name=name, description=label or name, values=tuple(dated))
        labels[name] = (label or name, unit)
    return params, labels


def _parse_criterion(
    raw: Any, path: str, params: dict, units: dict, errors: dict[str, str]
) -> Criterion | None:
    if not isinstance(raw, dict) or not _is(raw.get("type"), CRITERIA):
        errors[f"{path}.type"] = f"type de critère inconnu ; choisir parmi : {', '.join(sorted(CRITERIA))}."
        return None
    kind = raw["type"]
    required, optional, other = CRITERIA[kind]
    refs: dict[str, str] = {}
    for key in sorted(set(raw) - {"type"}):
        if key in required | optional:
            name = raw[key]
            if not _is(name, params):
                errors[f"{path}.{key}"] = f"le paramètre « {name} » n'existe pas dans « parameters »."
            else:
                refs[key] = name
        elif key not in other:
            errors[f"{path}.{key}"] = f"champ inconnu pour un critère « {kind} »."
    for key in sorted(required - set(raw)):
        errors[f"{path}.{key}"] = f"obligatoire pour un critère « {kind} » (nom d'un paramètre)."
    if kind in {"age", "group_size", "nights"} and not (set(raw) & (required | optional)):
        errors[path] = f"un critère « {kind} » a besoin d'au moins une borne."
    options: dict[str, Any] = {}
    if kind in {"age", "status", "all_of", "relation"}:
        who = raw.get("who", "each")
        if not _is(who, WHO):
            errors[f"{path}.who"] = "doit valoir each (chaque bénéficiaire), any (au moins un) ou all (tous)."
        options["who"] = who
    if kind == "qf_max":
        options["strict"] = bool(raw.get("strict", False))
    if kind == "history":
        rule = raw.get("rule")
        if not _is(rule, HISTORY_RULES):
            errors[f"{path}.rule"] = "doit valoir first_departure, once_per_year ou once_ever."
        per = raw.get("per", "person")
        if not _is(per, {"person", "household"}):
            errors[f"{path}.per"] = "doit valoir person ou household."
        schemes = raw.get("schemes", [])
        if not isinstance(schemes, list) or not all(isinstance(s, str) for s in schemes):
            errors[f"{path}.schemes"] = "doit être une liste d'identifiants de dispositifs."
            schemes = []
        options.update(rule=rule, per=per, schemes=tuple(schemes))
    if kind == "format":
        allowed = raw.get("allowed")
        if not isinstance(allowed, list) or not allowed or not set(allowed) <= FORMATS:
            errors[f"{path}.allowed"] = f"liste de formats parmi : {', '.join(sorted(FORMATS))}."
            allowed = []
        options["allowed"] = tuple(allowed)
    for key, name in refs.items():
        unit = CRITERION_UNITS.get((kind, key))
        if unit and units.get(name) != unit:
            errors[f"{path}.{key}"] = f"le paramètre « {name} » doit avoir l'unité « {unit} »."
    children: list[Criterion] = []
    if kind == "relation":
        allowed = raw.get("allowed")
        if (
            not isinstance(allowed, list)
            or not allowed
            or not all(_is(a, {"adult", "child"}) for a in allowed)
        ):
            errors[f"{path}.allowed"] = "liste parmi : adult (adulte), child (enfant)."
            allowed = []
        options["allowed"] = tuple(allowed)
    if kind in {"any_of", "all_of"}:
        subs = raw.get("criteria")
        if not isinstance(subs, list) or len(subs) < 2:
            errors[f"{path}.criteria"] = f"un critère « {kind} » regroupe au moins deux critères."
        else:
            for i, sub in enumerate(subs):
                child = _parse_criterion(sub, f"{path}.criteria[{i}]", params, units, errors)
                if child is not None:
                    children.append(child)
        label = raw.get("label", "")
        if not isinstance(label, str) or not label:
            errors[f"{path}.label"] = f"un libellé est obligatoire pour un critère « {kind} »."
        options["label"] = label
    return Criterion(type=kind, params=refs, options=options, children=tuple(children))


def _parse_formula(
    raw: Any, params: dict, errors: dict[str, str], params_units: dict[str, str]
) -> Formula | None:
    if not isinstance(raw, dict):
        errors["formula"] = "la formule de calcul de l'aide est obligatoire."
        return None
    basis = raw.get("basis", "household")
    if not _is(basis, {"household", "beneficiary"}):
        errors["formula.basis"] = "doit valoir household (par foyer) ou beneficiary (par bénéficiaire)."
    amount = raw.get("amount")
    if not isinstance(amount, dict) or not _is(amount.get("kind"), AMOUNT_KINDS):
        errors["formula.amount.kind"] = (
            f"type de montant inconnu ; choisir parmi : {', '.join(AMOUNT_KINDS)}."
        )
        return None
    kind = amount["kind"]
    required, optional = AMOUNT_KINDS[kind]
    refs: dict[str, str] = {}
    for key in sorted(set(amount) - {"kind", "by"}):
        if key not in required | optional:
            errors[f"formula.amount.{key}"] = f"champ inconnu pour un montant « {kind} »."
        elif not _is(amount[key], params):
            errors[f"formula.amount.{key}"] = (
                f"le paramètre « {amount[key]} » n'existe pas dans « parameters »."
            )
        else:
            refs[key] = amount[key]
    for key in sorted(required - set(amount)):
        errors[f"formula.amount.{key}"] = "obligatoire (nom d'un paramètre)."
    units = params_units
    for key, name in refs.items():
        unit = FORMULA_UNITS.get((kind, key))
        if unit and units.get(name) != unit:
            errors[f"formula.amount.{key}"] = f"le paramètre « {name} » doit avoir l'unité « {unit} »."
    table_key = ""
    if kind == "table":
        table_key = amount.get("by", "")
        if not _is(table_key, {"nights", "qf", "group_size"}):
            errors["formula.amount.by"] = "une grille se lit par nights, qf ou group_size."
    limits: dict[str, str] = {}
    for key in ("cap", "cap_rate", "min_remaining", "round_down_to"):
        if key in raw:
            if not _is(raw[key], params):
                errors[f"formula.{key}"] = f"le paramètre « {raw[key]} » n'existe pas dans « parameters »."
            elif units.get(raw[key]) != FORMULA_UNITS[key]:
                errors[f"formula.{key}"] = (
                    f"le paramètre « {raw[key]} » doit avoir l'unité « {FORMULA_UNITS[key]} »."
                )
            else:
                limits[key] = raw[key]
    for key in sorted(set(raw) - {"basis", "amount", "cap", "cap_rate", "min_remaining", "round_down_to"}):
        errors[f"formula.{key}"] = "champ inconnu dans la formule."
    return Formula(basis=basis, amount_kind=kind, amount=refs, table_key=table_key, limits=limits)


def is_personal(c: Criterion) -> bool:
    """A criterion about each traveller (age, situation, adult/child, a person's history), not the
    household's."""
    if c.type in {"age", "status", "relation"}:
        return True
    if c.type == "history":
        return c.options.get("per") == "person"
    return c.type in {"any_of", "all_of"} and any(is_personal(child) for child in c.children)


def parse(raw: Any, *, version: int = 1, known_slugs: set[str] | None = None) -> SchemeDefinition:
    """Validate a definition and return it parsed; raise DefinitionError naming every faulty field."""
    errors: dict[str, str] = {}
    if not isinstance(raw, dict):
        raise DefinitionError({"definition": "la définition doit être un objet (clé : valeur)."})
    for key, longest in (("slug", 60), ("name", 120)):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            errors[key] = "obligatoire."
        elif len(raw[key]) > longest:
            errors[key] = f"{longest} caractères au plus."
    funder = raw.get("funder")
    if not isinstance(funder, dict) or not isinstance(funder.get("name"), str) or not funder["name"].strip():
        errors["funder.name"] = "le nom du financeur est obligatoire."
        funder = {}
    elif not isinstance(funder.get("slug", ""), str):
        errors["funder.slug"] = "l'identifiant du financeur est un texte."
        funder = {}
    if not _is(raw.get("channel"), CHANNELS):
        errors["channel"] = f"mode de versement inconnu ; choisir parmi : {', '.join(CHANNELS)}."
    if not _is(raw.get("scope"), SCOPES):
        errors["scope"] = "doit valoir national ou local."
    order = raw.get("order", 50)
    if not isinstance(order, int) or isinstance(order, bool) or order < 0:
        errors["order"] = "l'ordre de calcul est un entier positif."
        order = 50
    base = raw.get("base", "cost")
    if not _is(base, BASES):
        errors["base"] = (
            "doit valoir cost (sur le coût du séjour) ou remaining (sur le reste après les aides précédentes)."
        )
    excludes = raw.get("excludes", [])
    if not isinstance(excludes, list) or not all(isinstance(s, str) for s in excludes):
        errors["excludes"] = "doit être une liste d'identifiants de dispositifs."
        excludes = []
    elif known_slugs is not None:
        unknown = sorted(set(excludes) - known_slugs)
        if unknown:
            errors["excludes"] = f"dispositif(s) inconnu(s) : {', '.join(unknown)}."
    if raw.get("slug") in excludes:
        errors["excludes"] = "un dispositif ne peut pas s'exclure lui-même."
    if raw.get("source") and not is_web_address(raw.get("source")):
        errors["source"] = "doit être une adresse web (http:// ou https://)."
    params, labels = _parse_parameters(raw.get("parameters"), errors)
    units = {name: unit for name, (_label, unit) in labels.items()}
    criteria_raw = raw.get("criteria", [])
    criteria: list[Criterion] = []
    if not isinstance(criteria_raw, list):
        errors["criteria"] = "doit être une liste de critères."
    else:
        for i, item in enumerate(criteria_raw):
            criterion = _parse_criterion(item, f"criteria[{i}]", params, units, errors)
            if criterion is not None:
                criteria.append(criterion)
    formula = _parse_formula(raw.get("formula"), params, errors, units)
    if errors:
        raise DefinitionError(errors)
    assert formula is not None
    return SchemeDefinition(
        slug=raw["slug"],
        name=raw["name"],
        funder_name=funder["name"],
        funder_slug=funder.get("slug", "") or "",
        channel=raw["channel"],
        scope=raw["scope"],
        order=order,
        base=base,
        excludes=frozenset(excludes),
        history_code=raw.get("history_code", "") or "",
        all_travellers=bool(raw.get("all_travellers", False)),
        description=raw.get("description", "") or "",
        source=raw.get("source", "") or "",
        editable_example=bool(raw.get("editable_example", False)),
        parameters=params,
        personal_filters=sum(
            1 for c in criteria if c.options.get("who", "each") == "each" and is_personal(c)
        ),
        parameter_labels=labels,
        criteria=tuple(criteria),
        formula=formula,
        version=version,
    )


def to_jsonable(raw: Any) -> Any:
    """Dates to ISO strings, so a YAML definition can be stored as JSON."""
    if isinstance(raw, dict):
        return {k: to_jsonable(v) for k, v in raw.items()}
    if isinstance(raw, list):
        return [to_jsonable(v) for v in raw]
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return raw
