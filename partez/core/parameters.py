"""Parameters that change over time, as dated data (OpenFisca's model).

A parameter is a list of ``{from: date, value: ...}``; the value applying on a date is the
last one whose ``from`` is on or before that date. Files are YAML beside the code that uses them.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class DatedValue:
    start: dt.date
    value: Any
    source: str = ""


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    values: tuple[DatedValue, ...]  # sorted by start date (``load`` and the rules parser sort them)

    def in_force(self, on: dt.date) -> DatedValue | None:
        """The value applying on ``on`` (the last one starting on or before it), or None.
        A binary search: the rules engine asks this thousands of times per second."""
        index = bisect_right(self.values, on, key=lambda v: v.start)
        return self.values[index - 1] if index else None

    def at(self, on: dt.date) -> DatedValue:
        found = self.in_force(on)
        if found is None:
            raise LookupError(f"Le paramètre {self.name} n'a pas de valeur au {on:%d/%m/%Y}.")
        return found


@cache
def load(path: Path) -> dict[str, Parameter]:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    params = {}
    for name, spec in raw.items():
        values = tuple(
            sorted(
                (
                    DatedValue(start=v["from"], value=v["value"], source=v.get("source", ""))
                    for v in spec["values"]
                ),
                key=lambda v: v.start,
            )
        )
        params[name] = Parameter(name=name, description=spec.get("description", ""), values=values)
    return params
