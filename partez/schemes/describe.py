"""A scheme's rules in plain French, for the people who apply them (pure: no ORM).

``describe(definition, on)`` turns a parsed ``SchemeDefinition`` into sentences — the criteria
(a tree: ``any_of`` groups its alternatives), the formula of the aid and how it combines with the
other schemes — using the values in force on ``on``. ``format_value`` writes one dated value for
the parameters table. The engine explains a verdict for one situation; this module explains the
rule itself, before any situation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from partez.core.money import euros

from .definition import STATUSES, Criterion, SchemeDefinition
from .engine import FORMAT_LABELS
from .months import join as _join
from .months import months_text as months_text  # re-exported: the scheme pages and tests read it here
from .months import period as _period

UNIT_LABELS = {
    "cents": "montant",
    "rate": "taux",
    "years": "âge",
    "nights": "nuits",
    "count": "nombre",
    "months": "mois",
    "statuses": "situations",
    "bool": "oui / non",
    "table": "barème",
}
WHO_TEXT = {
    "each": "chaque bénéficiaire",
    "any": "au moins une personne qui part",
    "all": "toutes les personnes qui partent",
}
TABLE_SUBJECTS = {
    "nights": "la durée du séjour",
    "qf": "le quotient familial",
    "group_size": "la taille du groupe",
}


@dataclass(frozen=True)
class Line:
    """One sentence, with the sentences it groups (the alternatives of an ``any_of``)."""

    text: str
    children: tuple[Line, ...] = ()


@dataclass(frozen=True)
class Description:
    criteria: tuple[Line, ...]
    formula: tuple[str, ...]
    combination: tuple[str, ...]


class _Missing(Exception):
    def __init__(self, label: str):
        self.label = label


# --- values -----------------------------------------------------------------------------------


def money(cents: int) -> str:
    """12345 → « 123,45 € », 1728000 → « 17 280 € » (no ",00": rules read better without it)."""
    return euros(cents, trim=True)


def percent(rate: Any) -> str:
    """ "0.8" → « 80 % »."""
    value = (Decimal(str(rate)) * 100).normalize()
    return f"{value:f}".replace(".", ",") + " %"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if abs(int(n)) <= 1 else many}"


def _table_bound(row: dict, key: str) -> str:
    bound_key = "upto" if "upto" in row else "from"
    n = row[bound_key]
    prefix = "jusqu'à" if bound_key == "upto" else "à partir de"
    if key == "qf":
        return f"QF {prefix} {money(n)}"
    if key == "nights":
        return f"{prefix} {_plural(n, 'nuit', 'nuits')}"
    if key == "group_size":
        return f"{prefix} {_plural(n, 'personne', 'personnes')}"
    return f"{prefix} {n}"


def _table_rows(rows: list[dict], key: str, base: str = "coût") -> list[str]:
    return [
        f"{money(r['amount']) if 'amount' in r else percent(r['rate']) + ' du ' + base} {_table_bound(r, key)}"
        for r in rows
    ]


def format_value(unit: str, value: Any, table_key: str = "") -> str:
    """One dated value as a person reads it (the parameters table, the diff between versions)."""
    try:
        if unit == "cents":
            return money(value)
        if unit == "rate":
            return percent(value)
        if unit == "years":
            return _plural(value, "an", "ans")
        if unit == "nights":
            return _plural(value, "nuit", "nuits")
        if unit == "count":
            return str(value)
        if unit == "months":
            return _period(value)
        if unit == "statuses":
            return " ; ".join(STATUSES.get(s, s) for s in value)
        if unit == "bool":
            return "oui" if value else "non"
        if unit == "table":
            return " ; ".join(_table_rows(value, table_key))
    except (TypeError, ValueError, ArithmeticError, KeyError, AttributeError):
        pass  # a value of a definition that was never valid: show it as stored
    return str(value)


def table_keys(d: SchemeDefinition) -> dict[str, str]:
    """Parameter name → what its scale is read by (nights, qf, group_size), for table parameters."""
    if d.formula.amount_kind == "table" and "value" in d.formula.amount:
        return {d.formula.amount["value"]: d.formula.table_key}
    return {}


# --- sentences --------------------------------------------------------------------------------


class _Describer:
    def __init__(self, d: SchemeDefinition, on: dt.date, names: dict[str, str]):
        self.d = d
        self.on = on
        self.names = names
        self.base = "reste à payer" if d.base == "remaining" else "coût"

    def value(self, name: str) -> Any:
        found = self.d.parameters[name].in_force(self.on)
        if found is None:
            raise _Missing(self.d.parameter_labels.get(name, (name, ""))[0])
        return found.value

    def optional(self, c: Criterion, role: str) -> Any:
        return self.value(c.params[role]) if role in c.params else None

    def scheme_names(self, slugs: Iterable[str]) -> str:
        """Names separated by semicolons: a name may hold commas (« Je pars, tu pars, il part »)."""
        return " ; ".join(sorted(self.names.get(s, s) for s in slugs))

    # criteria

    def criterion(self, c: Criterion) -> Line:
        if c.type == "any_of":
            children = tuple(self.criterion(child) for child in c.children)
            return Line(f"{c.options['label']} : au moins une des conditions suivantes", children)
        if c.type == "all_of":  # the parts are one person's: no « (chaque bénéficiaire) » on each
            each = f" ({WHO_TEXT['each']})"
            children = tuple(
                Line(line.text.removesuffix(each), line.children)
                for line in (self.criterion(child) for child in c.children)
            )
            return Line(
                f"{c.options['label']} : toutes les conditions suivantes, pour une même personne{self._who(c)}",
                children,
            )
        try:
            return Line(getattr(self, f"_{c.type}")(c))
        except _Missing as exc:
            return Line(
                f"{CRITERION_TITLES[c.type]} : « {exc.label} » n'a pas de valeur en vigueur au {self.on:%d/%m/%Y}"
            )

    def _who(self, c: Criterion) -> str:
        return f" ({WHO_TEXT[c.options.get('who', 'each')]})"

    def _age(self, c: Criterion) -> str:
        lo, hi = self.optional(c, "min"), self.optional(c, "max")
        lo_disabled = self.optional(c, "min_disabled")
        if lo is not None and lo == hi:
            text = f"Avoir {_plural(lo, 'an', 'ans')} le jour du départ"
        elif lo is not None and hi is not None:
            text = f"Avoir de {lo} à {_plural(hi, 'an', 'ans')} le jour du départ"
        elif lo is not None:
            text = f"Avoir {_plural(lo, 'an', 'ans')} ou plus le jour du départ"
        elif hi is not None:
            text = f"Avoir {_plural(hi, 'an', 'ans')} au plus le jour du départ"
        else:
            text = "Avoir l'âge requis le jour du départ"
        if lo_disabled is not None:
            text += f", {_plural(lo_disabled, 'an', 'ans')} en situation de handicap"
        return text + self._who(c)

    def _status(self, c: Criterion) -> str:
        labels = [STATUSES.get(s, s) for s in self.value(c.params["allowed"])]
        if len(labels) == 1:
            return f"Situation : {labels[0]}{self._who(c)}"
        return f"Être dans l'une de ces situations : {' ; '.join(labels)}{self._who(c)}"

    def _qf_max(self, c: Criterion) -> str:
        ceiling = money(self.value(c.params["value"]))
        if c.options.get("strict"):
            return f"Quotient familial CAF inférieur à {ceiling}"
        return f"Quotient familial CAF au plus {ceiling}"

    def _rfr_ceiling(self, c: Criterion) -> str:
        text = f"Revenu fiscal de référence au plus {money(self.value(c.params['base']))}"
        if "per_half_part" in c.params:
            text += f" + {money(self.value(c.params['per_half_part']))} par demi-part supplémentaire"
        return text

    def _not_taxable(self, c: Criterion) -> str:
        return "Ne pas être imposable (avis d'imposition)"

    def _resident(self, c: Criterion) -> str:
        return "Habiter une commune qui participe à l'édition"

    def _group_size(self, c: Criterion) -> str:
        lo, hi = self.optional(c, "min"), self.optional(c, "max")
        if lo is not None and lo == hi:
            return f"Partir à {_plural(lo, 'personne', 'personnes')}"
        if lo is not None and hi is not None:
            return f"Partir en groupe de {lo} à {_plural(hi, 'personne', 'personnes')}"
        if lo is not None:
            return f"Partir en groupe d'au moins {_plural(lo, 'personne', 'personnes')}"
        return f"Partir en groupe de {_plural(hi, 'personne', 'personnes')} au plus"

    def _nights(self, c: Criterion) -> str:
        lo, hi = self.optional(c, "min"), self.optional(c, "max")
        if lo is not None and hi is not None:
            if lo == hi:
                return f"Séjour de {_plural(lo, 'nuit', 'nuits')}"
            return f"Séjour de {lo} à {_plural(hi, 'nuit', 'nuits')}"
        if lo is not None:
            return f"Séjour d'au moins {_plural(lo, 'nuit', 'nuits')}"
        return f"Séjour de {_plural(hi, 'nuit', 'nuits')} au plus"

    def _months(self, c: Criterion) -> str:
        return f"Séjour {_period(self.value(c.params['allowed']))}"

    def _history(self, c: Criterion) -> str:
        who = "personne" if c.options.get("per") == "person" else "foyer"
        rule = c.options.get("rule")
        if rule == "first_departure":
            if who == "foyer":
                return "Premier départ en vacances : aucun départ passé déclaré dans le foyer"
            return "Premier départ en vacances de chaque personne qui part"
        text = (
            f"Pas plus d'une fois par an par {who}"
            if rule == "once_per_year"
            else f"Une seule fois par {who}"
        )
        others = set(c.options.get("schemes") or ()) - {self.d.slug}
        if others:
            text += f", pour l'ensemble de ces dispositifs : {self.scheme_names({self.d.slug, *others})}"
        return text

    def _relation(self, c: Criterion) -> str:
        names = {"adult": "adulte", "child": "enfant"}
        return f"Être {' ou '.join(names[a] for a in c.options.get('allowed', ()))}{self._who(c)}"

    def _format(self, c: Criterion) -> str:
        labels = [FORMAT_LABELS.get(f, f) for f in c.options.get("allowed", ())]
        return f"Format du séjour : {_join(labels, 'ou')}"

    # formula

    def formula(self) -> tuple[str, ...]:
        f = self.d.formula
        try:
            parts = [self._amount()]
            for key, text in (
                ("cap_rate", lambda v: f"au plus {percent(v)} du {self.base}"),
                ("cap", lambda v: f"au plus {money(v)}"),
                ("min_remaining", lambda v: f"en laissant au moins {money(v)} à charge"),
                ("round_down_to", lambda v: f"arrondi au multiple de {money(v)} inférieur"),
            ):
                if key in f.limits:
                    parts.append(text(self.value(f.limits[key])))
            sentence = ", ".join(parts)
        except _Missing as exc:
            sentence = (
                f"Montant de l'aide : « {exc.label} » n'a pas de valeur en vigueur au {self.on:%d/%m/%Y}"
            )
        lines = [sentence]
        if f.basis == "beneficiary":
            lines.append(
                f"Calculé pour chaque bénéficiaire sur sa part du {self.base} (divisé par le nombre de "
                "personnes qui partent), puis multiplié par le nombre de bénéficiaires"
            )
        else:
            lines.append("Calculé une fois pour le foyer")
        return tuple(lines)

    def _amount(self) -> str:
        f = self.d.formula
        if f.amount_kind == "rate":
            return f"{percent(self.value(f.amount['value']))} du {self.base}"
        if f.amount_kind == "fixed":
            text = f"Forfait de {money(self.value(f.amount['value']))}"
            if "per_extra_child" in f.amount:
                text += f" + {money(self.value(f.amount['per_extra_child']))} par enfant au-delà du premier"
            return text
        if f.amount_kind == "cost":
            return f"Prise en charge du {self.base}"
        rows = _table_rows(self.value(f.amount["value"]), f.table_key, self.base)
        return f"Selon {TABLE_SUBJECTS.get(f.table_key, f.table_key)} : {', '.join(rows)}"

    # combination

    def combination(self, excluded: set[str]) -> tuple[str, ...]:
        if self.d.base == "remaining":
            base = "Calculé sur le reste à payer après les aides précédentes"
        else:
            base = "Calculé sur le coût du séjour, sans tenir compte des autres aides"
        lines = [
            base,
            f"Ordre de calcul dans le plan de financement : {self.d.order} (les aides d'ordre plus petit passent avant)",
        ]
        if excluded:
            lines.append(f"Ne se cumule pas avec : {self.scheme_names(excluded)}")
        else:
            lines.append("Se cumule avec les autres dispositifs du même format de séjour")
        return tuple(lines)


CRITERION_TITLES = {
    "age": "Âge",
    "status": "Situation",
    "qf_max": "Quotient familial CAF",
    "rfr_ceiling": "Revenu fiscal de référence",
    "not_taxable": "Imposition",
    "resident": "Commune de résidence",
    "group_size": "Taille du groupe",
    "nights": "Durée du séjour",
    "months": "Période du séjour",
    "history": "Départs passés",
    "format": "Format du séjour",
    "relation": "Adulte ou enfant",
}


def describe(d: SchemeDefinition, on: dt.date, others: Iterable[SchemeDefinition] = ()) -> Description:
    """The rules of ``d`` in force on ``on``, in French. ``others`` (the other schemes) give the
    names of the schemes it does not combine with — in either direction: the engine never
    combines two schemes when one of them excludes the other."""
    others = [o for o in others if o.slug != d.slug]
    names = {o.slug: o.name for o in others} | {d.slug: d.name}
    excluded = set(d.excludes) | {o.slug for o in others if d.slug in o.excludes}
    describer = _Describer(d, on, names)
    criteria = [describer.criterion(c) for c in d.criteria]
    if d.all_travellers:
        criteria.append(Line("Toutes les personnes qui partent remplissent les conditions personnelles"))
    return Description(
        criteria=tuple(criteria),
        formula=describer.formula(),
        combination=describer.combination(excluded),
    )


# --- what changed between two versions ---------------------------------------------------------

FIELD_LABELS = {
    "slug": "Identifiant",
    "name": "Nom",
    "funder": "Financeur",
    "channel": "Mode de versement",
    "scope": "Portée",
    "order": "Ordre de calcul",
    "base": "Base de calcul",
    "excludes": "Exclusions de cumul",
    "history_code": "Code des départs passés",
    "all_travellers": "Toutes les personnes qui partent",
    "description": "Description",
    "source": "Source",
    "editable_example": "Exemple modifiable",
    "criteria": "Critères",
    "formula": "Formule de l'aide",
}
_SHORT_FIELDS = {"slug", "name", "channel", "scope", "order", "base", "history_code", "source"}


def _day(value: Any) -> str:
    try:
        return f"{dt.date.fromisoformat(str(value)[:10]):%d/%m/%Y}"
    except ValueError:
        return str(value)


def _spec(raw: dict, name: str) -> dict:
    spec = (raw.get("parameters") or {}).get(name)
    return spec if isinstance(spec, dict) else {}


def _values_by_date(spec: dict) -> dict[str, dict]:
    values = spec.get("values")
    if not isinstance(values, list):
        return {}
    return {str(v.get("from"))[:10]: v for v in values if isinstance(v, dict)}


def _raw_table_key(raw: dict, name: str) -> str:
    formula: dict[str, Any] = found if isinstance(found := raw.get("formula"), dict) else {}
    amount: dict[str, Any] = found if isinstance(found := formula.get("amount"), dict) else {}
    by: str = amount.get("by", "")
    return by if amount.get("kind") == "table" and amount.get("value") == name else ""


def diff_definitions(old: dict, new: dict) -> list[str]:
    """What changed from one stored definition to the next, in French: every dated value added,
    removed or corrected, by parameter; the other fields by name."""
    lines: list[str] = []
    old_params: dict[str, Any] = found if isinstance(found := old.get("parameters"), dict) else {}
    new_params: dict[str, Any] = found if isinstance(found := new.get("parameters"), dict) else {}
    for name in [*old_params, *(n for n in new_params if n not in old_params)]:
        before, after = _spec(old, name), _spec(new, name)
        label = after.get("label") or before.get("label") or name
        if not after:
            lines.append(f"Paramètre « {label} » retiré")
            continue
        if not before:
            lines.append(f"Paramètre « {label} » ajouté")
        elif before.get("label") != after.get("label"):
            lines.append(f"Paramètre « {before.get('label')} » renommé « {after.get('label')} »")
        if before and before.get("unit") != after.get("unit"):
            lines.append(f"« {label} » : unité {before.get('unit')} → {after.get('unit')}")
        unit = after.get("unit", "")
        table_key = _raw_table_key(new, name)

        def show(v: dict, unit=unit, table_key=table_key) -> str:
            return format_value(unit, v.get("value"), table_key)

        old_values, new_values = _values_by_date(before), _values_by_date(after)
        for day in sorted(set(old_values) | set(new_values)):
            was, now = old_values.get(day), new_values.get(day)
            if was is None:
                assert now is not None  # the day is one of either side's
                lines.append(f"« {label} » : nouvelle valeur au {_day(day)} : {show(now)}")
            elif now is None:
                lines.append(f"« {label} » : valeur du {_day(day)} supprimée ({show(was)})")
            else:
                if was.get("value") != now.get("value"):
                    lines.append(f"« {label} » au {_day(day)} : {show(was)} → {show(now)}")
                if was.get("source") != now.get("source"):
                    lines.append(f"« {label} » au {_day(day)} : source modifiée")
    for key, field_label in FIELD_LABELS.items():
        if old.get(key) == new.get(key):
            continue
        if key == "excludes":
            removed, added = set(old.get(key) or ()), set(new.get(key) or ())
            parts = [f"ajout de {s}" for s in sorted(added - removed)] + [
                f"retrait de {s}" for s in sorted(removed - added)
            ]
            lines.append(f"{field_label} : {' ; '.join(parts)}")
        elif key in _SHORT_FIELDS:
            lines.append(f"{field_label} : « {old.get(key, '')} » → « {new.get(key, '')} »")
        else:
            lines.append(f"{field_label} : modifié(e)")
    other = sorted((set(old) | set(new)) - set(FIELD_LABELS) - {"parameters"})
    lines.extend(f"Champ « {k} » modifié" for k in other if old.get(k) != new.get(k))
    return lines
