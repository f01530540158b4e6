"""The families' own space (``/famille/``): phone first, plain words, no account.

A family comes in by a link (SMS, e-mail) or by the code of a letter; the session then holds
the access's id (``family.selectors.SESSION_KEY``), checked again on every request
(:func:`family_required`): a withdrawn access, an expired one or a withdrawn consent ends it at
once. Everything is read from the access's household, so any other household's object is a 404.
Pages are never cached by the browser or a proxy (personal data), except in the service worker's
own cache for the Fête page, which must open without a network at the gate.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps

import segno
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from partez.core.errors import DomainError
from partez.family import plain, selectors, services
from partez.family.models import StoryPhoto, Wish
from partez.family.services import STORY_STATUSES, AccessRefused
from partez.fete import codes as fete_codes
from partez.fete import letters
from partez.fete import services as fete_services
from partez.fete.jobs import rsvp_url

from ..forms import family as forms
from ..forms.errors import apply_domain_error

SESSION_AGE = 2 * 60 * 60  # a visit; the link (kept in the SMS) opens a new one
REFUSED_STATUS = {"unknown": 404, "expired": 410, "revoked": 410, "no_consent": 403}


def family_required(view):
    """A live family session, else the page that says how to come in (never a staff page)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        access = selectors.live_access(request.session.get(selectors.SESSION_KEY))
        if access is None:
            request.session.pop(selectors.SESSION_KEY, None)
            response = render(request, "www/family/closed.html", status=403)
        else:
            response = view(request, access, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapper


def _refused(request, exc: AccessRefused):
    response = render(
        request, "www/family/refused.html", {"message": exc.message}, status=REFUSED_STATUS[exc.reason]
    )
    add_never_cache_headers(response)
    return response


def _start(request, access):
    request.session.cycle_key()  # a new session id: a link opened on a shared phone starts afresh
    request.session[selectors.SESSION_KEY] = access.pk
    request.session.set_expiry(SESSION_AGE)
    return redirect("family_home")


def family_enter(request, token):
    """The link of the SMS or e-mail: checked, then the token leaves the address bar."""
    try:
        access = services.access_open(token=token)
    except AccessRefused as exc:
        return _refused(request, exc)
    return _start(request, access)


@require_http_methods(["GET", "POST"])
def family_code(request):
    """The letter's code, typed by hand (rate-limited per address: ``PUBLIC_LIMITS``)."""
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access = services.access_open(code=form.cleaned_data["code"])
        except AccessRefused as exc:
            apply_domain_error(form, exc)
        else:
            return _start(request, access)
    response = render(request, "www/family/code.html", {"form": form}, status=400 if form.errors else 200)
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
def family_sms(request):
    """A family that lost its link asks for a one-time code on its mobile, then types it
    (rate-limited per address: ``PUBLIC_LIMITS``; per number: the service)."""
    phone_form = forms.PhoneForm(request.POST or None if request.POST.get("step") == "phone" else None)
    code_form = forms.SmsCodeForm(request.POST or None if request.POST.get("step") == "code" else None)
    sent = False
    if phone_form.is_bound and phone_form.is_valid():
        try:
            services.one_time_code_send(phone=phone_form.cleaned_data["phone"])
        except DomainError as exc:
            apply_domain_error(phone_form, exc)
        else:
            sent = True
            code_form = forms.SmsCodeForm(initial={"phone": phone_form.cleaned_data["phone"]})
    if code_form.is_bound and code_form.is_valid():
        try:
            access = services.one_time_code_open(**code_form.cleaned_data)
        except AccessRefused as exc:
            apply_domain_error(code_form, exc, {"code": "code"})
        else:
            return _start(request, access)
    bad = phone_form.errors or code_form.errors
    context = {
        "phone_form": phone_form,
        "code_form": code_form,
        "sent": sent or code_form.is_bound,
        "minutes": services.value("one_time_code_minutes"),
    }
    response = render(request, "www/family/sms.html", context, status=400 if bad else 200)
    add_never_cache_headers(response)
    return response


@require_POST
def family_leave(request):
    request.session.pop(selectors.SESSION_KEY, None)
    request.session.cycle_key()
    return render(request, "www/family/left.html")


def _too_large(request):
    """Refuse a body larger than one file and its form before Django reads it to disk (the
    service checks each file's own size)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= services.value("upload_max_bytes") + 64 * 1024:
        return None
    return render(
        request,
        "www/family/refused.html",
        {
            "title": "Fichier trop gros",
            "message": f"Le fichier est trop gros. {services.value('upload_max_bytes') // (1024 * 1024)} Mo au plus.",
        },
        status=413,
    )


def _project(access):
    """The household's current project; a page about a project without one is a 404."""
    project = selectors.current_project(access)
    if project is None:
        raise Http404("Pas de projet.")
    return project


@family_required
def family_home(request, access):
    project = selectors.current_project(access)
    context = {"access": access, "contact": selectors.contact(access), "project": project}
    if project is not None:
        items = selectors.checklist(project)
        context.update(
            step=selectors.next_step(project, items, access),
            status_words=plain.STATUS_WORDS.get(project.status, ""),
            progress=plain.progress(project.status),
            appointments=list(selectors.appointments(project)[:3]),
            budget=selectors.budget(project),
        )
    return render(request, "www/family/home.html", context)


@family_required
def family_budget(request, access):
    project = _project(access)
    return render(
        request,
        "www/family/budget.html",
        {
            "access": access,
            "project": project,
            "budget": selectors.budget(project),
            "contact": selectors.contact(access),
        },
    )


@family_required
@require_http_methods(["GET", "POST"])
def family_documents(request, access):
    project = _project(access)
    if request.method == "POST" and (refused := _too_large(request)):
        return refused
    items = selectors.checklist(project)
    form = forms.DocumentForm(request.POST or None, request.FILES or None, items=items)
    if request.method == "POST" and form.is_valid():
        item = next((i for i in items if i.pk == form.cleaned_data["item"]), None)
        try:
            services.document_upload(
                access=access, project=project, upload=form.cleaned_data["file"], item=item
            )
        except DomainError as exc:
            apply_domain_error(form, exc, {"item": "item", "file": "file"})
        else:
            messages.success(request, "Merci. Votre papier est envoyé.")
            return redirect("family_documents")
    sent = list(selectors.documents(access).filter(project=project).select_related("item"))
    return render(
        request,
        "www/family/documents.html",
        {"access": access, "project": project, "items": items, "form": form, "sent": sent},
        status=400 if form.errors else 200,
    )


@family_required
def family_document(request, access, pk):
    document = get_object_or_404(selectors.documents(access), pk=pk)
    return FileResponse(document.file.open("rb"), content_type=document.content_type, filename=document.name)


@family_required
@require_http_methods(["GET", "POST"])
def family_choices(request, access):
    """The referent's proposals to answer, and the family's own ideas (dates, place, with whom)."""
    project = selectors.current_project(access)
    wish = Wish.objects.filter(project=project).first() if project else None
    initial = {"when": wish.when, "where": wish.where, "with_whom": wish.with_whom} if wish else {}
    form = forms.WishForm(request.POST or None, initial=initial)
    if request.method == "POST" and project is not None and form.is_valid():
        try:
            services.wish_save(access=access, project=project, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "Merci. Vos idées sont envoyées à votre référent.")
            return redirect("family_choices")
    proposals = list(selectors.proposals(access).order_by("answer_by", "id"))
    context = {
        "access": access,
        "proposals": proposals,
        "today": timezone.localdate(),
        "form": form,
        "wishes_open": project is not None and project.status in services.WISH_STATUSES,
        "wish": wish,
    }
    return render(request, "www/family/choices.html", context, status=400 if form.errors else 200)


@family_required
@require_POST
def family_answer(request, access, pk):
    proposal = get_object_or_404(selectors.proposals(access), pk=pk)
    try:
        services.proposal_answer(
            access=access,
            proposal=proposal,
            answer=request.POST.get("answer", ""),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Merci. Votre réponse est envoyée à votre référent.")
    return redirect("family_choices")


@family_required
@require_http_methods(["GET", "POST"])
def family_fete(request, access):
    """The Fête invitation with its QR (the same as the letter's), the stand, the time slot, and
    the RSVP. The service worker keeps the last copy for the gate, where the network is weak."""
    found = selectors.invitation(access)
    if found is None:
        return render(request, "www/family/fete.html", {"access": access, "inv": None})
    inv, stand = found
    if request.method == "POST":
        try:
            fete_services.invitation_rsvp(code=inv.code, answer=request.POST.get("rsvp", ""))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Merci. Votre réponse est enregistrée.")
        return redirect("family_fete")
    qr = segno.make(rsvp_url(request.build_absolute_uri("/"), inv.code), error="m")
    context = {
        "access": access,
        "inv": inv,
        "fete": inv.fete,
        "stand": stand,
        "code": fete_codes.display_code(inv.code),
        "qr": qr.svg_inline(scale=6, title="Code QR de votre invitation", omitsize=False),
        "opens": letters.time_text(inv.fete.opens_at),
        "closes": letters.time_text(inv.fete.closes_at),
        "slot": f"{letters.time_text(inv.slot.starts_at)} à {letters.time_text(inv.slot.ends_at)}"
        if inv.slot
        else "",
    }
    return render(request, "www/family/fete.html", context)


@family_required
@require_http_methods(["GET", "POST"])
def family_story(request, access):
    project = _project(access)
    if request.method == "POST" and (refused := _too_large(request)):
        return refused
    story = selectors.story(project)
    initial = (
        {"text": story.text, "share": story.may_be_published, "name_shown": story.name_shown} if story else {}
    )
    form = forms.StoryForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        photo = form.cleaned_data.get("photos")
        try:
            services.story_save(
                access=access,
                project=project,
                text=form.cleaned_data["text"],
                share=form.cleaned_data["share"],
                name_shown=form.cleaned_data["name_shown"],
                photos=[photo] if photo else [],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, "Merci. Votre récit est enregistré.")
            return redirect("family_story")
    return render(
        request,
        "www/family/story.html",
        {
            "access": access,
            "project": project,
            "story": story,
            "form": form,
            "open": project.status in STORY_STATUSES,
        },
        status=400 if form.errors else 200,
    )


@family_required
def family_photo(request, access, pk):
    photo = get_object_or_404(
        StoryPhoto.objects.filter(story__project__household_id=access.household_id), pk=pk
    )
    return FileResponse(photo.file.open("rb"), content_type=photo.content_type)


@family_required
def family_appointment(request, access, pk):
    """One appointment as an .ics file: the phone adds it to its calendar."""
    project = _project(access)
    entry = get_object_or_404(selectors.appointments(project).select_related("organisation"), pk=pk)
    start = entry.happens_at.astimezone(dt.UTC)
    text = _ics(
        uid=f"rdv-{entry.pk}@partez",
        start=f"{start:%Y%m%dT%H%M%SZ}",
        end=f"{start + dt.timedelta(hours=1):%Y%m%dT%H%M%SZ}",
        summary=f"Rendez-vous vacances ({entry.organisation})",
    )
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rendez-vous.ics"'
    return response


def _ics(*, uid: str, start: str, end: str, summary: str) -> str:
    summary = summary.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//partez//espace famille//FR",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{start}",
        f"DTSTART:{start}",
        f"DTEND:{end}",
        f"SUMMARY:{summary}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"


def family_service_worker(request):
    """The space's service worker, served under /famille/ so that it may control it."""
    path = finders.find("family/sw.js")
    with open(str(path), encoding="utf-8") as f:
        response = HttpResponse(f.read(), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


# --- public: the testimonies -----------------------------------------------------------------


def family_testimonies(request):
    """The stories the families agreed to publish and the coordination read: no name but the
    first name a family chose, nothing else about the household."""
    stories = [(story, selectors.shown_name(story)) for story in selectors.published_stories()[:60]]
    return render(request, "www/family/testimonies.html", {"stories": stories})


def family_testimony_photo(request, pk):
    photo = get_object_or_404(StoryPhoto.objects.filter(story__in=selectors.published_stories()), pk=pk)
    return FileResponse(photo.file.open("rb"), content_type=photo.content_type)
