"""Hosting offers in a real browser: a porteur finds an offer reachable without a car in August
for 5 people and puts an option on it; the coordination runs the matching of the waiting
families, reviews the proposals (one refused with its reason), applies it, and the options are
posted. Every page is audited by :func:`check_page` (axe-core, phone width, screenshots)."""

import re

import pytest
from playwright.sync_api import expect

from partez.offers import services
from partez.offers.models import Booking, BookingStatus, Candidate
from partez.offers.services import CandidateInput
from tests.factories.offers import asking_project, catalogue

from .helpers import check_page, go_to, log_in

pytestmark = pytest.mark.browser


def test_a_porteur_books_then_the_coordination_matches_reviews_and_applies(page):
    c = catalogue()
    c.lens.user.username = "porteuse"
    c.lens.user.save(update_fields=["username"])
    household = c.household(c.lens, 5)

    log_in(page, "porteuse")
    go_to(page, "Séjours", "Offres d'hébergement")
    expect(page.get_by_role("heading", name="Offres d'hébergement")).to_be_visible()
    page.get_by_label("Mois d'arrivée").select_option(label="Août")
    page.get_by_label("Personnes (lits au moins)").fill("5")
    page.get_by_label("Sans voiture (train ou car)").check()
    page.get_by_role("button", name="Chercher").click()
    expect(page.get_by_text("2 offres")).to_be_visible()
    check_page(page, "offers-catalogue")
    page.get_by_role("link", name="Village de la Dune").first.click()
    expect(page.get_by_role("heading", name="Poser une option")).to_be_visible()
    check_page(page, "offers-detail")
    page.get_by_label("Référence du foyer").fill(household.reference)
    page.get_by_role("button", name="Poser une option").click()
    expect(page.get_by_role("status").get_by_text(re.compile("Option posée jusqu'au"))).to_be_visible()
    check_page(page, "offers-bookings")
    booking = Booking.objects.get(household=household)
    assert booking.status == BookingStatus.OPTION and booking.offer.beds >= 5

    # the waiting families: three validated « Je pars… » projects asking for August
    for porteur, people in ((c.lens, 4), (c.lievin, 3), (c.lievin, 2)):
        project = asking_project(c, porteur, people)
        services.candidate_save(
            actor=porteur, project=project, data=CandidateInput(has_car=True, period_ids=[c.august.pk])
        )
    page.context.clear_cookies()
    c.coordination.user.username = "coordinatrice"
    c.coordination.user.save(update_fields=["username"])
    log_in(page, "coordinatrice")
    go_to(page, "Séjours", "Attribution des offres")
    expect(page.get_by_text("3 familles attendent une offre")).to_be_visible()
    check_page(page, "offers-matching")
    page.get_by_role("button", name="Lancer le calcul").click()
    page.get_by_role("button", name="Voir le résultat").click()  # the test settings run jobs at once
    expect(page).to_have_url(re.compile(r"/offres/attribution/\d+/$"))
    expect(page.get_by_role("rowheader", name="Optimale (flot de coût minimal)")).to_be_visible()
    check_page(page, "offers-review")
    first = page.locator("li.offer").first
    first.get_by_label("Motif (obligatoire pour refuser)").fill("La famille préfère juillet")
    first.get_by_role("button", name="Refuser").click()
    expect(page.get_by_text("Décision enregistrée.")).to_be_visible()
    expect(page.get_by_text("La famille préfère juillet")).to_be_visible()
    page.get_by_role("button", name=re.compile("Appliquer")).click()
    page.get_by_role("button", name="Voir le résultat").click()
    expect(page.get_by_text(re.compile(r"\d réservées?"))).to_be_visible()
    check_page(page, "offers-applied")
    booked = Booking.objects.filter(project__offer_candidate__in=Candidate.objects.all())
    refused = Candidate.objects.filter(proposals__decision="refused")
    assert booked.count() >= 1 and not booked.filter(project__offer_candidate__in=refused).exists()


def test_the_host_sees_who_arrives_and_the_porteur_prints_the_letter(page):
    c = catalogue()
    booking, _ = services.booking_create(actor=c.lens, offer=c.offers["D1"], household=c.household(c.lens, 4))
    c.lens.user.username = "porteuse"
    c.lens.user.save(update_fields=["username"])
    c.host.user.username = "hote"
    c.host.user.save(update_fields=["username"])

    log_in(page, "porteuse")
    page.goto("/offres/reservations/")
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_text(f"Réservation {booking.reference} confirmée.")).to_be_visible()
    page.get_by_role("link", name="Lettre de confirmation").click()
    expect(page.get_by_role("heading", name="Confirmation de votre séjour")).to_be_visible()
    check_page(page, "offers-letter")

    page.context.clear_cookies()
    log_in(page, "hote")
    go_to(page, "Séjours", "Arrivées")
    expect(page.get_by_text(f"Réservation {booking.reference} · 4 personnes")).to_be_visible()
    check_page(page, "offers-arrivals")
    page.get_by_role("button", name="Arrivée", exact=True).click()
    expect(page.get_by_text(f"Réservation {booking.reference} : arrivée.")).to_be_visible()
    page.goto("/offres/bilan/")
    expect(page.get_by_role("heading", name="Bilan des offres d'hébergement")).to_be_visible()
    check_page(page, "offers-report")
    page.goto("/offres/import/")
    check_page(page, "offers-import")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ARRIVED
