"""The Fête's scan page in a real browser, through bad Wi-Fi: offline, 20 codes typed (as a USB
scanner types them, Enter after each) queue on the device; back online they are sent, giving
20 check-ins and no duplicate. Then a stand: a household found in the preloaded roster, its
chèques signed for on the canvas, the receipt. axe-core audits the scan and hand-over pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from partez.fete.models import Checkin, Handover, Invitation
from partez.households.models import Household
from partez.schemes.services import catalogue_sync
from tests import factories
from tests.factories.fete import build_fete

from .helpers import CHROMIUM, DESKTOP, PHONE, check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/fete-shots")
# Chromium reports the requests that fail offline, and 4xx answers, as console errors: the page
# expects both (it queues, or shows the server's message), so they are not JavaScript errors.
EXPECTED = re.compile(r"net::ERR_INTERNET_DISCONNECTED|status of 4\d\d")


@pytest.fixture
def scan_page(chromium, live_server):
    context = chromium.new_context(
        viewport=PHONE, locale="fr-FR", timezone_id="Europe/Paris", base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on(
        "console",
        lambda msg: (
            errors.append(f"console: {msg.text}")
            if msg.type == "error" and not EXPECTED.search(msg.text)
            else None
        ),
    )
    yield page
    context.close()
    assert not errors, "JavaScript errors in the browser:\n" + "\n".join(errors)


def _setup():
    catalogue_sync()
    edition = factories.EditionFactory()
    lens = factories.CommuneFactory(insee_code="62498", name="Lens")
    lievin = factories.CommuneFactory(insee_code="62510", name="Liévin")
    ccas = factories.OrganisationFactory(kind="commune", commune=lens, name="CCAS de Lens")
    other = factories.OrganisationFactory(kind="commune", commune=lievin, name="CCAS de Liévin")
    s = build_fete(edition, lens, ccas, lievin, other, households_per_commune=2)
    households = Household.objects.bulk_create(
        [Household(reference=f"F-B{i:04d}", commune=lens, created_by_organisation=ccas) for i in range(20)]
    )
    s.gate_codes = [f"GATE{i:06d}" for i in range(20)]
    Invitation.objects.bulk_create(
        [
            Invitation(fete=s.fete, household=h, commune=lens, code=code, label=f"Foyer {i}", entitlements=[])
            for i, (h, code) in enumerate(zip(households, s.gate_codes, strict=True))
        ]
    )
    return s


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, viewport in (("phone", {"width": 390, "height": 844}), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(PHONE)


def test_gate_offline_then_online_and_stand_handover(scan_page):
    assert Path(CHROMIUM).exists()
    s = _setup()
    page = scan_page
    log_in(page, s.volunteer.user.username)
    page.goto("/fete/pointage/")
    check_page(page, "fete-01-scan-choose")
    page.get_by_role("link", name="Entrée").click()
    expect(page.get_by_role("heading", name="Entrée", level=1)).to_be_visible()
    check_page(page, "fete-02-scan-gate")

    page.context.set_offline(True)
    expect(page.locator("#network")).to_contain_text("Hors ligne")
    code = page.get_by_label("Code d'invitation")
    for c in s.gate_codes:
        code.fill(f"{c[:5]}-{c[5:]}".lower())  # typed as printed, in lower case
        code.press("Enter")
    expect(page.locator("#pending")).to_have_text("20")
    assert Checkin.objects.count() == 0
    _shot(page, "scan-gate-offline")

    page.context.set_offline(False)
    expect(page.locator("#pending")).to_have_text("0", timeout=20_000)
    assert Checkin.objects.filter(checkin_list=s.gate).count() == 20
    assert Checkin.objects.values("invitation_id").distinct().count() == 20

    code.fill(s.gate_codes[0])  # scanned again: a new operation, refused as already checked in
    code.press("Enter")
    expect(page.locator("#result")).to_contain_text("Déjà pointé sur cette liste")
    assert Checkin.objects.count() == 20
    _shot(page, "scan-gate-online")

    # A stand: the household comes from the preloaded roster, signs, gets its receipt.
    page.goto("/fete/pointage/")
    page.get_by_role("link", name="Stand de Lens").click()
    code = page.get_by_label("Code d'invitation")
    code.fill(s.invitation.code)
    code.press("Enter")
    expect(page.get_by_role("heading", name="Remise des chèques")).to_be_visible()
    expect(page.locator("#handover-total")).to_have_text("100,00 €")
    check_page(page, "fete-03-handover")
    pad = page.locator("#signature")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 30)
    page.mouse.down()
    for i in range(1, 12):
        page.mouse.move(box["x"] + 20 + i * 20, box["y"] + 30 + (i % 3) * 15)
    page.mouse.up()
    page.get_by_role("button", name="Valider la remise").click()
    expect(page.get_by_role("link", name=re.compile(r"Voir le reçu R-"))).to_be_visible()
    assert Handover.objects.filter(invitation=s.invitation).count() == 1
    _shot(page, "scan-stand-receipt")
    page.get_by_role("link", name=re.compile(r"Voir le reçu R-")).click()
    expect(page.get_by_role("heading", name=re.compile("Reçu de remise"))).to_be_visible()
    check_page(page, "fete-04-receipt")
    _shot(page, "receipt")

    # Another commune's code at this stand: refused, naming the right stand.
    page.goto(f"/fete/pointage/{s.stand.pk}/")
    code = page.get_by_label("Code d'invitation")
    code.fill(s.other_invitation.code)
    code.press("Enter")
    expect(page.locator("#result")).to_contain_text("attendu au stand « Stand de Liévin »")


def test_coordination_pages(scan_page):
    """The ledger and Fête pages of the coordination, and the public RSVP, pass axe-core at desktop
    and phone widths; the commune referent prepares a household's chèques."""
    s = _setup()
    page = scan_page
    page.set_viewport_size(DESKTOP)
    log_in(page, s.coordination.user.username)
    for url, heading, name in [
        ("/cheques/", "Chèques-vacances", "fete-10-cheques"),
        ("/cheques/commandes/nouvelle/", "Nouvelle commande", "fete-11-order"),
        ("/cheques/attribution/", "Attribuer des carnets", "fete-12-allocate"),
        ("/cheques/preparation/?commune=62498", "Préparer les chèques des foyers", "fete-13-preparation"),
        ("/fete/", "Fête des vacances", "fete-14-home"),
        ("/fete/invitations/", "Invitations", "fete-15-invitations"),
        ("/fete/compteur/", "Compteur en direct", "fete-16-counter"),
    ]:
        page.goto(url)
        expect(page.get_by_role("heading", name=re.compile(heading), level=1)).to_be_visible()
        check_page(page, name)
        _shot(page, name)
    page.goto("/cheques/preparation/?commune=62498")
    page.get_by_role("button", name="Annuler la préparation").first.click()
    expect(page.get_by_text("Préparation annulée")).to_be_visible()
    page.get_by_role("button", name="Préparer").first.click()
    expect(page.get_by_text("chèque(s) préparé(s)")).to_be_visible()
    page.context.clear_cookies()
    page.goto(f"/fete/r/{s.invitation.code}/")
    check_page(page, "fete-17-rsvp")
    _shot(page, "fete-17-rsvp")
    page.get_by_role("button", name="Oui, nous viendrons").click()
    expect(page.get_by_text("Merci, votre réponse est enregistrée.")).to_be_visible()


def test_a_volunteers_phone_flow_lands_on_the_scan_page_and_every_outcome_says_why(scan_page):
    """Issue 13, item 8: the volunteer logs in and lands on the scan page; the header is compact
    and the result sits above the scanner; a code with nothing to hand over, a missing signature
    and another commune's code each show their reason; axe-core clean at phone width."""
    s = _setup()
    nothing = Household.objects.create(
        reference="F-RIEN01",
        commune=s.invitation.commune,
        created_by_organisation=s.invitation.household.created_by_organisation,
    )
    camping_only = Invitation.objects.create(
        fete=s.fete,
        household=nothing,
        commune=s.invitation.commune,
        code="RIENAREMET",
        label="Foyer sans chèques",
        entitlements=[
            {"kind": "camping", "label": "Séjour commun : convocation et documents", "amount_cents": None}
        ],
    )
    page = scan_page
    log_in(page, s.volunteer.user.username)
    expect(page).to_have_url(re.compile(r"/fete/pointage/$"))  # not the dashboard
    page.get_by_role("link", name="Stand de Lens").click()
    expect(page.locator(".site-header.compact")).to_be_visible()
    expect(page.locator(".site-header .switcher")).to_be_hidden()
    result, code = page.locator("#result"), page.get_by_label("Code d'invitation")
    assert result.bounding_box()["y"] < code.bounding_box()["y"]  # the result on top

    code.fill(camping_only.code)
    code.press("Enter")
    expect(result).to_contain_text("rien à remettre ici")
    expect(result).to_contain_text("pas de chèques-vacances attribués")
    expect(result).to_contain_text("remettez sa convocation")
    expect(page.locator("#handover-panel")).to_be_hidden()

    code.fill(s.invitation.code)
    code.press("Enter")
    expect(page.get_by_role("heading", name="Remise des chèques")).to_be_visible()
    page.get_by_role("button", name="Valider la remise").click()  # no signature yet
    expect(page.locator("#handover-error")).to_contain_text("Signature obligatoire")
    expect(result).to_contain_text("la signature du foyer est obligatoire")
    assert not Handover.objects.filter(invitation=s.invitation).exists()
    check_page(page, "fete-05-signature-required")

    code.fill(s.other_invitation.code)
    code.press("Enter")
    expect(result).to_contain_text("Mauvais stand")
    expect(result).to_contain_text("Stand de Liévin")
    expect(page.locator("#handover-panel")).to_be_hidden()  # the previous household's is closed
    check_page(page, "fete-06-wrong-stand")
    _shot(page, "scan-stand-reasons")
