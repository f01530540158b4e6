"""The demo's hosting offers: ~220 weeks donated to « Je pars, tu pars, il part » over its 4
periods (the demo's « Je pars… » projects leave on those weeks) and ~60 Bourse Solidarité
Vacances stays over 6 weeks, on fictitious sites of the demo's hosts (the foundation relays the
operators' donations; the camping de Dieppe, whose demo login is « hebergeur », also offers BSV
stays). Bookings in every state, from the demo's BSV and « Je pars… » projects: arrived and
absent on the weeks already begun, confirmed and options ahead, released when the project was
withdrawn, a few options expired; the social-mix rule holds (N families per site and period).
The other validated projects of these formats are the families waiting for an offer
(:class:`Candidate`): the coordinator's « Attribution des offres » has work to do.

Deterministic for a seed (a seeded ``random.Random``, rows in a fixed order) and written in bulk
like the rest of the demo.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.utils import timezone

from partez.households.models import PastDeparture
from partez.offers.models import (
    HOLDING,
    Booking,
    BookingStatus,
    Candidate,
    MatchRun,
    Offer,
    OfferKind,
    Period,
    Proposal,
    Site,
    UnitKind,
)
from partez.offers.selectors import max_families
from partez.organisations.models import Organisation
from partez.projects.models import Project, ProjectFormat, ProjectStatus

from .calendar import TEMPLATE_TODAY, DemoCalendar
from .generator import EDITION_NAME

FOUNDATION = "fondation-je-pars-tu-pars-il-part"
DIEPPE = "camping-dieppe"
# The foundation's 4 periods (the weeks the generator's « Je pars… » projects leave on).
DONATED_WEEKS = [
    ("printemps", "Printemps : semaine du 12 juillet", dt.date(2025, 7, 12)),
    ("ete", "Été : semaine du 2 août", dt.date(2025, 8, 2)),
    ("fin-ete", "Fin d'été : semaine du 16 août", dt.date(2025, 8, 16)),
    ("toussaint", "Toussaint : semaine du 18 octobre", dt.date(2025, 10, 18)),
]
BSV_WEEKS = [
    dt.date(2025, 6, 14),
    dt.date(2025, 7, 5),
    dt.date(2025, 7, 19),
    dt.date(2025, 8, 9),
    dt.date(2025, 8, 23),
    dt.date(2025, 9, 13),
]
# Fictitious sites: (name, commune, département, reachable without a car, accessible).
SITES = [
    ("Village vacances Les Oyats", "Berck", "62", True, True),
    ("Résidence Le Goéland", "Le Touquet-Paris-Plage", "62", True, False),
    ("Camping Les Argousiers", "Quend", "80", False, False),
    ("Gîtes de la Baie", "Saint-Valery-sur-Somme", "80", True, True),
    ("Village Les Hauts de Bagatelle", "Merlimont", "62", False, True),
    ("Domaine du Marquenterre", "Rue", "80", True, False),
    ("Résidence Côte d'Albâtre", "Fécamp", "76", True, True),
    ("Camping Le Bois Joli", "Wimereux", "62", True, False),
    ("Chalets du Val d'Authie", "Auxi-le-Château", "62", False, False),
    ("Village vacances La Hêtraie", "Hardelot", "62", False, True),
    ("Résidence Les Mouettes", "Cayeux-sur-Mer", "80", True, False),
    ("Gîtes du Haut-Pays", "Fruges", "62", False, False),
    ("Camping La Falaise", "Équihen-Plage", "62", True, True),
    ("Village Les Dunes d'Opale", "Stella-Plage", "62", False, False),
    ("Domaine de la Forêt d'Eu", "Eu", "76", True, False),
    ("Résidence Les Tamaris", "Fort-Mahon-Plage", "80", False, True),
    ("Camping de la Canche", "Montreuil-sur-Mer", "62", True, False),
    ("Village vacances du Lac", "Ardres", "62", True, True),
    ("Gîtes des Sept Vallées", "Hesdin", "62", False, False),
    ("Résidence Le Phare", "Le Crotoy", "80", True, True),
    ("Camping des Sources", "Desvres", "62", False, False),
    ("Village Les Prés Salés", "Le Hourdel", "80", False, True),
    ("Résidence Les Embruns", "Ambleteuse", "62", True, False),
    ("Domaine du Val de Somme", "Corbie", "80", True, True),
    ("Camping du Moulin", "Licques", "62", False, False),
]
BSV_SITES = [
    "Village vacances Les Oyats",
    "Résidence Côte d'Albâtre",
    "Gîtes de la Baie",
    "Résidence Le Phare",
    "Camping de Dieppe (BSV)",
]
UNITS = [
    (UnitKind.MOBILE_HOME, 4),
    (UnitKind.MOBILE_HOME, 6),
    (UnitKind.CHALET, 5),
    (UnitKind.CHALET, 6),
    (UnitKind.APARTMENT, 4),
    (UnitKind.GITE, 8),
]
DONATED_PER_PERIOD = 55  # 220 weeks
BSV_PER_WEEK = 10  # 60 stays


def load(edition, calendar: DemoCalendar, *, seed: int) -> dict[str, int]:
    rng = random.Random(seed + 15)
    if Period.objects.filter(edition=edition).exists():
        return {}
    hosts = {o.slug: o for o in Organisation.objects.filter(slug__in=[FOUNDATION, DIEPPE])}
    sites = Site.objects.bulk_create(
        Site(
            host=hosts.get(DIEPPE if i % 6 == 0 else FOUNDATION),
            name=name,
            commune=commune,
            department=department,
            reachable_without_car=train,
            accessible=accessible,
            address=f"{10 + i} rue des Vacances",
            access_notes="Gare à 2 km, navette de l'accueil" if train else "Parking sur place",
        )
        for i, (name, commune, department, train, accessible) in enumerate(SITES)
    )
    dieppe = Site.objects.create(
        host=hosts.get(DIEPPE), name="Camping de Dieppe (BSV)", commune="Dieppe", department="76",
        reachable_without_car=True, accessible=True, address="Chemin des Falaises", access_notes="Gare de Dieppe, bus ligne 2",
    )  # fmt: skip
    by_name = {s.name: s for s in [*sites, dieppe]}
    periods = Period.objects.bulk_create(
        [
            Period(
                edition=edition,
                code=code,
                label=label,
                start_date=calendar.date(start),
                end_date=calendar.date(start) + dt.timedelta(days=7),
                school_holidays=True,
            )  # fmt: skip
            for code, label, start in DONATED_WEEKS
        ]
        + [
            Period(
                edition=edition,
                code=f"bsv-{start:%m-%d}",
                label=f"BSV : semaine du {calendar.date(start):%d/%m}",
                start_date=calendar.date(start),
                end_date=calendar.date(start) + dt.timedelta(days=7),
                school_holidays=start.month in (7, 8),
            )  # fmt: skip
            for start in BSV_WEEKS
        ]
    )
    donated_periods, bsv_periods = periods[: len(DONATED_WEEKS)], periods[len(DONATED_WEEKS) :]
    offers: list[Offer] = []
    for period in donated_periods:
        for i in range(DONATED_PER_PERIOD):
            site = sites[(i + rng.randrange(3)) % len(sites)]
            kind, beds = UNITS[rng.randrange(len(UNITS))]
            offers.append(
                Offer(
                    reference=f"H-D{len(offers) + 1:04d}",
                    kind=OfferKind.DONATED,
                    site=site,
                    period=period,
                    unit_kind=kind,
                    beds=beds,
                    accessible=site.accessible and rng.random() < 0.6,
                    public_price_cents=rng.randint(35, 90) * 1000,
                    conditions="Draps et ménage de fin de séjour compris",
                )  # fmt: skip
            )
    for period in bsv_periods:
        for i in range(BSV_PER_WEEK):
            site = by_name[BSV_SITES[i % len(BSV_SITES)]]
            kind, beds = UNITS[rng.randrange(len(UNITS))]
            public = rng.randint(30, 80) * 1000
            offers.append(
                Offer(
                    reference=f"H-B{len(offers) + 1:04d}",
                    kind=OfferKind.BSV,
                    site=site,
                    period=period,
                    unit_kind=kind,
                    beds=beds,
                    accessible=site.accessible and rng.random() < 0.6,
                    public_price_cents=public,
                    solidarity_price_cents=public * rng.randint(30, 70) // 100,
                    option_days=10,
                    conditions="Taxe de séjour en sus",
                )  # fmt: skip
            )
    offers = Offer.objects.bulk_create(offers)
    bookings, candidates = _bookings(edition, calendar, rng, offers, donated_periods, bsv_periods)
    return {
        "offer_sites": len(sites) + 1,
        "offers_donated": sum(o.kind == OfferKind.DONATED for o in offers),
        "offers_bsv": sum(o.kind == OfferKind.BSV for o in offers),
        "offer_bookings": bookings,
        "offer_candidates": candidates,
    }


GOING = [ProjectStatus.VALIDATED, ProjectStatus.AID_GRANTED]
# What the validated projects get, in turn: None is a family still waiting for an offer.
GOING_CYCLE = [
    BookingStatus.CONFIRMED,
    None,
    BookingStatus.OPTION,
    None,
    BookingStatus.CONFIRMED,
    BookingStatus.EXPIRED,
    None,
]
DONE = [ProjectStatus.DEPARTED, ProjectStatus.RETURNED, ProjectStatus.EVALUATED]


def _bookings(edition, calendar, rng, offers, donated_periods, bsv_periods) -> tuple[int, int]:
    now = timezone.now()
    today = calendar.date(TEMPLATE_TODAY)  # the demo's « today » (the week it is loaded in)
    projects = list(
        Project.objects.filter(edition=edition, format__in=[ProjectFormat.BSV, ProjectFormat.HOSTING])
        .exclude(start_date=None)
        .prefetch_related("travellers")
        .order_by("pk")
    )
    free: dict[int, list[Offer]] = defaultdict(list)  # period → its offers, by fit below
    for o in offers:
        free[o.period_id].append(o)
    held: dict[tuple[int, int], int] = defaultdict(int)
    limit = max_families(min(p.start_date for p in donated_periods + bsv_periods))
    rows: list[Booking] = []
    asking: list[tuple[Project, int, Period]] = []
    going = done = 0  # cycles through the states, so even a small demo has each of them
    for project in projects:
        people = len(project.travellers.all())
        if not people:
            continue
        periods = donated_periods if project.format == ProjectFormat.HOSTING else bsv_periods
        if project.status in DONE:
            periods = [p for p in periods if p.start_date <= today] or periods
        period = min(periods, key=lambda p: (abs((p.start_date - project.start_date).days), p.pk))
        started = period.start_date <= today
        status: BookingStatus | None
        if project.status in DONE:
            status = BookingStatus.NO_SHOW if done % 5 == 4 else BookingStatus.ARRIVED
            done += 1
        elif project.status == ProjectStatus.WITHDRAWN:
            status = BookingStatus.RELEASED
        elif project.status in GOING:
            status = GOING_CYCLE[going % len(GOING_CYCLE)]
            going += 1
            if status is None or (status != BookingStatus.CONFIRMED and started):
                asking.append((project, people, period))
                continue
        else:
            continue
        if status in (BookingStatus.ARRIVED, BookingStatus.NO_SHOW) and not started:
            status = BookingStatus.CONFIRMED
        offer = _fit(free[period.pk], people, held, limit, holds=status in HOLDING)
        if offer is None:
            if project.status in GOING:
                asking.append((project, people, period))
            continue
        if status in HOLDING:
            free[period.pk].remove(offer)
            held[(offer.site_id, period.pk)] += 1
        rows.append(
            Booking(
                reference=f"R-D{len(rows) + 1:04d}",
                offer=offer,
                household_id=project.household_id,
                project=project,
                organisation_id=project.organisation_id,
                status=status,
                people=people,
                needs_accessible=any(t.has_disability for t in project.travellers.all()),
                option_expires_at=now + dt.timedelta(days=rng.randint(2, 10))
                if status == BookingStatus.OPTION
                else (now - dt.timedelta(days=2) if status == BookingStatus.EXPIRED else None),
                reason={
                    BookingStatus.RELEASED: "Projet abandonné par la famille",
                    BookingStatus.EXPIRED: "Option non confirmée à temps",
                }.get(status, ""),
                created_by_id=project.created_by_id,
            )  # fmt: skip
        )
    Booking.objects.bulk_create(rows)
    return len(rows), _candidates(asking, donated_periods, bsv_periods, rng)


def _fit(offers: list[Offer], people: int, held, limit: int, *, holds: bool) -> Offer | None:
    """The tightest free offer of the period for ``people`` on a site with room."""
    fitting = [
        o for o in offers if o.beds >= people and (not holds or held[(o.site_id, o.period_id)] < limit)
    ]
    return min(fitting, key=lambda o: (o.beds, o.pk), default=None)


def _candidates(asking, donated_periods, bsv_periods, rng) -> int:
    travelled = set(PastDeparture.objects.values_list("person__household_id", flat=True))
    rows, periods = [], []
    for project, people, period in asking:
        candidate = Candidate(
            project=project,
            people=people,
            needs_accessible=any(t.has_disability for t in project.travellers.all()),
            has_car=rng.random() < 0.5,
            first_departure=project.household_id not in travelled,
        )
        rows.append(candidate)
        others = donated_periods if project.format == ProjectFormat.HOSTING else bsv_periods
        extra = rng.choice(others)
        periods.append({period.pk, extra.pk})
    Candidate.objects.bulk_create(rows)
    Through = Candidate.periods.through
    Through.objects.bulk_create(
        [
            Through(candidate_id=c.pk, period_id=p)
            for c, ps in zip(rows, periods, strict=True)
            for p in sorted(ps)
        ]
    )
    return len(rows)


def delete(orgs, households) -> None:
    """The demo's offers, bookings and matchings (before its households and organisations)."""
    demo_editions = {"edition__name__startswith": EDITION_NAME}
    Proposal.objects.filter(candidate__project__household__in=households).delete()
    MatchRun.objects.filter(proposals__isnull=True, **demo_editions).delete()
    Booking.objects.filter(household__in=households).delete()
    sites = Site.objects.filter(host__in=orgs)
    Proposal.objects.filter(offer__site__in=sites).delete()
    Booking.objects.filter(offer__site__in=sites).delete()
    Offer.objects.filter(site__in=sites).delete()
    sites.delete()
    Period.objects.filter(offers__isnull=True, **demo_editions).delete()
