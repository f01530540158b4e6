"""Our Départ 18:25 against openfisca-france's ``depart1825_*`` variables (dev and bench only).

openfisca-france runs in its own venv (``make openfisca``; its pins clash with ours), so the
comparison reads its answers from JSON: ``bench/openfisca/depart1825.py`` writes them, the suite
keeps a generated population with openfisca's answers in ``tests/schemes/data/`` and ``make
bench-rules`` compares live. Two modelling differences are accounted for, not hidden:

- openfisca computes by **month**: parameters and age are read on the 1st of the stay's month.
  We compare on that day (our engine reads the stay's exact day in production).
- openfisca's ``age`` is ``floor(days / 365.2425)``: a person born on the 2nd (rarely the 3rd) of
  a month is one year older on the 1st of their birthday month than the calendar says. Any
  disagreement must be such a person, or it is reported as unexplained.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from partez.households import quotient

from . import catalogue, engine
from .definition import SchemeDefinition, parse

LARGE_COST = 100_000_000  # 1 M€: the aid is then the maximum amount


def definition() -> SchemeDefinition:
    return parse(catalogue.raw("depart-18-25"), known_slugs=set(catalogue.slugs()))


def openfisca_age(birth: dt.date, on: dt.date) -> int:
    """numpy's ``timedelta64[Y]`` of (on − birth + 1 day): floor(days / 365.2425)."""
    days = (on - birth).days + 1
    return (days * 10_000) // 3_652_425


def situation(person: dict, on: dt.date) -> engine.Situation:
    member = engine.MemberIn(
        id=str(person["id"]),
        birth_date=dt.date.fromisoformat(person["birth_date"]),
        relation="adult",
        status=person["status"],
    )
    return engine.Situation(
        date=on,
        nights=7,
        cost_cents=LARGE_COST,
        members=(member,),
        rfr_cents=int(person["rfr_cents"]),
        tax_parts=Decimal(str(person["tax_parts"])),
    )


@dataclass
class Comparison:
    persons: int = 0
    agree: int = 0
    explained: list[str] = field(default_factory=list)  # openfisca's age rounding
    unexplained: list[dict] = field(default_factory=list)


def ours(d: SchemeDefinition, person: dict) -> dict:
    """Our eligibility, resource ceiling and maximum amount, on the 1st of the stay's month."""
    on = dt.date.fromisoformat(person["date"]).replace(day=1)
    result = engine.evaluate_scheme(d, situation(person, on), None).result
    base = _value(d, "ceiling_base", on)
    half = _value(d, "ceiling_half_part", on)
    return {
        "eligible": result.eligible,
        "ceiling_cents": engine.rfr_ceiling_cents(base, half, Decimal(str(person["tax_parts"]))),
        "max_amount_cents": result.aid_cents,
    }


def _value(d: SchemeDefinition, name: str, on: dt.date):
    return d.parameters[name].at(on).value


def compare(persons: list[dict], reference: dict[str, dict]) -> Comparison:
    d = definition()
    out = Comparison()
    for person in persons:
        theirs = reference[person["id"]]
        if theirs.get("eligible") is None:
            continue  # a month openfisca has no parameters for
        out.persons += 1
        mine = ours(d, person)
        same = (
            mine["eligible"] == theirs["eligible"]
            and mine["ceiling_cents"] == theirs["ceiling_cents"]
            and mine["max_amount_cents"] == theirs["max_amount_cents"]
        )
        if same:
            out.agree += 1
            continue
        on = dt.date.fromisoformat(person["date"]).replace(day=1)
        birth = dt.date.fromisoformat(person["birth_date"])
        if openfisca_age(birth, on) != quotient.age_on(birth, on):
            out.explained.append(person["id"])
        else:
            out.unexplained.append({"person": person, "ours": mine, "openfisca": theirs})
    return out
