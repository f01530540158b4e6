"""The edition's timeline (« frise chronologique »): its milestones, planned and actual, as the
SVG drawing of :func:`partez.reports.svg.timeline` expects them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from partez.territory.models import Edition

from . import svg


def milestones(edition: Edition) -> list[dict]:
    rows = []
    for ms in edition.milestones.select_related("funder").order_by("planned_on", "id"):
        label = str(ms)
        if ms.funder is not None:
            label = f"{label} ({ms.funder.name})"
        rows.append({"label": label, "planned": ms.planned_on, "actual": ms.actual_on, "kind": ms.kind})
    return rows


def frise(edition: Edition, today: dt.date | None = None) -> str:
    rows = milestones(edition)
    start = min([edition.starts_on, *(m["planned"] for m in rows)])
    end = max([edition.ends_on, *(m["planned"] for m in rows), *(m["actual"] for m in rows if m["actual"])])
    return svg.timeline(
        f"Frise chronologique {edition.year}",
        rows,
        start=start,
        end=end,
        today=today or timezone.localdate(),
    )
