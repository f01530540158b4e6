"""Campaign-wide allocation of the envelopes (coordination): start a run, review it against
first-come-first-served, apply it."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from partez.core.errors import DomainError
from partez.funding import allocation, campaign
from partez.funding.models import AllocationRun, AllocationStatus, Envelope
from partez.households import naming
from partez.organisations import perms
from partez.schemes.models import Scheme
from partez.territory.selectors import current_edition

from ..access import membership_required
from ..forms.allocation import AllocationForm
from ..forms.errors import apply_domain_error

PAGE_SIZE = 100
# Each way of sharing the envelopes, in the words of a commission (the method behind each one is
# described, for who wants it, under « Comment les répartitions sont calculées »).
METHODS = [
    ("solver", "Répartition proposée"),
    ("greedy", "Au moins cher par personne d'abord"),
    ("fcfs", "Premier arrivé, premier servi"),
]


@membership_required(perms.can_manage_envelopes)
def allocation_index(request, m):
    edition = current_edition()
    form = AllocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and edition is not None:
        cd = form.cleaned_data
        try:
            job = campaign.allocation_start(
                actor=m,
                edition=edition,
                priorities=allocation.Priorities(
                    first_departure_bonus=cd["first_departure_bonus"],
                    low_qf_bonus=cd["low_qf_bonus"],
                    respect_quotas=cd["respect_quotas"],
                ),
                time_limit=cd["time_limit"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "Calcul lancé : suivez son avancement ci-dessous.")
            return redirect("job_detail", pk=job.pk)
    runs = AllocationRun.objects.filter(edition=edition).select_related("created_by")[:20] if edition else []
    return render(request, "www/allocation/index.html", {"form": form, "edition": edition, "runs": runs})


@membership_required(perms.can_manage_envelopes)
def allocation_detail(request, m, pk):
    run = (
        AllocationRun.objects.select_related("edition", "created_by", "applied_by", "job")
        .filter(pk=pk)
        .first()
    )
    if run is None:
        raise Http404("Répartition introuvable.")
    results = run.results
    available = results.get("available", {})
    envelopes = Envelope.objects.filter(pk__in=[int(k) for k in available]).select_related("scheme", "funder")
    envelope_rows = [
        {
            "envelope": e,
            "available": available.get(str(e.pk), 0),
            "uses": [results[key]["envelope_use"].get(str(e.pk), 0) for key, _label in METHODS],
        }
        for e in envelopes
    ]
    for row in envelope_rows:
        row["left"] = row["available"] - row["uses"][0]
    methods = [
        {"key": key, "label": label, "gap_percent": 100 * results[key]["gap"], **results[key]}
        for key, label in METHODS
        if key in results
    ]
    show = request.GET.get("voir", "finances")
    decisions = (
        run.decisions.select_related("project__household__commune")
        .prefetch_related(naming.heads("project__household__persons"))
        .order_by("-option", "id")
    )
    decisions = decisions.filter(option__isnull=show != "finances")
    if show == "finances":
        decisions = decisions.order_by("project__reference")
    page = Paginator(decisions, PAGE_SIZE).get_page(request.GET.get("page"))
    names = dict(Scheme.objects.values_list("slug", "name"))
    for decision in page:
        decision.scheme_names = [names.get(s, s) for s in decision.schemes]
    counts = {
        "funded": run.decisions.filter(option__isnull=False).count(),
        "waiting": run.decisions.filter(option__isnull=True).count(),
        "applied": run.decisions.filter(outcome="applied").count(),
        "skipped": run.decisions.filter(outcome="skipped").count(),
    }
    solver, fcfs = results.get("solver", {}), results.get("fcfs", {})
    context = {
        "run": run,
        "methods": methods,
        "gain": solver.get("people_funded", 0) - fcfs.get("people_funded", 0),
        "envelope_rows": envelope_rows,
        "page": page,
        "show": show,
        "counts": counts,
        "can_apply": run.status == AllocationStatus.PROPOSED,
    }
    return render(request, "www/allocation/detail.html", context)


@require_POST
@membership_required(perms.can_manage_envelopes)
def allocation_apply(request, m, pk):
    run = AllocationRun.objects.filter(pk=pk).first()
    if run is None:
        raise Http404("Répartition introuvable.")
    try:
        job = campaign.allocation_apply_start(actor=m, run=run)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("allocation_detail", pk=run.pk)
    messages.success(request, "Application lancée : chaque projet financé est validé et ses aides engagées.")
    return redirect("job_detail", pk=job.pk)
