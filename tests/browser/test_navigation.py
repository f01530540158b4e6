"""The main navigation in a real browser, for four roles: each sees only the groups it may use,
desktop (a row of drop-downs, keyboard: Enter opens, Escape closes and gives the focus back) and
phone (one « Menu » button), with the organisation and the edition always in view; the same menu
works without JavaScript. Every page is audited by :func:`check_page` (axe-core, phone width)."""

import pytest
from playwright.sync_api import expect

from partez.organisations.models import Role
from tests import factories

from .helpers import DESKTOP, PASSWORD, PHONE, check_page, go_to, log_in

pytestmark = pytest.mark.browser

GROUPS = {  # role → the groups of its menu, in order
    "coordinator": [
        "Accompagner",
        "Décider",
        "Financer",
        "Séjours",
        "Fête",
        "Réseau",
        "Bilan",
        "Administration",
    ],
    "social_worker": ["Accompagner", "Financer", "Séjours", "Réseau", "Bilan"],
    "volunteer": ["Financer", "Fête", "Réseau"],
    "funder": ["Financer", "Réseau", "Bilan"],
}


@pytest.fixture
def members(edition, ccas, coordinator_org):
    funder = factories.FunderFactory(name="CAF du Pas-de-Calais", slug="caf")
    return {
        "coordinator": factories.MembershipFactory(
            organisation=coordinator_org, role=Role.COORDINATOR, user__username="coordination"
        ),
        "social_worker": factories.MembershipFactory(
            organisation=ccas, role=Role.SOCIAL_WORKER, user__username="travailleuse"
        ),
        "volunteer": factories.MembershipFactory(
            organisation=coordinator_org, role=Role.VOLUNTEER, user__username="benevole"
        ),
        "funder": factories.MembershipFactory(organisation=funder, role=Role.FUNDER, user__username="caf"),
    }


def _summaries(page):
    return page.get_by_role("navigation", name="Navigation principale").locator(".nav-group > summary")


@pytest.mark.parametrize("role", list(GROUPS))
def test_each_role_sees_its_groups_on_desktop_and_phone(page, members, edition, role):
    m = members[role]
    log_in(page, m.user.username)
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(_summaries(page)).to_have_text(GROUPS[role])
    expect(nav.get_by_role("link", name="Tableau de bord")).to_have_attribute("aria-current", "page")
    expect(page.get_by_text(f"Organisation : {m.organisation.name}")).to_be_visible()
    expect(page.locator(".edition-now")).to_have_text(f"Édition : {edition.year}")
    expect(nav.get_by_text("Menu", exact=True)).to_be_hidden()  # desktop: the groups themselves
    expect(nav.locator(".nav-group ul").first).to_be_hidden()  # drop-downs closed
    check_page(page, f"nav-{role}-01-closed")
    _summaries(page).first.click()
    expect(nav.locator(".nav-group ul").first).to_be_visible()
    check_page(page, f"nav-{role}-02-open")

    page.set_viewport_size(PHONE)
    expect(nav.get_by_text("Menu", exact=True)).to_be_visible()
    expect(_summaries(page).first).to_be_hidden()
    expect(page.locator(".edition-now")).to_be_visible()
    nav.get_by_text("Menu", exact=True).click()
    expect(_summaries(page)).to_have_text(GROUPS[role])
    page.screenshot(path=f"var/screenshots/nav-{role}-03-phone-menu.png", full_page=True)
    page.set_viewport_size(DESKTOP)


def test_the_keyboard_opens_and_closes_a_group_and_the_link_marks_the_page(page, members):
    log_in(page, members["coordinator"].user.username)
    nav = page.get_by_role("navigation", name="Navigation principale")
    financer = nav.locator("summary", has_text="Financer")
    financer.focus()
    page.keyboard.press("Enter")
    expect(nav.get_by_role("link", name="Dispositifs")).to_be_visible()
    nav.locator("summary", has_text="Fête").click()  # opening another group closes the first
    expect(nav.get_by_role("link", name="Dispositifs")).to_be_hidden()
    expect(nav.get_by_role("link", name="Pointage")).to_be_visible()
    page.keyboard.press("Escape")
    expect(nav.get_by_role("link", name="Pointage")).to_be_hidden()
    expect(nav.locator("summary", has_text="Fête")).to_be_focused()

    go_to(page, "Financer", "Dispositifs")
    expect(page.get_by_role("heading", name="Dispositifs", level=1)).to_be_visible()
    expect(nav.locator("summary.nav-active")).to_have_text("Financer")
    financer.click()
    expect(nav.get_by_role("link", name="Dispositifs")).to_have_attribute("aria-current", "page")
    check_page(page, "nav-coordinator-04-current")


def test_the_menu_works_without_javascript(chromium, live_server, members):
    context = chromium.new_context(
        viewport=PHONE, locale="fr-FR", java_script_enabled=False, base_url=live_server.url
    )
    try:
        page = context.new_page()
        page.goto("/connexion/")
        page.get_by_label("Identifiant").fill(members["social_worker"].user.username)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        nav = page.get_by_role("navigation", name="Navigation principale")
        nav.get_by_text("Menu", exact=True).click()
        nav.locator("summary", has_text="Accompagner").click()
        nav.get_by_role("link", name="Foyers").click()
        expect(page.get_by_role("heading", name="Foyers", level=1)).to_be_visible()
        page.set_viewport_size(DESKTOP)  # no script: « Menu » opens the row of groups
        nav.get_by_text("Menu", exact=True).click()
        expect(nav.locator("summary", has_text="Réseau")).to_be_visible()
    finally:
        context.close()
