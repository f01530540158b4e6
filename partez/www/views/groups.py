"""Group departures for porteurs: their groups, a group's page (members and their eligibility,
the budget, the journal, the jury's answer, the packs), the young people's link, and Seniors en
Vacances conventions and stay options. Views stay thin: scope from ``partez.groups.selectors``,
writes through ``partez.groups.services``."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from partez.core import audit
from partez.core.errors import DomainError
from partez.groups import documents, evaluation, selectors, services
from partez.groups import perms as group_perms
from partez.groups.models import Convention, Group, Scheme, Status

from ..access import membership_required
from ..forms.errors import apply_domain_error, errors_text
from ..forms.groups import ConventionForm, GroupForm, MemberForm, NoteForm, ProjectForm, ReturnForm, StayForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACTION_LABELS = {
    "submit": "Présenter au jury",
    "confirm": "Confirmer le groupe",
    "depart": "Marquer parti",
    "return": "Marquer rentré",
    "cancel": "Annuler le groupe",
}


def _group(m, pk) -> Group:
    return get_object_or_404(selectors.groups_for(m).select_related("organisation", "stay"), pk=pk)


def _manageable(m, group: Group) -> Group:
    """A write on a group: its porteur (or the coordination); a structure that only follows a member sees it."""
    if not selectors.sees_whole_group(m, group):
        raise PermissionDenied("Seul le porteur du groupe le modifie.")
    return group


@membership_required(group_perms.can_view_groups)
def group_list(request, m):
    scheme = request.GET.get("dispositif", "")
    status = request.GET.get("statut", "")
    rows = list(
        selectors.group_rows(
            m,
            scheme=scheme if scheme in Scheme.values else "",
            status=status if status in Status.values else "",
        )
    )
    context = {
        "rows": rows,
        "schemes": Scheme.choices,
        "statuses": Status.choices,
        "scheme": scheme,
        "status": status,
        "can_manage": group_perms.can_manage_groups(m),
        "can_run_jury": group_perms.can_run_jury(m),
    }
    return render(request, "www/groups/list.html", context)


@require_http_methods(["GET", "POST"])
@membership_required(group_perms.can_manage_groups)
def group_create(request, m):
    scheme = request.POST.get("scheme") or request.GET.get("dispositif") or Scheme.SAC_ADOS
    if scheme not in Scheme.values:
        raise Http404("Dispositif inconnu.")
    today = timezone.localdate()
    persons = selectors.candidate_persons(m, scheme, today)
    stays = (
        list(selectors.stays_for(m).filter(organisation=m.organisation, option_expires_on__gte=today))
        if scheme == Scheme.SENIORS
        else []
    )
    form = GroupForm(request.POST or None, persons=persons, stays=stays, initial={"scheme": scheme})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = services.GroupInput(
            scheme=scheme,
            name=d["name"],
            members=[int(x) for x in d["members"]],
            destination=d["destination"],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            transport=d["transport"],
            carers=[int(x) for x in d["carers"]],
            stay_id=d["stay"],
            staff=d["staff"],
        )
        try:
            group, _ = services.group_create(actor=m, data=data)
        except DomainError as exc:
            apply_domain_error(form, exc, {"stay_id": "stay"})
        else:
            messages.success(request, f"Groupe {group.reference} ouvert.")
            return redirect("groups_detail", pk=group.pk)
    context = {
        "form": form,
        "scheme": scheme,
        "scheme_label": Scheme(scheme).label,
        "persons": persons,
        "stays": stays,
    }
    return render(request, "www/groups/form.html", context)


@membership_required(group_perms.can_view_groups)
def group_detail(request, m, pk):
    group = _group(m, pk)
    whole = selectors.sees_whole_group(m, group)
    members = list(selectors.visible_members(m, group).select_related("pack", "return_answer"))
    verdict = evaluation.group_verdict(group) if whole else None
    manage = whole and group_perms.can_manage_groups(m)
    editable = group.status in (Status.DRAFT, Status.REWORK)
    budget = list(group.budget_lines.all())
    audit.record_read(actor=m.user, organisation=m.organisation, action="read.group", obj=group)
    context = {
        "group": group,
        "members": members,
        "whole": whole,
        "checks": verdict.checks if verdict else (),
        "manage": manage,
        "editable": editable and manage,
        "actions": [(a, ACTION_LABELS[a]) for a in services.allowed_actions(group)] if manage else [],
        "member_form": MemberForm(
            persons=selectors.candidate_persons(m, group.scheme, group.starts_on, exclude_group=group)
        )
        if manage and editable
        else None,
        "note_form": NoteForm() if manage else None,
        "notes": list(group.notes.select_related("author")[:20]) if whole else [],
        "reviews": list(group.reviews.select_related("session")),
        "expenses": [b for b in budget if b.is_expense],
        "resources": [b for b in budget if not b.is_expense],
        "expenses_total": sum(b.amount_cents for b in budget if b.is_expense),
        "resources_total": sum(b.amount_cents for b in budget if not b.is_expense),
        "aid_total": sum(x.aid_cents for x in members),
        "left_total": sum(x.left_to_pay_cents for x in members),
        "invite_link": request.session.pop(f"group-link-{group.pk}", None),
        "is_seniors": group.scheme == Scheme.SENIORS,
    }
    return render(request, "www/groups/detail.html", context)


def _back(group: Group):
    return redirect("groups_detail", pk=group.pk)


def _post(request, group: Group, write, success: str = ""):
    """A write posted from the group's page: the service's refusal or ``success`` as a message,
    then back to the page."""
    try:
        write()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if success:
            messages.success(request, success)
    return _back(group)


@require_POST
@membership_required(group_perms.can_manage_groups)
def member_add(request, m, pk):
    group = _manageable(m, _group(m, pk))
    form = MemberForm(
        request.POST,
        persons=selectors.candidate_persons(m, group.scheme, group.starts_on, exclude_group=group),
    )
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return _back(group)
    d = form.cleaned_data
    add = lambda: services.member_add(actor=m, group=group, person_id=d["person"], role=d["role"])  # noqa: E731
    return _post(request, group, add, "Personne ajoutée au groupe.")


@require_POST
@membership_required(group_perms.can_manage_groups)
def member_remove(request, m, pk, person):
    group = _manageable(m, _group(m, pk))
    remove = lambda: services.member_remove(actor=m, group=group, person_id=person)  # noqa: E731
    return _post(request, group, remove, "Personne retirée du groupe.")


@require_POST
@membership_required(group_perms.can_manage_groups)
def group_transition(request, m, pk):
    group = _manageable(m, _group(m, pk))
    move = lambda: services.group_transition(actor=m, group=group, action=request.POST.get("action", ""))  # noqa: E731
    return _post(request, group, move, "Statut du groupe changé.")


@require_POST
@membership_required(group_perms.can_manage_groups)
def group_invite(request, m, pk):
    group = _manageable(m, _group(m, pk))
    token = services.invite_create(actor=m, group=group)
    # shown once on the next page, never stored in clear
    request.session[f"group-link-{group.pk}"] = request.build_absolute_uri(
        reverse("groups_public", args=[token])
    )
    return _back(group)


@require_POST
@membership_required(group_perms.can_manage_groups)
def group_note(request, m, pk):
    group = _manageable(m, _group(m, pk))
    return _post(
        request, group, lambda: services.note_add(actor=m, group=group, text=request.POST.get("text", ""))
    )


def _project_initial(group: Group) -> dict[str, object]:
    initial: dict[str, object] = {
        "destination": group.destination,
        "transport": group.transport,
        "wishes": group.wishes,
    }
    for line in group.budget_lines.all():
        initial[f"budget_{line.kind}"] = Decimal(line.amount_cents) / 100
    return initial


def _save_project(request, form: ProjectForm, group: Group, actor) -> bool:
    if not form.is_valid():
        return False
    d = form.cleaned_data
    try:
        services.group_update(
            actor=actor,
            group=group,
            destination=d["destination"],
            transport=d["transport"],
            wishes=d["wishes"],
            budget=form.budget_lines(),
        )
    except DomainError as exc:
        apply_domain_error(form, exc)
        return False
    return True


@require_http_methods(["GET", "POST"])
@membership_required(group_perms.can_manage_groups)
def group_project(request, m, pk):
    """The referent fills the project in with the young people (the same form as their link)."""
    group = _manageable(m, _group(m, pk))
    form = ProjectForm(request.POST or None, initial=_project_initial(group))
    if request.method == "POST" and _save_project(request, form, group, m):
        messages.success(request, "Projet enregistré.")
        return _back(group)
    return render(request, "www/groups/project.html", {"form": form, "group": group, "public": False})


@require_http_methods(["GET", "POST"])
def group_public(request, token):
    """The young people's own page through their link: their project while it is being prepared,
    the jury's answer and its reasons, then the return questionnaire."""
    group = services.group_by_token(token)
    if group is None:
        return render(request, "www/groups/public_invalid.html", status=404)
    reviews = [r for r in group.reviews.select_related("session") if r.decision]
    context = {"group": group, "reviews": reviews, "public": True, "saved": False}
    if group.status in (Status.DRAFT, Status.REWORK):
        form = ProjectForm(request.POST or None, initial=_project_initial(group))
        if request.method == "POST" and _save_project(request, form, group, None):
            context["saved"] = True
            form = ProjectForm(initial=_project_initial(group))
        context["form"] = form
    elif group.status == Status.RETURNED:
        members = list(group.members.select_related("person"))
        back = ReturnForm(request.POST or None, members=members)
        if request.method == "POST" and back.is_valid():
            d = dict(back.cleaned_data)
            try:
                services.return_answer(group=group, member_id=d.pop("member"), answers=d)
            except DomainError as exc:
                apply_domain_error(back, exc)
            else:
                context["saved"] = True
                back = ReturnForm(members=members)
        context["return_form"] = back
    return render(request, "www/groups/project.html", context)


@membership_required(group_perms.can_manage_groups)
def ancv_list(request, m, pk):
    group = _group(m, pk)
    if group.scheme != Scheme.SENIORS or not selectors.sees_whole_group(m, group):
        raise Http404("Liste ANCV introuvable.")
    members = selectors.visible_members(m, group).select_related("person__household__commune")
    convention = Convention.objects.filter(organisation=group.organisation, year=group.starts_on.year).first()
    data = documents.ancv_list_xlsx(group, members, convention)
    audit.record_read(actor=m.user, organisation=m.organisation, action="download.group_ancv_list", obj=group)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="liste-ancv-{group.reference}.xlsx"'
    return response


# --- Seniors en Vacances: conventions and stay options ------------------------------------------


@require_http_methods(["GET", "POST"])
@membership_required(group_perms.can_manage_groups)
def seniors(request, m):
    """The porteur's conventions (places granted and used) and stay options (capacity, expiry)."""
    year = timezone.localdate().year
    convention_form = ConventionForm(
        request.POST if request.POST.get("form") == "convention" else None, initial={"year": year}
    )
    stay_form = StayForm(request.POST if request.POST.get("form") == "stay" else None)
    if request.method == "POST":
        try:
            if convention_form.is_bound and convention_form.is_valid():
                d = convention_form.cleaned_data
                services.convention_save(
                    actor=m, year=d["year"], places_granted=d["places_granted"], reference=d["reference"]
                )
                messages.success(request, "Convention enregistrée.")
                return redirect("groups_seniors")
            if stay_form.is_bound and stay_form.is_valid():
                d = stay_form.cleaned_data
                services.stay_create(
                    actor=m,
                    provider=d["provider"],
                    place=d["place"],
                    starts_on=d["starts_on"],
                    nights=d["nights"],
                    price_cents=stay_form.price_cents(),
                    capacity=d["capacity"],
                    option_expires_on=d["option_expires_on"],
                )
                messages.success(request, "Option de séjour enregistrée.")
                return redirect("groups_seniors")
        except DomainError as exc:
            apply_domain_error(convention_form if convention_form.is_bound else stay_form, exc)
    context = {
        "conventions": list(selectors.conventions_for(m)),
        "stays": list(selectors.stays_for(m)),
        "convention_form": convention_form,
        "stay_form": stay_form,
        "today": timezone.localdate(),
    }
    return render(request, "www/groups/seniors.html", context)
