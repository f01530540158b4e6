"""The second factor in a real browser: a coordinator logs in, is sent to enrolment, adds the
authenticator (its code computed here from the key the page shows, as an app would), keeps the
recovery codes, logs out, logs in with a code, then with a recovery code; the account and the
coordination's security pages; a locked-out login. Every page is audited by :func:`check_page`."""

import re

import pytest
from playwright.sync_api import expect

from partez.core.models import AuditLog
from partez.organisations.models import Role
from tests import factories

from .helpers import PASSWORD, check_page, log_in, totp_code
from .test_fete import _setup as _fete_setup
from .test_fete import scan_page  # noqa: F401  (the fixture: a phone whose expected errors are offline ones)

pytestmark = pytest.mark.browser


def _password_step(page, username, password=PASSWORD):
    page.goto("/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def _log_out(page):
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()


def test_enrol_a_second_factor_log_in_with_it_then_with_a_recovery_code(page, coordinator_org):
    coordination = factories.MembershipFactory(organisation=coordinator_org, role=Role.COORDINATOR)
    username = coordination.user.username

    _password_step(page, username)
    expect(page).to_have_url(re.compile(r"/compte/second-facteur/\?next="))
    expect(page.get_by_role("heading", name="Activer le second facteur")).to_be_visible()
    expect(page.get_by_text("Votre rôle demande un second facteur")).to_be_visible()
    expect(page.locator(".qr-code svg")).to_be_visible()
    check_page(page, "accounts-01-enrol")
    # the other pages stay closed until the second factor is active
    page.goto("/foyers/")
    expect(page).to_have_url(re.compile(r"/compte/second-facteur/"))

    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Activer").click()
    expect(page.get_by_text("Ce code ne correspond pas")).to_be_visible()
    check_page(page, "accounts-02-enrol-wrong-code")
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Activer").click()
    expect(page.get_by_role("heading", name="Vos codes de secours")).to_be_visible()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    check_page(page, "accounts-03-recovery-codes")
    page.get_by_role("button", name="J'ai noté mes codes, continuer").click()
    expect(page).to_have_url(re.compile(r"/foyers/$"))  # where the person was going

    _log_out(page)
    _password_step(page, username)
    expect(page.get_by_role("heading", name="Code de connexion")).to_be_visible()
    check_page(page, "accounts-04-verify")
    page.get_by_label("Code").fill(totp_code(secret, 1))  # the current code was used at enrolment
    page.get_by_role("button", name="Valider").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Coordination")

    _log_out(page)
    _password_step(page, username)
    page.get_by_text("Vous n'avez pas votre téléphone ?").click()
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Code de secours utilisé : il vous en reste 9.")).to_be_visible()

    page.get_by_role("link", name="Mon compte").click()
    expect(page.get_by_text("Codes de secours restants : 9.")).to_be_visible()
    check_page(page, "accounts-05-my-account")
    page.get_by_role("link", name="Changer mon mot de passe").click()
    page.get_by_label("Ancien mot de passe").fill(PASSWORD)
    page.get_by_label(re.compile(r"^Nouveau mot de passe\s*:?$")).fill("123")
    page.get_by_label("Confirmation du nouveau mot de passe").fill("123")
    page.get_by_role("button", name="Changer le mot de passe").click()
    expect(page.get_by_text("Ce mot de passe est trop court.", exact=False).first).to_be_visible()
    check_page(page, "accounts-08-password-change-refused")

    _log_out(page)
    _password_step(page, username)
    page.get_by_label("Code").fill(codes[0])  # a recovery code serves once
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Code incorrect ou déjà utilisé.")).to_be_visible()
    actions = list(AuditLog.objects.filter(actor=coordination.user).values_list("action", flat=True))
    assert actions.count("login.second_factor") == 2 and "second_factor.enrol" in actions


def test_locked_out_login_and_the_coordination_unlock(page, coordinator_org, ccas, settings):
    worker = factories.MembershipFactory(organisation=ccas, role=Role.SOCIAL_WORKER)
    coordination = factories.MembershipFactory(organisation=coordinator_org, role=Role.COORDINATOR)
    page.expected_console_errors.append("status of 429 (Too Many Requests)")  # the lockout page
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _password_step(page, worker.user.username, "pas-le-bon")
    _password_step(page, worker.user.username)
    expect(page.get_by_role("alert")).to_contain_text("Trop d'essais de connexion sans succès")
    check_page(page, "accounts-06-locked-out")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    expect(page.get_by_role("heading", name="Mot de passe oublié")).to_be_visible()
    check_page(page, "accounts-09-password-reset")

    # the coordination unlocks from another browser (same address here: it is not locked itself)
    context = page.context.browser.new_context(base_url=page.url.split("/connexion")[0], locale="fr-FR")
    other = context.new_page()
    try:
        log_in(other, coordination.user.username)
        other.goto("/organisation/securite/")
        expect(other.get_by_role("cell", name=f"Compte {worker.user.username}")).to_be_visible()
        check_page(other, "accounts-07-security-page")
        other.get_by_role("button", name=f"Débloquer {worker.user.username}").click()
        expect(other.get_by_text("Connexion débloquée.")).to_be_visible()
    finally:
        context.close()

    _password_step(page, worker.user.username)
    expect(page).to_have_url(re.compile(r"/$"))


def test_logout_from_the_scan_page_leaves_no_roster_and_warns_of_unsent_operations(scan_page):  # noqa: F811
    s = _fete_setup()
    page = scan_page
    log_in(page, s.volunteer.user.username)
    page.goto("/fete/pointage/")
    page.get_by_role("link", name="Entrée").click()
    expect(page.get_by_role("heading", name="Entrée", level=1)).to_be_visible()
    stored = "() => Object.keys(localStorage).filter((k) => k.startsWith('partez-fete-'))"
    assert page.evaluate("() => localStorage.getItem('partez-fete-owner')") == str(s.volunteer.user.pk)

    # the network drops for the check-ins only: one operation stays in the queue
    checkin_url = page.evaluate(
        "() => JSON.parse(document.getElementById('scan-config').textContent).checkin_url"
    )
    page.route(f"**{checkin_url}", lambda route: route.abort("internetdisconnected"))
    code = page.get_by_label("Code d'invitation")
    code.fill(s.gate_codes[0])
    code.press("Enter")
    expect(page.locator("#pending")).to_have_text("1")

    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.locator("#pending")).to_have_text("1")  # cancelled: still logged in, still queued
    assert asked and "1 opération(s) pas encore envoyée(s)" in asked[0] and "perdues" in asked[0]

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    assert page.evaluate(stored) == []
