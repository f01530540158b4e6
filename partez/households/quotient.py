"""CAF quotient familial, pure and explained (no ORM).

QF = (annual taxable resources after allowances / 12 + monthly family benefits) / parts.
Parts: single person 1; couple or single parent 2; 1st child +0.5; 2nd +0.5; 3rd +1; each
further +0.5; +0.5 per disabled child; optionally +0.5 for a single parent (dated parameter).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from partez.core import parameters
from partez.core.money import euros

PARAMETERS_FILE = Path(__file__).with_name("parameters.yaml")
ADULT_RELATIONS = {"head", "spouse"}


@dataclass(frozen=True)
class Member:
    birth_date: dt.date
    relation: str  # head, spouse, child, other
    has_disability: bool = False


@dataclass(frozen=True)
class QFResult:
    qf_cents: int | None
    parts: Decimal
    lines: list[str] = field(default_factory=list)


def age_on(birth_date: dt.date, on: dt.date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def count_parts(
    members: list[Member], on: dt.date, *, single_parent_bonus: bool, child_max_age: int
) -> tuple[Decimal, list[str]]:
    lines: list[str] = []
    adults = [m for m in members if m.relation in ADULT_RELATIONS]
    children = [m for m in members if m.relation == "child" and age_on(m.birth_date, on) < child_max_age]
    parts = Decimal("1")
    if len(adults) >= 2:
        parts = Decimal("2")
        lines.append("Couple : 2 parts.")
    elif children:
        parts = Decimal("2")
        lines.append("Parent isolé : 2 parts.")
        if single_parent_bonus:
            parts += Decimal("0.5")
            lines.append("Demi-part supplémentaire de parent isolé (paramètre de la CAF) : +0,5 part.")
    else:
        lines.append("Personne seule sans enfant : 1 part.")
    for rank, _child in enumerate(children, start=1):
        extra = Decimal("1") if rank == 3 else Decimal("0.5")
        parts += extra
        label = "1er enfant" if rank == 1 else f"{rank}e enfant"
        lines.append(f"{label} à charge : +{str(extra).replace('.', ',')} part.")
    for child in children:
        if child.has_disability:
            parts += Decimal("0.5")
            lines.append("Enfant en situation de handicap (AEEH) : +0,5 part.")
    ignored = len([m for m in members if m.relation == "child"]) - len(children)
    if ignored:
        lines.append(f"{ignored} enfant(s) de {child_max_age} ans ou plus non compté(s) comme à charge.")
    return parts, lines


def quotient_familial(
    *,
    annual_taxable_income_cents: int,
    monthly_family_benefits_cents: int,
    members: list[Member],
    on: dt.date,
) -> QFResult:
    """Compute the QF on a date with the parameters in force that day, with a French explanation."""
    params = parameters.load(PARAMETERS_FILE)
    bonus = bool(params["single_parent_extra_half_part"].at(on).value)
    child_max_age = int(params["child_max_age"].at(on).value)
    if not members:
        return QFResult(qf_cents=None, parts=Decimal("0"), lines=["Aucune personne dans le foyer."])
    parts, lines = count_parts(members, on, single_parent_bonus=bonus, child_max_age=child_max_age)
    # The monthly income is rounded to the cent once, and the QF computed from that very figure:
    # the explanation's every number follows from the one before it (it showed 1 166,66 € a
    # month, truncated, then a QF computed on 1 166,666…).
    monthly_income = int(
        (Decimal(annual_taxable_income_cents) / 12).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    )
    total = Decimal(monthly_income + monthly_family_benefits_cents)
    qf = (total / parts).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    lines = [
        f"Revenus imposables annuels après abattements : {euros(annual_taxable_income_cents)}, "
        f"soit {euros(monthly_income)} par mois.",
        f"Prestations familiales mensuelles : {euros(monthly_family_benefits_cents)}.",
        *lines,
        f"Nombre de parts : {str(parts).replace('.', ',')}.",
        f"QF = ({euros(monthly_income)} + {euros(monthly_family_benefits_cents)}) "
        f"÷ {str(parts).replace('.', ',')} = {euros(int(qf))}.",
    ]
    return QFResult(qf_cents=int(qf), parts=parts, lines=lines)
