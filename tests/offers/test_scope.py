"""The offers' scope, table-driven: which offers, bookings, arrivals and proposals each member sees."""

import pytest

from partez.offers import selectors, services
from partez.offers.models import Offer
from partez.organisations.models import Role
from tests import factories
from tests.factories.offers import catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    c = catalogue()
    Offer.objects.filter(pk=c.offers["B1"].pk).update(withdrawn=True)
    booking, _ = services.booking_create(actor=c.lens, offer=c.offers["D1"], household=c.household(c.lens, 3))
    services.booking_confirm(actor=c.lens, booking=booking)
    services.booking_create(actor=c.lievin, offer=c.offers["D2"], household=c.household(c.lievin, 2))
    other_host = factories.MembershipFactory(
        organisation=factories.OrganisationFactory(kind="host", commune=None), role=Role.HOST
    )
    volunteer = factories.MembershipFactory(organisation=c.lens.organisation, role=Role.VOLUNTEER)
    return c, {"coordination": c.coordination, "host": c.host, "lens": c.lens, "lievin": c.lievin,
               "other_host": other_host, "volunteer": volunteer}  # fmt: skip


# who → (offers seen, bookings seen, arrivals seen)
EXPECTED = {
    "coordination": (5, 2, 1),
    "host": (5, 0, 1),  # its own offers, withdrawn included; arrivals, not bookings
    "lens": (4, 1, 0),  # the catalogue without the withdrawn offer; its own bookings
    "lievin": (4, 1, 0),
    "other_host": (0, 0, 0),
    "volunteer": (0, 0, 0),
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_scope(world, who):
    _c, members = world
    m = members[who]
    got = (
        selectors.offers_for(m).count(),
        selectors.bookings_for(m).count(),
        selectors.arrivals_for(m).count(),
    )
    assert got == EXPECTED[who]
    assert selectors.offers_for(None).count() == selectors.bookings_for(None).count() == 0
