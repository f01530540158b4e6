"""The duplicates queue: pairs of households that may be one family, decided distinct or merged
after a preview; recent merges undone. The work is in ``partez.imports.duplicates``."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from partez.core import audit
from partez.core.errors import DomainError
from partez.households.models import Household, Person
from partez.imports import duplicates, perms
from partez.imports.models import PairStatus

from ..access import membership_required

PAGE_SIZE = 25


def _pairs(m):
    households = Household.objects.select_related("commune").defer("commune__geometry")
    return duplicates.pairs_for(m).prefetch_related(
        Prefetch("a", queryset=households), Prefetch("b", queryset=households)
    )


def _merges(m):
    return duplicates.merges_for(m).select_related("kept", "merged_by").filter(undone_at__isnull=True)[:10]


@membership_required(perms.can_review_duplicates)
def duplicate_list(request, m):
    pairs = _pairs(m).filter(status=PairStatus.OPEN)
    page = Paginator(pairs, PAGE_SIZE).get_page(request.GET.get("page"))
    heads = {
        p.household_id: p
        for p in Person.objects.filter(
            household_id__in={x for pair in page for x in (pair.a_id, pair.b_id)}, relation="head"
        )
    }
    rows = [{"pair": pair, "a_head": heads.get(pair.a_id), "b_head": heads.get(pair.b_id)} for pair in page]
    return render(request, "www/duplicates/list.html", {"page": page, "rows": rows, "merges": _merges(m)})


@membership_required(perms.can_review_duplicates)
def duplicate_detail(request, m, pk):
    pair = get_object_or_404(_pairs(m), pk=pk)
    keep = request.GET.get("garder")
    keep_id = int(keep) if keep and keep.isdigit() else _default_keep(pair)
    try:
        preview = duplicates.merge_preview(pair, keep_id)
    except DomainError:
        preview = duplicates.merge_preview(pair, _default_keep(pair))
    for household in (pair.a, pair.b):
        audit.record_read(actor=m.user, organisation=m.organisation, action="read.household", obj=household)
    return render(request, "www/duplicates/detail.html", {"pair": pair, "preview": preview})


def _default_keep(pair) -> int:
    """The older file, which usually carries the history."""
    return pair.a_id


@require_POST
@membership_required(perms.can_review_duplicates)
def duplicate_distinct(request, m, pk):
    pair = get_object_or_404(_pairs(m), pk=pk)
    try:
        duplicates.pair_distinct(actor=m, pair=pair)
        messages.success(request, "Noté : ce sont deux foyers différents. Ils ne seront plus proposés.")
    except DomainError as exc:
        messages.error(request, " ".join(exc.errors.values()))
    return redirect("duplicate_list")


@require_POST
@membership_required(perms.can_review_duplicates)
def duplicate_merge(request, m, pk):
    pair = get_object_or_404(_pairs(m), pk=pk)
    keep = request.POST.get("keep", "")
    try:
        merge = duplicates.household_merge(actor=m, pair=pair, keep=int(keep) if keep.isdigit() else 0)
    except DomainError as exc:
        messages.error(request, " ".join(exc.errors.values()))
        return redirect(f"{reverse('duplicate_detail', args=[pair.pk])}?garder={keep}")
    messages.success(
        request,
        f"Foyers fusionnés : {merge.removed_reference} est maintenant dans {merge.kept.reference}. "
        f"Vous pouvez annuler pendant {duplicates.undo_days(merge.merged_at.date())} jours.",
    )
    return redirect("household_detail", pk=merge.kept_id)


@require_POST
@membership_required(perms.can_review_duplicates)
def duplicate_merge_undo(request, m, pk):
    merge = get_object_or_404(duplicates.merges_for(m), pk=pk)
    try:
        duplicates.merge_undo(actor=m, merge=merge)
        messages.success(
            request, f"Fusion annulée : le foyer {merge.removed_reference} est revenu tel qu'il était."
        )
    except DomainError as exc:
        messages.error(request, " ".join(exc.errors.values()))
    return redirect("duplicate_list")
