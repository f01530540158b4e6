"""The pooling engine's inputs and outputs (pure dataclasses, no ORM): the situation evaluated,
each scheme's verdict, the financing plan. Split from :mod:`partez.schemes.engine`, which
re-exports them, so callers keep importing them from the engine."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .definition import CHANNELS

# Aids that pay no money: a place or stay given in kind, a reduced price.
IN_KIND_CHANNELS = frozenset({"in_kind", "reduced_price"})

FORMAT_LABELS = {
    "individual": "séjour individuel",
    "camping": "séjour commun",
    "sac_ados": "Sac Ados",
    "seniors": "Seniors en Vacances",
    "bsv": "Bourse Solidarité Vacances",
    "hosting": "offre d'hébergement",
}


# --- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberIn:
    id: str
    birth_date: dt.date
    relation: str  # adult | child
    status: str = "other"
    disabled: bool = False
    label: str = ""  # shown in explanations (a first name); the id when empty

    @property
    def name(self) -> str:
        return self.label or self.id


@dataclass(frozen=True)
class PastDepartureIn:
    person: str  # member id
    year: int
    scheme: str  # scheme slug ("" for a departure outside any known scheme)


@dataclass(frozen=True)
class Situation:
    date: dt.date  # first day of the stay
    nights: int
    cost_cents: int
    members: tuple[MemberIn, ...]
    commune_insee: str = ""
    commune_name: str = ""
    # True/False: the commune takes part in the edition of that date; None: no edition found.
    commune_participates: bool | None = None
    edition_label: str = ""
    travellers: tuple[str, ...] = ()  # member ids; empty = every member
    annual_taxable_income_cents: int = 0
    monthly_family_benefits_cents: int = 0
    rfr_cents: int | None = None
    tax_parts: Decimal | None = None
    taxable: bool | None = None
    past_departures: tuple[PastDepartureIn, ...] = ()
    format: str | None = None  # the project's format; None in the simulator
    qf_cents: int | None = None  # computed from the members when None
    # For the CAF parts when computed from the members: False = the second adult is not a spouse
    # (a single parent with a grown-up child); None = two adults or more are a couple.
    couple: bool | None = None
    # The part of the cost that is lodging (what an aid in kind or a discount can cover); None:
    # not known (the simulator without it), then no aid in kind is taken off the left to pay.
    lodging_cents: int | None = None

    def traveller_members(self) -> tuple[MemberIn, ...]:
        if not self.travellers:
            return self.members
        wanted = set(self.travellers)
        return tuple(m for m in self.members if m.id in wanted)


def _as_date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def situation_from_dict(data: dict[str, Any]) -> Situation:
    """A Situation from plain data (the table-driven cases, the simulator once validated)."""
    members = tuple(
        MemberIn(
            id=str(m["id"]),
            birth_date=_as_date(m["birth_date"]),
            relation=m.get("relation", "adult"),
            status=m.get("status") or "other",
            disabled=bool(m.get("disabled", False)),
            label=m.get("label", ""),
        )
        for m in data["members"]
    )
    parts = data.get("tax_parts")
    return Situation(
        date=_as_date(data["date"]),
        nights=int(data["nights"]),
        cost_cents=int(data["cost_cents"]),
        members=members,
        commune_insee=data.get("commune_insee", ""),
        commune_name=data.get("commune_name", ""),
        commune_participates=data.get("commune_participates"),
        edition_label=data.get("edition_label", ""),
        travellers=tuple(str(t) for t in data.get("travellers") or ()),
        annual_taxable_income_cents=int(data.get("annual_taxable_income_cents", 0)),
        monthly_family_benefits_cents=int(data.get("monthly_family_benefits_cents", 0)),
        rfr_cents=data.get("rfr_cents"),
        tax_parts=None if parts is None else Decimal(str(parts)),
        taxable=data.get("taxable"),
        past_departures=tuple(
            PastDepartureIn(person=str(p["person"]), year=int(p["year"]), scheme=p.get("scheme", ""))
            for p in data.get("past_departures") or ()
        ),
        format=data.get("format"),
        qf_cents=data.get("qf_cents"),
        couple=data.get("couple"),
        lodging_cents=None if data.get("lodging_cents") is None else int(data["lodging_cents"]),
    )


# --- outputs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionResult:
    label: str
    value: str
    threshold: str
    passed: bool


@dataclass(frozen=True)
class SchemeResult:
    slug: str
    name: str
    funder: str
    funder_slug: str
    channel: str
    eligible: bool
    criteria: tuple[CriterionResult, ...]
    aid_cents: int  # alone, on the whole cost
    computation: tuple[str, ...]
    beneficiaries: tuple[str, ...]
    version: int
    formats: tuple[str, ...]  # the formats the scheme is tied to; empty = any
    editable_example: bool = False

    @property
    def channel_label(self) -> str:
        return CHANNELS.get(self.channel, self.channel)

    @property
    def failed(self) -> tuple[CriterionResult, ...]:
        return tuple(c for c in self.criteria if not c.passed)


@dataclass(frozen=True)
class PlanLine:
    scheme: str
    name: str
    funder: str
    funder_slug: str
    channel: str
    base_cents: int
    aid_cents: int  # in kind: the value of the place or discount (taken off only if ``deducted``)
    computation: tuple[str, ...]
    deducted: bool = True  # taken off the left to pay (an aid in kind: only on a known lodging)

    @property
    def in_kind(self) -> bool:
        """A place or a discount, not money: never shown as euros paid."""
        return self.channel in IN_KIND_CHANNELS


@dataclass(frozen=True)
class Plan:
    lines: tuple[PlanLine, ...]
    cost_cents: int
    total_aid_cents: int  # what the aids take off the cost (money, and aids in kind deducted)
    remaining_cents: int  # what the household pays
    format: str | None = None

    @property
    def schemes(self) -> tuple[str, ...]:
        return tuple(line.scheme for line in self.lines)

    @property
    def cash_lines(self) -> tuple[PlanLine, ...]:
        return tuple(line for line in self.lines if not line.in_kind)

    @property
    def in_kind_lines(self) -> tuple[PlanLine, ...]:
        return tuple(line for line in self.lines if line.in_kind)

    @property
    def cash_aid_cents(self) -> int:
        """The aids paid in money (chèques, to the host, a bourse)."""
        return sum(line.aid_cents for line in self.cash_lines)

    @property
    def in_kind_value_cents(self) -> int:
        return sum(line.aid_cents for line in self.in_kind_lines)

    @property
    def format_label(self) -> str:
        return FORMAT_LABELS.get(self.format or "", "")


@dataclass(frozen=True)
class Evaluation:
    date: dt.date
    quotient_familial_cents: int | None
    quotient_lines: tuple[str, ...]
    schemes: tuple[SchemeResult, ...]
    plan: Plan
    alternatives: tuple[Plan, ...]
    versions: dict[str, int] = field(default_factory=dict)
