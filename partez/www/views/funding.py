"""Envelopes (the coordination: all of them; a funder: its own), their ledger and commune
quotas, and the financing plan chosen on a project page."""

from __future__ import annotations

import io
from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from partez.core import french, spreadsheet
from partez.core.errors import DomainError
from partez.core.spreadsheet import Workbook
from partez.funding import selectors, services
from partez.organisations import perms
from partez.reports import ledgers
from partez.reports.stats import MASKED_EXPLANATION
from partez.territory.models import Edition
from partez.territory.selectors import current_edition

from ..access import get_project, membership_required
from ..forms import funding as funding_forms
from ..forms.errors import apply_domain_error, errors_text
from ..forms.fields import euros_to_cents
from ..presenters.bilan import display

LEDGER_PAGE_SIZE = 50


def _edition_filter(request, m) -> tuple[Edition | None, list[Edition]]:
    """The edition shown (``?edition=YEAR``, else the current one; ``tout`` for all) and the
    editions that have envelopes this membership sees."""
    years = selectors.envelopes_for(m).values_list("edition_id", flat=True)
    editions = list(Edition.objects.filter(pk__in=years).only("pk", "year").order_by("-year"))
    wanted = request.GET.get("edition", "")
    if wanted == "tout":
        return None, editions
    edition = next((e for e in editions if str(e.year) == wanted), None)
    if edition is None and not wanted:
        current = current_edition()
        edition = next((e for e in editions if current and e.pk == current.pk), None)
    return edition, editions


def _envelopes(request, m):
    edition, editions = _edition_filter(request, m)
    qs = selectors.envelopes_for(m)
    if edition is not None:
        qs = qs.filter(edition=edition)
    return list(selectors.with_quotas(qs)), edition, editions


@membership_required(perms.can_view_envelopes)
def envelope_list(request, m):
    envelopes, edition, editions = _envelopes(request, m)
    context = {
        "envelopes": envelopes,
        "totals": selectors.totals(envelopes),
        "edition": edition,
        "editions": editions,
        "query": f"edition={edition.year}" if edition else "edition=tout",
        "can_manage": perms.can_manage_envelopes(m),
    }
    template = "www/funding/_envelopes.html" if request.htmx else "www/funding/list.html"
    return render(request, template, context)


def _euros(cents: int) -> Decimal:
    return Decimal(cents) / 100


HEADERS = ["Édition", "Financeur", "Dispositif", "Enveloppe", "Montant (€)", "Engagé (€)", "Consommé (€)"]
HEADERS += ["Disponible (€)"]


def _row(e) -> list:
    amounts = [e.amount_cents, e.reserved_cents, e.consumed_cents, e.available_cents]
    return [e.edition.year, e.funder.name, e.scheme.name, e.label, *(_euros(a) for a in amounts)]


@membership_required(perms.can_view_envelopes)
def envelope_export(request, m):
    """The envelopes table as XLSX (a second sheet for the commune quotas) or CSV (French Excel:
    semicolons, decimal commas)."""
    envelopes, edition, _editions = _envelopes(request, m)
    suffix = edition.year if edition else "toutes-editions"
    if request.GET.get("format") == "csv":
        out = io.StringIO()
        writer = spreadsheet.csv_writer(out, delimiter=";")
        writer.writerow(HEADERS)
        for e in envelopes:
            writer.writerow([str(v).replace(".", ",") if isinstance(v, Decimal) else v for v in _row(e)])
        response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="enveloppes-{suffix}.csv"'
        return response
    wb = Workbook()
    sheet = wb.create_sheet("Enveloppes")
    sheet.append(HEADERS)
    for e in envelopes:
        sheet.append(_row(e))
    quotas = wb.create_sheet("Quotas communaux")
    quotas.append(["Édition", "Enveloppe", "Commune", "Code INSEE", *HEADERS[4:]])
    for e in envelopes:
        for q in e.quotas.all():
            amounts = [q.amount_cents, q.reserved_cents, q.consumed_cents, q.available_cents]
            quotas.append(
                [e.edition.year, e.label, q.commune.name, q.commune.insee_code, *(_euros(a) for a in amounts)]
            )
    body = io.BytesIO()
    wb.save(body)
    response = HttpResponse(
        body.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="enveloppes-{suffix}.xlsx"'
    return response


def _get_envelope(m, pk):
    """An envelope this membership sees, else 404 (another funder's envelope does not exist)."""
    return get_object_or_404(selectors.envelopes_for(m).select_related("funder", "scheme", "edition"), pk=pk)


@membership_required(perms.can_view_envelopes)
def envelope_detail(request, m, pk):
    envelope = _get_envelope(m, pk)
    if not perms.sees_whole_territory(m):
        # a funder: aggregates only (per commune, per month, small cells masked), never a line
        summary = ledgers.funder_summary(envelope)
        context = {
            "envelope": envelope,
            "tables": [display(t) for t in summary.values()],
            "masked_explanation": MASKED_EXPLANATION,
        }
        return render(request, "www/funding/detail_funder.html", context)
    page = Paginator(selectors.ledger(envelope), LEDGER_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "envelope": envelope,
        "breakdown": selectors.commune_breakdown(envelope),
        "has_quotas": envelope.quotas.exists(),
        "page": page,
        "can_manage": perms.can_manage_envelopes(m),
        "quota_form": funding_forms.QuotaForm() if perms.can_manage_envelopes(m) else None,
    }
    return render(request, "www/funding/detail.html", context)


@membership_required(perms.can_manage_envelopes)
def envelope_form(request, m, pk=None):
    envelope = _get_envelope(m, pk) if pk else None
    initial = {"edition": current_edition()}
    if envelope is not None:
        initial = {"label": envelope.label, "amount": _euros(envelope.amount_cents)}
    form = funding_forms.EnvelopeForm(request.POST or None, initial=initial, envelope=envelope)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        data = services.EnvelopeInput(
            amount_cents=euros_to_cents(cd["amount"]),
            label=cd["label"],
            scheme=cd.get("scheme"),
            edition=cd.get("edition"),
        )
        try:
            envelope = services.envelope_save(actor=m, data=data, envelope=envelope)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"Enveloppe « {envelope.label} » enregistrée.")
            return redirect("envelope_detail", pk=envelope.pk)
    return render(request, "www/funding/form.html", {"form": form, "envelope": envelope})


@require_POST
@membership_required(perms.can_manage_envelopes)
def quota_save(request, m, pk):
    envelope = _get_envelope(m, pk)
    form = funding_forms.QuotaForm(request.POST)
    if form.is_valid():
        commune = form.cleaned_data["commune"]
        try:
            services.quota_save(
                actor=m,
                envelope=envelope,
                commune=commune,
                amount_cents=euros_to_cents(form.cleaned_data["amount"]),
            )
            messages.success(request, f"Quota {french.de(commune.name)} enregistré.")
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "Quota non enregistré : " + errors_text(form))
    return redirect("envelope_detail", pk=envelope.pk)


# --- the financing plan on the project page ------------------------------------------------------


@require_POST
@membership_required(perms.can_choose_plan)
def plan_choose(request, m, pk):
    project = get_project(m, pk)
    form = funding_forms.PlanChoiceForm(request.POST)
    if form.is_valid():
        try:
            services.plan_choose(
                actor=m, project=project, index=form.cleaned_data["index"], schemes=form.scheme_slugs()
            )
            messages.success(request, "Plan de financement enregistré.")
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "Plan inconnu : rechargez la page.")
    return redirect(reverse("project_detail", args=[project.pk]) + "#financement")
