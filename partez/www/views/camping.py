"""The séjour commun: the planning board, plan / re-plan jobs, a household's place (moves by hand
with an immediate answer, lock, cancellation) and the documents.

Coordination plans and moves; a commune referent sees its commune's households (read only) and
their papers; a host sees its campsites' rosters. Objects are fetched through
``camping.selectors`` scopes: outside them, a 404."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from partez.camping import documents, perms, selectors, services
from partez.camping.models import (
    AccommodationUnit,
    BusTrip,
    CampingWeek,
    CommuneQuota,
    Participant,
    Placement,
)
from partez.core import audit
from partez.core.collation import french_order
from partez.core.errors import DomainError
from partez.households import naming
from partez.territory.selectors import current_edition

from ..access import membership_required
from ..forms.camping import BoardFilterForm, CancelForm, ParticipantForm, PlanForm, SettingsForm
from ..forms.errors import apply_domain_error, errors_text

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _edition():
    edition = current_edition()
    if edition is None:
        raise Http404("Aucune édition.")
    return edition


def _participant(m, edition, pk) -> Participant:
    """A participant whose page ``m`` may open (hosts: none), else a 404."""
    return get_object_or_404(
        selectors.participant_files_for(m, edition).select_related(
            "household__commune", "project__organisation", "edition"
        ),
        pk=pk,
    )


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


@membership_required(perms.can_view_camping)
def board(request, m):
    edition = _edition()
    plan = selectors.camping_plan(edition)
    campsites = list(selectors.campsites_for(m, edition).order_by("name"))
    weeks = sorted(
        set(CampingWeek.objects.filter(campsite__in=campsites).values_list("starts_on", flat=True))
    )
    communes = list(selectors.communes_for(m, edition).order_by(french_order("name")))
    query = request.GET.copy()
    if "semaine" not in query and weeks:  # one week at a time by default: a lighter page on a phone
        query["semaine"] = weeks[0].isoformat()
    form = BoardFilterForm(query, weeks=weeks, campsites=campsites, communes=communes)
    week = campsite_id = commune_id = None
    if form.is_valid():
        cd = form.cleaned_data
        week = dt.date.fromisoformat(cd["semaine"]) if cd.get("semaine") else None
        campsite_id = int(cd["camping"]) if cd.get("camping") else None
        commune_id = int(cd["commune"]) if cd.get("commune") else None
    commune_id = selectors.board_commune_id(m, commune_id)
    data = selectors.board(m, edition, commune_id=commune_id, week=week, campsite_id=campsite_id)
    links = query.copy()
    week_links = []
    for value, label in [("", "Toutes les semaines")] + [(w.isoformat(), f"du {w:%d/%m}") for w in weeks]:
        links["semaine"] = value
        week_links.append((label, f"?{links.urlencode()}", value == (week.isoformat() if week else "")))
    context = {
        "week_links": week_links if len(weeks) > 1 else [],
        "shown_week": week,
        "week_position": weeks.index(week) + 1 if week in weeks else None,
        "edition": edition,
        "plan": plan,
        "board": data,
        "totals": selectors.totals(m, edition, commune_id=commune_id),
        "form": form,
        "can_plan": perms.can_plan_camping(m),
        "is_host": perms.is_campsite_host(m),
        "plan_form": PlanForm(),
        "participants": Participant.objects.active().filter(edition=edition).count()
        if perms.can_plan_camping(m)
        else None,
        "has_setup": bool(campsites) and bool(weeks),
        "document_kinds": [
            (key, label, ext)
            for key, (label, _slug, ext) in documents.KINDS.items()
            if key != "letters_pdf" or perms.can_get_letters(m)
        ],
    }
    return render(request, "www/camping/board.html", context)


@require_POST
@membership_required(perms.can_plan_camping)
def plan_start(request, m):
    edition = _edition()
    form = PlanForm(request.POST)
    replan = request.POST.get("mode") == "replan"
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect("camping_board")
    try:
        job = services.plan_start(
            actor=m, edition=edition, replan=replan, time_limit=form.cleaned_data["time_limit"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("camping_board")
    return redirect("job_detail", pk=job.pk)


@membership_required(perms.can_plan_camping)
def settings(request, m):
    edition = _edition()
    plan = selectors.camping_plan(edition)
    communes = list(edition.communes.defer("geometry").order_by(french_order("name")))
    quotas = dict(CommuneQuota.objects.filter(edition=edition).values_list("commune_id", "people"))
    initial = {name: getattr(plan, name) for name in services.SETTINGS_FIELDS}
    initial |= {f"quota_{pk}": people for pk, people in quotas.items()}
    form = SettingsForm(request.POST or None, communes=communes, initial=initial)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            services.settings_save(
                actor=m,
                edition=edition,
                values={name: cd[name] for name in services.SETTINGS_FIELDS},
                quotas={c.pk: cd[f"quota_{c.pk}"] for c in communes},
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "Réglages du séjour commun enregistrés.")
            return redirect("camping_board")
    return render(request, "www/camping/settings.html", {"edition": edition, "form": form})


@require_POST
@membership_required(perms.can_plan_camping)
def participants_sync(request, m):
    counts = services.participants_sync(actor=m, edition=_edition())
    messages.success(
        request,
        f"Liste des foyers à jour : {counts['added']} ajoutés, {counts['cancelled']} retirés, "
        f"{counts['updated']} modifiés.",
    )
    return redirect("camping_board")


def _targets(edition, participant: Participant):
    """The move form's choices: every unit of every week, grouped by week; the free ones say so."""
    weeks = list(
        CampingWeek.objects.filter(campsite__edition=edition)
        .select_related("campsite")
        .order_by("starts_on", "campsite__name")
    )
    units: dict[int, list[AccommodationUnit]] = {}
    for u in AccommodationUnit.objects.filter(campsite__edition=edition).order_by("label"):
        units.setdefault(u.campsite_id, []).append(u)
    taken = {
        (unit, week): ref
        for unit, week, ref in Placement.objects.filter(edition=edition).values_list(
            "unit_id", "week_id", "participant__household__reference"
        )
    }
    allowed = set(participant.allowed_weeks)
    groups = []
    for w in weeks:
        asked = "" if w.starts_on.isoformat() in allowed else " (semaine non demandée)"
        options = []
        for u in units.get(w.campsite_id, []):
            who = taken.get((u.pk, w.pk))
            state = "libre" if who is None else f"occupé par {who}"
            access = ", accessible" if u.accessible else ""
            options.append(
                (f"{u.pk}:{w.pk}", f"{w.campsite.name} — {u.label} ({u.beds} lits{access}) — {state}")
            )
        groups.append((f"Semaine du {w.starts_on:%d/%m/%Y}{asked}", options))
    return groups


def _target(edition, value: str):
    try:
        unit_pk, week_pk = (int(x) for x in value.split(":"))
    except ValueError:
        raise DomainError("Choisissez une place.", field="target") from None
    unit = (
        AccommodationUnit.objects.filter(pk=unit_pk, campsite__edition=edition)
        .select_related("campsite")
        .first()
    )
    week = (
        CampingWeek.objects.filter(pk=week_pk, campsite__edition=edition).select_related("campsite").first()
    )
    if unit is None or week is None:
        raise DomainError("Cette place n'existe pas.", field="target")
    return unit, week


@membership_required(perms.can_view_camping)
def participant_detail(request, m, pk):
    edition = _edition()
    participant = _participant(m, edition, pk)
    placement = (
        Placement.objects.filter(participant=participant)
        .select_related("unit", "week__campsite", "trip", "placed_by")
        .first()
    )
    stop = None
    if placement is not None and placement.trip_id:
        stop = placement.trip.stops.filter(commune_id=participant.household.commune_id).first()
    can_plan = perms.can_plan_camping(m)
    context = {
        "edition": edition,
        "participant": participant,
        "placement": placement,
        "stop": stop,
        "head": selectors.head_names([participant.household_id]).get(participant.household_id, ""),
        "can_plan": can_plan,
        "preferred": list(participant.preferred_campsites.all()),
        "companions": list(
            participant.companions.select_related("household").prefetch_related(
                naming.heads("household__persons")
            )
        ),
    }
    if can_plan and participant.cancelled_at is None:
        campsites = list(edition.campsites.order_by("name"))
        weeks = sorted(
            set(CampingWeek.objects.filter(campsite__edition=edition).values_list("starts_on", flat=True))
        )
        context["move_groups"] = _targets(edition, participant)
        context["cancel_form"] = CancelForm()
        context["edit_form"] = request_form = ParticipantForm(
            request.POST or None,
            weeks=weeks,
            campsites=campsites,
            initial={
                "needs_accessible": participant.needs_accessible,
                "allowed_weeks": participant.allowed_weeks,
                "preferred_campsites": [str(c.pk) for c in context["preferred"]],
                "companions": ", ".join(c.household.reference for c in context["companions"]),
            },
        )
        if request.method == "POST" and request_form.is_valid():
            cd = request_form.cleaned_data
            try:
                services.participant_update(
                    actor=m,
                    participant=participant,
                    needs_accessible=cd["needs_accessible"],
                    allowed_weeks=[dt.date.fromisoformat(w) for w in cd["allowed_weeks"]],
                    preferred_campsites=[c for c in campsites if str(c.pk) in cd["preferred_campsites"]],
                    companion_references=cd["companions"].split(","),
                )
            except DomainError as exc:
                apply_domain_error(request_form, exc)
            else:
                messages.success(request, "Besoins et souhaits enregistrés.")
                return redirect("camping_participant", pk=participant.pk)
    elif request.method == "POST":
        raise Http404("Rien à enregistrer ici.")
    return render(request, "www/camping/participant.html", context)


def _move_answer(request, participant, *, ok: bool, message: str, status: int = 200):
    return render(
        request,
        "www/camping/_move_answer.html",
        {"participant": participant, "ok": ok, "message": message},
        status=status,
    )


@require_POST
@membership_required(perms.can_plan_camping)
def participant_move(request, m, pk):
    edition = _edition()
    participant = _participant(m, edition, pk)
    try:
        unit, week = _target(edition, request.POST.get("target", ""))
        if request.POST.get("check"):
            problems = services.placement_check(actor=m, participant=participant, unit=unit, week=week)
            if problems:
                return _move_answer(
                    request, participant, ok=False, message="Impossible : " + " ".join(problems)
                )
            return _move_answer(
                request, participant, ok=True, message="Place possible : validez le déplacement."
            )
        placement = services.placement_move(actor=m, participant=participant, unit=unit, week=week)
    except DomainError as exc:
        if request.htmx:
            return _move_answer(request, participant, ok=False, message=exc.message, status=422)
        messages.error(request, exc.message)
        return redirect("camping_participant", pk=participant.pk)
    done = (
        f"Foyer {participant.household.reference} placé : {week.campsite.name}, {unit.label}, "
        f"semaine du {week.starts_on:%d/%m/%Y}."
    )
    messages.success(request, done)
    if request.htmx:  # reload once: the place, the bus and the message are shown from the database
        response = _move_answer(request, participant, ok=True, message=done)
        response["HX-Refresh"] = "true"
        return response
    return redirect("camping_participant", pk=placement.participant_id)


@require_POST
@membership_required(perms.can_plan_camping)
def participant_lock(request, m, pk):
    edition = _edition()
    participant = _participant(m, edition, pk)
    placement = get_object_or_404(Placement, participant=participant)
    locked = request.POST.get("locked") == "1"
    services.placement_lock(actor=m, placement=placement, locked=locked)
    messages.success(
        request,
        f"Place du foyer {participant.household.reference} {'verrouillée' if locked else 'déverrouillée'}.",
    )
    return _back(request, reverse("camping_participant", args=[participant.pk]))


@require_POST
@membership_required(perms.can_plan_camping)
def participant_cancel(request, m, pk):
    edition = _edition()
    participant = _participant(m, edition, pk)
    form = CancelForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("Indiquez le motif de l'annulation.", field="reason")
        services.participant_cancel(actor=m, participant=participant, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Foyer {participant.household.reference} retiré du séjour commun.")
    return redirect("camping_participant", pk=participant.pk)


# --- documents ---------------------------------------------------------------------------------


def _format(ext: str) -> str:
    if ext not in CONTENT_TYPES:
        raise Http404("Format inconnu.")
    return ext


def _download(data: bytes, ext: str, name: str, *, m, action: str, obj) -> HttpResponse:
    """The file, its download recorded in the access log (who took which document, when)."""
    audit.record_read(
        actor=m.user, organisation=m.organisation, action=action, obj=obj, changes={"format": ext}
    )
    response = HttpResponse(data, content_type=CONTENT_TYPES[ext])
    response["Content-Disposition"] = f'attachment; filename="{name}.{ext}"'
    return response


@membership_required(perms.can_view_camping)
def roster_download(request, m, pk, ext):
    edition, ext = _edition(), _format(ext)
    week = get_object_or_404(
        CampingWeek.objects.filter(campsite__in=selectors.campsites_for(m, edition)).select_related(
            "campsite"
        ),
        pk=pk,
    )
    data = documents.render_bytes(f"rosters_{ext}", m, edition, week_ids=[week.pk])
    name = f"liste-accueil-{week.campsite.pk}-{week.starts_on:%Y-%m-%d}"
    return _download(data, ext, name, m=m, action="download.camping_roster", obj=week)


@membership_required(perms.can_view_camping)
def trip_download(request, m, pk, ext):
    edition, ext = _edition(), _format(ext)
    trip = get_object_or_404(
        BusTrip.objects.filter(edition=edition, week__campsite__in=selectors.campsites_for(m, edition)), pk=pk
    )
    data = documents.render_bytes(f"buses_{ext}", m, edition, trip_ids=[trip.pk])
    return _download(data, ext, f"car-{trip.pk}", m=m, action="download.camping_bus_list", obj=trip)


@membership_required(perms.can_view_camping)
def letter_download(request, m, pk):
    edition = _edition()
    participant = _participant(m, edition, pk)
    if not Placement.objects.filter(participant=participant).exists():
        raise Http404("Ce foyer n'a pas encore de place.")
    data = documents.render_bytes("letters_pdf", m, edition, participant_ids=[participant.pk])
    name = f"convocation-{participant.household.reference}"
    return _download(data, "pdf", name, m=m, action="download.camping_letter", obj=participant.household)


@require_POST
@membership_required(perms.can_view_camping)
def documents_start(request, m):
    try:
        job = documents.documents_start(actor=m, edition=_edition(), kind=request.POST.get("kind", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("camping_board")
    return redirect("job_detail", pk=job.pk)
