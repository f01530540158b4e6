"""/api/v1/offers and /api/v1/bookings: filters, 201 / 200 (nonce) / 409 (taken, social mix) /
404 (household outside the scope), release, and four queries for a page whatever its size."""

import pytest
from django.test import Client

from partez.offers.models import Booking, BookingStatus
from partez.organisations.services import api_token_create
from tests.factories.offers import catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    return catalogue()


def client_for(m):
    token = api_token_create(membership=m, name="test")[1]
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_the_catalogue_filters_like_the_page(c):
    api = client_for(c.lens)
    data = api.get("/api/v1/offers", {"month": 8, "beds": 5, "without_car": "true"}).json()
    assert data["count"] == 2
    item = data["items"][0]
    assert {"id", "kind", "site", "period", "beds"} <= set(item)
    assert item["site"]["name"] == "Village de la Dune" and item["period"]["code"] == "ete-aout"
    assert item["max_families"] == 2 and item["taken"] is False
    assert api.get("/api/v1/offers", {"kind": "bsv"}).json()["count"] == 1
    assert api.get("/api/v1/offers", {"limit": 201}).status_code == 422
    assert client_for(c.host).get("/api/v1/offers").json()["count"] == 5  # its own


def test_a_page_of_offers_costs_a_fixed_number_of_queries(c, django_assert_max_num_queries):
    api = client_for(c.lens)
    with django_assert_max_num_queries(7):  # token + membership, count, page, families per site
        assert api.get("/api/v1/offers").status_code == 200


def test_book_then_409_on_the_social_mix_limit_then_release(c):
    api = client_for(c.lens)
    households = [c.household(c.lens, 3) for _ in range(3)]
    d1, d2, d3 = (c.offers[k].pk for k in ("D1", "D2", "D3"))
    first = api.post(
        f"/api/v1/offers/{d1}/bookings",
        {"household": households[0].pk, "nonce": "nonce-001"},
        "application/json",
    )
    assert first.status_code == 201, first.json()
    again = api.post(
        f"/api/v1/offers/{d1}/bookings",
        {"household": households[0].pk, "nonce": "nonce-001"},
        "application/json",
    )
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    taken = api.post(
        f"/api/v1/offers/{d1}/bookings",
        {"household": households[1].pk, "nonce": "nonce-002"},
        "application/json",
    )
    assert taken.status_code == 409 and "déjà réservée" in taken.json()["detail"]
    assert (
        api.post(
            f"/api/v1/offers/{d2}/bookings",
            {"household": households[1].pk, "nonce": "nonce-003"},
            "application/json",
        ).status_code
        == 201
    )
    full = api.post(
        f"/api/v1/offers/{d3}/bookings",
        {"household": households[2].pk, "nonce": "nonce-004"},
        "application/json",
    )
    assert full.status_code == 409
    assert "Mixité sociale" in full.json()["detail"] and full.json()["errors"] == {
        "offer": full.json()["detail"]
    }
    released = api.delete(f"/api/v1/bookings/{first.json()['id']}")
    assert released.status_code == 200 and released.json()["status"] == BookingStatus.RELEASED
    assert (
        api.post(
            f"/api/v1/offers/{d3}/bookings",
            {"household": households[2].pk, "nonce": "nonce-005"},
            "application/json",
        ).status_code
        == 201
    )


def test_a_household_outside_the_scope_is_a_404_naming_the_field(c):
    stranger = c.household(c.lievin, 2)
    response = client_for(c.lens).post(
        f"/api/v1/offers/{c.offers['D1'].pk}/bookings",
        {"household": stranger.pk, "nonce": "nonce-404"},
        "application/json",
    )
    assert response.status_code == 404 and response.json()["errors"] == {"household": "Foyer introuvable."}
    assert not Booking.objects.exists()


def test_another_porteurs_booking_is_a_404_and_a_host_may_not_book(c):
    household = c.household(c.lens, 2)
    booking = (
        client_for(c.lens)
        .post(
            f"/api/v1/offers/{c.offers['D1'].pk}/bookings",
            {"household": household.pk, "nonce": "nonce-abc"},
            "application/json",
        )
        .json()
    )
    assert client_for(c.lievin).delete(f"/api/v1/bookings/{booking['id']}").status_code == 404
    host = client_for(c.host).post(
        f"/api/v1/offers/{c.offers['D2'].pk}/bookings",
        {"household": household.pk, "nonce": "nonce-host"},
        "application/json",
    )
    assert host.status_code == 403
