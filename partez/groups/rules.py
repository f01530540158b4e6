"""The eligibility of a group departure and of each of its members (pure: no ORM).

The scheme's own rules (ages, nights, months, once ever / once a year, tax status, the aid) are
the pooling engine's (:mod:`partez.schemes.engine`), read from the scheme's definition; this module
only adds what a *group* changes:

- the group's size, its nights and its months are checked once for the group, with the field of
  the form or of the API they belong to (``members``, ``ends_on``, ``starts_on``);
- each member is evaluated by the engine on a situation of their own: a Sac Ados young person
  alone (the group's size is the group's, not the person's), a senior with the group's members of
  their own household (the spouse on the same tax notice), a carer with the senior they help;
- what blocks a group (``errors``) is what the scheme refuses outright; a senior who is taxable
  still goes, at full price (an aid refused is not a place refused).

:func:`relay_trained` is a seam: a relay's Sac Ados training is today a date declared on its
approval; the network's trainings (issue 17) will give it instead.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from partez.core.money import euros
from partez.core.parameters import Parameter, load
from partez.core.text import MONTHS
from partez.schemes import engine
from partez.schemes.definition import Criterion, SchemeDefinition

PARAMETERS = Path(__file__).with_name("parameters.yaml")
SAC_ADOS = "sac-ados"
SENIORS = "seniors-en-vacances"
FORMATS = {SAC_ADOS: "sac_ados", SENIORS: "seniors"}
PARTICIPANT = "participant"
CARER = "carer"


def parameters() -> dict[str, Parameter]:
    return load(PARAMETERS)


def value(name: str, on: dt.date) -> Any:
    return parameters()[name].at(on).value


# --- inputs and outputs ------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    label: str
    value: str
    threshold: str
    passed: bool

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Candidate:
    member: engine.MemberIn
    household: str  # the household's id: members sharing it share a tax notice
    role: str = PARTICIPANT  # participant | carer
    taxable: bool | None = None
    qf_cents: int | None = None
    past: tuple[engine.PastDepartureIn, ...] = ()  # this person's departures and other groups


@dataclass(frozen=True)
class GroupIn:
    scheme: str
    starts_on: dt.date
    ends_on: dt.date
    # Sac Ados: the expenses of the group's budget; Seniors en Vacances: the stay's price per person
    cost_cents: int = 0

    @property
    def nights(self) -> int:
        return (self.ends_on - self.starts_on).days


@dataclass(frozen=True)
class MemberVerdict:
    person: str
    name: str
    role: str
    eligible: bool
    aid_cents: int
    left_to_pay_cents: int
    checks: tuple[Check, ...]


@dataclass(frozen=True)
class GroupVerdict:
    checks: tuple[Check, ...]
    members: tuple[MemberVerdict, ...]
    errors: dict[str, str]  # field → French message; empty when the group may be saved

    @property
    def aid_cents(self) -> int:
        return sum(m.aid_cents for m in self.members)

    @property
    def left_to_pay_cents(self) -> int:
        return sum(m.left_to_pay_cents for m in self.members)

    @property
    def eligible_count(self) -> int:
        return sum(1 for m in self.members if m.eligible)


# --- the seam with the network's trainings -----------------------------------------------------


def relay_trained(trained_on: dt.date | None, on: dt.date) -> Check:
    """« The relay has a professional trained for Sac Ados » on ``on``. Today the date is the one
    declared on the relay's approval; when partez.network records trainings, the caller passes
    the date of the relay's latest Sac Ados training instead (the rule itself stays here)."""
    label = "Professionnel·le formé·e Sac Ados dans la structure relais"
    if not value("sac_ados_training_required", on):
        return Check(label, "non exigé à cette date", "non exigé", True)
    if trained_on is None:
        return Check(label, "aucune formation déclarée", "formation suivie avant le départ", False)
    return Check(
        label, f"formation du {trained_on:%d/%m/%Y}", "formation suivie avant le départ", trained_on <= on
    )


# --- reading the scheme's definition -------------------------------------------------------------


def _walk(criteria: Sequence[Criterion]) -> Iterator[Criterion]:
    for c in criteria:
        yield c
        yield from _walk(c.children)


def _find(d: SchemeDefinition, kind: str) -> list[Criterion]:
    return [c for c in _walk(d.criteria) if c.type == kind]


def _param(d: SchemeDefinition, c: Criterion, role: str, on: dt.date) -> Any:
    return engine.value_on(d, c.params[role], on) if role in c.params else None


def _age(m: engine.MemberIn, on: dt.date) -> int:
    return engine.age_on(m, on)


def _is_senior(d: SchemeDefinition, m: engine.MemberIn, on: dt.date) -> bool:
    """Meets the scheme's age (with its disability floor) and status on its own."""
    for c in _find(d, "age"):
        lo = _param(d, c, "min", on)
        lo_disabled = _param(d, c, "min_disabled", on)
        floor = lo_disabled if (m.disabled and lo_disabled is not None) else lo
        if floor is not None and _age(m, on) < floor:
            return False
    return all(m.status in _param(d, c, "allowed", on) for c in _find(d, "status"))


# --- the group -----------------------------------------------------------------------------------


def _size_bounds(d: SchemeDefinition, on: dt.date) -> tuple[int | None, int | None]:
    sizes = _find(d, "group_size")
    if sizes:
        return _param(d, sizes[0], "min", on), _param(d, sizes[0], "max", on)
    return value("seniors_group_min", on), value("seniors_group_max", on)


def _size_check(d: SchemeDefinition, g: GroupIn, count: int) -> Check:
    lo, hi = _size_bounds(d, g.starts_on)
    passed = (lo is None or count >= lo) and (hi is None or count <= hi)
    return Check(
        "Taille du groupe", f"{count} participant·e{'s' if count > 1 else ''}", f"de {lo} à {hi}", passed
    )


def _nights_check(d: SchemeDefinition, g: GroupIn) -> Check:
    allowed: list[tuple[int | None, int | None]] = [
        (_param(d, c, "min", g.starts_on), _param(d, c, "max", g.starts_on)) for c in _find(d, "nights")
    ]
    n = g.nights
    passed = not allowed or any((lo is None or n >= lo) and (hi is None or n <= hi) for lo, hi in allowed)
    texts = []
    for lo, hi in allowed:
        if lo is not None and lo == hi:
            texts.append(f"{lo} nuits")
        elif lo is not None and hi is not None:
            texts.append(f"de {lo} à {hi} nuits")
        else:
            texts.append(f"au moins {lo} nuits" if lo is not None else f"au plus {hi} nuits")
    return Check(
        "Durée du séjour", f"{n} nuit{'s' if n > 1 else ''}", " ou ".join(texts) or "toute durée", passed
    )


def _months_check(d: SchemeDefinition, g: GroupIn) -> Check | None:
    found = _find(d, "months")
    if not found:
        return None
    allowed = set(_param(d, found[0], "allowed", g.starts_on))
    day, last = g.starts_on, g.starts_on + dt.timedelta(days=max(g.nights - 1, 0))
    covered = set()
    while day <= last:
        covered.add(day.month)
        day += dt.timedelta(days=1)
    outside = sorted(covered - allowed)
    value_text = f"du {g.starts_on:%d/%m/%Y} au {g.ends_on:%d/%m/%Y}"
    threshold = "hors " + " et ".join(MONTHS[m - 1] for m in sorted(set(range(1, 13)) - allowed))
    return Check("Période du séjour", value_text, threshold, not outside)


def _without_group_size(d: SchemeDefinition) -> SchemeDefinition:
    """The definition a member is evaluated on alone: the group's size is checked for the group."""
    kept = tuple(c for c in d.criteria if c.type != "group_size")
    return dataclasses.replace(d, criteria=kept)


def _once_ever_blocks(d: SchemeDefinition, c: Candidate) -> bool:
    for h in _find(d, "history"):
        if h.options.get("rule") == "once_ever":
            schemes = set(h.options.get("schemes") or ()) or {d.slug}
            if any(p.scheme in schemes for p in c.past):
                return True
    return False


def evaluate(
    g: GroupIn,
    candidates: Sequence[Candidate],
    d: SchemeDefinition,
    *,
    relay_trained_on: dt.date | None = None,
) -> GroupVerdict:
    """The group's checks, each member's verdict, and what refuses the group (``errors``)."""
    errors: dict[str, str] = {}
    on = g.starts_on
    if g.ends_on <= g.starts_on:
        errors["ends_on"] = "La date de retour doit suivre la date de départ."
    participants = [c for c in candidates if c.role == PARTICIPANT]
    checks = [_size_check(d, g, len(participants)), _nights_check(d, g)]
    months = _months_check(d, g)
    if months is not None:
        checks.append(months)
    if g.scheme == SAC_ADOS:
        checks.append(relay_trained(relay_trained_on, on))
    lo, hi = _size_bounds(d, on)
    if not checks[0].passed:
        errors["members"] = (
            f"Un groupe {d.name} compte de {lo} à {hi} participant·es ({len(participants)} indiqué·es)."
        )
    if not checks[1].passed and "ends_on" not in errors:
        errors["ends_on"] = f"{d.name} : {checks[1].threshold} ({checks[1].value} avec ces dates)."
    if months is not None and not months.passed:
        errors["starts_on"] = f"{d.name} : séjour {months.threshold} ({months.value})."
    refused = _refused_members(g, candidates, d)
    if refused and "members" not in errors:
        errors["members"] = " ".join(refused)
    verdicts = tuple(_member_verdict(g, c, candidates, d) for c in candidates)
    return GroupVerdict(checks=tuple(checks), members=verdicts, errors=errors)


def _refused_members(g: GroupIn, candidates: Sequence[Candidate], d: SchemeDefinition) -> list[str]:
    on = g.starts_on
    messages = []
    seniors = {c.member.id for c in candidates if c.role == PARTICIPANT and _is_senior(d, c.member, on)}
    senior_households = {c.household for c in candidates if c.member.id in seniors}
    for c in candidates:
        m = c.member
        if g.scheme == SAC_ADOS:
            for a in _find(d, "age"):
                lo, hi = _param(d, a, "min", on), _param(d, a, "max", on)
                age = _age(m, on)
                if (lo is not None and age < lo) or (hi is not None and age > hi):
                    messages.append(
                        f"{m.name} aura {age} ans au départ : Sac Ados est ouvert de {lo} à {hi} ans."
                    )
            if _once_ever_blocks(d, c):
                messages.append(
                    f"{m.name} est déjà parti·e avec Sac Ados : le dispositif n'aide qu'une fois."
                )
        elif c.role == CARER:
            if not seniors:
                messages.append(f"{m.name} est aidant·e, mais aucun·e participant·e n'a l'âge de {d.name}.")
        elif m.id not in seniors and c.household not in senior_households:
            messages.append(
                f"{m.name} ({_age(m, on)} ans) n'a pas l'âge ou la situation de {d.name} "
                "et n'est sur l'avis d'imposition d'aucun·e participant·e."
            )
    return messages


def _member_verdict(
    g: GroupIn, c: Candidate, candidates: Sequence[Candidate], d: SchemeDefinition
) -> MemberVerdict:
    on = g.starts_on
    if g.scheme == SAC_ADOS:
        together: tuple[engine.MemberIn, ...] = (c.member,)
        definition = _without_group_size(d)
        expenses = g.cost_cents
        share = expenses // max(len([x for x in candidates if x.role == PARTICIPANT]), 1)
        cost, price = share, share
    else:
        definition = d
        if c.role == CARER:
            helped = next(
                (x.member for x in candidates if x.role == PARTICIPANT and _is_senior(d, x.member, on)), None
            )
            together = (c.member,) if helped is None else (c.member, helped)
        else:
            together = (c.member,) + tuple(
                x.member
                for x in candidates
                if x is not c and x.role == PARTICIPANT and x.household == c.household
            )
        price = g.cost_cents
        cost = price * len(together)
    situation = engine.Situation(
        date=on,
        nights=g.nights,
        cost_cents=cost,
        members=together,
        taxable=c.taxable,
        past_departures=c.past,
        format=FORMATS[g.scheme],
        qf_cents=c.qf_cents,
    )
    result = engine.evaluate_scheme(definition, situation, c.qf_cents).result
    mine = c.member.id in result.beneficiaries
    checks = [Check(x.label, x.value, x.threshold, x.passed) for x in result.criteria]
    if g.scheme == SAC_ADOS and cost <= 0:
        # no budget yet: the bourse is known once the expenses are; the person's rules still hold
        checks = [x for x in checks if x.threshold != "plus de 0 €"]
        checks.append(Check("Budget du groupe", "aucune dépense saisie", "le budget du projet", True))
        eligible = all(x.passed for x in checks)
        aid = _fixed_amount(d, on) if eligible else 0
    else:
        eligible = result.eligible and mine
        beneficiaries = max(len(result.beneficiaries), 1)
        aid = result.aid_cents // beneficiaries if eligible else 0
    if g.scheme == SENIORS:
        checks.append(
            Check(
                "Aide de l'ANCV",
                euros(aid) if aid else "aucune : plein tarif",
                f"prix du séjour {euros(price)}",
                True,
            )
        )
    return MemberVerdict(
        person=c.member.id,
        name=c.member.name,
        role=c.role,
        eligible=eligible,
        aid_cents=aid,
        left_to_pay_cents=max(price - aid, 0),
        checks=tuple(checks),
    )


def _fixed_amount(d: SchemeDefinition, on: dt.date) -> int:
    if d.formula.amount_kind != "fixed":
        return 0
    try:
        return int(engine.value_on(d, d.formula.amount["value"], on))
    except engine.MissingValue:
        return 0


# --- the jury --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GridItem:
    key: str
    label: str
    weight: int


def jury_grid(on: dt.date) -> tuple[GridItem, ...]:
    return tuple(GridItem(str(i["key"]), str(i["label"]), int(i["weight"])) for i in value("jury_grid", on))


def jury_score(scores: dict[str, int], on: dt.date) -> tuple[int, dict[str, str]]:
    """The weighted score out of 100 and the errors per criterion (each scored 0 to the maximum)."""
    grid = jury_grid(on)
    top = int(value("jury_score_max", on))
    errors = {}
    total = 0
    for item in grid:
        given = scores.get(item.key)
        if given is None or not 0 <= given <= top:
            errors[f"score_{item.key}"] = f"Notez « {item.label} » de 0 à {top}."
            continue
        total += given * item.weight
    best = top * sum(i.weight for i in grid) or 1
    return (total * 100 + best // 2) // best, errors
