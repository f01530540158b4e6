"""/api/v1/offers and /api/v1/bookings: the catalogue of hosting offers (BSV and donated weeks) and
the bookings a porteur puts on them, through the same selectors and services as the web pages.

``POST /offers/{id}/bookings`` answers 201 (an option is posted), 200 and the same body for a
``nonce`` already used by the organisation, 409 when the offer is taken or its site has reached
the social-mix limit for the period (the message says which), 404 for a household outside the
token's scope. ``DELETE /bookings/{id}`` releases the booking."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from partez.core.errors import NotAllowed
from partez.households.selectors import households_for
from partez.offers import perms, selectors, services
from partez.offers.models import Booking, Offer

from .access import get_or_404
from .auth import membership_of
from .errors import body
from .schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut

router = Router(tags=["Offres d'hébergement"])
NOT_FOUND = "Offre introuvable."


class SiteOut(Schema):
    id: int
    name: str
    commune: str
    department: str
    accessible: bool
    reachable_without_car: bool


class PeriodOut(Schema):
    id: int
    code: str
    label: str
    start_date: dt.date
    end_date: dt.date
    nights: int
    school_holidays: bool


class OfferOut(Schema):
    id: int
    reference: str
    kind: Literal["bsv", "donated"]
    site: SiteOut
    period: PeriodOut
    unit_kind: str
    beds: int
    accessible: bool
    public_price_cents: int
    solidarity_price_cents: int | None = Field(
        description="BSV : ce que paie la famille ; semaine donnée : null."
    )
    conditions: str
    taken: bool = Field(description="Quelqu'un tient l'offre (option, séjour confirmé).")
    site_families: int = Field(description="Familles accompagnées déjà sur ce site et cette période.")
    max_families: int = Field(description="Règle de mixité sociale : familles au plus par site et période.")


class OfferPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[OfferOut]


class BookingIn(Schema):
    household: int = Field(description="Identifiant du foyer (un foyer que votre organisation suit).")
    nonce: str = Field(
        min_length=8, max_length=64, description="Identifiant unique de la demande, tiré par le client."
    )


class BookingOut(Schema):
    id: int
    reference: str
    offer: int
    household: int
    project: int | None
    status: str
    status_label: str
    people: int
    option_expires_at: dt.datetime | None


def _booking(b: Booking) -> BookingOut:
    return BookingOut(
        id=b.pk,
        reference=b.reference,
        offer=b.offer_id,
        household=b.household_id,
        project=b.project_id,
        status=b.status,
        status_label=b.get_status_display(),
        people=b.people,
        option_expires_at=b.option_expires_at,
    )


def _offer(o: Offer, families: dict[tuple[int, int], int]) -> OfferOut:
    s, p = o.site, o.period
    return OfferOut(
        id=o.pk,
        reference=o.reference,
        kind=o.kind,  # type: ignore[arg-type]
        site=SiteOut(
            id=s.pk,
            name=s.name,
            commune=s.commune,
            department=s.department,
            accessible=s.accessible,
            reachable_without_car=s.reachable_without_car,
        ),
        period=PeriodOut(
            id=p.pk,
            code=p.code,
            label=p.label,
            start_date=p.start_date,
            end_date=p.end_date,
            nights=p.nights,
            school_holidays=p.school_holidays,
        ),
        unit_kind=o.unit_kind,
        beds=o.beds,
        accessible=o.accessible,
        public_price_cents=o.public_price_cents,
        solidarity_price_cents=o.solidarity_price_cents,
        conditions=o.conditions,
        taken=bool(getattr(o, "taken", False)),
        site_families=families.get((o.site_id, o.period_id), 0),
        max_families=selectors.max_families(p.start_date),
    )


@router.get(
    "/offers",
    response={200: OfferPage, **READ_ERRORS, 422: ErrorOut},
    operation_id="offers_list",
    summary="Chercher dans le catalogue des offres d'hébergement",
)
def list_offers(
    request: HttpRequest,
    kind: Literal["", "bsv", "donated"] = Query("", description="bsv ou donated (semaines données)."),
    period: int | None = Query(None, description="Identifiant d'une période."),
    month: int | None = Query(None, ge=1, le=12, description="Arrivée dans ce mois (1 à 12)."),
    department: str = Query("", max_length=3, description="Département du site (62, 2A…)."),
    beds: int | None = Query(None, ge=1, le=30, description="Au moins ce nombre de lits."),
    accessible: bool = Query(False, description="Hébergement et site accessibles (PMR)."),
    without_car: bool = Query(False, description="Joignable sans voiture (train ou car)."),
    max_price_cents: int | None = Query(
        None, ge=0, description="Ce que paie la famille, au plus (centimes)."
    ),
    free: bool = Query(False, description="Seulement les offres que personne ne tient."),
    limit: int = Query(50, ge=1, le=200, description="Nombre d'offres par page (200 au plus)."),
    offset: int = Query(0, ge=0, description="Nombre d'offres à sauter."),
):
    """Le catalogue (toutes les offres pour une structure porteuse, les siennes pour un
    hébergeur), avec les filtres de la page « Offres ». Quatre requêtes quel que soit le nombre
    d'offres."""
    m = membership_of(request)
    if not perms.can_search_offers(m):
        raise NotAllowed("Votre rôle ne donne pas accès au catalogue des offres.")
    filters = selectors.Filters(
        kind=kind,
        period=period,
        month=month,
        department=department.strip().upper(),
        beds=beds,
        accessible=accessible,
        without_car=without_car,
        max_price_cents=max_price_cents,
        free_only=free,
    )
    qs = selectors.search(selectors.offers_for(m), filters)
    count = qs.count()
    page = list(
        selectors.with_taken(qs).order_by("period__start_date", "site__name", "id")[offset : offset + limit]
    )
    families = selectors.families_by_site_period(page)
    return OfferPage(count=count, limit=limit, offset=offset, items=[_offer(o, families) for o in page])


@router.post(
    "/offers/{offer_id}/bookings",
    response={200: BookingOut, 201: BookingOut, **WRITE_ERRORS, 409: ErrorOut},
    operation_id="offers_book",
    summary="Poser une option sur une offre pour un foyer",
)
def book_offer(request: HttpRequest, offer_id: int, payload: BookingIn):
    """Pose une option pour le foyer `household` : elle rejoint son projet BSV ou « Je pars, tu
    pars, il part » ouvert, ou en ouvre un sur les dates de la période. 201 ; 200 et la même
    réservation pour un `nonce` déjà reçu ; 409 si l'offre est prise ou si le site a atteint la
    limite de mixité sociale pour la période ; 404 pour un foyer hors de votre périmètre."""
    m = membership_of(request)
    if not perms.can_book_offer(m):
        raise NotAllowed("Votre rôle ne permet pas de réserver une offre.")
    offer = get_or_404(selectors.offers_for(m), offer_id, NOT_FOUND)
    household = get_or_404(households_for(m), payload.household, "Foyer introuvable.", "household")
    try:
        booking, created = services.booking_create(
            actor=m, offer=offer, household=household, nonce=payload.nonce
        )
    except services.OfferUnavailable as exc:
        return Status(409, body(exc.message, exc.errors))
    return Status(201 if created else 200, _booking(booking))


@router.delete(
    "/bookings/{booking_id}",
    response={200: BookingOut, **WRITE_ERRORS},
    operation_id="bookings_release",
    summary="Libérer une réservation",
)
def release_booking(request: HttpRequest, booking_id: int):
    """Libère l'option ou le séjour confirmé (non commencé) : l'offre redevient libre."""
    m = membership_of(request)
    if not perms.can_book_offer(m):
        raise NotAllowed("Votre rôle ne permet pas de libérer une réservation.")
    booking = get_or_404(selectors.bookings_for(m), booking_id, "Réservation introuvable.")
    return Status(
        200, _booking(services.booking_release(actor=m, booking=booking, reason="Libérée par l'API"))
    )
