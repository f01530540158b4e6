"""The bilan as pages show it (the dashboard and the public page): key cards, formatted tables,
the server-side SVG charts (:mod:`partez.reports.svg`) and the map."""

from __future__ import annotations

from typing import Any, cast

from django.core.cache import cache
from django.utils.safestring import mark_safe

from partez.reports import selectors, svg
from partez.reports.stats import target_progress
from partez.reports.stats import text as cell  # one formatting for the page, the charts and the PDF
from partez.territory.models import Commune

# The measure each table's chart draws.
CHARTED = {
    "by_format": "left",
    "by_scheme": "left",
    "by_employment": "registered",
    "by_age": "registered",
    "by_household_type": "registered",
    "by_qf": "registered",
    "by_region": "stays",
    "budget": "granted_cents",
    "satisfaction": "responses",
    "groups": "people",
    "groups_destinations": "people",
}
SECTIONS = [  # (table, heading shown above it)
    ("by_format", "Formats de séjour"),
    ("by_scheme", "Dispositifs d'aide"),
    ("by_age", "Âge"),
    ("by_household_type", "Type de foyer"),
    ("by_employment", "Situation des personnes"),
    ("by_qf", "Quotient familial"),
    ("by_region", "Destinations"),
    ("by_department", "Destinations par département"),
    ("budget", "Budget"),
    ("satisfaction", "Satisfaction"),
    ("groups", "Départs en groupe"),
    ("groups_destinations", "Destinations des groupes Sac Ados"),
]


def display(table, columns=None) -> dict:
    """A table as the template shows it: headers, formatted rows and total (``columns``: the
    measures to show, all by default)."""
    measures = list(columns or table.measures)
    return {
        "key": table.key,
        "title": table.title,
        "headers": [table.measures[m] for m in measures],
        "rows": [(r.label, [cell(m, r.values.get(m)) for m in measures]) for r in table.rows],
        "total": [cell(m, table.total.get(m)) for m in measures],
    }


def _chart_value(measure, value):
    if measure.endswith("_cents") and isinstance(value, int):
        return round(value / 100)
    return value


def charts(b, previous=None) -> list[dict]:
    """One section per table: its heading, the SVG chart (when it has a charted measure) and the
    data table."""
    sections = []
    for key, heading in SECTIONS:
        table = b.tables.get(key)
        if table is None:
            continue
        measure = CHARTED.get(key)
        chart = ""
        if measure and table.rows:
            unit = " (€)" if measure.endswith("_cents") else ""
            items = [(r.label, _chart_value(measure, r.values.get(measure))) for r in table.rows]
            prev = None
            if previous is not None and key in previous.tables:
                before = {r.key: r.values.get(measure) for r in previous.tables[key].rows}
                prev = [_chart_value(measure, before.get(r.key)) for r in table.rows]
            chart = svg.bar_chart(
                f"{heading} — {table.measures[measure].lower()}{unit}",
                items,
                previous=prev,
            )
        sections.append({"id": key, "heading": heading, "svg": mark_safe(chart), "table": display(table)})
    return sections


def bilan_map(b) -> str:
    """The territory's communes; those outside the edition (or the filter) are drawn grey."""
    geometries: dict[str, dict[str, Any] | None] = cast(
        dict[str, dict[str, Any] | None],
        cache.get_or_set("bilan:geometries", lambda: selectors.map_geometries(None), 3600),
    )
    shown = {c["insee"] for c in b.communes}
    others = [
        {"insee": code, "name": f"{name} (hors édition)", "rate": None}
        for code, name in Commune.objects.exclude(insee_code__in=shown).values_list("insee_code", "name")
    ]
    return mark_safe(
        svg.choropleth("Départs pour 1 000 habitants, par commune", b.communes + others, geometries)
    )


def progress(b) -> dict | None:
    """Progress towards the edition's target, for the whole edition only (a commune's or a
    funder's share of « 10 000 départs » would read as the operation's)."""
    f = b.filters
    if f.commune is not None or f.scheme is not None or f.funder is not None:
        return None
    return target_progress(b.key.get("persons_left"), f.edition.departures_target)


KEY_CARDS = [
    "households_registered",
    "persons_registered",
    "persons_accepted",
    "persons_left",
    "persons_returned",
    "first_departures",
    "person_nights",
    "granted_cents",
    "consumed_cents",
]


def key_cards(b) -> list[tuple[str, str]]:
    def whole(k, v):  # euros without cents on a card
        return round(v / 100) * 100 if k.endswith("_cents") and isinstance(v, int) else v

    return [(cell(k, whole(k, b.key.get(k))).replace(",00", ""), selectors.KEY_LABELS[k]) for k in KEY_CARDS]
