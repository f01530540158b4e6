"""The accompaniment's pages: a project's accompaniment (barriers, plan, mobility, workshops,
debrief), the screening sheet, the workshops for families, the coordination's questions and the
accompaniment's bilan. Thin: the services write, the selectors read, ``perms`` decides."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from partez.accompaniment import perms, selectors, services
from partez.accompaniment.models import Phase, Registration, Step, Workshop
from partez.core import audit
from partez.core.errors import DomainError
from partez.households.selectors import households_for
from partez.organisations import perms as org_perms
from partez.projects.workflow import Status
from partez.reports import stats
from partez.reports.selectors import bilan_scope
from partez.territory.models import Edition
from partez.territory.selectors import current_edition

from ..access import get_project, membership_required
from ..forms import accompaniment as forms
from ..forms.errors import apply_domain_error, errors_text

AFTER_RETURN = {Status.DEPARTED, Status.RETURNED, Status.EVALUATED}


def _upcoming(m, edition):
    return list(
        selectors.workshops_for(m, edition).filter(starts_at__gte=timezone.now()).order_by("starts_at", "pk")
    )


@membership_required(org_perms.can_view_households)
def project_accompaniment(request, m, pk):
    project = get_project(m, pk)
    if request.method == "GET":
        audit.record_read(
            actor=request.user, organisation=m.organisation, action="read.accompaniment", obj=project
        )
    screenings = selectors.screenings_of(project.household)
    steps = selectors.steps_of(project)
    mobility = selectors.mobility_of(project)
    can_write = perms.can_edit_accompaniment(m) and project.status != Status.WITHDRAWN
    debrief = getattr(project, "debrief", None) if project.status in AFTER_RETURN else None
    context = {
        "project": project,
        "barriers": selectors.barriers_of(project.household, screenings),
        "screenings": screenings,
        "steps": steps,
        "proposed": selectors.proposed_steps(project, steps),
        "next_step": next((s for s in steps if s.done_on is None), None),
        # the validation will ask for a transport step (services.transport_errors)
        "lacks_transport": selectors.lacks_transport(project)
        and not any(s.kind == "transport" for s in steps),
        "mobility": mobility,
        # the trip's cost against the project's own transport budget line
        "transport_budget": sum(
            project.budget_lines.filter(kind="transport").values_list("amount_cents", flat=True)
        ),
        "registrations": selectors.project_registrations(project),
        "can_write": can_write,
        "after_return": project.status in AFTER_RETURN,
        "debrief": debrief,
        "step_form": forms.StepForm(),
        "mobility_form": forms.MobilityForm(
            initial={
                "mode": mobility.mode,
                "reduced_fares": mobility.reduced_fares,
                "cost": mobility.cost_cents / 100,
                "note": mobility.note,
            }
            if mobility
            else None
        ),
        "register_form": forms.RegisterForm(workshops=_upcoming(m, project.edition)),
        "debrief_form": forms.DebriefForm(
            initial={
                "how_it_went": debrief.how_it_went,
                "what_helped": debrief.what_helped,
                "what_to_change": debrief.what_to_change,
                "wish": debrief.wish,
            }
            if debrief
            else None
        ),
    }
    return render(request, "www/accompaniment/project.html", context)


@membership_required(perms.can_edit_accompaniment)
def screening(request, m, pk):
    project = get_project(m, pk)
    phase = request.GET.get("moment", Phase.FIRST)
    if phase not in Phase.values:
        raise Http404("Moment du repérage inconnu.")
    questions = selectors.questions_for(project.edition)
    form = forms.ScreeningForm(
        request.POST or None, questions=questions, initial={"screened_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.screening_save(
                actor=m,
                household=project.household,
                project=project,
                phase=phase,
                screened_on=form.cleaned_data["screened_on"],
                left_to_pay_cents=form.left_to_pay_cents(),
                answers=form.answers(),
            )
        except DomainError as exc:
            apply_domain_error(
                form, exc, {"left_to_pay": "left_to_pay", **{q.code: f"q_{q.code}" for q in questions}}
            )
        else:
            messages.success(request, "Repérage enregistré.")
            return redirect("accompaniment_project", pk=project.pk)
    context = {"project": project, "form": form, "phase": phase, "phase_label": forms.PHASES[phase]}
    return render(request, "www/accompaniment/screening.html", context)


def _post(request, pk, write, success: str, form=None, refused: str = ""):
    """Run ``write(cleaned_data)`` for a form posted from the accompaniment page (its parsing
    errors, or the service's, shown as a message), then go back to the page."""
    if form is not None and not form.is_valid():
        messages.error(request, f"{refused} : {errors_text(form)}")
        return redirect("accompaniment_project", pk=pk)
    try:
        write(form.cleaned_data if form is not None else {})
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("accompaniment_project", pk=pk)


@require_POST
@membership_required(perms.can_edit_accompaniment)
def plan_accept(request, m, pk):
    project = get_project(m, pk)
    kinds = request.POST.getlist("kind") or None

    def write(_cd):
        services.plan_accept(actor=m, project=project, kinds=kinds)

    return _post(request, pk, write, "Étapes ajoutées au plan.")


@require_POST
@membership_required(perms.can_edit_accompaniment)
def step_add(request, m, pk):
    project = get_project(m, pk)

    def write(cd):
        services.step_save(actor=m, project=project, label=cd["label"], due_on=cd["due_on"], who=cd["who"])

    form = forms.StepForm(request.POST)
    return _post(request, pk, write, "Étape ajoutée au plan.", form, "Étape non enregistrée")


@require_POST
@membership_required(perms.can_edit_accompaniment)
def step_done(request, m, pk, step_pk):
    project = get_project(m, pk)
    step = get_object_or_404(Step.objects.select_related("project__household"), project=project, pk=step_pk)
    done = request.POST.get("done") == "1"

    def write(_cd):
        services.step_done(actor=m, step=step, done=done)

    return _post(request, pk, write, f"Étape « {step.label} » {'faite' if done else 'à faire'}.")


@require_POST
@membership_required(perms.can_edit_accompaniment)
def mobility(request, m, pk):
    project = get_project(m, pk)
    form = forms.MobilityForm(request.POST)

    def write(cd):
        services.mobility_save(
            actor=m,
            project=project,
            mode=cd["mode"],
            reduced_fares=cd["reduced_fares"],
            cost_cents=form.cost_cents(),
            note=cd["note"],
        )

    return _post(request, pk, write, "Mobilité enregistrée.", form, "Mobilité non enregistrée")


@require_POST
@membership_required(perms.can_edit_accompaniment)
def debrief(request, m, pk):
    project = get_project(m, pk)

    def write(cd):
        services.debrief_save(actor=m, project=project, **cd)

    form = forms.DebriefForm(request.POST)
    return _post(request, pk, write, "Bilan après le séjour enregistré.", form, "Bilan non enregistré")


@require_POST
@membership_required(perms.can_register_household)
def project_register(request, m, pk):
    project = get_project(m, pk)
    workshops = _upcoming(m, project.edition)
    form = forms.RegisterForm(request.POST, workshops=workshops)

    def register(cd):
        workshop = next(w for w in workshops if w.pk == cd["workshop"])
        r = services.workshop_register(
            actor=m, workshop=workshop, household=project.household, project=project, seats=cd["seats"]
        )
        if r.status == "waitlisted":
            messages.warning(request, "L'atelier est complet : le foyer est sur la liste d'attente.")

    return _post(request, pk, register, "Inscription enregistrée.", form, "Inscription non enregistrée")


# --- workshops -------------------------------------------------------------------------------


def _edition_from(request) -> Edition | None:
    year = request.GET.get("annee", "")
    if year.isdigit():
        return Edition.objects.filter(year=int(year)).first() or current_edition()
    return current_edition()


@membership_required(perms.can_view_workshops)
def workshop_list(request, m):
    edition = _edition_from(request)
    workshops = list(selectors.workshops_for(m, edition).order_by("starts_at", "pk"))
    now = timezone.now()
    context = {
        "edition": edition,
        "upcoming": [w for w in workshops if w.starts_at >= now],
        "past": [w for w in workshops if w.starts_at < now][::-1],
        "can_create": perms.can_manage_workshops(m) and edition is not None,
    }
    return render(request, "www/accompaniment/workshops.html", context)


def _workshop(m, pk) -> Workshop:
    workshop = selectors.workshops_for(m).filter(pk=pk).first()
    if workshop is None:
        raise Http404("Atelier introuvable.")
    return workshop


@membership_required(perms.can_view_workshops)
def workshop_detail(request, m, pk):
    workshop = _workshop(m, pk)
    registrations = selectors.registrations_seen(m, workshop, households_for(m))
    context = {
        "workshop": workshop,
        "registered": [r for r in registrations if r.status == "registered"],
        "waitlisted": [r for r in registrations if r.status == "waitlisted"],
        "can_manage": perms.can_manage_workshop(m, workshop),
        "can_cancel": perms.can_register_household(m) and workshop.starts_at >= timezone.now(),
        "report_form": forms.ReportForm(initial={"covered": workshop.covered}),
        "is_past": workshop.starts_at < timezone.now(),
    }
    return render(request, "www/accompaniment/workshop.html", context)


@membership_required(perms.can_manage_workshops)
def workshop_form(request, m, pk=None):
    workshop = _workshop(m, pk) if pk is not None else None
    if workshop is not None and not perms.can_manage_workshop(m, workshop):
        raise Http404("Atelier introuvable.")
    edition = workshop.edition if workshop else current_edition()
    if edition is None:
        messages.error(
            request, "Aucune édition n'est ouverte : la coordination doit d'abord créer l'édition."
        )
        return redirect("accompaniment_workshops")
    initial = None
    if workshop is not None:
        initial = {
            "theme": workshop.theme,
            "title": workshop.title,
            "starts_at": timezone.localtime(workshop.starts_at),
            "place": workshop.place,
            "capacity": workshop.capacity,
        }
    form = forms.WorkshopForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        data = services.WorkshopInput(cd["theme"], cd["title"], cd["starts_at"], cd["place"], cd["capacity"])
        try:
            saved = services.workshop_save(actor=m, edition=edition, data=data, workshop=workshop)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "Atelier enregistré.")
            return redirect("accompaniment_workshop", pk=saved.pk)
    return render(request, "www/accompaniment/workshop_form.html", {"form": form, "workshop": workshop})


@require_POST
@membership_required(perms.can_manage_workshops)
def workshop_report(request, m, pk):
    workshop = _workshop(m, pk)
    if not perms.can_manage_workshop(m, workshop):
        raise Http404("Atelier introuvable.")
    form = forms.ReportForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(errors_text(form), field="covered")
        services.workshop_report(actor=m, workshop=workshop, covered=form.cleaned_data["covered"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Compte rendu enregistré, et écrit dans le journal des familles présentes.")
    return redirect("accompaniment_workshop", pk=pk)


@require_POST
@membership_required(perms.can_register_household)
def registration_cancel(request, m, pk, registration_pk):
    workshop = _workshop(m, pk)
    registration = get_object_or_404(
        Registration, workshop=workshop, household__in=households_for(m), pk=registration_pk
    )
    try:
        services.registration_cancel(actor=m, registration=registration)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Inscription annulée ; la place revient à la liste d'attente.")
    return redirect("accompaniment_workshop", pk=pk)


# --- the coordination's questions and the bilan ----------------------------------------------


@membership_required(perms.can_edit_questions)
def questions(request, m):
    edition = _edition_from(request)
    if edition is None:
        messages.error(request, "Aucune édition n'est ouverte.")
        return redirect("dashboard")
    initial = [
        {"code": q.code, "category": q.category, "wording": q.wording, "is_active": True}
        for q in selectors.questions_for(edition)
    ]
    formset = forms.QuestionFormSet(request.POST or None, initial=initial, prefix="q")
    if request.method == "POST" and formset.is_valid():
        rows = [
            services.QuestionInput(f["code"], f["category"], f["wording"], f["is_active"])
            for f in formset.cleaned_data
            if f.get("code")
        ]
        try:
            services.questions_save(actor=m, edition=edition, questions=rows)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Questions du repérage de l'édition {edition.year} enregistrées.")
            return redirect("accompaniment_questions")
    context = {"formset": formset, "edition": edition, "own": selectors.has_own_questions(edition)}
    return render(request, "www/accompaniment/questions.html", context)


def _table(table: stats.Table) -> dict:
    keys = list(table.measures)
    return {
        "title": table.title,
        "headers": list(table.measures.values()),
        "rows": [(r.label, [stats.text(k, r.values.get(k)) for k in keys]) for r in table.rows],
        "total": [stats.text(k, table.total.get(k)) for k in keys],
    }


@membership_required(perms.can_view_accompaniment_bilan)
def bilan(request, m):
    edition = _edition_from(request)
    scope = bilan_scope(m)
    if scope is None:  # pragma: no cover - the permission says there is one
        raise Http404
    figures = selectors.bilan_figures(edition, scope) if edition else None
    context = {
        "edition": edition,
        "figures": figures,
        "tables": [_table(t) for t in (figures.by_commune, figures.by_format)] if figures else [],
        "scope": scope,
        "editions": Edition.objects.order_by("-year"),
        "masked_explanation": stats.MASKED_EXPLANATION,
    }
    return render(request, "www/accompaniment/bilan.html", context)
