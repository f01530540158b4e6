"""Reads on schemes: the parsed definitions in force, cached per process by (id, version)."""

from __future__ import annotations

from .definition import SchemeDefinition, parse
from .models import Scheme

_parsed: dict[tuple[int, int], SchemeDefinition] = {}


def definitions(*, slugs: list[str] | None = None, include_inactive: bool = False) -> list[SchemeDefinition]:
    """The schemes' current definitions, parsed once per version (one small query per call)."""
    qs = Scheme.objects.all()
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if slugs:
        qs = qs.filter(slug__in=slugs)
    rows = list(qs.values_list("id", "version", "definition"))
    result = []
    for pk, version, raw in rows:
        key = (pk, version)
        if key not in _parsed:
            _parsed[key] = parse(raw, version=version)
        result.append(_parsed[key])
    return result


def history_codes() -> dict[str, str]:
    """PastDeparture scheme code → scheme slug (from each scheme's ``history_code``)."""
    return {d.history_code: d.slug for d in definitions(include_inactive=True) if d.history_code}
