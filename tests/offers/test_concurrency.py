"""Twenty porteurs booking at once (PostgreSQL): the site's row lock serialises them, so a site
never receives more than N families a period and an offer is never booked twice."""

import pytest
from django.conf import settings

from partez.offers import services
from partez.offers.models import Booking, Offer, OfferKind, UnitKind
from partez.organisations.models import Role
from tests import factories
from tests.factories.offers import catalogue
from tests.funding.test_concurrency import _run_at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="row locks are tested on PostgreSQL (set DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True),
]


def _porteurs(c, n):
    """``n`` social workers of ``n`` different CCAS, each with a household of 3."""
    out = []
    for i in range(n):
        org = factories.OrganisationFactory(name=f"CCAS {i}", commune=factories.CommuneFactory())
        m = factories.MembershipFactory(organisation=org, role=Role.SOCIAL_WORKER)
        out.append((m, c.household(m, 3)))
    return out


def _book(actor, offer, household):
    return lambda: services.booking_create(actor=actor, offer=offer, household=household)[0].pk


def test_twenty_porteurs_on_one_site_and_period_with_n_2_give_exactly_2_bookings():
    c = catalogue()  # N = 2 in 2025
    offers = list(Offer.objects.filter(site=c.dune, period=c.august))
    offers += [
        Offer.objects.create(
            reference=f"H-X{i}",
            kind=OfferKind.DONATED,
            site=c.dune,
            period=c.august,
            unit_kind=UnitKind.CHALET,
            beds=6,
        )
        for i in range(20 - len(offers))
    ]
    porteurs = _porteurs(c, 20)
    done, errors = _run_at_once([_book(m, o, h) for (m, h), o in zip(porteurs, offers, strict=True)])
    assert len(done) == 2, errors
    assert len(errors) == 18
    assert all("Mixité sociale" in e and "Village de la Dune" in e and "2 au plus" in e for e in errors), (
        errors
    )
    assert Booking.objects.filter(offer__site=c.dune, offer__period=c.august).count() == 2


def test_twenty_porteurs_on_one_offer_give_exactly_one_booking():
    c = catalogue()
    offer = c.offers["B1"]
    done, errors = _run_at_once([_book(m, offer, h) for m, h in _porteurs(c, 20)])
    assert len(done) == 1, errors
    assert all("déjà réservée" in e for e in errors), errors
    assert Booking.objects.filter(offer=offer).count() == 1
