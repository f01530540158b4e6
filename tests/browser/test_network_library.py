"""The network's other pages at phone and desktop width, axe-core clean: the public library and
its search, a resource, the colloque's public registration (no account), and for a member the
directory (after opting in), the events, the announcements and who is trained."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from partez.network import services
from partez.network.models import EventRegistration, Profile, Visibility
from partez.organisations.models import OrganisationKind, Role
from tests import factories

from .helpers import check_page, go_to, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_library_colloque_directory_and_news(page):
    lens = factories.CommuneFactory(insee_code="62498", name="Lens")
    coordination = factories.OrganisationFactory(name="Vacances Ouvertes", kind=OrganisationKind.COORDINATOR)
    coordinator = factories.MembershipFactory(organisation=coordination, role=Role.COORDINATOR)
    relay = factories.OrganisationFactory(name="Secours de Lens", kind=OrganisationKind.RELAY, commune=lens)
    worker = factories.MembershipFactory(organisation=relay, role=Role.SOCIAL_WORKER)
    services.resource_publish(
        actor=coordinator,
        data=services.ResourceInput(
            title="Partir sans voiture",
            category="guide",
            visibility=Visibility.PUBLIC,
            description="Des séjours accessibles en train depuis le bassin minier pour les familles nombreuses.",
            tags=["transport"],
        ),
        upload=SimpleUploadedFile("sans-voiture.txt", b"Train, car, covoiturage.", "text/plain"),
    )
    services.resource_publish(
        actor=coordinator,
        data=services.ResourceInput(
            title="Barème interne", category="rules", visibility=Visibility.PROFESSIONALS
        ),
        upload=SimpleUploadedFile("bareme.txt", b"QF", "text/plain"),
    )
    start = timezone.now() + dt.timedelta(days=20)
    event = services.event_save(
        actor=coordinator,
        data=services.EventInput(
            title="Colloque « Le droit aux vacances »",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=7),
            place="Louvre-Lens",
            is_public=True,
        ),
    )
    services.programme_item_add(
        actor=coordinator, event=event, starts_at=start, title="Ouverture", speakers="La coordination"
    )
    services.announcement_post(actor=coordinator, title="Bienvenue", body="Le réseau est en ligne.")
    page.set_default_timeout(15_000)

    # anyone: the public library, searched without accents
    page.goto("/ressources/")
    expect(page.get_by_text("Barème interne")).to_have_count(0)
    page.get_by_label("Rechercher").fill("FAMILLES nombreuses sejours")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("link", name="Partir sans voiture")).to_be_visible()
    check_page(page, "network-10-library-public")
    page.get_by_role("link", name="Partir sans voiture").click()
    check_page(page, "network-11-resource")

    # anyone: the colloque's public registration, the badge by e-mail
    page.goto(f"/evenements/{event.slug}/")
    page.get_by_label("Nom et prénom").fill("Alix Martin")
    page.get_by_label("Adresse e-mail").fill("alix@example.org")
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_text("Inscription enregistrée")).to_be_visible()
    check_page(page, "network-12-colloque-public")
    assert EventRegistration.objects.filter(email="alix@example.org").exists()
    assert any(m.attachments for m in mail.outbox)

    # a member: opts in to the directory, finds her structure, registers for the colloque
    log_in(page, worker.user.username)
    go_to(page, "Réseau", "Annuaire")
    page.get_by_role("button", name="Apparaître dans l'annuaire").click()
    page.get_by_label("J'accepte d'apparaître dans l'annuaire du réseau").check()
    page.get_by_label("Ma fonction, en quelques mots").fill("Éducatrice spécialisée")
    page.get_by_label("Montrer mon adresse e-mail").check()
    check_page(page, "network-13-profile")
    page.get_by_role("button", name="Enregistrer").click()
    assert Profile.objects.get(user=worker.user).listed
    go_to(page, "Réseau", "Annuaire")
    page.get_by_label("Commune").select_option(label="Lens")
    page.get_by_role("button", name="Chercher").click()
    expect(page.get_by_role("heading", name="Secours de Lens")).to_be_visible()
    expect(page.get_by_text("Éducatrice spécialisée")).to_be_visible()
    check_page(page, "network-14-directory")
    go_to(page, "Réseau", "Événements")
    check_page(page, "network-15-events")
    page.get_by_role("link", name="Colloque « Le droit aux vacances »").click()
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.locator("figure.ticket svg")).to_be_visible()
    check_page(page, "network-16-event-badge")
    go_to(page, "Réseau", "Annonces")
    check_page(page, "network-17-announcements")

    # the coordination: who is trained, the event's figures and programme form
    page.context.clear_cookies()
    log_in(page, coordinator.user.username)
    page.goto("/reseau/formations/formes/")
    check_page(page, "network-18-trained")
    page.goto(f"/reseau/evenements/{event.pk}/")
    expect(page.get_by_text("Inscrit·es", exact=True)).to_be_visible()
    check_page(page, "network-19-event-coordination")
    page.goto("/ressources/nouvelle/")
    check_page(page, "network-20-resource-form")
