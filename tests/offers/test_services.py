"""Bookings: an offer is held once, the social-mix rule counts every porteur, options expire,
a re-sent nonce repeats nothing, the booking joins or opens the household's project."""

import datetime as dt

import pytest
from django.utils import timezone

from partez.core.audit import AuditLog
from partez.core.errors import DomainError, NotAllowed
from partez.offers import services
from partez.offers.models import Booking, BookingStatus, OfferKind
from partez.offers.services import OfferInput, OfferUnavailable
from partez.projects.models import BudgetKind, ProjectFormat
from tests.factories.offers import asking_project, catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    return catalogue()


def book(c, porteur, key, people=3, nonce=""):
    household = c.household(porteur, people)
    return services.booking_create(actor=porteur, offer=c.offers[key], household=household, nonce=nonce)[0]


def test_a_booking_opens_a_project_of_the_offers_format_with_its_dates_and_price(c):
    booking = book(c, c.lens, "J1")
    project = booking.project
    assert booking.status == BookingStatus.OPTION and booking.people == 3
    assert project.format == ProjectFormat.BSV
    assert (project.start_date, project.end_date) == (c.july.start_date, c.july.end_date)
    assert project.travellers.count() == 3
    line = project.budget_lines.get()
    assert (line.kind, line.amount_cents) == (BudgetKind.LODGING, 60_000)  # the public price
    assert "prix solidaire 250 €" in line.label
    assert booking.option_expires_at > timezone.now() + dt.timedelta(days=9)
    assert AuditLog.objects.filter(action="booking.create", object_id=str(booking.pk)).exists()


def test_a_booking_joins_the_households_open_project(c):
    project = asking_project(c, c.lens, people=2)
    booking, created = services.booking_create(
        actor=c.lens, offer=c.offers["D3"], household=project.household
    )
    assert created and booking.project == project


def test_an_offer_is_never_booked_twice(c):
    book(c, c.lens, "D1")
    with pytest.raises(OfferUnavailable, match="déjà réservée"):
        book(c, c.lievin, "D1")


def test_the_social_mix_rule_counts_every_porteur_of_the_site_and_period(c):
    book(c, c.lens, "D1")  # N = 2 in 2025 (parameters.yaml)
    book(c, c.lievin, "D2")
    with pytest.raises(OfferUnavailable) as exc:
        book(c, c.lens, "D3")
    assert "Mixité sociale" in exc.value.message and "Village de la Dune" in exc.value.message
    assert "2 au plus" in exc.value.message
    # another site, or another period of the same site, is not affected
    book(c, c.lens, "B1")
    book(c, c.lens, "J1", people=4)
    assert Booking.objects.count() == 4


def test_a_released_or_expired_booking_frees_its_place(c):
    first = book(c, c.lens, "D1")
    second = book(c, c.lievin, "D2")
    services.booking_release(actor=c.lens, booking=first, reason="La famille renonce")
    Booking.objects.filter(pk=second.pk).update(option_expires_at=timezone.now() - dt.timedelta(minutes=1))
    third = book(c, c.lens, "D1")
    fourth = book(c, c.lens, "D2")
    second.refresh_from_db()
    assert second.status == BookingStatus.EXPIRED
    assert {third.status, fourth.status} == {BookingStatus.OPTION}


def test_a_nonce_sent_twice_books_once(c):
    household = c.household(c.lens, 2)
    first, created = services.booking_create(
        actor=c.lens, offer=c.offers["D1"], household=household, nonce="n-1"
    )
    again, created_again = services.booking_create(
        actor=c.lens, offer=c.offers["D1"], household=household, nonce="n-1"
    )
    assert created and not created_again and again.pk == first.pk


def test_too_many_people_and_an_accessibility_need_are_refused_naming_the_household(c):
    with pytest.raises(DomainError) as exc:
        book(c, c.lens, "D3", people=5)
    assert exc.value.errors == {
        "household": "5 personnes pour 4 lits : choisissez un hébergement plus grand."
    }
    household = c.household(c.lens, 3, disability=True)
    with pytest.raises(DomainError, match="accessible"):
        services.booking_create(actor=c.lens, offer=c.offers["D2"], household=household)
    assert services.booking_create(actor=c.lens, offer=c.offers["D1"], household=household)[
        0
    ].needs_accessible
    assert not Booking.objects.filter(offer=c.offers["D2"]).exists()  # nothing half-saved


def test_confirm_then_arrival_by_the_host(c):
    booking = book(c, c.lens, "D1")
    services.booking_confirm(actor=c.lens, booking=booking)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED and booking.option_expires_at is None
    with pytest.raises(NotAllowed):
        services.booking_arrival(actor=c.lens, booking=booking, arrived=True)
    services.booking_arrival(actor=c.host, booking=booking, arrived=False, reason="Personne à l'accueil")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.NO_SHOW
    with pytest.raises(DomainError, match="ne peut plus être libérée"):
        services.booking_release(actor=c.lens, booking=booking)


def test_an_expired_option_cannot_be_confirmed(c):
    booking = book(c, c.lens, "D1")
    Booking.objects.filter(pk=booking.pk).update(option_expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(DomainError, match="expiré"):
        services.booking_confirm(actor=c.lens, booking=booking)
    assert services.options_expire() == 0  # already marked by the refused confirmation
    booking.refresh_from_db()
    assert booking.status == BookingStatus.EXPIRED


def test_a_host_cannot_book_and_a_worker_cannot_edit_offers(c):
    household = c.household(c.lens, 2)
    with pytest.raises(NotAllowed):
        services.booking_create(actor=c.host, offer=c.offers["D1"], household=household)
    data = OfferInput(
        kind=OfferKind.DONATED, site_id=c.dune.pk, period_id=c.august.pk, unit_kind="chalet", beds=4
    )
    with pytest.raises(NotAllowed):
        services.offer_save(actor=c.lens, data=data)


def test_offer_save_reports_every_error_at_once(c):
    data = OfferInput(
        kind=OfferKind.BSV,
        site_id=None,
        period_id=c.august.pk,
        unit_kind="yourte",
        beds=0,
        public_price_cents=50_000,
        solidarity_price_cents=60_000,
    )
    with pytest.raises(DomainError) as exc:
        services.offer_save(actor=c.host, data=data)
    assert set(exc.value.errors) == {"site", "unit_kind", "beds", "solidarity_price_cents"}


def test_a_host_creates_and_updates_its_own_offers_only(c):
    data = OfferInput(
        kind=OfferKind.DONATED, site_id=c.dune.pk, period_id=c.august.pk, unit_kind="chalet", beds=4
    )
    offer = services.offer_save(actor=c.host, data=data)
    assert offer.option_days == 10 and offer.reference.startswith("H")
    data.beds = 6
    services.offer_save(actor=c.host, data=data, offer=offer)
    offer.refresh_from_db()
    assert offer.beds == 6
    other = services.OfferInput(**{**vars(data)})
    from tests import factories

    stranger = factories.MembershipFactory(
        organisation=factories.OrganisationFactory(kind="host", commune=None), role="host"
    )
    with pytest.raises(DomainError) as exc:
        services.offer_save(actor=stranger, data=other)
    assert "site" in exc.value.errors


def test_the_financing_plan_of_a_booked_bsv_stay_carries_the_discount_through_the_engine(c):
    from partez.projects.models import Project
    from partez.schemes import engine, selectors, situations

    booking = book(c, c.lens, "J1", people=2)
    situation = situations.from_projects(Project.objects.filter(pk=booking.project_id))[booking.project_id]
    assert situation.cost_cents == 60_000
    evaluation = engine.evaluate(situation, selectors.definitions())
    assert "bsv" in evaluation.plan.schemes
