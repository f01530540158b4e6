"""The pooling engine: eligibility with explanations and the financing plan (pure: no ORM).

``evaluate(situation, definitions)`` answers, for each scheme, eligible or not and why (each
criterion with the value used, the threshold and pass/fail, in French), the aid and how it was
computed, then the best legal combination of aids (the financing plan) and its alternatives.

Vocabulary:
- *travellers*: the members who leave; *beneficiaries*: the travellers who meet a scheme's
  person-level criteria (``who: each``). Criteria with ``who: any`` / ``who: all`` need one /
  every traveller to pass but do not filter.
- a criterion or formula whose parameter has no value on the date makes the scheme ineligible,
  with the reason (a scheme that did not exist yet, or whose values are not published).
- the plan computes aids in their ``order``; a scheme with ``base: remaining`` is computed on the
  cost left after the aids before it.
- an aid **in kind** (a donated week, a place in the camping: ``in_kind``) or a **discount**
  (BSV's solidarity price: ``reduced_price``) is no money paid: it covers the stay's lodging, and
  only that. When the lodging's cost is known (``Situation.lodging_cents``: a project's lodging
  budget lines) it is taken off the left to pay up to that cost; when it is not (the simulator
  without it), the line is shown with its estimated value but the left to pay keeps the whole
  cost — a place given is never counted as euros against transport or food.
- schemes that exclude each other are never combined, and a stay has one format, so schemes
  tied to different formats are never combined either.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from partez.core.money import euros
from partez.households import quotient

from .definition import STATUSES, Criterion, SchemeDefinition
from .engine_types import (
    FORMAT_LABELS,
    IN_KIND_CHANNELS,
    CriterionResult,
    Evaluation,
    MemberIn,
    PastDepartureIn,
    Plan,
    PlanLine,
    SchemeResult,
    Situation,
    situation_from_dict,
)
from .months import period_of

__all__ = [  # the inputs and outputs, re-exported: callers import them from the engine
    "FORMAT_LABELS",
    "IN_KIND_CHANNELS",
    "CriterionResult",
    "Evaluation",
    "MemberIn",
    "PastDepartureIn",
    "Plan",
    "PlanLine",
    "SchemeResult",
    "Situation",
    "evaluate",
    "situation_from_dict",
]

# --- helpers ----------------------------------------------------------------------------------


class MissingValue(Exception):
    def __init__(self, label: str, first: dt.date | None):
        self.label = label
        self.first = first


def _rate(value: object) -> Decimal:
    return Decimal(str(value))


def _pct(rate: Decimal) -> str:
    text = f"{(rate * 100).normalize():f}".replace(".", ",")
    return f"{text} %"


def span(lo: int | None, hi: int | None, one: str, many: str) -> str:
    """A range as French reads it: « 4 nuits » (not « de 4 à 4 nuits »), « de 2 à 6 personnes »,
    « au moins 4 nuits », « au plus 7 nuits »."""

    def count(n: int) -> str:
        return f"{n} {one if n <= 1 else many}"

    if lo is not None and hi is not None:
        return count(lo) if lo == hi else f"de {lo} à {count(hi)}"
    if lo is not None:
        return f"au moins {count(lo)}"
    return f"au plus {count(hi)}" if hi is not None else many


def _floor(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_DOWN))


class _Context:
    """Everything evaluating one scheme for one situation needs, with parameter lookups cached."""

    def __init__(self, definition: SchemeDefinition, situation: Situation, qf_cents: int | None):
        self.d = definition
        self.s = situation
        self.qf = qf_cents
        self.travellers = situation.traveller_members()

    def value(self, name: str) -> Any:
        return value_on(self.d, name, self.s.date)


def value_on(d: SchemeDefinition, name: str, on: dt.date) -> Any:
    """The value of a definition's parameter in force on a date, or MissingValue saying why."""
    parameter = d.parameters[name]
    found = parameter.in_force(on)
    if found is None:
        first = parameter.values[0].start if parameter.values else None
        raise MissingValue(d.parameter_labels.get(name, (name, ""))[0], first)
    return found.value


def age_on(member: MemberIn, on: dt.date) -> int:
    return quotient.age_on(member.birth_date, on)


# --- criteria ---------------------------------------------------------------------------------

Evaluated = tuple[str, str, str, dict[str, bool] | bool]

# Each evaluator returns (label, value, threshold, per_person) where per_person maps a traveller id
# to pass/fail, or (label, value, threshold, passed) for a household-level criterion.


def _age(ctx: _Context, c: Criterion) -> Evaluated:
    lo = ctx.value(c.params["min"]) if "min" in c.params else None
    hi = ctx.value(c.params["max"]) if "max" in c.params else None
    lo_disabled = ctx.value(c.params["min_disabled"]) if "min_disabled" in c.params else None
    per: dict[str, bool] = {}
    values = []
    for m in ctx.travellers:
        age = age_on(m, ctx.s.date)
        floor = lo_disabled if (m.disabled and lo_disabled is not None) else lo
        per[m.id] = (floor is None or age >= floor) and (hi is None or age <= hi)
        values.append(f"{m.name} : {age} ans")
    if lo is not None and hi is not None:
        threshold = f"de {lo} à {hi} ans"
    elif lo is not None:
        threshold = f"{lo} ans ou plus"
    else:
        threshold = f"{hi} ans au plus"
    if lo_disabled is not None:
        threshold += f" ({lo_disabled} ans en situation de handicap)"
    return "Âge le jour du départ", ", ".join(values), threshold, per


def _status(ctx: _Context, c: Criterion) -> Evaluated:
    allowed = ctx.value(c.params["allowed"])
    per = {m.id: m.status in allowed for m in ctx.travellers}
    values = ", ".join(f"{m.name} : {STATUSES.get(m.status, m.status)}" for m in ctx.travellers)
    threshold = " ou ".join(STATUSES.get(s, s) for s in allowed)
    return "Situation", values, threshold, per


def _qf_max(ctx: _Context, c: Criterion) -> Evaluated:
    ceiling = ctx.value(c.params["value"])
    strict = c.options.get("strict", False)
    threshold = ("moins de " if strict else "au plus ") + euros(ceiling)
    if ctx.qf is None:
        return "Quotient familial CAF", "non calculé", threshold, False
    passed = ctx.qf < ceiling if strict else ctx.qf <= ceiling
    return "Quotient familial CAF", euros(ctx.qf), threshold, passed


def rfr_ceiling_cents(base: int, per_half_part: int, tax_parts: Decimal) -> int:
    """base + 2 × (parts − 1) × amount per extra half part (never below the base)."""
    return base + _floor(max(Decimal(0), (tax_parts - 1) * 2) * per_half_part)


def _rfr_ceiling(ctx: _Context, c: Criterion) -> Evaluated:
    base = ctx.value(c.params["base"])
    half = ctx.value(c.params["per_half_part"]) if "per_half_part" in c.params else 0
    parts = ctx.s.tax_parts if ctx.s.tax_parts is not None else Decimal(1)
    extra_half_parts = max(Decimal(0), (parts - 1) * 2)
    ceiling = rfr_ceiling_cents(base, half, parts)
    detail = f"{euros(base)}"
    if half and extra_half_parts:
        detail += f" + {extra_half_parts.normalize():f} demi-part(s) × {euros(half)} = {euros(ceiling)}"
    parts_text = f"{parts.normalize():f}".replace(".", ",")
    threshold = f"au plus {detail} ({parts_text} part(s) fiscale(s))"
    if ctx.s.rfr_cents is None:
        return "Revenu fiscal de référence", "non renseigné", threshold, False
    return "Revenu fiscal de référence", euros(ctx.s.rfr_cents), threshold, ctx.s.rfr_cents <= ceiling


def _not_taxable(ctx: _Context, c: Criterion) -> Evaluated:
    value = {True: "imposable", False: "non imposable", None: "non renseigné"}[ctx.s.taxable]
    return "Imposition", value, "non imposable", ctx.s.taxable is False


def _resident(ctx: _Context, c: Criterion) -> Evaluated:
    label = "Commune de résidence"
    value = ctx.s.commune_name or ctx.s.commune_insee or "non renseignée"
    edition = ctx.s.edition_label or "l'édition"
    if ctx.s.commune_participates is None:
        return label, value, "commune participant à une édition à cette date (aucune édition trouvée)", False
    return label, value, f"commune participant à {edition}", bool(ctx.s.commune_participates)


def _group_size(ctx: _Context, c: Criterion) -> Evaluated:
    lo = ctx.value(c.params["min"]) if "min" in c.params else None
    hi = ctx.value(c.params["max"]) if "max" in c.params else None
    n = len(ctx.travellers)
    threshold = span(lo, hi, "personne", "personnes")
    passed = (lo is None or n >= lo) and (hi is None or n <= hi)
    return "Personnes qui partent", f"{n}", threshold, passed


def _nights(ctx: _Context, c: Criterion) -> Evaluated:
    lo = ctx.value(c.params["min"]) if "min" in c.params else None
    hi = ctx.value(c.params["max"]) if "max" in c.params else None
    n = ctx.s.nights
    threshold = span(lo, hi, "nuit", "nuits")
    passed = (lo is None or n >= lo) and (hi is None or n <= hi)
    return "Durée du séjour", f"{n} nuit{'s' if n > 1 else ''}", threshold, passed


def _months_criterion(ctx: _Context, c: Criterion) -> Evaluated:
    allowed = set(ctx.value(c.params["allowed"]))
    last = ctx.s.date + dt.timedelta(days=max(ctx.s.nights - 1, 0))
    covered = set()
    day = ctx.s.date
    while day <= last:
        covered.add(day.month)
        day = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    covered.add(last.month)
    end = ctx.s.date + dt.timedelta(days=ctx.s.nights)
    value = f"du {ctx.s.date:%d/%m/%Y} au {end:%d/%m/%Y}"
    return "Période du séjour", value, f"nuits {period_of(tuple(sorted(allowed)))}", covered <= allowed


def _history(ctx: _Context, c: Criterion) -> Evaluated:
    rule = c.options["rule"]
    per = c.options["per"]
    schemes = set(c.options["schemes"]) or {ctx.d.slug}
    year = ctx.s.date.year

    def blocking(member_ids: set[str]) -> list[PastDepartureIn]:
        deps = [p for p in ctx.s.past_departures if p.person in member_ids]
        if rule == "first_departure":
            return deps
        if rule == "once_per_year":
            return [p for p in deps if p.scheme in schemes and p.year == year]
        return [p for p in deps if p.scheme in schemes]

    labels = {
        "first_departure": ("Premier départ", "aucun départ en vacances déclaré"),
        "once_per_year": ("Une fois par an", f"pas déjà aidé·e en {year} par ce dispositif"),
        "once_ever": ("Une seule fois", "jamais aidé·e par ce dispositif"),
    }
    label, threshold = labels[rule]
    if per == "person":
        result = {}
        values = []
        for m in ctx.travellers:
            found = blocking({m.id})
            result[m.id] = not found
            values.append(
                f"{m.name} : " + (", ".join(sorted({str(p.year) for p in found})) if found else "aucun")
            )
        return label, "départs passés — " + "; ".join(values), threshold, result
    found = blocking({m.id for m in ctx.s.members})
    threshold = threshold.replace("aidé·e", "aidé").replace("déclaré", "déclaré dans le foyer")
    value = ", ".join(sorted({str(p.year) for p in found})) if found else "aucun départ passé dans le foyer"
    return label + " (foyer)", value, threshold, not found


def _format(ctx: _Context, c: Criterion) -> Evaluated:
    allowed = c.options["allowed"]
    threshold = " ou ".join(FORMAT_LABELS[f] for f in allowed)
    if ctx.s.format is None:
        return "Format du séjour", "à choisir", threshold, True
    return (
        "Format du séjour",
        FORMAT_LABELS.get(ctx.s.format, ctx.s.format),
        threshold,
        ctx.s.format in allowed,
    )


EVALUATORS: dict[str, Callable[[_Context, Criterion], Evaluated]] = {
    "age": _age,
    "status": _status,
    "qf_max": _qf_max,
    "rfr_ceiling": _rfr_ceiling,
    "not_taxable": _not_taxable,
    "resident": _resident,
    "group_size": _group_size,
    "nights": _nights,
    "months": _months_criterion,
    "history": _history,
    "format": _format,
}


def _relation(ctx: _Context, c: Criterion) -> Evaluated:
    allowed = c.options["allowed"]
    per = {m.id: m.relation in allowed for m in ctx.travellers}
    names = {"adult": "adulte", "child": "enfant"}
    values = ", ".join(f"{m.name} : {names.get(m.relation, m.relation)}" for m in ctx.travellers)
    return "Adulte ou enfant", values, " ou ".join(names[a] for a in allowed), per


EVALUATORS["relation"] = _relation


def _all_of(ctx: _Context, c: Criterion) -> Evaluated:
    """Every sub-criterion met by the same person (or by the household, for household ones)."""
    results = [_evaluate_criterion(ctx, child) for child in c.children]
    threshold = "toutes les conditions pour une même personne : " + " ; ".join(
        f"{r[0].lower()} ({r[2]})" for r in results
    )
    if any(isinstance(r[3], dict) for r in results):
        per = {
            m.id: all(r[3][m.id] if isinstance(r[3], dict) else r[3] for r in results) for m in ctx.travellers
        }
        values = ", ".join(f"{m.name} {'✓' if ok else '✗'}" for m in ctx.travellers for ok in [per[m.id]])
        return c.options["label"], values, threshold, per
    return c.options["label"], "; ".join(r[1] for r in results), threshold, all(r[3] for r in results)


def _evaluate_criterion(ctx: _Context, c: Criterion) -> Evaluated:
    """(label, value, threshold, passed-or-per-person)."""
    if c.type == "all_of":
        return _all_of(ctx, c)
    if c.type != "any_of":
        return EVALUATORS[c.type](ctx, c)
    results = [_evaluate_criterion(ctx, child) for child in c.children]
    values = "; ".join(
        f"{label} : {value} ({threshold}) {_mark(outcome)}" for label, value, threshold, outcome in results
    )
    threshold = "au moins une des conditions : " + " ; ".join(r[0].lower() for r in results)
    if any(isinstance(r[3], dict) for r in results):
        per = {
            m.id: any(r[3][m.id] if isinstance(r[3], dict) else r[3] for r in results) for m in ctx.travellers
        }
        return c.options["label"], values, threshold, per
    return c.options["label"], values, threshold, any(r[3] for r in results)


def _mark(outcome: dict[str, bool] | bool) -> str:
    if isinstance(outcome, dict):
        return "✓" if any(outcome.values()) else "✗"
    return "✓" if outcome else "✗"


# --- amounts ----------------------------------------------------------------------------------


def compute_aid(
    ctx: _Context, base_cents: int, beneficiaries: Sequence[MemberIn], *, explain: bool = True
) -> tuple[int, list[str]]:
    """The aid on ``base_cents`` for these beneficiaries, with the French lines explaining it
    (``explain=False`` skips the text: the plan search tries many combinations)."""
    f = ctx.d.formula
    lines: list[str] = []

    def note(text: Callable[[], str]) -> None:
        if explain:
            lines.append(text())

    if base_cents <= 0 or not beneficiaries:
        return 0, ["Rien à financer."]
    if f.basis == "beneficiary":
        units = len(beneficiaries)
        share = base_cents // max(len(ctx.travellers), 1)
        note(
            lambda: (
                f"Par bénéficiaire : {euros(base_cents)} ÷ {len(ctx.travellers)} personne(s) = {euros(share)}."
            )
        )
    else:
        units = 1
        share = base_cents
    amount: Decimal
    if f.amount_kind == "fixed":
        amount = Decimal(ctx.value(f.amount["value"]))
        extra, per_child = 0, 0
        if "per_extra_child" in f.amount:
            per_child = ctx.value(f.amount["per_extra_child"])
            extra = max(sum(1 for m in ctx.travellers if m.relation == "child") - 1, 0)
        fixed = amount
        amount += extra * per_child
        if extra:
            note(
                lambda: (
                    f"Montant forfaitaire : {euros(fixed)} + {extra} enfant(s) supplémentaire(s) "
                    f"× {euros(per_child)} = {euros(amount)}."
                )
            )
        else:
            note(lambda: f"Montant forfaitaire : {euros(amount)}.")
    elif f.amount_kind == "rate":
        rate = _rate(ctx.value(f.amount["value"]))
        amount = rate * share
        note(lambda: f"{_pct(rate)} de {euros(share)} = {euros(_floor(amount))}.")
    elif f.amount_kind == "cost":
        amount = Decimal(share)
        note(lambda: f"Prise en charge du coût : {euros(share)}.")
    else:
        rows = ctx.value(f.amount["value"])
        key = {"nights": ctx.s.nights, "qf": ctx.qf, "group_size": len(ctx.travellers)}[f.table_key]
        key_label = {"nights": "nuits", "qf": "QF", "group_size": "personnes"}[f.table_key]
        row = _table_row(rows, key)
        if row is None or key is None:  # no row for an unknown key
            return 0, [*lines, f"Aucune tranche du barème ne correspond ({key_label} : {key})."]
        shown_key = euros(key) if f.table_key == "qf" and explain else str(key)
        if "amount" in row:
            amount = Decimal(row["amount"])
            note(lambda: f"Barème ({key_label} : {shown_key}) : {euros(amount)}.")
        else:
            rate = _rate(row["rate"])
            amount = rate * share
            note(
                lambda: (
                    f"Barème ({key_label} : {shown_key}) : {_pct(rate)} de {euros(share)} = {euros(_floor(amount))}."
                )
            )
    if "cap_rate" in f.limits:
        rate = _rate(ctx.value(f.limits["cap_rate"]))
        limit = rate * share
        if amount > limit:
            amount = limit
            note(lambda: f"Limité à {_pct(rate)} du coût : {euros(_floor(amount))}.")
    if "cap" in f.limits:
        cap = ctx.value(f.limits["cap"])
        if amount > cap:
            amount = Decimal(cap)
            note(lambda: f"Plafonné à {euros(cap)}.")
    if "min_remaining" in f.limits:
        minimum = ctx.value(f.limits["min_remaining"])
        limit = Decimal(max(share - minimum, 0))
        if amount > limit:
            amount = limit
            note(lambda: f"Reste à charge minimal de {euros(minimum)} : au plus {euros(limit)}.")
    if amount > share:
        amount = Decimal(share)
        note(lambda: f"Pas plus que le coût : {euros(share)}.")
    cents = _floor(amount)
    if "round_down_to" in f.limits:
        step = ctx.value(f.limits["round_down_to"])
        if step and cents % step:
            cents -= cents % step
            note(lambda: f"Arrondi au multiple de {euros(step)} inférieur : {euros(cents)}.")
    total = cents * units
    if units > 1:
        note(lambda: f"{euros(cents)} × {units} bénéficiaires = {euros(total)}.")
    return total, lines


def _table_row(rows: list[dict[str, Any]], key: int | None) -> dict[str, Any] | None:
    if key is None:
        return None
    if "upto" in rows[0]:
        for row in sorted(rows, key=lambda r: r["upto"]):
            if key <= row["upto"]:
                return row
        return None
    matching = [row for row in rows if key >= row["from"]]
    return max(matching, key=lambda r: r["from"]) if matching else None


# --- one scheme -------------------------------------------------------------------------------


def _formats(d: SchemeDefinition) -> tuple[str, ...]:
    for c in d.criteria:
        if c.type == "format":
            allowed: tuple[str, ...] = c.options["allowed"]
            return allowed
    return ()


@dataclass
class _Evaluated:
    result: SchemeResult
    context: _Context
    beneficiaries: tuple[MemberIn, ...]


def evaluate_scheme(
    d: SchemeDefinition, s: Situation, qf_cents: int | None, *, explain: bool = True
) -> _Evaluated:
    """One scheme's verdict. ``explain=False`` (batch work: the allocation, benchmarks) stops at
    the first criterion that fails — the verdict and amounts are the same, and the verdict still
    carries that reason — and skips the computation's wording."""
    ctx = _Context(d, s, qf_cents)
    criteria: list[CriterionResult] = []
    household_ok = True
    beneficiary_ids = {m.id for m in ctx.travellers}
    missing: list[str] = []
    for c in d.criteria:
        try:
            label, value, threshold, outcome = _evaluate_criterion(ctx, c)
        except MissingValue as exc:
            missing.append(_missing_text(exc))
            continue
        who = c.options.get("who", "each")
        if isinstance(outcome, dict):
            if who == "any":
                passed = any(outcome.values())
            elif who == "all":
                passed = bool(outcome) and all(outcome.values())
            else:  # each: filters the beneficiaries; passes when at least one remains
                beneficiary_ids &= {k for k, ok in outcome.items() if ok}
                passed = any(outcome.values())
            if who != "each":
                household_ok &= passed
        else:
            passed = outcome
            household_ok &= passed
        criteria.append(CriterionResult(label, value, threshold, passed))
        if not explain and (not passed or not beneficiary_ids):
            if passed:  # each personal criterion passes for someone, but nobody passes them all
                criteria.append(_nobody_qualifies(d, ctx, ()))
            return _Evaluated(_verdict(d, False, criteria, 0, [], ()), ctx, ())
    beneficiaries = tuple(m for m in ctx.travellers if m.id in beneficiary_ids)
    if d.personal_filters > 1 and ctx.travellers:
        criteria.append(_nobody_qualifies(d, ctx, beneficiaries))
    if not ctx.travellers:
        criteria.append(CriterionResult("Personnes qui partent", "aucune", "au moins une", False))
        household_ok = False
    if d.all_travellers and len(beneficiaries) != len(ctx.travellers):
        if d.personal_filters <= 1:
            criteria.append(_nobody_qualifies(d, ctx, beneficiaries))
        household_ok = False
    elif d.all_travellers is False and ctx.travellers and not beneficiaries:
        household_ok = False
    aid: int = 0
    lines: list[str] = []
    if missing:
        criteria.append(
            CriterionResult(
                f"Règles en vigueur au {s.date:%d/%m/%Y}", "; ".join(missing), "une valeur publiée", False
            )
        )
    elif household_ok:
        try:
            aid, lines = compute_aid(ctx, _alone_base(d, s), beneficiaries, explain=explain)
        except MissingValue as exc:
            criteria.append(
                CriterionResult(
                    f"Barème en vigueur au {s.date:%d/%m/%Y}", _missing_text(exc), "une valeur publiée", False
                )
            )
        else:
            if aid <= 0:
                criteria.append(CriterionResult("Montant de l'aide", euros(0), "plus de 0 €", False))
    eligible = all(c.passed for c in criteria) and household_ok and aid > 0
    result = _verdict(d, eligible, criteria, aid, lines, tuple(m.id for m in beneficiaries))
    return _Evaluated(result, ctx, beneficiaries if eligible else ())


def _alone_base(d: SchemeDefinition, s: Situation) -> int:
    """What a scheme alone is computed on: the cost, or for an aid in kind the lodging when
    it is known (a place given covers the lodging, not the transport or the food)."""
    if d.channel in IN_KIND_CHANNELS and s.lodging_cents is not None:
        return min(s.lodging_cents, s.cost_cents)
    return s.cost_cents


def _nobody_qualifies(
    d: SchemeDefinition, ctx: _Context, beneficiaries: Sequence[MemberIn]
) -> CriterionResult:
    if d.all_travellers:
        outside = [m.name for m in ctx.travellers if m not in beneficiaries]
        return CriterionResult(
            "Toutes les personnes qui partent remplissent les conditions",
            "sauf " + ", ".join(outside) if outside else "toutes",
            "toutes",
            not outside,
        )
    return CriterionResult(
        "Personnes qui remplissent toutes les conditions personnelles",
        ", ".join(m.name for m in beneficiaries) or "aucune",
        "au moins une",
        bool(beneficiaries),
    )


def _verdict(
    d: SchemeDefinition,
    eligible: bool,
    criteria: Iterable[CriterionResult],
    aid: int,
    lines: Iterable[str],
    beneficiaries: tuple[str, ...],
) -> SchemeResult:
    return SchemeResult(
        slug=d.slug,
        name=d.name,
        funder=d.funder_name,
        funder_slug=d.funder_slug,
        channel=d.channel,
        eligible=eligible,
        criteria=tuple(criteria),
        aid_cents=aid if eligible else 0,
        computation=tuple(lines) if eligible else (),
        beneficiaries=beneficiaries if eligible else (),
        version=d.version,
        formats=_formats(d),
        editable_example=d.editable_example,
    )


def _missing_text(exc: MissingValue) -> str:
    if exc.first:
        return f"« {exc.label} » n'a pas de valeur avant le {exc.first:%d/%m/%Y}"
    return f"« {exc.label} » n'a pas de valeur"


# --- the financing plan -----------------------------------------------------------------------


def _kept_to_pay(items: Sequence[_Evaluated]) -> int:
    """What the household must still pay whatever the other aids: a scheme's minimum left to
    pay (per beneficiary when computed per beneficiary) is not undone by the aids after it."""
    floor = 0
    for item in items:
        f = item.context.d.formula
        if "min_remaining" in f.limits:
            with contextlib.suppress(MissingValue):
                units = len(item.beneficiaries) if f.basis == "beneficiary" else 1
                floor = max(floor, item.context.value(f.limits["min_remaining"]) * units)
    return floor


def _plan_for(items: Sequence[_Evaluated], s: Situation, fmt: str | None, *, explain: bool = True) -> Plan:
    cost = s.cost_cents
    remaining = cost
    floor = min(_kept_to_pay(items), cost)
    lodging = None if s.lodging_cents is None else min(s.lodging_cents, cost)  # left to cover in kind
    lines = []
    for item in sorted(items, key=lambda i: (i.context.d.order, i.context.d.slug)):
        d = item.context.d
        in_kind = d.channel in IN_KIND_CHANNELS
        if in_kind and lodging is None:
            # the lodging's cost is unknown: the place's estimated value, not taken off the left to pay
            aid, computation = compute_aid(item.context, cost, item.beneficiaries, explain=explain)
            if aid > 0:
                if explain:
                    computation = [
                        *computation,
                        "Aide en nature, non versée : le reste à payer n'en tient pas compte "
                        "(coût de l'hébergement non indiqué).",
                    ]
                lines.append(_line(d, cost, aid, computation, deducted=False))
            continue
        base = (cost if d.base == "cost" else remaining) if not in_kind else min(lodging or 0, remaining)
        aid, computation = compute_aid(item.context, base, item.beneficiaries, explain=explain)
        if aid > remaining - floor:
            if explain:
                computation = [
                    *computation,
                    f"Limité au reste à financer : {euros(remaining - floor)}"
                    + (f" (le foyer garde au moins {euros(floor)} à sa charge)." if floor else "."),
                ]
            aid = remaining - floor
        if aid <= 0:
            continue
        remaining -= aid
        if in_kind and lodging is not None:
            lodging -= aid
        lines.append(_line(d, base, aid, computation))
    return Plan(tuple(lines), cost, cost - remaining, remaining, fmt)


def _line(
    d: SchemeDefinition, base: int, aid: int, computation: Sequence[str], *, deducted: bool = True
) -> PlanLine:
    return PlanLine(
        scheme=d.slug,
        name=d.name,
        funder=d.funder_name,
        funder_slug=d.funder_slug,
        channel=d.channel,
        base_cents=base,
        aid_cents=aid,
        computation=tuple(computation),
        deducted=deducted,
    )


def _compatible(combo: Sequence[_Evaluated]) -> bool:
    slugs = {i.result.slug for i in combo}
    return all(not (i.context.d.excludes & slugs) for i in combo)


def financing_plans(
    evaluated: Sequence[_Evaluated], s: Situation, *, alternatives: int = 3, explain: bool = True
) -> tuple[Plan, tuple[Plan, ...]]:
    """The best legal combination of the eligible aids, and up to ``alternatives`` others.

    Every compatible combination is tried (a household is eligible to a handful of schemes, so
    there are at most a few hundred); the search computes amounts only, then the kept plans are
    computed again with their explanations."""
    eligible = [e for e in evaluated if e.result.eligible]
    if s.format is not None:
        formats: list[str | None] = [s.format]
    else:
        formats = [*sorted({f for e in eligible for f in e.result.formats})] or [None]
    found: dict[frozenset[str], tuple[tuple[int, int], tuple[_Evaluated, ...], str | None]] = {}
    for fmt in formats:
        pool = [e for e in eligible if not e.result.formats or fmt is None or fmt in e.result.formats]
        for size in range(len(pool), 0, -1):
            for combo in itertools.combinations(pool, size):
                key = frozenset(e.result.slug for e in combo)
                if key in found or not _compatible(combo):
                    continue
                plan_format = fmt if any(e.result.formats for e in combo) else s.format
                plan = _plan_for(combo, s, plan_format, explain=False)
                if len(plan.lines) == len(combo):  # a combination with a zero line is a smaller one
                    found[key] = ((plan.total_aid_cents, plan.in_kind_value_cents), combo, plan_format)
    # most taken off the left to pay; then the most given in kind; then fewer lines
    ranked = sorted(found.items(), key=lambda kv: (-kv[1][0][0], -kv[1][0][1], len(kv[0]), sorted(kv[0])))
    if not ranked:
        return Plan((), s.cost_cents, 0, s.cost_cents, s.format), ()
    kept = [ranked[0]]
    for key, value in ranked[1:]:
        if len(kept) > alternatives:
            break
        if any(key < other for other, _ in kept):
            continue  # a strict subset of a plan already shown gives less: not a real alternative
        kept.append((key, value))
    plans = [_plan_for(combo, s, fmt, explain=explain) for _key, (_total, combo, fmt) in kept]
    return plans[0], tuple(plans[1:])


# --- entry point ------------------------------------------------------------------------------


def household_quotient(s: Situation) -> quotient.QFResult:
    adults = [m for m in s.members if m.relation == "adult"]
    spouse = "other" if s.couple is False else "spouse"
    relation = {m.id: ("head" if i == 0 else spouse if i == 1 else "other") for i, m in enumerate(adults)}
    members = [quotient.Member(m.birth_date, relation.get(m.id, "child"), m.disabled) for m in s.members]
    return quotient.quotient_familial(
        annual_taxable_income_cents=s.annual_taxable_income_cents,
        monthly_family_benefits_cents=s.monthly_family_benefits_cents,
        members=members,
        on=s.date,
    )


def evaluate(
    s: Situation, definitions: Iterable[SchemeDefinition], *, alternatives: int = 3, explain: bool = True
) -> Evaluation:
    """Every scheme's eligibility with its reasons, and the financing plan, for one situation.
    ``explain=False`` gives the same verdicts and amounts with one reason per refusal and no
    wording of the computations (batch work)."""
    if s.qf_cents is None:
        qf = household_quotient(s)
        qf_cents, qf_lines = qf.qf_cents, tuple(qf.lines)
    else:
        qf_cents, qf_lines = s.qf_cents, ()
    definitions = sorted(definitions, key=lambda d: (d.order, d.slug))
    evaluated = [evaluate_scheme(d, s, qf_cents, explain=explain) for d in definitions]
    plan, others = financing_plans(evaluated, s, alternatives=alternatives, explain=explain)
    return Evaluation(
        date=s.date,
        quotient_familial_cents=qf_cents,
        quotient_lines=qf_lines,
        schemes=tuple(e.result for e in evaluated),
        plan=plan,
        alternatives=others,
        versions={d.slug: d.version for d in definitions},
    )
