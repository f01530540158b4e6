"""The plan of steps proposed from a screening (pure: no ORM). The rules are data, dated, in
``parameters.yaml``: which barrier proposes which steps, each step's label, who does it and when
(days before departure, or after return), and the left-to-pay threshold.

A project without dates gets steps without due dates: the referent dates them once the stay is
known. Steps a project already has (same kind) are not proposed again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from partez.core.parameters import Parameter, load

PARAMETERS = Path(__file__).with_name("parameters.yaml")
TRANSPORT = "transport"
DEBRIEF = "debrief"
# Barriers that leave the travellers without a means of transport of their own.
NO_TRANSPORT = frozenset({"no_car", "no_licence"})


@dataclass(frozen=True)
class ProposedStep:
    kind: str
    label: str
    who: str
    due_on: dt.date | None
    barrier: str


@dataclass(frozen=True)
class Rules:
    threshold_cents: int
    kinds: Mapping[str, Mapping[str, Any]]
    by_barrier: Mapping[str, list[str]]


def parameters() -> dict[str, Parameter]:
    return load(PARAMETERS)


def rules_on(on: dt.date) -> Rules:
    p = parameters()
    return Rules(
        threshold_cents=int(p["left_to_pay_threshold_cents"].at(on).value),
        kinds=p["step_kinds"].at(on).value,
        by_barrier=p["step_rules"].at(on).value,
    )


def _due(spec: Mapping[str, Any], start: dt.date | None, end: dt.date | None) -> dt.date | None:
    if "after_return" in spec:
        back = end or start
        return back + dt.timedelta(days=int(spec["after_return"])) if back else None
    return start - dt.timedelta(days=int(spec["days_before"])) if start else None


def propose(
    rules: Rules,
    *,
    barriers: Iterable[str],
    left_to_pay_cents: int | None,
    start: dt.date | None,
    end: dt.date | None,
    existing: Iterable[str] = (),
) -> list[ProposedStep]:
    """The steps the barriers call for, once each, in date order (undated last), skipping the
    kinds the plan already has. Each step names the first barrier that proposed it."""
    present = list(dict.fromkeys(barriers))
    if left_to_pay_cents is not None and left_to_pay_cents > rules.threshold_cents:
        present.append("left_to_pay_over")
    present.append("always")
    seen = set(existing)
    steps: list[ProposedStep] = []
    for barrier in present:
        for kind in rules.by_barrier.get(barrier, []):
            if kind in seen or kind not in rules.kinds:
                continue
            seen.add(kind)
            spec = rules.kinds[kind]
            steps.append(
                ProposedStep(
                    kind=kind,
                    label=str(spec["label"]),
                    who=str(spec["who"]),
                    due_on=_due(spec, start, end),
                    barrier="" if barrier in ("always", "left_to_pay_over") else barrier,
                )
            )
    return sorted(steps, key=lambda s: (s.due_on is None, s.due_on or dt.date.min))


def lacks_transport(barriers: Iterable[str], mode: str | None) -> bool:
    """The travellers have no means of transport: a « no car » or « no licence » barrier, and no
    own car recorded for the trip."""
    return bool(NO_TRANSPORT & set(barriers)) and mode != "own_car"


def is_late(due_on: dt.date | None, done_on: dt.date | None, today: dt.date) -> bool:
    return done_on is None and due_on is not None and due_on < today
