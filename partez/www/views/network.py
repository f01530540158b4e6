"""Trainings and events for professionals: the catalogue of sessions, registering (or the
waitlist), one's ticket with its QR for the door, the certificate and the evaluation; the
coordination's forms (trainings, sessions, events, programme) and who is trained. The door itself
is the shared scan page (``attendance_scan``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from partez.attendance import qr
from partez.attendance.selectors import roster_counts
from partez.core.errors import DomainError
from partez.fete.codes import display_code
from partez.network import perms, selectors, services
from partez.network.documents import certificate_pdf
from partez.network.models import Event, RegistrationStatus, Skill, TrainingSession

from ..access import membership_required
from ..forms import network as forms
from ..forms.errors import apply_domain_error


def _session_or_404(pk: int) -> TrainingSession:
    session = selectors.sessions_for(None).filter(pk=pk).select_related("roster").first()
    if session is None:
        raise Http404("Session introuvable.")
    return session


def _registration_or_404(m, pk):
    registration = selectors.registration_for(m, pk)
    if registration is None:
        raise Http404("Inscription introuvable.")
    return registration


def _attempt(request, action, success: str) -> None:
    """Run a service from a button: its refusal or ``success`` as the page's message."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)


def _form_page(request, form, title: str, save, done):
    """A coordination form page: ``save(cleaned_data)`` through its service, the refusal on the
    form's fields, or ``done(obj)`` (message and redirect) once saved."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return done(obj)
    return render(request, "www/network/form.html", {"form": form, "title": title})


def _saved(request, message: str, to: str, **kwargs):
    messages.success(request, message)
    return redirect(to, **kwargs)


@membership_required(perms.can_view_network)
def network_trainings(request, m):
    upcoming = list(selectors.sessions_for(m, upcoming=True))
    past = list(selectors.sessions_for(m, upcoming=False)[:20])
    mine = {
        r.session_id: r for r in selectors.registrations_of(m).exclude(status=RegistrationStatus.CANCELLED)
    }
    for s in upcoming + past:
        s.left = selectors.places_left(s)
        s.mine = mine.get(s.pk)
    context = {
        "upcoming": upcoming,
        "past": past,
        "can_manage": perms.can_manage_network(m),
        "can_register": perms.can_register_training(m),
    }
    return render(request, "www/network/trainings.html", context)


@membership_required(perms.can_view_network)
def network_session(request, m, pk):
    session = _session_or_404(pk)
    mine = (
        selectors.registrations_of(m)
        .filter(session=session)
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
    )
    ticket = services.ticket_of(mine) if mine and mine.status == RegistrationStatus.CONFIRMED else None
    context = {
        "session": session,
        "left": selectors.places_left(session),
        "mine": mine,
        "position": selectors.waitlist_position(mine) if mine else None,
        "ticket": ticket,
        "qr": qr.ticket_svg(ticket, scale=8) if ticket else "",
        "code": display_code(ticket.code) if ticket else "",
        "refusal": services.audience_refusal(session, m) if perms.can_register_training(m) else None,
        "can_register": perms.can_register_training(m),
        "can_manage": perms.can_manage_network(m),
        "evaluation": forms.EvaluationForm(initial={"rating": mine.rating})
        if mine and mine.present_at
        else None,
    }
    if perms.can_view_registrations(m):
        context["registrations"] = selectors.session_registrations(session)
        context["counts"] = roster_counts(session.roster)
    return render(request, "www/network/session.html", context)


@require_POST
@membership_required(perms.can_register_training)
def network_register(request, m, pk):
    session = _session_or_404(pk)
    try:
        registration = services.registration_create(actor=m, session=session)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if registration.status == RegistrationStatus.CONFIRMED:
            messages.success(request, "Vous êtes inscrit·e : votre billet est ci-dessous.")
        else:
            position = selectors.waitlist_position(registration)
            messages.info(
                request, f"La session est complète : vous êtes n° {position} sur la liste d'attente."
            )
    return redirect("network_session", pk=session.pk)


@require_POST
@membership_required(perms.can_view_network)
def network_cancel(request, m, pk):
    registration = _registration_or_404(m, pk)
    _attempt(
        request,
        lambda: services.registration_cancel(actor=m, registration=registration),
        "Inscription annulée : la place va à la première personne en attente.",
    )
    return redirect("network_session", pk=registration.session_id)


@membership_required(perms.can_view_network)
def network_certificate(request, m, pk):
    registration = _registration_or_404(m, pk)
    if registration.present_at is None:
        raise Http404("Pas d'attestation : la présence n'a pas été pointée.")
    response = HttpResponse(certificate_pdf(registration), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="attestation-formation-{registration.pk}.pdf"'
    return response


@require_POST
@membership_required(perms.can_view_network)
def network_evaluation(request, m, pk):
    registration = _registration_or_404(m, pk)
    form = forms.EvaluationForm(request.POST)
    if form.is_valid():
        cd = form.cleaned_data
        _attempt(
            request,
            lambda: services.evaluation_submit(
                actor=m, registration=registration, rating=cd["rating"], comment=cd["comment"]
            ),
            "Merci pour votre évaluation.",
        )
    else:
        messages.error(request, "Choisissez une note de 1 à 5.")
    return redirect("network_session", pk=registration.session_id)


@membership_required(perms.can_manage_network)
def network_training_create(request, m):
    return _form_page(
        request,
        forms.TrainingForm(request.POST or None),
        "Nouvelle formation",
        lambda data: services.training_save(actor=m, **data),
        lambda t: _saved(request, f"Formation « {t.title} » ajoutée au catalogue.", "network_session_create"),
    )


@membership_required(perms.can_manage_network)
def network_session_create(request, m):
    return _form_page(
        request,
        forms.SessionForm(request.POST or None),
        "Nouvelle session de formation",
        lambda data: services.session_save(actor=m, data=services.SessionInput(**data)),
        lambda session: _saved(
            request, "Session créée : les inscriptions sont ouvertes.", "network_session", pk=session.pk
        ),
    )


@require_POST
@membership_required(perms.can_manage_network)
def network_session_cancel(request, m, pk):
    session = _session_or_404(pk)
    try:
        n = services.session_cancel(actor=m, session=session, reason=request.POST.get("reason", "")[:300])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("network_session", pk=session.pk)
    messages.success(
        request, f"Session annulée ; {n} personne{'s' if n > 1 else ''} prévenue{'s' if n > 1 else ''}."
    )
    return redirect("network_trainings")


@membership_required(perms.can_view_registrations)
def network_trained(request, m):
    skill = request.GET.get("competence", "")
    if skill not in Skill.values:
        skill = ""
    rows = selectors.trained_overview(skill)
    return render(
        request, "www/network/trained.html", {"rows": rows, "skills": Skill.choices, "skill": skill}
    )


# --- events (the colloque) ---------------------------------------------------------------------


def _event_or_404(m, pk) -> Event:
    event = selectors.events_for(m).filter(pk=pk).select_related("roster").first()
    if event is None:
        raise Http404("Événement introuvable.")
    return event


@membership_required(perms.can_view_network)
def network_events(request, m):
    events = list(selectors.events_for(m))
    return render(
        request, "www/network/events.html", {"events": events, "can_manage": perms.can_manage_network(m)}
    )


@membership_required(perms.can_view_network)
def network_event(request, m, pk):
    event = _event_or_404(m, pk)
    mine = selectors.own_event_registration(m, event)
    ticket = services.event_ticket(mine) if mine else None
    can_manage = perms.can_manage_network(m)
    context = {
        "event": event,
        "programme": list(event.programme.all()),
        "mine": mine,
        "ticket": ticket,
        "qr": qr.ticket_svg(ticket, scale=8) if ticket else "",
        "code": display_code(ticket.code) if ticket else "",
        "can_manage": can_manage,
        "figures": selectors.event_figures(event) if can_manage else None,
        "item_form": forms.ProgrammeItemForm() if can_manage else None,
    }
    return render(request, "www/network/event.html", context)


@require_POST
@membership_required(perms.can_view_network)
def network_event_register(request, m, pk):
    event = _event_or_404(m, pk)
    _attempt(
        request,
        lambda: services.event_register(event=event, actor=m),
        "Vous êtes inscrit·e : votre badge est ci-dessous (et par e-mail).",
    )
    return redirect("network_event", pk=event.pk)


@membership_required(perms.can_manage_network)
def network_event_create(request, m):
    return _form_page(
        request,
        forms.EventForm(request.POST or None),
        "Nouvel événement",
        lambda data: services.event_save(actor=m, data=services.EventInput(**data)),
        lambda event: _saved(request, "Événement créé.", "network_event", pk=event.pk),
    )


@require_POST
@membership_required(perms.can_manage_network)
def network_programme_add(request, m, pk):
    event = _event_or_404(m, pk)
    form = forms.ProgrammeItemForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.programme_item_add(actor=m, event=event, **form.cleaned_data),
            "Séquence ajoutée au programme.",
        )
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("network_event", pk=event.pk)


def network_event_public(request, slug):
    """A public event's page and registration form (no account: a name and an e-mail)."""
    event = get_object_or_404(Event.objects.filter(is_public=True), slug=slug)
    form = forms.PublicRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_register(event=event, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request, "Inscription enregistrée : votre badge (code QR) vous est envoyé par e-mail."
            )
            return redirect("network_event_public", slug=event.slug)
    context = {"event": event, "programme": list(event.programme.all()), "form": form}
    return render(request, "www/network/event_public.html", context)
