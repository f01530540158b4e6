"""The family's phone flow in a real browser: open the link, see the next step, send a photo
of a document, answer a proposal, see the Fête QR offline, write the story — axe-core clean on
every page of the space, no horizontal scrolling on a phone."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partez.family import services
from partez.family.models import Answer, FamilyDocument, Proposal, ProposalKind, Story
from partez.projects.models import ChecklistItem, Project
from partez.schemes.services import catalogue_sync
from tests import factories
from tests.factories import family
from tests.factories.fete import build_fete

from .helpers import CHROMIUM, DESKTOP, check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots/family")
PHONE_390 = {"width": 390, "height": 844}


@pytest.fixture
def phone(page):
    """The shared page (conftest), at a phone's width; offline, Chromium reports the failed
    requests as console errors: expected, not a script error."""
    page.set_viewport_size(PHONE_390)
    page.expected_console_errors = ["net::ERR_INTERNET_DISCONNECTED", "status of 4"]
    return page


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, viewport in (("phone", PHONE_390), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(PHONE_390)


def _audit(page, name):
    check_page(page, f"family-{name}")
    _shot(page, name)


def _setup():
    catalogue_sync()  # a transactional test may follow one that flushed the migrations' data
    edition = factories.EditionFactory()
    lens = factories.CommuneFactory(insee_code="62498", name="Lens")
    lievin = factories.CommuneFactory(insee_code="62510", name="Liévin")
    ccas = factories.OrganisationFactory(kind="commune", commune=lens, name="CCAS de Lens")
    other = factories.OrganisationFactory(kind="commune", commune=lievin, name="CCAS de Liévin")
    s = build_fete(edition, lens, ccas, lievin, other, households_per_commune=1)
    household = s.invitation.household
    worker = factories.MembershipFactory(
        organisation=ccas, role="social_worker", user__first_name="Nadia", user__last_name="Benali"
    )
    project = Project.objects.filter(household=household).first() or factories.ProjectFactory(
        household=household, organisation=ccas, edition=edition
    )
    Project.objects.filter(pk=project.pk).update(
        status="draft", destination="Berck-sur-Mer", start_date=timezone.localdate() + dt.timedelta(days=70)
    )
    ChecklistItem.objects.create(project=project, label="Pièce d'identité")
    ChecklistItem.objects.create(project=project, label="Avis d'imposition")
    granted = family.grant(worker, household, contact_phone="03 21 00 00 00")
    services.proposal_create(
        actor=worker,
        project=project,
        kind=ProposalKind.WEEK,
        text="Une semaine au camping de Berck, du 6 au 13 juillet.",
        answer_by=timezone.localdate() + dt.timedelta(days=10),
    )
    return granted, project


def test_family_phone_flow(phone, tmp_path):
    assert Path(CHROMIUM).exists()
    granted, project = _setup()
    page = phone

    page.goto(granted.link.split("testserver", 1)[1])
    expect(page.get_by_role("heading", name="Répondez à une proposition")).to_be_visible()
    expect(page.get_by_text(project.reference)).to_be_visible()
    _audit(page, "01-home")

    # a photo of a document, from the phone
    page.get_by_role("link", name="Mes papiers").click()
    expect(page.get_by_role("heading", name="Mes papiers", level=1)).to_be_visible()
    _audit(page, "02-documents")
    photo = tmp_path / "carte.jpg"
    photo.write_bytes(family.JPEG)
    page.get_by_label("Quel papier ?").select_option(label="Pièce d'identité")
    page.get_by_label("Votre photo ou votre fichier").set_input_files(str(photo))
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_text("Merci. Votre papier est envoyé.")).to_be_visible()
    expect(page.get_by_text("envoyé, pas encore vu")).to_be_visible()
    assert FamilyDocument.objects.get().item.label == "Pièce d'identité"
    _audit(page, "03-document-sent")

    # answer the proposal
    page.get_by_role("link", name="Retour à l'accueil").click()
    page.get_by_role("button", name="Répondre").click()
    _audit(page, "04-choices")
    page.get_by_label("Pourquoi ? (si vous voulez)").fill("Les enfants seront contents")
    page.get_by_role("button", name="Oui").click()
    expect(page.get_by_text("Votre réponse est envoyée")).to_be_visible()
    assert Proposal.objects.get().answer == Answer.ACCEPTED
    _audit(page, "05-choice-answered")

    # home: the next step is now the papers
    page.get_by_role("link", name="Retour à l'accueil").click()
    expect(page.get_by_role("heading", name="Envoyez vos papiers")).to_be_visible()
    expect(page.get_by_text("Il manque 1 papier.")).to_be_visible()

    # the Fête's QR, then without a network
    page.get_by_role("link", name="La Fête").click()
    expect(page.get_by_role("heading", name="Montrez ce code à l'entrée")).to_be_visible()
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now under the service worker, which keeps this copy
    expect(page.locator(".family-qr svg")).to_be_visible()
    _audit(page, "06-fete")
    page.context.set_offline(True)
    page.reload()
    expect(page.locator(".family-qr svg")).to_be_visible()
    expect(page.get_by_text("Ce code marche aussi sans internet.")).to_be_visible()
    _shot(page, "07-fete-offline")
    page.context.set_offline(False)

    # after the return: the story
    Project.objects.filter(pk=project.pk).update(status="returned")
    page.goto("/famille/")
    expect(page.get_by_role("heading", name="Racontez vos vacances")).to_be_visible()
    page.get_by_role("button", name="Raconter mes vacances").click()
    _audit(page, "08-story")
    page.get_by_label("Vos vacances en quelques mots").fill(
        "La mer pour la première fois. Léo a fait du vélo."
    )
    picture = tmp_path / "plage.png"
    picture.write_bytes(family.png().read())
    page.get_by_label("Une photo (si vous voulez)").set_input_files(str(picture))
    page.get_by_label("Je suis d'accord pour que mon récit soit publié").check()
    page.get_by_label("Avec notre prénom").check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Merci. Votre récit est enregistré.")).to_be_visible()
    story = Story.objects.get()
    assert story.may_be_published and story.photos.count() == 1
    _audit(page, "09-story-saved")

    page.get_by_role("link", name="Retour à l'accueil").click()
    page.get_by_role("link", name="Mon argent").first.click()
    _audit(page, "10-budget")

    page.get_by_role("button", name="Sortir de mon espace").click()
    expect(page.get_by_role("heading", name="À bientôt")).to_be_visible()
    _audit(page, "11-left")
    page.goto("/famille/")
    expect(page.get_by_role("heading", name="Entrer dans mon espace")).to_be_visible()
    _audit(page, "12-closed")


def test_code_page_and_refused_link(phone):
    granted, _ = _setup()
    page = phone
    page.goto("/famille/sms/")
    _audit(page, "13-sms")
    page.get_by_label("Votre numéro de portable").fill("07 99 99 99 99")
    page.get_by_role("button", name="Recevoir un code").click()
    expect(page.get_by_text("Si ce numéro est connu")).to_be_visible()
    _audit(page, "13-sms-code")
    page.goto("/famille/code/")
    _audit(page, "13-code")
    page.get_by_label("Votre code").fill("ZZZZZ-ZZZZZ")
    page.get_by_role("button", name="Entrer").click()
    expect(page.get_by_text("Ce lien ou ce code ne marche pas")).to_be_visible()
    _audit(page, "14-code-wrong")
    page.get_by_label("Votre code").fill(granted.code)
    page.get_by_role("button", name="Entrer").click()
    expect(page).to_have_url(re.compile(r"/famille/$"))
    services.access_revoke(actor=_worker(granted), access=granted.access)
    page.goto(granted.link.split("testserver", 1)[1])
    expect(page.get_by_text("Cet accès est arrêté")).to_be_visible()
    _audit(page, "15-refused")


def _worker(granted):
    from partez.organisations.models import Membership

    return Membership.objects.get(user=granted.access.created_by, organisation=granted.access.organisation)


def test_worker_gives_the_letter_code_then_withdraws_it(page, chromium, live_server):
    from partez.family.models import FamilyAccess

    granted, _ = _setup()
    worker = _worker(granted)
    household = granted.access.household
    log_in(page, worker.user.username)
    page.goto(f"/foyers/{household.pk}/")
    section = page.locator("section", has=page.get_by_role("heading", name="Espace famille"))
    expect(section).to_contain_text("valable jusqu'au")
    check_page(page, "family-staff-01-household")
    _shot(page, "staff-01-household")
    section.get_by_role("link", name="Donner l'accès à l'espace famille").click()
    check_page(page, "family-staff-02-invite")
    _shot(page, "staff-02-invite")
    page.get_by_label("Courrier (code à taper)").check()
    page.get_by_label("Numéro que la famille peut appeler").fill("03 21 11 22 33")
    page.get_by_role("button", name="Donner l'accès").click()
    expect(page.get_by_role("heading", name="Votre espace vacances sur votre téléphone")).to_be_visible()
    check_page(page, "family-staff-03-letter")
    _shot(page, "staff-03-letter")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Imprimer le courrier")).to_be_hidden()
    page.screenshot(path=str(SHOTS / "staff-04-letter-print.png"), full_page=True)
    page.emulate_media(media="screen")
    code = page.locator(".family-code-print").inner_text()

    family_context = chromium.new_context(viewport=PHONE_390, locale="fr-FR", base_url=live_server.url)
    mother = family_context.new_page()
    mother.goto("/famille/code/")
    mother.get_by_label("Votre code").fill(code)
    mother.get_by_role("button", name="Entrer").click()
    expect(mother.get_by_text("03 21 11 22 33")).to_be_visible()

    page.goto(f"/foyers/{household.pk}/")
    access = FamilyAccess.objects.filter(channel="letter").latest("created_at")
    page.get_by_role(
        "button", name=f"Retirer l'accès Courrier (code à taper) du {access.created_at:%d/%m/%Y}"
    ).first.click()
    expect(page.get_by_text("L'accès de la famille est retiré")).to_be_visible()
    mother.reload()
    expect(mother.get_by_role("heading", name="Entrer dans mon espace")).to_be_visible()
    family_context.close()
