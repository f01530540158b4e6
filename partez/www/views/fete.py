"""The Fête des vacances in the web app: the event (coordination), the invitations and their
sending job, the volunteers' scan and hand-over page, its two JSON doors (the same answers as the
API, see :mod:`partez.fete.protocol`), the receipt, the live counter, and the public RSVP link.

The scan page is one page that never reloads: it keeps its queue (scans and hand-overs with their
nonces) in ``localStorage`` and sends it whenever the network answers; a stand's page carries its
commune's roster (codes, first names, prepared serials) so a hand-over can be prepared and signed
with no network. A small service worker (``static/fete/sw.js``) also caches the page and its
static files, so a volunteer who reloads it in a dead zone gets it back.
"""

from __future__ import annotations

import base64
import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from partez.core import audit
from partez.core.collation import french_order
from partez.core.errors import DomainError
from partez.fete import codes, letters, protocol, selectors, services
from partez.fete.jobs import addressees, fete_info, letter_for
from partez.fete.models import CheckinList, Delivery, Invitation, ListKind, Rsvp, Stand
from partez.jobs import services as job_services
from partez.organisations import perms
from partez.territory.selectors import current_edition

from ..access import membership_required
from ..forms.fete import FeteForm

PAGE_SIZE = 50


def _fete_or_404():
    fete = selectors.current_fete()
    if fete is None:
        raise Http404("Aucune Fête des vacances pour l'édition en cours.")
    return fete


@membership_required(perms.can_manage_fete)
def fete_home(request, m):
    edition = current_edition()
    if edition is None:
        raise Http404("Aucune édition.")
    fete = selectors.current_fete()
    initial = {}
    if fete is not None:
        initial = {
            f: getattr(fete, f)
            for f in ("name", "date", "place", "address", "opens_at", "closes_at", "contact")
        }
        initial["slot_minutes"] = 60
    form = FeteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.fete_save(actor=m, edition=edition, data=services.FeteInput(**form.cleaned_data))
        except DomainError as exc:
            for key, message in exc.errors.items():
                form.add_error(key if key in form.fields else None, message)
        else:
            messages.success(
                request,
                "Fête enregistrée : l'entrée, un stand par commune participante et les créneaux sont prêts.",
            )
            return redirect("fete_home")
    context = {"edition": edition, "fete": fete, "form": form}
    if fete is not None:
        context["stands"] = (
            Stand.objects.filter(fete=fete).select_related("commune").defer("commune__geometry")
        )
        context["slots"] = fete.slots.all()
        context["figures"] = selectors.counters(fete)
        context["entitled"] = len(selectors.entitlements_by_household(edition))
    return render(request, "www/fete/home.html", context)


@require_POST
@membership_required(perms.can_manage_fete)
def fete_send(request, m):
    fete = _fete_or_404()
    channels = [c for c in request.POST.getlist("channels") if c in ("letter", "email", "sms")]
    if not channels:
        messages.error(request, "Choisissez au moins un canal : courrier, e-mail ou SMS.")
        return redirect("fete_home")
    job = job_services.job_start(
        actor=m,
        kind="fete_invitations",
        label=f"Invitations à la {fete} ({', '.join(channels)})",
        params={
            "fete": fete.pk,
            "channels": channels,
            "base_url": request.build_absolute_uri("/"),
            "resend": bool(request.POST.get("resend")),
        },
    )
    return redirect("job_detail", pk=job.pk)


@membership_required(perms.can_manage_fete)
def fete_invitations(request, m):
    fete = _fete_or_404()
    qs = (
        Invitation.objects.filter(fete=fete)
        .select_related("commune", "household", "slot")
        .defer("commune__geometry")
    )
    commune = request.GET.get("commune", "")
    if commune:
        qs = qs.filter(commune__insee_code=commune)
    page = Paginator(qs.order_by(french_order("commune__name"), "label", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    communes = fete.edition.communes.defer("geometry").order_by(french_order("name"))
    return render(
        request,
        "www/fete/invitations.html",
        {
            "fete": fete,
            "page": page,
            "communes": communes,
            "commune": commune,
            "Delivery": Delivery,
            "Rsvp": Rsvp,
        },
    )


@membership_required(perms.can_manage_fete)
def fete_letter(request, m, pk):
    fete = _fete_or_404()
    inv = get_object_or_404(
        Invitation.objects.select_related("household", "commune", "slot").defer("commune__geometry"),
        fete=fete,
        pk=pk,
    )
    stands = dict(Stand.objects.filter(fete=fete, commune__isnull=False).values_list("commune_id", "name"))
    name = addressees([inv.household_id]).get(inv.household_id, "")
    data = letters.render(fete_info(fete), [letter_for(inv, stands, request.build_absolute_uri("/"), name)])
    audit.record_read(
        actor=m.user, organisation=m.organisation, action="download.fete_letter", obj=inv.household
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="invitation-{inv.code}.pdf"'
    return response


# --- volunteers ------------------------------------------------------------------------------


@membership_required(perms.can_check_in)
def scan_choose(request, m):
    fete = _fete_or_404()
    lists = list(selectors.lists_for(m, fete).order_by("kind", "name"))
    return render(request, "www/fete/scan_choose.html", {"fete": fete, "lists": lists})


def _list(m, pk) -> CheckinList:
    fete = _fete_or_404()
    checkin_list = selectors.lists_for(m, fete).filter(pk=pk).select_related("fete__edition").first()
    if checkin_list is None:
        raise Http404("Liste de pointage introuvable.")
    return checkin_list


@membership_required(perms.can_check_in)
def scan(request, m, pk):
    checkin_list = _list(m, pk)
    config = {
        "list": {"id": checkin_list.pk, "name": checkin_list.name, "kind": checkin_list.kind},
        "checkin_url": reverse("scan_checkin", args=[checkin_list.pk]),
        "handover_url": reverse("scan_handover", args=[checkin_list.pk]),
        "receipt_url": reverse("fete_receipt", args=["RECEIPT"]),
        "roster": selectors.stand_roster(checkin_list),
        "sw_url": reverse("scan_service_worker"),
        "sw_scope": reverse("scan_choose"),
        "owner": request.user.pk,  # the page drops a previous person's copy on a shared device
    }
    return render(
        request,
        "www/fete/scan.html",
        {
            "checkin_list": checkin_list,
            "config": config,
            "is_stand": checkin_list.kind == ListKind.STAND,
            "compact_header": True,  # a phone at a stand: the result, not the organisation bar
        },
    )


def _json_body(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        raise DomainError("Le corps de la requête n'est pas du JSON valide.")
    return data


@require_POST
@membership_required(perms.can_check_in)
def scan_checkin(request, m, pk):
    checkin_list = _list(m, pk)
    try:
        data = _json_body(request)
    except DomainError as exc:
        return JsonResponse({"detail": exc.message, "errors": exc.errors}, status=400)
    status, body = protocol.checkin(
        actor=m,
        code=str(data.get("code", ""))[:40],
        nonce=str(data.get("nonce", ""))[:64],
        list_id=checkin_list.pk,
    )
    return JsonResponse(body, status=status)


@require_POST
@membership_required(perms.can_check_in)
def scan_handover(request, m, pk):
    checkin_list = _list(m, pk)
    try:
        data = _json_body(request)
    except DomainError as exc:
        return JsonResponse({"detail": exc.message, "errors": exc.errors}, status=400)
    serials = data.get("booklets") if isinstance(data.get("booklets"), list) else []
    status, body = protocol.handover(
        actor=m,
        code=str(data.get("code", ""))[:40],
        serials=[str(s) for s in serials][:200],
        signature_png_base64=str(data.get("signature_png_base64", "")),
        nonce=str(data.get("nonce", ""))[:64],
        list_id=checkin_list.pk,
    )
    return JsonResponse(body, status=status)


@membership_required(perms.can_check_in)
def fete_receipt(request, m, receipt):
    qs = (
        selectors.handovers_for(m)
        .select_related("invitation", "stand", "by", "household")
        .filter(receipt=receipt)
    )
    handover = qs.first()
    if handover is None:
        raise Http404("Reçu introuvable.")
    lines = handover.lines.select_related("cheque").order_by("-cheque__denomination_cents", "cheque__serial")
    signature = base64.b64encode(bytes(handover.signature_png)).decode()
    audit.record_read(
        actor=m.user, organisation=m.organisation, action="download.signature", obj=handover.household
    )
    return render(
        request, "www/fete/receipt.html", {"handover": handover, "lines": lines, "signature": signature}
    )


@membership_required(perms.can_view_fete_counter)
def fete_counter(request, m):
    fete = _fete_or_404()
    figures = selectors.counters(fete)
    served = set(selectors.lists_for(m, fete).values_list("pk", flat=True))
    figures["rows"] = [r for r in figures["rows"] if r["list"].pk in served]
    template = "www/fete/_counter.html" if request.htmx else "www/fete/counter.html"
    return render(request, template, {"fete": fete, "figures": figures})


def service_worker(request):
    """The scan page's service worker, served under /fete/pointage/ so that it may control it."""
    from django.contrib.staticfiles import finders

    path = finders.find("fete/sw.js")
    with open(path, encoding="utf-8") as f:
        response = HttpResponse(f.read(), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


# --- public ----------------------------------------------------------------------------------


def fete_rsvp(request, code):
    """The household's RSVP (no account: the code is the key); shows no personal data."""
    inv = (
        Invitation.objects.select_related("fete__edition", "commune")
        .filter(code=codes.normalise_code(code))
        .first()
    )
    if inv is None:
        raise Http404("Invitation introuvable.")
    if request.method == "POST":
        try:
            inv = services.invitation_rsvp(code=inv.code, answer=request.POST.get("rsvp", ""))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                "Merci, votre réponse est enregistrée."
                if inv.rsvp == Rsvp.YES
                else "Merci de nous avoir prévenus.",
            )
        return redirect("fete_rsvp", code=inv.code)
    stand = Stand.objects.filter(fete=inv.fete, commune_id=inv.commune_id).first()
    return render(
        request,
        "www/fete/rsvp.html",
        {
            "inv": inv,
            "fete": inv.fete,
            "stand": stand,
            "code": codes.display_code(inv.code),
            "opens": letters.time_text(inv.fete.opens_at),
            "closes": letters.time_text(inv.fete.closes_at),
        },
    )
