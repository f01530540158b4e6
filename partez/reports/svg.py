"""Server-rendered SVG charts of the bilan (pure: strings in, markup out; no JavaScript).

Every chart is ``role="img"`` with a ``<title>`` and a ``<desc>`` (``aria-labelledby`` both), and
the page shows its data table next to it: the picture is never the only way to read a figure.
Values may be suppressed (:data:`~partez.reports.stats.SUPPRESSED`): the bar is then not drawn and the label says « masqué ».
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from .stats import Figure, text

INK = "#1d2b36"
MUTED = "#5b6770"
BAR = "#0b6e4f"
PREVIOUS = "#8fb8a8"
NO_DATA = "#c9ced3"
# Sequential greens (ColorBrewer « Greens », 5 classes); the darkest with white text never used.
CLASSES = ["#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"]
_ids = itertools.count(1)


def _uid(prefix: str) -> str:
    return f"{prefix}-{next(_ids)}"


def _fmt(value: Figure) -> str:
    return text("", value)  # a count or a rate, never money, in the charts


def _open(width: int, height: int, title: str, desc: str, prefix: str) -> tuple[str, str]:
    uid = _uid(prefix)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="{uid}-t {uid}-d" class="chart" '
        f'style="max-width:{width}px;height:auto" font-family="system-ui, sans-serif">'
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>'
    )
    return head, uid


def distinct_labels(labels: Sequence[str], limit: int) -> list[str]:
    """Labels cut to ``limit`` characters that still tell the rows apart: « ANCV — Départ 18:25 »
    and « ANCV — Seniors en Vacances » must not both read « Agence nationale pour les… ». When
    cutting the ends would make two alike, each keeps the part after its last « — » (the scheme
    after its funder), then, if that is not enough, its end."""

    def cut(label: str) -> str:
        return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"

    wanted = len(set(labels))
    for candidates in (labels, [label.rsplit(" — ", 1)[-1] for label in labels]):
        shown = [cut(label) for label in candidates]
        if len(set(shown)) == wanted:
            return shown
    return [label if len(label) <= limit else "…" + label[-(limit - 1) :].lstrip() for label in labels]


def bar_chart(
    title: str,
    items: Sequence[tuple[str, Figure]],
    *,
    desc: str = "",
    previous: Sequence[Figure] | None = None,
    width: int = 560,
) -> str:
    """Horizontal bars (long French labels fit, and they read on a phone). ``previous``: the same
    items' values in the compared edition, drawn as a thin bar under each."""
    label_w, value_w, row_h = 212, 64, 30 if previous else 24
    numbers = [v for v in items_values(items) if isinstance(v, int | float)]
    numbers += [v for v in previous or [] if isinstance(v, int | float)]
    top = max(numbers, default=0) or 1
    height = row_h * max(len(items), 1) + 8
    summary = "; ".join(f"{label} : {_fmt(value)}" for label, value in items)
    head, _uid_ = _open(width, height, title, desc or summary, "bar")
    parts = [head]
    span = width - label_w - value_w
    shown = distinct_labels([label for label, _value in items], 28)
    for i, (label, value) in enumerate(items):
        y = 4 + i * row_h
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12" fill="{INK}">'
            f"<title>{escape(label)}</title>{escape(shown[i])}</text>"
        )
        if isinstance(value, int | float) and value > 0:
            w = max(1.0, span * value / top)
            parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="16" fill="{BAR}" rx="2"/>')
        else:
            w = 0
        parts.append(
            f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" font-size="12" fill="{INK}">{escape(_fmt(value))}</text>'
        )
        if previous is not None:
            p = previous[i] if i < len(previous) else None
            if isinstance(p, int | float) and p > 0:
                parts.append(
                    f'<rect x="{label_w}" y="{y + 21}" width="{max(1.0, span * p / top):.1f}" height="5" '
                    f'fill="{PREVIOUS}"/>'
                )
    parts.append("</svg>")
    return "".join(parts)


def items_values(items: Iterable[tuple[str, Figure]]) -> list[Figure]:
    return [v for _label, v in items]


# --- the choropleth ---------------------------------------------------------------------------


def _rings(geometry: dict[str, Any] | None) -> list[list[list[float]]]:
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return list(geometry["coordinates"])
    if geometry.get("type") == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


def breaks(values: Sequence[float], classes: int = len(CLASSES)) -> list[float]:
    """Upper bounds of ``classes`` classes of equal count (quantiles), rounded to one decimal."""
    ordered = sorted(v for v in values if isinstance(v, int | float))
    if not ordered:
        return []
    bounds = []
    for k in range(1, classes):
        bounds.append(round(ordered[min(len(ordered) - 1, math.ceil(k * len(ordered) / classes) - 1)], 1))
    bounds.append(round(ordered[-1], 1))
    return sorted(set(bounds))


def colour(value: Figure, bounds: Sequence[float]) -> str:
    if not isinstance(value, int | float) or not bounds:
        return NO_DATA
    for i, upper in enumerate(bounds):
        if value <= upper:
            return CLASSES[min(i + len(CLASSES) - len(bounds), len(CLASSES) - 1)]
    return CLASSES[-1]


def choropleth(
    title: str,
    communes: Sequence[dict[str, Any]],
    geometries: Mapping[str, dict[str, Any] | None],
    *,
    value_key: str = "rate",
    unit: str = "partis pour 1 000 habitants",
    width: int = 560,
) -> str:
    """The communes coloured by ``value_key`` (quantile classes), with a legend; each commune has
    its own ``<title>`` (name and value), so a pointer or a screen reader gets it."""
    rings = {c["insee"]: _rings(geometries.get(c["insee"])) for c in communes}
    points = [pt for rs in rings.values() for ring in rs for pt in ring]
    legend_h = 28 * 1 + 24
    if not points:
        head, _ = _open(width, 60, title, "Aucun contour de commune disponible.", "map")
        return head + f'<text x="10" y="30" fill="{MUTED}">Contours indisponibles</text></svg>'
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    lat0 = math.radians((min(lats) + max(lats)) / 2)
    kx = math.cos(lat0)
    span_x = (max(lons) - min(lons)) * kx or 1
    span_y = (max(lats) - min(lats)) or 1
    pad = 8
    scale = (width - 2 * pad) / span_x
    map_h = span_y * scale
    height = int(map_h + 2 * pad + legend_h)
    values = [c.get(value_key) for c in communes]
    bounds = breaks([v for v in values if isinstance(v, int | float)])
    shown = "; ".join(f"{c['name']} : {_fmt(c.get(value_key))}" for c in communes)
    head, _ = _open(width, height, title, f"Carte des communes, {unit}. {shown}", "map")
    parts = [head, '<g stroke="#ffffff" stroke-width="0.8" stroke-linejoin="round">']
    for c in communes:
        d = []
        for ring in rings[c["insee"]]:
            coords = [
                f"{pad + (lon - min(lons)) * kx * scale:.1f},{pad + (max(lats) - lat) * scale:.1f}"
                for lon, lat in ring
            ]
            if coords:
                d.append("M" + "L".join(coords) + "Z")
        if not d:
            continue
        value = c.get(value_key)
        parts.append(
            f'<path d="{"".join(d)}" fill="{colour(value, bounds)}">'
            f"<title>{escape(c['name'])} : {escape(_fmt(value))}</title></path>"
        )
    parts.append("</g>")
    # legend
    y = int(map_h + 2 * pad + 6)
    x = pad
    lower = 0.0
    for i, upper in enumerate(bounds):
        fill = colour(upper, bounds)
        label = f"{_fmt(lower)} – {_fmt(upper)}" if i else f"≤ {_fmt(upper)}"
        parts.append(
            f'<rect x="{x}" y="{y}" width="16" height="14" fill="{fill}" stroke="{MUTED}" stroke-width="0.5"/>'
        )
        parts.append(f'<text x="{x + 20}" y="{y + 12}" font-size="11" fill="{INK}">{escape(label)}</text>')
        x += 88
        lower = upper
    parts.append(
        f'<rect x="{x}" y="{y}" width="16" height="14" fill="{NO_DATA}" stroke="{MUTED}" stroke-width="0.5"/>'
    )
    parts.append(f'<text x="{x + 20}" y="{y + 12}" font-size="11" fill="{INK}">hors édition ou masqué</text>')
    parts.append(
        f'<text x="{pad}" y="{y + 34}" font-size="11" fill="{MUTED}">{escape(unit.capitalize())}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


# --- the timeline -----------------------------------------------------------------------------


def timeline(
    title: str,
    milestones: Sequence[dict[str, Any]],
    *,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    width: int = 720,
) -> str:
    """The edition's milestones on one axis: planned (hollow circle), actual (filled, joined to the
    planned date when it moved); today as a dashed line. ``milestones``: dicts with ``label``,
    ``planned`` and ``actual`` (a date or None)."""
    row_h, axis_y, pad = 22, 34, 16
    height = axis_y + 18 + row_h * len(milestones) + 10
    total = max((end - start).days, 1)

    def x(d: dt.date) -> float:
        return pad + (width - 2 * pad) * min(max((d - start).days, 0), total) / total

    summary = "; ".join(
        f"{m['label']} : prévu le {m['planned']:%d/%m/%Y}"
        + (f", réalisé le {m['actual']:%d/%m/%Y}" if m.get("actual") else ", pas encore réalisé")
        for m in milestones
    )
    head, _ = _open(width, height, title, summary, "timeline")
    parts = [head, f'<line x1="{pad}" y1="{axis_y}" x2="{width - pad}" y2="{axis_y}" stroke="{INK}"/>']
    month = dt.date(start.year, start.month, 1)
    months = [
        "janv.",
        "févr.",
        "mars",
        "avr.",
        "mai",
        "juin",
        "juil.",
        "août",
        "sept.",
        "oct.",
        "nov.",
        "déc.",
    ]
    while month <= end:
        if month >= start:
            mx = x(month)
            parts.append(
                f'<line x1="{mx:.1f}" y1="{axis_y - 4}" x2="{mx:.1f}" y2="{height - 6}" stroke="#e4e7ea"/>'
            )
            parts.append(
                f'<text x="{mx + 2:.1f}" y="{axis_y - 8}" font-size="10" fill="{MUTED}">{months[month.month - 1]}</text>'
            )
        month = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    if start <= today <= end:
        tx = x(today)
        parts.append(
            f'<line x1="{tx:.1f}" y1="{axis_y - 14}" x2="{tx:.1f}" y2="{height - 6}" stroke="#b3261e" '
            f'stroke-dasharray="4 3"/><text x="{tx + 3:.1f}" y="{axis_y - 18}" font-size="10" '
            f'fill="#b3261e">aujourd\'hui</text>'
        )
    for i, m in enumerate(milestones):
        y = axis_y + 18 + i * row_h
        px = x(m["planned"])
        late = m.get("actual") is None and m["planned"] < today
        if m.get("actual"):
            ax = x(m["actual"])
            if abs(ax - px) > 1:
                parts.append(f'<line x1="{px:.1f}" y1="{y}" x2="{ax:.1f}" y2="{y}" stroke="{MUTED}"/>')
            parts.append(f'<circle cx="{ax:.1f}" cy="{y}" r="5" fill="{BAR}"/>')
        parts.append(
            f'<circle cx="{px:.1f}" cy="{y}" r="5" fill="none" stroke="{"#b3261e" if late else INK}" stroke-width="1.5"/>'
        )
        label = m["label"] if len(m["label"]) <= 40 else m["label"][:39] + "…"
        anchor, lx = ("end", px - 9) if px > width * 0.62 else ("start", px + 9)
        parts.append(
            f'<text x="{lx:.1f}" y="{y + 4}" font-size="11" text-anchor="{anchor}" fill="{INK}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


# --- the operation across editions ----------------------------------------------------------


def history(title: str, rows: Sequence[Mapping[str, Any]], *, width: int = 640) -> str:
    """The frise across years: one column per edition, as tall as the people who left, with the
    year under it and its communes and aids granted (rows: ``year``, ``left``, ``communes``,
    ``granted_cents``, ``target``); a dashed line marks the latest target."""
    if not rows:
        return ""
    height, top_pad, bottom = 230, 34, 58
    plot = height - top_pad - bottom
    targets = [r["target"] for r in rows if r.get("target")]
    numbers = [r["left"] for r in rows if isinstance(r["left"], int)]
    top = max([*numbers, *targets[-1:], 1])
    step = width / len(rows)
    bar = min(64.0, step * 0.5)
    summary = "; ".join(
        f"{r['year']} : {_fmt(r['left'])} départs, {r['communes']} communes, {text('granted_cents', r['granted_cents'])}"
        for r in rows
    )
    head, _uid_ = _open(width, height, title, summary, "history")
    parts = [head]
    if targets:
        y = top_pad + plot * (1 - targets[-1] / top)
        parts.append(
            f'<line x1="0" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" stroke="{MUTED}" stroke-dasharray="4 4"/>'
            f'<text x="{width - 4}" y="{y - 4:.1f}" text-anchor="end" font-size="11" fill="{MUTED}">'
            f"objectif : {escape(_fmt(targets[-1]))}</text>"
        )
    for i, r in enumerate(rows):
        cx = step * i + step / 2
        value = r["left"]
        h = plot * value / top if isinstance(value, int) else 0
        y = top_pad + plot - h
        if h:
            parts.append(
                f'<rect x="{cx - bar / 2:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{BAR}" rx="2"/>'
            )
        parts.append(
            f'<text x="{cx:.1f}" y="{y - 6:.1f}" text-anchor="middle" font-size="12" fill="{INK}">'
            f"{escape(_fmt(value))}</text>"
            f'<text x="{cx:.1f}" y="{height - bottom + 18}" text-anchor="middle" font-size="13" font-weight="bold" '
            f'fill="{INK}">{r["year"]}</text>'
            f'<text x="{cx:.1f}" y="{height - bottom + 34}" text-anchor="middle" font-size="11" fill="{MUTED}">'
            f"{r['communes']} communes</text>"
            f'<text x="{cx:.1f}" y="{height - bottom + 48}" text-anchor="middle" font-size="11" fill="{MUTED}">'
            f"{escape(text('granted_cents', round(r['granted_cents'] / 100) * 100).replace(',00', ''))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
