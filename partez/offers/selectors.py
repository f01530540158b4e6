"""Reads of the hosting offers, scoped by membership (the one door for the web pages and the API).

- ``offers_for(m)``: the catalogue a porteur searches (every offer still in it), a host's own
  offers (withdrawn included), everything for the coordination; nothing for another role.
- ``bookings_for(m)``: the porteur's own bookings (its organisation's), every booking for the
  coordination; a host reads arrivals through ``arrivals_for(m)`` (the minimum: no case file).
- ``search(qs, filters)``: the catalogue's filters, shared by the page and ``GET /api/v1/offers``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from partez.core import parameters
from partez.organisations.models import Membership
from partez.organisations.perms import sees_whole_territory

from . import perms
from .models import HOLDING, Booking, BookingStatus, MatchStatus, Offer, Period, Proposal

PARAMETERS = Path(__file__).with_name("parameters.yaml")


def max_families(on: dt.date) -> int:
    """The social-mix limit in force on ``on`` (a period's arrival date)."""
    return int(parameters.load(PARAMETERS)["max_families_per_site_period"].at(on).value)


def default_option_days(on: dt.date) -> int:
    return int(parameters.load(PARAMETERS)["option_days"].at(on).value)


def holding(now: dt.datetime | None = None) -> Q:
    """Bookings that hold their offer: options not yet expired, confirmed, arrived or absent."""
    now = now or timezone.now()
    return Q(status__in=HOLDING) & ~Q(status=BookingStatus.OPTION, option_expires_at__lte=now)


def offers_for(m: Membership | None) -> QuerySet[Offer]:
    qs = Offer.objects.select_related("site", "period")
    if m is None:
        return qs.none()
    if sees_whole_territory(m):
        return qs
    if perms.is_host(m):
        return qs.filter(site__host=m.organisation)
    if perms.can_book_offer(m):
        return qs.filter(withdrawn=False)
    return qs.none()


def bookings_for(m: Membership | None) -> QuerySet[Booking]:
    qs = Booking.objects.select_related("offer__site", "offer__period", "household", "organisation")
    if m is None:
        return qs.none()
    if sees_whole_territory(m):
        return qs
    if perms.can_book_offer(m):
        return qs.filter(organisation=m.organisation)
    return qs.none()


def proposals_for(m: Membership | None) -> QuerySet[Proposal]:
    """Proposals of the matchings still under review: every one for the coordination, those of
    the porteur's own projects for a case worker."""
    qs = Proposal.objects.filter(run__status=MatchStatus.PROPOSED).select_related(
        "run", "offer__site", "offer__period", "candidate__project__household"
    )
    if m is None:
        return qs.none()
    if perms.can_match_offers(m):
        return qs
    if perms.can_book_offer(m):
        return qs.filter(candidate__project__organisation=m.organisation)
    return qs.none()


def arrivals_for(m: Membership | None) -> QuerySet[Booking]:
    """The bookings a host receives (its sites'), every one for the coordination: confirmed,
    arrived or absent — an option is not an arrival yet."""
    statuses = [BookingStatus.CONFIRMED, BookingStatus.ARRIVED, BookingStatus.NO_SHOW]
    qs = Booking.objects.filter(status__in=statuses).select_related(
        "offer__site", "offer__period", "organisation", "created_by"
    )
    if m is None or not perms.can_view_arrivals(m):
        return qs.none()
    if sees_whole_territory(m):
        return qs
    return qs.filter(offer__site__host=m.organisation)


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    period: int | None = None  # a Period's id
    month: int | None = None  # arrivals in this month (1–12)
    department: str = ""
    beds: int | None = None  # at least
    accessible: bool = False
    without_car: bool = False
    max_price_cents: int | None = None  # what the household pays, at most
    free_only: bool = False  # offers nobody holds


def search(qs: QuerySet[Offer], f: Filters) -> QuerySet[Offer]:
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.period is not None:
        qs = qs.filter(period_id=f.period)
    if f.month is not None:
        qs = qs.filter(period__start_date__month=f.month)
    if f.department:
        qs = qs.filter(site__department=f.department)
    if f.beds is not None:
        qs = qs.filter(beds__gte=f.beds)
    if f.accessible:
        qs = qs.filter(Q(accessible=True) & Q(site__accessible=True))
    if f.without_car:
        qs = qs.filter(site__reachable_without_car=True)
    if f.max_price_cents is not None:
        qs = qs.filter(
            Q(solidarity_price_cents__isnull=True) | Q(solidarity_price_cents__lte=f.max_price_cents)
        )
    if f.free_only:
        qs = qs.exclude(Exists(Booking.objects.filter(holding(), offer=OuterRef("pk"))))
    return qs


def with_taken(qs: QuerySet[Offer]) -> QuerySet[Offer]:
    """Annotate ``taken``: someone holds the offer."""
    return qs.annotate(taken=Exists(Booking.objects.filter(holding(), offer=OuterRef("pk"))))


def families_by_site_period(offers: Iterable[Offer]) -> dict[tuple[int, int], int]:
    """Families holding an offer, per (site, period) of ``offers``: one query for a page."""
    offers = list(offers)
    sites = {o.site_id for o in offers}
    periods_ = {o.period_id for o in offers}
    rows = (
        Booking.objects.filter(holding(), offer__site_id__in=sites, offer__period_id__in=periods_)
        .values_list("offer__site_id", "offer__period_id")
        .annotate(n=Count("id"))
    )
    return {(site, period): n for site, period, n in rows}


def periods(edition_id: int | None = None) -> QuerySet[Period]:
    qs = Period.objects.all()
    return qs.filter(edition_id=edition_id) if edition_id is not None else qs


@dataclass(frozen=True)
class KindFigures:
    kind: str
    label: str
    offers: int
    booked: int  # held now (option, confirmed, arrived, absent)
    used: int  # the family arrived
    no_shows: int
    families: int  # distinct households holding one
    people: int  # people of the bookings held
    public_value_cents: int  # public price of the offers used
    aid_cents: int  # in kind: public price less what the families pay, on the offers used


def report(offers: QuerySet[Offer]) -> list[KindFigures]:
    """The bilan of the offers in ``offers`` (a scope: every offer, or a host's), per kind: two
    queries whatever the number of offers."""
    from .models import OfferKind

    per_kind = dict(offers.order_by().values_list("kind").annotate(n=Count("id")))
    held = Booking.objects.filter(holding(), offer__in=offers)
    rows: dict[str, dict[str, Any]] = {
        row["offer__kind"]: dict(row)
        for row in held.order_by()
        .values("offer__kind")
        .annotate(
            booked=Count("id"),
            used=Count("id", filter=Q(status=BookingStatus.ARRIVED)),
            no_shows=Count("id", filter=Q(status=BookingStatus.NO_SHOW)),
            families=Count("household", distinct=True),
            people=Sum("people"),
            public=Sum("offer__public_price_cents", filter=Q(status=BookingStatus.ARRIVED)),
            paid=Sum(Coalesce("offer__solidarity_price_cents", 0), filter=Q(status=BookingStatus.ARRIVED)),
        )
    }
    out = []
    for kind, label in OfferKind.choices:
        r: dict[str, Any] = rows.get(kind, {})
        public, paid = r.get("public") or 0, r.get("paid") or 0
        out.append(
            KindFigures(
                kind=kind,
                label=str(label),
                offers=per_kind.get(kind, 0),
                booked=r.get("booked", 0),
                used=r.get("used", 0),
                no_shows=r.get("no_shows", 0),
                families=r.get("families", 0),
                people=r.get("people") or 0,
                public_value_cents=public,
                aid_cents=max(public - paid, 0),
            )
        )
    return out
