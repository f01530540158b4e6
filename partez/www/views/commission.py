"""The commission screen (a commune's commission, or the coordination's): the submitted projects
with what the commission needs to decide, decisions one by one or in batch, its sessions and
their minutes. Every decision goes through ``partez.commissions.services`` (the project workflow
and the envelope reservation)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from partez.commissions import minutes, selectors, services
from partez.commissions.perms import can_run_commission
from partez.core import audit
from partez.core.errors import DomainError
from partez.households.naming import household_name
from partez.territory.selectors import current_edition

from ..access import membership_required
from ..forms.commission import BatchForm, DecisionForm, FiltersForm, SessionForm
from ..forms.errors import apply_domain_error, errors_text

PAGE_SIZE = 100
DECISION_VERBS = [("validate", "Valider"), ("refuse", "Refuser"), ("ask_completion", "Renvoyer à compléter")]


def _back(request) -> str:
    """The screen with the filters it was posted from (only a query string is kept)."""
    query = QueryDict(request.POST.get("filters", "")).urlencode()
    return reverse("commission_index") + (f"?{query}" if query else "")


def _screen_context(request, m, *, session_form=None):
    edition = current_edition()
    context = {
        "edition": edition,
        "session": selectors.open_session(m),
        "sessions": selectors.recent_sessions(m),
    }
    if edition is None:
        return context
    form = FiltersForm(request.GET or None, communes=selectors.commission_communes(m, edition))
    data = selectors.screen(m, edition, form.filters())
    query = request.GET.copy()
    query.pop("page", None)
    context |= {
        "form": form,
        "screen": data,
        "page": Paginator(data.rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query.urlencode(),
        "session_form": session_form or SessionForm(),
        "decision_verbs": DECISION_VERBS,
    }
    return context


@membership_required(can_run_commission)
def commission_index(request, m):
    return render(request, "www/commission/index.html", _screen_context(request, m))


@require_POST
@membership_required(can_run_commission)
def commission_session_open(request, m):
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            session = services.session_open(
                actor=m, held_on=form.cleaned_data["held_on"], members=form.cleaned_data["members"]
            )
            messages.success(request, f"Séance du {session.held_on:%d/%m/%Y} ouverte : vous pouvez décider.")
            return redirect(_back(request))
        except DomainError as exc:
            apply_domain_error(form, exc)
    response = render(request, "www/commission/index.html", _screen_context(request, m, session_form=form))
    response.status_code = 400
    return response


def _report(request, outcome: services.BatchOutcome) -> None:
    """The batch's summary: one line for what passed, one per project that did not, with why."""
    if outcome.passed or not outcome.failed:
        messages.success(request, outcome.headline)
    for label, why in outcome.failed:
        messages.error(request, f"Non traité, rien n'a changé : {label} — {why}")


@require_POST
@membership_required(can_run_commission)
def commission_decide(request, m, pk):
    project = get_object_or_404(selectors.commission_projects(m), pk=pk)
    session = selectors.open_session(m)
    form = DecisionForm(request.POST)
    if session is None:
        messages.error(request, "Ouvrez d'abord la séance (date et membres présents) pour décider.")
    elif not form.is_valid():
        messages.error(request, f"{project.reference} : " + errors_text(form))
    else:
        try:
            outcome = services.decisions_batch(
                actor=m, session=session, project_ids=[project.pk], **form.cleaned_data
            )
            _report(request, outcome)
        except DomainError as exc:
            messages.error(request, f"{project.reference} : {exc.message}")
    return redirect(_back(request))


@require_POST
@membership_required(can_run_commission)
def commission_batch(request, m):
    session = selectors.open_session(m)
    form = BatchForm(request.POST)
    if session is None:
        messages.error(request, "Ouvrez d'abord la séance (date et membres présents) pour décider.")
    elif not form.is_valid():
        messages.error(request, "Lot non traité : " + errors_text(form))
    else:
        cd = form.cleaned_data
        try:
            outcome = services.decisions_batch(
                actor=m, session=session, project_ids=cd["projects"], kind=cd["kind"], reason=cd["reason"]
            )
            _report(request, outcome)
        except DomainError as exc:
            messages.error(request, "Lot non traité : " + exc.message)
    return redirect(_back(request))


@membership_required(can_run_commission)
def commission_session(request, m, pk):
    session = get_object_or_404(
        selectors.sessions_for(m).select_related("commune", "edition", "organisation"), pk=pk
    )
    decisions = [(d, household_name(d.project.household)) for d in selectors.session_decisions(session)]
    return render(
        request,
        "www/commission/session.html",
        {
            "session": session,
            "decisions": decisions,
            "title": minutes.session_title(session),
            "own": session.organisation_id == m.organisation_id,
        },
    )


@require_POST
@membership_required(can_run_commission)
def commission_session_close(request, m, pk):
    session = get_object_or_404(selectors.sessions_for(m), pk=pk)
    try:
        services.session_close(actor=m, session=session)
        messages.success(request, "Séance close : son procès-verbal est définitif.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("commission_session", pk=session.pk)


@membership_required(can_run_commission)
def commission_minutes(request, m, pk):
    session = get_object_or_404(
        selectors.sessions_for(m).select_related("commune", "edition", "organisation"), pk=pk
    )
    body = minutes.minutes_pdf(session, selectors.session_decisions(session))
    audit.record_read(
        actor=request.user, organisation=m.organisation, action="download.commission_minutes", obj=session
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="proces-verbal-commission-{session.held_on:%Y-%m-%d}.pdf"'
    )
    return response
