from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from partez.accompaniment import selectors as accompaniment_selectors
from partez.core import audit
from partez.core.errors import DomainError
from partez.funding import selectors as funding_selectors
from partez.organisations import perms
from partez.projects import checks, services, workflow
from partez.projects import perms as project_perms
from partez.projects.models import ChecklistItem
from partez.schemes import situations
from partez.territory.selectors import current_edition

from ..access import get_household, get_project, membership_required
from ..forms import projects as forms
from ..forms.errors import errors_text
from ..presenters.financing import financing_context


def _project_input(form) -> services.ProjectInput:
    cd = form.cleaned_data  # partial when the form is invalid: see _save
    return services.ProjectInput(
        format=cd.get("format", ""),
        traveller_ids=cd.get("travellers", []),
        destination=cd.get("destination", "").strip(),
        destination_department=cd.get("destination_department", "").strip().upper(),
        start_date=cd.get("start_date"),
        end_date=cd.get("end_date"),
        budget=form.budget_lines(),
        overlap_reason=cd.get("overlap_reason", "").strip(),
    )


def _attach(form, errors: dict[str, str]) -> None:
    for field, message in errors.items():
        name = "budget_other" if field.startswith("budget") else field
        if name in form.errors:
            continue  # the field's own parsing error says it already
        form.add_error(name if name in form.fields else None, message)


def _save(form, household, save):
    """Run ``save(data)`` on a valid form; on an invalid one, add the service's own checks of what
    did parse, so every error shows in one round. The saved project, or None."""
    if not form.is_valid():
        _, _, errors = services.project_errors(_project_input(form), household, project=form.project)
        _attach(form, errors)
        return None
    try:
        return save(_project_input(form))
    except DomainError as exc:
        _attach(form, exc.errors)
        return None


@membership_required(perms.can_edit_project)
def project_create(request, m, household_pk):
    household = get_household(m, household_pk)
    persons = list(household.persons.all())
    edition = current_edition()
    # « Qui part ? » starts empty: the professional ticks who leaves, never the whole household by default
    form = forms.ProjectForm(request.POST or None, persons=persons)
    if edition is None:
        messages.error(
            request, "Aucune édition n'est ouverte : la coordination doit d'abord créer l'édition."
        )
        return redirect("household_detail", pk=household.pk)
    if request.method == "POST":
        project = _save(
            form,
            household,
            lambda data: services.project_create(actor=m, household=household, edition=edition, data=data),
        )
        if project is not None:
            messages.success(request, f"Projet {project.reference} créé en brouillon.")
            return redirect("project_detail", pk=project.pk)
    return render(request, "www/projects/form.html", {"form": form, "household": household, "project": None})


@membership_required(perms.can_edit_project)
def project_edit(request, m, pk):
    project = get_project(m, pk)
    persons = list(project.household.persons.all())
    initial = {
        "format": project.format,
        "travellers": list(project.travellers.values_list("pk", flat=True)),
        "destination": project.destination,
        "destination_department": project.destination_department,
        "start_date": project.start_date,
        "end_date": project.end_date,
        **{f"budget_{b.kind}": b.amount_cents / 100 for b in project.budget_lines.all()},
    }
    form = forms.ProjectForm(request.POST or None, persons=persons, initial=initial, project=project)
    if request.method == "POST" and _save(
        form, project.household, lambda data: services.project_update(actor=m, project=project, data=data)
    ):
        messages.success(request, "Projet mis à jour.")
        return redirect("project_detail", pk=project.pk)
    return render(
        request, "www/projects/form.html", {"form": form, "household": project.household, "project": project}
    )


@membership_required(perms.can_view_households)
def project_detail(request, m, pk):
    project = get_project(m, pk)
    if request.method == "GET":  # a refused form shown again is not a new opening
        audit.record_read(actor=request.user, organisation=m.organisation, action="read.project", obj=project)
    budget = list(project.budget_lines.all())
    possible = workflow.available(project.status)
    transitions = project_perms.allowed_transitions(m, project.status)
    forward = [t for t in possible if t.action not in ("withdraw", "reopen")]
    waiting_for = ""
    if forward and not any(t in transitions for t in forward):
        waiting_for = "En attente de la décision de la commission (référent·e communal·e ou coordination)."
    travellers = list(project.travellers.all())
    plan = funding_selectors.current_plan(project)  # one read for the financing block and the checklist
    context = {
        "project": project,
        "travellers": travellers,
        "budget": budget,
        "budget_total": sum(b.amount_cents for b in budget),
        "transitions": transitions,
        "waiting_for": waiting_for,
        "history": project.status_changes.select_related("by"),
        "checklist": project.checklist.all(),
        "required_labels": checks.required_documents(plan, project.start_date),
        "journal": project.journal.select_related("author", "organisation"),
        "journal_form": forms.JournalForm(),
        "can_edit": perms.can_edit_project(m) and project.status in services.EDITABLE,
        "can_write": perms.can_edit_project(m),
        "evaluation": project_evaluation(project, budget, travellers),
        "schemes_in_order": [],
        "next_step": accompaniment_selectors.next_step(project),  # the plan's next step
    }
    if context["evaluation"] is not None:  # the schemes the project can get first
        context["schemes_in_order"] = sorted(context["evaluation"].schemes, key=lambda s: not s.eligible)
    context |= financing_context(m, project, context["evaluation"], plan=plan)
    return render(request, "www/projects/detail.html", context)


def project_evaluation(project, budget, travellers):
    """Every scheme's verdict for the project, once it has dates, travellers and a budget."""
    if not (project.start_date and project.end_date and budget and travellers):
        return None
    return situations.evaluate_project(project)


@require_POST
@membership_required(perms.can_view_households)
def project_transition(request, m, pk):
    project = get_project(m, pk)
    form = forms.TransitionForm(request.POST)
    if form.is_valid():
        try:
            project = services.project_transition(
                actor=m,
                project=project,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, f"Statut du projet : {project.get_status_display()}.")
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect("project_detail", pk=project.pk)


@require_POST
@membership_required(perms.can_edit_project)
def journal_add(request, m, pk):
    project = get_project(m, pk)
    form = forms.JournalForm(request.POST)
    if form.is_valid():
        try:
            services.journal_add(
                actor=m,
                project=project,
                text=form.cleaned_data["text"],
                kind=form.cleaned_data["kind"],
                happens_at=form.cleaned_data.get("happens_at"),
            )
            messages.success(request, "Ajouté au journal d'accompagnement.")
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "Entrée non enregistrée : " + errors_text(form))
    return redirect("project_detail", pk=project.pk)


@require_POST
@membership_required(perms.can_edit_project)
def checklist_toggle(request, m, pk, item_pk):
    project = get_project(m, pk)
    item = get_object_or_404(ChecklistItem, project=project, pk=item_pk)
    try:
        item = services.checklist_toggle(actor=m, item=item, received=request.POST.get("received") == "1")
    except DomainError as exc:
        messages.error(request, exc.message)
        if request.htmx:
            response = render(
                request, "www/projects/_checklist_item.html", {"item": item, "project": project}
            )
            response["HX-Refresh"] = "true"  # show the message
            return response
        return redirect("project_detail", pk=project.pk)
    if request.htmx:
        return render(
            request,
            "www/projects/_checklist_item.html",
            {
                "item": item,
                "project": project,
                "can_write": True,
                "required_labels": checks.project_required_documents(project),
            },
        )
    return redirect("project_detail", pk=project.pk)
