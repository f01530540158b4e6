"""Writes of the hosting offers: sites and offers, bookings (options, confirmations, releases,
arrivals), the families asking for an offer.

Bookings are the raced part. :func:`booking_create` takes the **site's row lock** first (then the
offer's: always in that order), expires the site's stale options, and only then counts: an offer
held by someone is refused (``OfferUnavailable``, the API's 409), and so is a site that already
receives N families in the period (the social-mix rule, N = ``max_families_per_site_period`` on
the period's arrival date), every porteur together. A partial unique constraint (one holding
booking per offer) is the last line of defence. A ``nonce`` makes a re-sent request harmless.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from partez.core import audit
from partez.core.codes import new_reference
from partez.core.errors import DomainError, NotAllowed
from partez.households.models import Household
from partez.organisations.models import Membership, Organisation
from partez.organisations.perms import sees_whole_territory
from partez.projects import workflow
from partez.projects.models import BudgetKind, Project, ProjectFormat
from partez.projects.selectors import projects_for
from partez.projects.services import ProjectInput, project_create

from . import perms, selectors
from .models import Booking, BookingStatus, Candidate, Offer, OfferKind, Period, Site

FORMAT_OF_KIND = {OfferKind.BSV: ProjectFormat.BSV, OfferKind.DONATED: ProjectFormat.HOSTING}
BSV_MAX_NIGHTS = 7  # ANCV: « 8 jours / 7 nuits au plus » (the programme's definition, not a yearly value)


class OfferUnavailable(DomainError):
    """The offer is held by someone, or its site is at its social-mix limit for the period."""


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


# --- sites and offers ----------------------------------------------------------------------------


@dataclass
class OfferInput:
    kind: str
    site_id: int | None
    period_id: int | None
    unit_kind: str
    beds: int | None
    accessible: bool = False
    public_price_cents: int = 0
    solidarity_price_cents: int | None = None
    conditions: str = ""
    option_days: int | None = None
    withdrawn: bool = False


OFFER_FIELDS = [
    "kind",
    "site_id",
    "period_id",
    "unit_kind",
    "beds",
    "accessible",
    "public_price_cents",
    "solidarity_price_cents",
    "conditions",
    "option_days",
    "withdrawn",
]


def offer_errors(actor: Membership, data: OfferInput) -> tuple[Site | None, Period | None, dict[str, str]]:
    """Every problem of ``data`` at once (also the import's per-row check)."""
    from .models import UnitKind

    errors: dict[str, str] = {}
    if data.kind not in OfferKind.values:
        errors["kind"] = "Type d'offre inconnu : Bourse Solidarité Vacances ou semaine donnée."
    sites = (
        Site.objects.all() if sees_whole_territory(actor) else Site.objects.filter(host=actor.organisation)
    )
    site = sites.filter(pk=data.site_id).first() if data.site_id else None
    if site is None:
        errors["site"] = "Choisissez un site d'accueil de votre organisation."
    period = Period.objects.filter(pk=data.period_id).first() if data.period_id else None
    if period is None:
        errors["period"] = "Choisissez une période."
    if data.unit_kind not in UnitKind.values:
        errors["unit_kind"] = "Type d'hébergement inconnu."
    if data.beds is None or not 1 <= data.beds <= 30:
        errors["beds"] = "Le nombre de lits est compris entre 1 et 30."
    if data.public_price_cents < 0 or data.public_price_cents > 10_000_000:
        errors["public_price_cents"] = "Le prix public est compris entre 0 et 100 000 €."
    if data.kind == OfferKind.BSV:
        if data.solidarity_price_cents is None:
            errors["solidarity_price_cents"] = "Une offre BSV a un prix solidaire (ce que paie la famille)."
        elif not 0 <= data.solidarity_price_cents < max(data.public_price_cents, 1):
            errors["solidarity_price_cents"] = "Le prix solidaire est inférieur au prix public."
        if period is not None and period.nights > BSV_MAX_NIGHTS:
            errors["period"] = "Un séjour BSV dure au plus 8 jours et 7 nuits."
    elif data.kind == OfferKind.DONATED and data.solidarity_price_cents is not None:
        errors["solidarity_price_cents"] = "Une semaine donnée est gratuite : pas de prix solidaire."
    if data.option_days is not None and not 1 <= data.option_days <= 60:
        errors["option_days"] = "La durée d'une option est comprise entre 1 et 60 jours."
    if len(data.conditions) > 500:
        errors["conditions"] = "Les conditions tiennent en 500 caractères au plus."
    return site, period, errors


def offer_save(*, actor: Membership, data: OfferInput, offer: Offer | None = None) -> Offer:
    """Create or update an offer of one of the actor's sites (any site for the coordination)."""
    _require(perms.can_manage_offers(actor), "Votre rôle ne permet pas de gérer des offres d'hébergement.")
    site, period, errors = offer_errors(actor, data)
    if errors:
        raise DomainError(errors)
    assert site is not None and period is not None
    values = {k: getattr(data, k) for k in OFFER_FIELDS}
    if values["option_days"] is None:
        values["option_days"] = selectors.default_option_days(period.start_date)
    with transaction.atomic():
        if offer is None:
            offer = Offer.objects.create(reference=new_reference("H"), **values)
            action, changes = "offer.create", audit.snapshot(offer, OFFER_FIELDS)
        else:
            before = audit.snapshot(offer, OFFER_FIELDS)
            for k, v in values.items():
                setattr(offer, k, v)
            offer.save(update_fields=[*(f.removesuffix("_id") for f in OFFER_FIELDS)])
            action, changes = "offer.update", audit.diff(before, audit.snapshot(offer, OFFER_FIELDS))
        audit.record(
            actor=actor.user, organisation=actor.organisation, action=action, obj=offer, changes=changes
        )
    return offer


SITE_FIELDS = [
    "name",
    "address",
    "commune",
    "department",
    "latitude",
    "longitude",
    "accessible",
    "reachable_without_car",
    "access_notes",
]


def site_save(*, actor: Membership, values: dict[str, Any], site: Site | None = None) -> Site:
    """Create or update a site: a host's own (its organisation hosts it), any for the coordination."""
    _require(perms.can_manage_offers(actor), "Votre rôle ne permet pas de gérer des sites d'accueil.")
    if site is not None and not sees_whole_territory(actor) and site.host_id != actor.organisation_id:
        raise NotAllowed("Ce site n'est pas le vôtre.")
    errors: dict[str, str] = {}
    if not str(values.get("name") or "").strip():
        errors["name"] = "Donnez le nom du site."
    if not str(values.get("commune") or "").strip():
        errors["commune"] = "Donnez la commune du site."
    department = str(values.get("department") or "").strip().upper()
    if not (len(department) in (2, 3) and department.isalnum()):
        errors["department"] = "Département inconnu (ex. 62, 2A, 974)."
    duplicate = Site.objects.filter(name=values.get("name"), commune=values.get("commune"))
    if site is not None:
        duplicate = duplicate.exclude(pk=site.pk)
    if duplicate.exists():
        errors["name"] = "Un site de ce nom existe déjà dans cette commune."
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        if site is None:
            site = Site(host=None if sees_whole_territory(actor) else actor.organisation)
            before: dict[str, Any] = {}
        else:
            before = audit.snapshot(site, SITE_FIELDS)
        for key in SITE_FIELDS:
            setattr(site, key, department if key == "department" else values.get(key, getattr(site, key)))
        site.save()
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="offers.site_save",
            obj=site,
            changes=audit.diff(before, audit.snapshot(site, SITE_FIELDS)),
        )
    return site


# --- bookings ------------------------------------------------------------------------------------


def _expire_options(site_id: int, now: dt.datetime) -> int:
    """Options of the site past their date become « expired » (called under the site's lock)."""
    return Booking.objects.filter(
        offer__site_id=site_id, status=BookingStatus.OPTION, option_expires_at__lte=now
    ).update(status=BookingStatus.EXPIRED, reason="Option non confirmée à temps", updated_at=now)


def _project_for(actor: Membership, household: Household, offer: Offer, people: int) -> Project:
    """The household's open project of the offer's format (BSV or « Je pars… »), or a new one for
    the whole household on the period's dates, the stay's public price as its lodging line."""
    fmt = FORMAT_OF_KIND[OfferKind(offer.kind)]
    project = (
        projects_for(actor)
        .filter(household=household, format=fmt, status__in=workflow.OPEN)
        .order_by("-created_at", "-id")
        .first()
    )
    if project is not None:
        return project
    persons = list(household.persons.values_list("pk", flat=True))
    return project_create(
        actor=actor,
        household=household,
        edition=offer.period.edition,
        data=ProjectInput(
            format=fmt,
            traveller_ids=persons,
            destination=f"{offer.site.name}, {offer.site.commune}"[:200],
            destination_department=offer.site.department,
            start_date=offer.period.start_date,
            end_date=offer.period.end_date,
            budget=[(BudgetKind.LODGING, _lodging_label(offer), offer.public_price_cents)],
        ),
    )


def _lodging_label(offer: Offer) -> str:
    """The project's lodging line is the stay's public price; the rules engine's BSV
    (reduced price) or « Je pars… » (in kind) scheme then covers it in the financing plan —
    an aid in kind, never euros paid."""
    if offer.kind == OfferKind.DONATED:
        return f"Offre {offer.reference} : semaine donnée (valeur au prix public)"[:200]
    return f"Offre {offer.reference} : prix public, famille au prix solidaire {offer.price_cents // 100} €"[
        :200
    ]


def booking_create(
    *,
    actor: Membership,
    offer: Offer,
    household: Household,
    nonce: str = "",
    people: int | None = None,
    project: Project | None = None,
) -> tuple[Booking, bool]:
    """Put an option on ``offer`` for ``household`` (which the caller fetched through the actor's
    scope). Returns (booking, created): a ``nonce`` already used by the organisation returns its
    booking unchanged. Refused with :class:`OfferUnavailable` when the offer is held or its site
    has reached the social-mix limit for the period. ``project`` (a matching applied by the
    coordination): the booking joins it and belongs to its porteur."""
    _require(perms.can_book_offer(actor), "Votre rôle ne permet pas de réserver une offre.")
    nonce = (nonce or "").strip()
    if len(nonce) > 64:
        raise DomainError("Le nonce tient en 64 caractères au plus.", field="nonce")
    now = timezone.now()
    with transaction.atomic():
        site = Site.objects.select_for_update().get(pk=offer.site_id)
        offer = Offer.objects.select_for_update().select_related("period__edition").get(pk=offer.pk)
        offer.site = site
        if nonce:
            porteur_id = project.organisation_id if project is not None else actor.organisation_id
            existing = Booking.objects.filter(organisation_id=porteur_id, nonce=nonce).first()
            if existing is not None:
                return existing, False
        _expire_options(site.pk, now)
        if offer.withdrawn:
            raise OfferUnavailable("Cette offre a été retirée du catalogue.", field="offer")
        if Booking.objects.filter(selectors.holding(now), offer=offer).exists():
            raise OfferUnavailable("Cette offre est déjà réservée par une autre famille.", field="offer")
        limit = selectors.max_families(offer.period.start_date)
        families = Booking.objects.filter(
            selectors.holding(now), offer__site=site, offer__period_id=offer.period_id
        ).count()
        if families >= limit:
            raise OfferUnavailable(
                f"Mixité sociale : le site « {site.name} » accueille déjà {families} famille"
                f"{'s' if families > 1 else ''} accompagnée{'s' if families > 1 else ''} sur la période "
                f"« {offer.period.label} » ({limit} au plus par site et période).",
                field="offer",
            )
        if Booking.objects.filter(
            selectors.holding(now), household=household, offer__period_id=offer.period_id
        ).exists():
            raise DomainError("Ce foyer a déjà une offre sur cette période.", field="household")
        size = people if people is not None else household.persons.count()
        if size > offer.beds:
            raise DomainError(
                f"{size} personnes pour {offer.beds} lits : choisissez un hébergement plus grand.",
                field="household",
            )
        porteur = project.organisation if project is not None else actor.organisation
        project = project or _project_for(actor, household, offer, size)
        needs_accessible = project.travellers.filter(has_disability=True).exists()
        if needs_accessible and not (offer.accessible and site.accessible):
            raise DomainError(
                "Une personne du foyer a besoin d'un hébergement accessible : cette offre ne l'est pas.",
                field="household",
            )
        try:
            with transaction.atomic():
                booking = Booking.objects.create(
                    reference=new_reference("R"),
                    offer=offer,
                    household=household,
                    project=project,
                    organisation=porteur,
                    people=size,
                    needs_accessible=needs_accessible,
                    option_expires_at=now + dt.timedelta(days=offer.option_days),
                    nonce=nonce,
                    created_by=actor.user,
                )
        except IntegrityError as exc:  # the constraint behind the lock: never expected
            raise OfferUnavailable("Cette offre vient d'être réservée.", field="offer") from exc
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="booking.create",
            obj=booking,
            changes={
                "offer": offer.reference,
                "household": household.pk,
                "project": project.pk,
                "people": size,
            },
        )
    return booking, True


def _locked(booking: Booking) -> Booking:
    Site.objects.select_for_update().filter(pk=booking.offer.site_id).first()
    return (
        Booking.objects.select_for_update().select_related("offer__site", "offer__period").get(pk=booking.pk)
    )


def _move(actor: Membership, booking: Booking, to: str, action: str, reason: str = "") -> Booking:
    before = booking.status
    booking.status = to
    booking.reason = reason[:300]
    fields = ["status", "reason", "updated_at"]
    if to == BookingStatus.CONFIRMED:
        booking.option_expires_at = None
        fields.append("option_expires_at")
    booking.save(update_fields=fields)
    audit.record(
        actor=actor.user,
        organisation=actor.organisation,
        action=action,
        obj=booking,
        changes={"status": [before, to], **({"reason": reason} if reason else {})},
    )
    return booking


def booking_confirm(*, actor: Membership, booking: Booking) -> Booking:
    """The porteur confirms its option (the family goes): it no longer expires."""
    _require(perms.can_book_offer(actor), "Votre rôle ne permet pas de confirmer une réservation.")
    with transaction.atomic():
        booking = _locked(booking)
        if booking.status != BookingStatus.OPTION:
            raise DomainError(
                f"Réservation « {booking.get_status_display()} » : rien à confirmer.", field="status"
            )
        if booking.option_expires_at is None or booking.option_expires_at > timezone.now():
            return _move(actor, booking, BookingStatus.CONFIRMED, "booking.confirm")
        # kept (not rolled back with the refusal below): the option is over either way
        _move(actor, booking, BookingStatus.EXPIRED, "booking.expire", "Option non confirmée à temps")
    raise DomainError("L'option a expiré : posez-en une nouvelle si l'offre est libre.", field="status")


def booking_release(*, actor: Membership, booking: Booking, reason: str = "") -> Booking:
    """The porteur gives the offer back (an option or a confirmed stay not yet begun)."""
    _require(perms.can_book_offer(actor), "Votre rôle ne permet pas de libérer une réservation.")
    with transaction.atomic():
        booking = _locked(booking)
        if booking.status not in (BookingStatus.OPTION, BookingStatus.CONFIRMED):
            raise DomainError(
                f"Réservation « {booking.get_status_display()} » : elle ne peut plus être libérée."
            )
        return _move(
            actor, booking, BookingStatus.RELEASED, "booking.release", reason or "Libérée par la structure"
        )


def booking_arrival(*, actor: Membership, booking: Booking, arrived: bool, reason: str = "") -> Booking:
    """The host records that the family arrived, or did not come (a no-show)."""
    _require(perms.can_view_arrivals(actor), "Seul l'hébergeur signale les arrivées.")
    with transaction.atomic():
        booking = _locked(booking)
        if booking.status not in (BookingStatus.CONFIRMED, BookingStatus.ARRIVED, BookingStatus.NO_SHOW):
            raise DomainError("Seule une réservation confirmée a une arrivée à signaler.")
        if booking.offer.period.start_date > timezone.localdate():
            raise DomainError("Le séjour n'a pas commencé : l'arrivée se signale à partir du jour d'arrivée.")
        to = BookingStatus.ARRIVED if arrived else BookingStatus.NO_SHOW
        return _move(actor, booking, to, "booking.arrival", reason)


def options_expire(*, now: dt.datetime | None = None) -> int:
    """Expire every option past its date (the daily command; booking also does it per site)."""
    now = now or timezone.now()
    total = 0
    sites = set(
        Booking.objects.filter(status=BookingStatus.OPTION, option_expires_at__lte=now).values_list(
            "offer__site_id", flat=True
        )
    )
    for site_id in sorted(sites):
        with transaction.atomic():
            Site.objects.select_for_update().filter(pk=site_id).first()
            total += _expire_options(site_id, now)
    return total


# --- the families asking for an offer ------------------------------------------------------------


@dataclass
class CandidateInput:
    needs_accessible: bool = False
    has_car: bool = False
    period_ids: list[int] = field(default_factory=list)
    excluded_site_ids: list[int] = field(default_factory=list)


ASKING = [ProjectFormat.BSV, ProjectFormat.HOSTING]
GOING = [workflow.Status.VALIDATED, workflow.Status.AID_GRANTED]


def candidate_projects(edition_id: int) -> QuerySet[Project]:
    """The validated projects that asked for a donated week or a BSV stay."""
    return Project.objects.filter(edition_id=edition_id, format__in=ASKING, status__in=GOING)


def candidate_save(*, actor: Membership, project: Project, data: CandidateInput) -> Candidate:
    """What the matcher needs of a validated BSV / « Je pars… » project (the people and whether it
    is a first departure come from the project itself)."""
    _require(perms.can_book_offer(actor), "Votre rôle ne permet pas de modifier une demande d'offre.")
    if project.format not in ASKING or project.status not in GOING:
        raise DomainError("Seul un projet validé BSV ou « Je pars, tu pars, il part » demande une offre.")
    periods = list(Period.objects.filter(edition_id=project.edition_id, pk__in=data.period_ids))
    if not periods:
        raise DomainError("Choisissez au moins une période où la famille peut partir.", field="periods")
    travellers = list(project.travellers.all())
    with transaction.atomic():
        candidate, _ = Candidate.objects.update_or_create(
            project=project,
            defaults={
                "people": len(travellers),
                "needs_accessible": data.needs_accessible or any(p.has_disability for p in travellers),
                "has_car": data.has_car,
                "first_departure": not any(p.past_departures.exists() for p in travellers),
            },
        )
        candidate.periods.set(periods)
        candidate.excluded_sites.set(Site.objects.filter(pk__in=data.excluded_site_ids))
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="offers.candidate_save",
            obj=candidate,
            changes={"periods": [p.code for p in periods], "has_car": data.has_car},
        )
    return candidate


def host_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(offer_sites__isnull=False).distinct()
