"""The shipped schemes: one YAML definition per scheme, with its table-driven cases beside it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from ..definition import SchemeDefinition, parse, to_jsonable

DIRECTORY = Path(__file__).parent


def slugs() -> list[str]:
    return sorted(p.stem for p in DIRECTORY.glob("*.yaml") if not p.name.endswith(".cases.yaml"))


@cache
def raw(slug: str) -> dict:
    """A shipped definition, JSON-ready (dates as ISO strings)."""
    return to_jsonable(yaml.safe_load((DIRECTORY / f"{slug}.yaml").read_text(encoding="utf-8")))


def load_all() -> list[SchemeDefinition]:
    known = set(slugs())
    return [parse(raw(slug), known_slugs=known) for slug in slugs()]


def cases(slug: str) -> list[dict]:
    path = DIRECTORY / f"{slug}.cases.yaml"
    if not path.exists():
        return []
    return yaml.safe_load(path.read_text(encoding="utf-8")) or []
