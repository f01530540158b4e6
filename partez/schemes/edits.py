"""Edits of one dated value in a stored definition (pure: a new dict out, the input untouched).

The web form and any other caller build the new definition here, then hand it to
``services.scheme_update``, which validates everything and versions it. Values stay sorted by
date so the stored definition reads like the catalogue."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any


class UnknownValue(LookupError):
    """The parameter, or its value starting on that date, is not in the definition."""


def _values(definition: dict, name: str) -> list:
    spec = (definition.get("parameters") or {}).get(name)
    if not isinstance(spec, dict) or not isinstance(spec.get("values"), list):
        raise UnknownValue(name)
    return spec["values"]


def _index(values: list, start: dt.date) -> int:
    for i, item in enumerate(values):
        if isinstance(item, dict) and str(item.get("from"))[:10] == start.isoformat():
            return i
    raise UnknownValue(start.isoformat())


def _sorted(values: list) -> list:
    return sorted(values, key=lambda v: str(v.get("from")) if isinstance(v, dict) else "")


def find_value(definition: dict, name: str, start: dt.date) -> dict:
    values = _values(definition, name)
    return values[_index(values, start)]


def value_added(definition: dict, name: str, *, start: dt.date, value: Any, source: str) -> dict:
    new = copy.deepcopy(definition)
    values = _values(new, name)
    values.append({"from": start.isoformat(), "value": value, "source": source})
    new["parameters"][name]["values"] = _sorted(values)
    return new


def value_replaced(
    definition: dict, name: str, old_start: dt.date, *, start: dt.date, value: Any, source: str
) -> dict:
    new = copy.deepcopy(definition)
    values = _values(new, name)
    values[_index(values, old_start)] = {"from": start.isoformat(), "value": value, "source": source}
    new["parameters"][name]["values"] = _sorted(values)
    return new


def value_removed(definition: dict, name: str, start: dt.date) -> dict:
    new = copy.deepcopy(definition)
    values = _values(new, name)
    del values[_index(values, start)]
    return new
