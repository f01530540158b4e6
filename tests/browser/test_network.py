"""The network's main journey: the coordination creates a training session and an announcement;
a social worker registers, gets her ticket's QR code, is checked in at the door on a phone, then
downloads her attendance certificate and evaluates the session; axe-core on every page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partez.network import services
from partez.network.models import Announcement, Registration, Skill
from partez.organisations.models import OrganisationKind, Role
from tests import factories

from .helpers import PHONE, check_page, go_to, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_check_in_certificate_and_the_coordinations_forms(page):
    lens = factories.CommuneFactory(insee_code="62498", name="Lens")
    coordination = factories.OrganisationFactory(name="Vacances Ouvertes", kind=OrganisationKind.COORDINATOR)
    coordinator = factories.MembershipFactory(organisation=coordination, role=Role.COORDINATOR)
    relay = factories.OrganisationFactory(name="Secours de Lens", kind=OrganisationKind.RELAY, commune=lens)
    worker = factories.MembershipFactory(organisation=relay, role=Role.SOCIAL_WORKER)
    training = services.training_save(
        actor=coordinator, title="Sac Ados : devenir structure relais", skill=Skill.SAC_ADOS
    )
    page.set_default_timeout(15_000)

    # the coordination opens a session
    log_in(page, coordinator.user.username)
    go_to(page, "Réseau", "Formations")
    check_page(page, "network-01-trainings-empty")
    page.get_by_role("button", name="Nouvelle session").click()
    page.get_by_label("Formation :", exact=True).select_option(label=training.title)
    start = timezone.localtime() + dt.timedelta(minutes=30)  # a session later today
    page.get_by_label("Début").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Fin :", exact=True).fill((start + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Lieu").fill("Maison des associations, Lens")
    page.get_by_label("Formateur·rice").fill("Camille Roussel")
    page.get_by_label("Places :", exact=True).fill("12")
    check_page(page, "network-02-session-form")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name=training.title, level=1)).to_be_visible()

    # and posts an announcement
    go_to(page, "Réseau", "Annonces")
    page.get_by_role("button", name="Nouvelle annonce").click()
    page.get_by_label("Titre").fill("Nouvelle session Sac Ados")
    page.get_by_label("Texte").fill("Une session est ouverte aux structures relais : inscrivez-vous.")
    check_page(page, "network-03-announcement-form")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name="Nouvelle session Sac Ados")).to_be_visible()
    assert Announcement.objects.count() == 1

    # a social worker registers and gets her ticket
    page.context.clear_cookies()
    log_in(page, worker.user.username)
    go_to(page, "Réseau", "Annonces")
    expect(page.get_by_text("Non lue")).to_be_visible()
    page.get_by_role("button", name="Marquer comme lue").click()
    expect(page.get_by_text("Non lue")).to_have_count(0)
    go_to(page, "Réseau", "Formations")
    page.get_by_role("link", name=training.title).click()
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_text("Vous êtes inscrit·e")).to_be_visible()
    expect(page.locator("figure.ticket svg")).to_be_visible()
    check_page(page, "network-04-ticket")
    registration = Registration.objects.get(user=worker.user)
    code = services.ticket_of(registration).code
    expect(page.locator("figure.ticket")).to_contain_text(f"{code[:5]}-{code[5:]}")

    # the coordination checks her in at the door, on a phone
    page.context.clear_cookies()
    log_in(page, coordinator.user.username)
    page.set_viewport_size(PHONE)
    page.goto(f"/reseau/sessions/{registration.session_id}/")
    page.get_by_role("button", name="Pointer à l'entrée").click()
    expect(page.get_by_role("heading", name=training.title, level=1)).to_be_visible()
    box = page.get_by_label("Code du billet")
    box.fill(code.lower())
    box.press("Enter")
    expect(page.locator("#pending")).to_have_text("0", timeout=20_000)
    expect(page.locator("#present")).to_have_text("1", timeout=20_000)
    registration.refresh_from_db()
    assert registration.present_at is not None
    page.set_viewport_size(PHONE)
    page.goto(f"/reseau/sessions/{registration.session_id}/")
    check_page(page, "network-05-session-coordination")

    # she downloads her certificate and evaluates the session
    page.context.clear_cookies()
    log_in(page, worker.user.username)
    page.goto(f"/reseau/sessions/{registration.session_id}/")
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("attestation de présence")).click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    page.get_by_label("4 / 5").check()
    page.get_by_role("button", name="Envoyer l'évaluation").click()
    expect(page.get_by_text("Merci pour votre évaluation")).to_be_visible()
    check_page(page, "network-06-after-session")
    registration.refresh_from_db()
    assert registration.rating == 4
