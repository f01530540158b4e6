"""Hosting offers (BSV catalogue, donated weeks): the catalogue porteurs search and book from, the
host's offers and arrivals, the porteur's bookings and confirmation letters, and the
coordination's matching of donated weeks to families (start, review, apply)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from partez.core import audit
from partez.core.errors import DomainError
from partez.households.selectors import households_for
from partez.offers import imports, matching_jobs, perms, selectors, services
from partez.offers.models import (
    Booking,
    BookingStatus,
    Candidate,
    Decision,
    MatchRun,
    MatchStatus,
    Site,
)
from partez.organisations.perms import sees_whole_territory
from partez.projects.selectors import projects_for
from partez.territory.selectors import current_edition

from ..access import get_project, membership_required
from ..forms.errors import apply_domain_error
from ..forms.fields import euros_to_cents
from ..forms.offers import (
    FIELD_MAP,
    BookingForm,
    CandidateForm,
    CatalogueForm,
    DecisionForm,
    ImportForm,
    OfferForm,
    ReleaseForm,
    SiteForm,
)

PAGE_SIZE = 30


@membership_required(perms.can_search_offers)
def catalogue(request, m):
    form = CatalogueForm(request.GET or None)
    qs = selectors.search(selectors.offers_for(m), form.filters())
    qs = selectors.with_taken(qs).order_by("period__start_date", "site__name", "id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    families = selectors.families_by_site_period(page.object_list)
    for offer in page.object_list:
        offer.families = families.get((offer.site_id, offer.period_id), 0)
        offer.limit = selectors.max_families(offer.period.start_date)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_manage": perms.can_manage_offers(m),
        "can_book": perms.can_book_offer(m),
    }
    return render(request, "www/offers/catalogue.html", context)


@membership_required(perms.can_search_offers)
def offer_detail(request, m, pk):
    offer = get_object_or_404(selectors.offers_for(m), pk=pk)
    form = BookingForm(request.POST or None, initial={"nonce": uuid.uuid4().hex})
    if request.method == "POST":
        if not perms.can_book_offer(m):
            raise Http404("Offre introuvable.")
        if form.is_valid():
            reference = form.cleaned_data["household"].strip().upper()
            household = households_for(m).filter(reference=reference).first()
            if household is None:
                form.add_error("household", "Aucun foyer suivi par votre structure n'a cette référence.")
            else:
                try:
                    booking, _ = services.booking_create(
                        actor=m, offer=offer, household=household, nonce=form.cleaned_data["nonce"]
                    )
                except DomainError as exc:
                    apply_domain_error(form, exc, {"offer": "__all__"})
                else:
                    messages.success(
                        request,
                        f"Option posée jusqu'au {timezone.localtime(booking.option_expires_at):%d/%m/%Y} : "
                        "confirmez-la avant cette date.",
                    )
                    return redirect("offers_bookings")
    holders = selectors.families_by_site_period([offer]).get((offer.site_id, offer.period_id), 0)
    taken = Booking.objects.filter(selectors.holding(), offer=offer).exists()
    arrivals = []
    if perms.can_view_arrivals(m):
        arrivals = list(selectors.arrivals_for(m).filter(offer=offer))
    context = {
        "offer": offer,
        "form": form,
        "families": holders,
        "limit": selectors.max_families(offer.period.start_date),
        "taken": taken,
        "can_book": perms.can_book_offer(m) and not taken,
        "can_edit": perms.can_manage_offers(m),
        "arrivals": arrivals,
    }
    return render(request, "www/offers/detail.html", context)


def _sites(m):
    return Site.objects.all() if sees_whole_territory(m) else Site.objects.filter(host=m.organisation)


@membership_required(perms.can_manage_offers)
def offer_form(request, m, pk=None):
    offer = get_object_or_404(selectors.offers_for(m), pk=pk) if pk else None
    initial = {}
    if offer is not None:
        initial = {
            "kind": offer.kind,
            "site": offer.site,
            "period": offer.period,
            "unit_kind": offer.unit_kind,
            "beds": offer.beds,
            "accessible": offer.accessible,
            "public_price": offer.public_price_cents / 100,
            "solidarity_price": None
            if offer.solidarity_price_cents is None
            else offer.solidarity_price_cents / 100,
            "conditions": offer.conditions,
            "option_days": offer.option_days,
            "withdrawn": offer.withdrawn,
        }
    form = OfferForm(request.POST or None, initial=initial, sites=_sites(m))
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        data = services.OfferInput(
            kind=cd["kind"],
            site_id=cd["site"].pk,
            period_id=cd["period"].pk,
            unit_kind=cd["unit_kind"],
            beds=cd["beds"],
            accessible=cd["accessible"],
            public_price_cents=euros_to_cents(cd["public_price"]) or 0,
            solidarity_price_cents=euros_to_cents(cd["solidarity_price"]),
            conditions=cd["conditions"],
            option_days=cd["option_days"],
            withdrawn=cd["withdrawn"],
        )
        try:
            saved = services.offer_save(actor=m, data=data, offer=offer)
        except DomainError as exc:
            apply_domain_error(form, exc, FIELD_MAP)
        else:
            messages.success(request, f"Offre {saved.reference} enregistrée.")
            return redirect("offers_detail", pk=saved.pk)
    return render(request, "www/offers/form.html", {"form": form, "offer": offer})


@membership_required(perms.can_manage_offers)
def offers_report(request, m):
    """The bilan of the offers in the member's scope (every offer, or a host's own: the
    foundation's report is its own donated weeks)."""
    figures = selectors.report(selectors.offers_for(m))
    return render(request, "www/offers/report.html", {"figures": figures, "edition": current_edition()})


IMPORT_SESSION_KEY = "offers_import"


@membership_required(perms.can_manage_offers)
def offers_import(request, m):
    """Upload a CSV / XLSX catalogue, see every line's errors, then import the valid lines."""
    edition = current_edition()
    form = ImportForm(request.POST or None, request.FILES or None)
    lines = None
    if request.method == "POST" and request.POST.get("action") == "import":
        pending = request.session.get(IMPORT_SESSION_KEY) or []
        try:
            count = imports.offers_import(actor=m, lines=pending)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            request.session.pop(IMPORT_SESSION_KEY, None)
            messages.success(
                request, f"{count} offre{'s' if count > 1 else ''} importée{'s' if count > 1 else ''}."
            )
            return redirect("offers_catalogue")
    elif request.method == "POST" and form.is_valid() and edition is not None:
        upload = form.cleaned_data["file"]
        try:
            checked = imports.preview(actor=m, name=upload.name, content=upload.read(), edition_id=edition.pk)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            lines = imports.serialise(checked)
            request.session[IMPORT_SESSION_KEY] = lines
    context = {
        "form": form,
        "lines": lines,
        "valid": sum(1 for line in lines or [] if not line["errors"]),
        "columns": imports.COLUMNS,
    }
    return render(request, "www/offers/import.html", context)


@membership_required(perms.can_book_offer)
def candidate(request, m, pk):
    """What the matcher must know of a validated BSV / « Je pars… » project's family."""
    project = get_project(m, pk)
    existing = Candidate.objects.filter(project=project).first()
    initial = {}
    if existing is not None:
        initial = {
            "periods": list(existing.periods.all()),
            "has_car": existing.has_car,
            "needs_accessible": existing.needs_accessible,
            "excluded_sites": list(existing.excluded_sites.all()),
        }
    form = CandidateForm(request.POST or None, initial=initial, edition_id=project.edition_id)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            services.candidate_save(
                actor=m,
                project=project,
                data=services.CandidateInput(
                    needs_accessible=cd["needs_accessible"],
                    has_car=cd["has_car"],
                    period_ids=[p.pk for p in cd["periods"]],
                    excluded_site_ids=[s.pk for s in cd["excluded_sites"]],
                ),
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request, f"Demande du projet {project.reference} enregistrée : elle entre dans l'attribution."
            )
            return redirect("offers_bookings")
    return render(request, "www/offers/candidate.html", {"form": form, "project": project})


@membership_required(perms.can_manage_offers)
def site_form(request, m, pk=None):
    site = get_object_or_404(_sites(m), pk=pk) if pk else None
    initial = {k: getattr(site, k) for k in services.SITE_FIELDS} if site else {}
    form = SiteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.site_save(actor=m, values=form.cleaned_data, site=site)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, f"Site « {saved.name} » enregistré : ajoutez-lui des offres.")
            return redirect("offers_create")
    return render(request, "www/offers/site_form.html", {"form": form, "site": site})


@membership_required(perms.can_book_offer)
def bookings(request, m):
    qs = selectors.bookings_for(m).order_by("offer__period__start_date", "-created_at", "-id")
    status = request.GET.get("statut", "")
    if status in BookingStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    edition = current_edition()
    waiting = []
    if edition is not None:
        waiting = list(
            services.candidate_projects(edition.pk)
            .filter(pk__in=projects_for(m).filter(organisation=m.organisation).values("pk"))
            .exclude(bookings__in=Booking.objects.filter(selectors.holding()))
            .select_related("household", "offer_candidate")
            .order_by("start_date", "id")[:50]
        )
    proposals = list(
        selectors.proposals_for(m).exclude(offer=None).order_by("offer__period__start_date", "id")[:50]
    )
    context = {
        "waiting": waiting,
        "proposals": proposals,
        "page": page,
        "status": status,
        "statuses": BookingStatus.choices,
        "release_form": ReleaseForm(),
    }
    return render(request, "www/offers/bookings.html", context)


def _booking_action(request, m, pk, action):
    booking = get_object_or_404(selectors.bookings_for(m), pk=pk)
    try:
        if action == "confirm":
            services.booking_confirm(actor=m, booking=booking)
            messages.success(request, f"Réservation {booking.reference} confirmée.")
        else:
            form = ReleaseForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.booking_release(actor=m, booking=booking, reason=reason)
            messages.success(
                request, f"Réservation {booking.reference} libérée : l'offre redevient disponible."
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("offers_bookings")


@require_POST
@membership_required(perms.can_book_offer)
def booking_confirm(request, m, pk):
    return _booking_action(request, m, pk, "confirm")


@require_POST
@membership_required(perms.can_book_offer)
def booking_release(request, m, pk):
    return _booking_action(request, m, pk, "release")


@membership_required(perms.can_book_offer)
def booking_letter(request, m, pk):
    booking = get_object_or_404(selectors.bookings_for(m).select_related("created_by"), pk=pk)
    if booking.status not in (BookingStatus.CONFIRMED, BookingStatus.ARRIVED):
        raise Http404("Seule une réservation confirmée a une lettre de confirmation.")
    audit.record_read(actor=m.user, organisation=m.organisation, action="read.booking_letter", obj=booking)
    head = booking.household.persons.order_by("relation", "id").first()
    return render(
        request, "www/offers/letter.html", {"booking": booking, "head": head, "organisation": m.organisation}
    )


@membership_required(perms.can_view_arrivals)
def arrivals(request, m):
    qs = selectors.arrivals_for(m).order_by(
        "offer__period__start_date", "offer__site__name", "offer__reference"
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "www/offers/arrivals.html", {"page": page})


@require_POST
@membership_required(perms.can_view_arrivals)
def arrival(request, m, pk):
    booking = get_object_or_404(selectors.arrivals_for(m), pk=pk)
    try:
        booking = services.booking_arrival(
            actor=m,
            booking=booking,
            arrived=request.POST.get("arrived") == "1",
            reason=request.POST.get("reason", "")[:300],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"Réservation {booking.reference} : {booking.get_status_display().lower()}."
        )
    return redirect("offers_arrivals")


# --- the coordination's matching -----------------------------------------------------------------


@membership_required(perms.can_match_offers)
def matching(request, m):
    edition = current_edition()
    if request.method == "POST" and edition is not None:
        rematch = MatchRun.objects.filter(pk=request.POST.get("rematch") or None, edition=edition).first()
        try:
            job = matching_jobs.matching_start(actor=m, edition=edition, rematch=rematch)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Calcul lancé : suivez son avancement ci-dessous.")
            return redirect("job_detail", pk=job.pk)
    runs = MatchRun.objects.filter(edition=edition).select_related("created_by")[:20] if edition else []
    waiting = 0
    if edition is not None:
        waiting = (
            services.candidate_projects(edition.pk)
            .filter(offer_candidate__isnull=False)
            .exclude(bookings__in=Booking.objects.filter(selectors.holding()))
            .count()
        )
    return render(request, "www/offers/matching.html", {"edition": edition, "runs": runs, "waiting": waiting})


@membership_required(perms.can_match_offers)
def matching_detail(request, m, pk):
    run = get_object_or_404(MatchRun.objects.select_related("edition", "created_by", "applied_by"), pk=pk)
    show = request.GET.get("voir", "proposees")
    proposals = run.proposals.select_related(
        "offer__site", "offer__period", "candidate__project__household", "candidate__project__organisation"
    )
    proposals = proposals.filter(offer__isnull=show != "proposees").order_by(
        "offer__period__start_date", "id"
    )
    page = Paginator(proposals, PAGE_SIZE * 2).get_page(request.GET.get("page"))
    counts = run.proposals.aggregate(
        proposed=Count("id", filter=Q(offer__isnull=False)),
        unmatched=Count("id", filter=Q(offer__isnull=True)),
        accepted=Count("id", filter=Q(decision=Decision.ACCEPTED)),
        refused=Count("id", filter=Q(decision=Decision.REFUSED)),
        booked=Count("id", filter=Q(booking__isnull=False)),
    )
    methods = [
        {"key": key, "label": label, **run.results[key]}
        for key, label in matching_jobs.METHODS
        if key in run.results
    ]
    context = {
        "run": run,
        "page": page,
        "show": show,
        "counts": counts,
        "methods": methods,
        "open": run.status == MatchStatus.PROPOSED,
        "decision_form": DecisionForm(),
    }
    return render(request, "www/offers/matching_detail.html", context)


@require_POST
@membership_required(perms.can_decide_proposals)
def proposal_decide(request, m, pk):
    proposal = get_object_or_404(selectors.proposals_for(m), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez d'accepter ou de refuser la proposition.")
    else:
        try:
            matching_jobs.proposal_decide(
                actor=m,
                proposal=proposal,
                accept=form.cleaned_data["decision"] == "accept",
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Décision enregistrée.")
    if perms.can_match_offers(m):
        return redirect("offers_matching_detail", pk=proposal.run_id)
    return redirect("offers_bookings")


@require_POST
@membership_required(perms.can_match_offers)
def matching_apply(request, m, pk):
    run = get_object_or_404(MatchRun, pk=pk)
    try:
        job = matching_jobs.matching_apply_start(actor=m, run=run)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("offers_matching_detail", pk=run.pk)
    messages.success(
        request, "Application lancée : une option est posée pour chaque proposition non refusée."
    )
    return redirect("job_detail", pk=job.pk)
