"""The public page of an edition (no login): its key figures, the map, the timeline and the
partners — always computed from the data, small cells suppressed as for funders. Cached for five
minutes (the page is public, the figures move slowly)."""

from __future__ import annotations

from typing import Any, cast

from django.core.cache import cache
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from partez.core.text import normalise
from partez.organisations.models import Organisation, OrganisationKind
from partez.reports import selectors, svg, timeline
from partez.reports.stats import MASKED_EXPLANATION
from partez.territory.models import Edition, MilestoneKind
from partez.territory.selectors import current_edition

from ..presenters.bilan import bilan_map, charts, display, key_cards, progress

CACHE_SECONDS = 300
PUBLIC_SECTIONS = {"by_format", "by_age", "by_household_type", "by_region"}


def signup(edition: Edition) -> dict:
    """How a family signs up: the registration dates, and in each participating commune where to
    go (its CCAS, its town hall's public address and phone) — two queries."""
    communes = sorted(
        edition.communes.only("pk", "name", "town_hall_address", "town_hall_phone"),
        key=lambda c: normalise(c.name),
    )
    desks: dict[int, list[str]] = {}
    for commune_id, name in (
        Organisation.objects.filter(kind=OrganisationKind.COMMUNE, is_active=True, commune__in=communes)
        .order_by("name")
        .values_list("commune_id", "name")
    ):
        desks.setdefault(commune_id, []).append(name)
    opens = next(
        (m.planned_on for m in edition.milestones.all() if m.kind == MilestoneKind.REGISTRATION_OPENS), None
    )
    return {
        "opens": opens,
        "communes": [
            {
                "name": c.name,
                "desks": desks.get(c.pk, []),
                "address": c.town_hall_address,
                "phone": c.town_hall_phone,
            }
            for c in communes
        ],
    }


def _public(edition: Edition) -> dict:
    b = selectors.published(selectors.bilan(selectors.Filters(edition)))
    history = selectors.history()
    partners = list(
        Organisation.objects.filter(kind=OrganisationKind.FUNDER, envelopes__edition=edition, is_active=True)
        .distinct()
        .order_by("name")
        .values_list("name", flat=True)
    )
    return {
        "bilan": b,
        "cards": key_cards(b),
        "progress": progress(b),
        "map": str(bilan_map(b)),
        "communes": display(b.tables["by_commune"], ["registered", "left", "rate"]),
        "frise": timeline.frise(edition),
        "sections": [{**s, "svg": str(s["svg"])} for s in charts(b) if s["id"] in PUBLIC_SECTIONS],
        "partners": partners,
        "participating": len(b.communes),
        "signup": signup(edition),
        "history_rows": history,
        "history": svg.history("Les éditions de l'opération : personnes parties, communes, aides", history),
    }


@require_GET
def public_current(request):
    edition = current_edition() or Edition.objects.order_by("-year").first()
    if edition is None:
        return render(request, "www/bilan/public_empty.html", status=404)
    return redirect("bilan_public", year=edition.year)


@require_GET
def public_bilan(request, year: int):
    edition = get_object_or_404(Edition, year=year)
    context = cast(
        dict[str, Any], cache.get_or_set(f"bilan-public-{year}", lambda: _public(edition), CACHE_SECONDS)
    )
    context = {
        **context,
        "edition": edition,
        "map": mark_safe(context["map"]),
        "frise": mark_safe(context["frise"]),
        "history": mark_safe(context["history"]),
        "sections": [{**s, "svg": mark_safe(s["svg"])} for s in context["sections"]],
        "editions": Edition.objects.order_by("-year").values_list("year", flat=True),
        "masked_explanation": MASKED_EXPLANATION,
    }
    return render(request, "www/bilan/public.html", context)
