"""The public simulator in a real browser, on a phone: fill the household in (rows added and removed
by JavaScript), see the aids explained (swapped in by htmx, focus moved to the result), correct an
error; and the same form without JavaScript. Every state is audited by :func:`check_page`."""

import re

import pytest
from playwright.sync_api import expect

from partez.households.models import Household
from partez.territory.models import Commune
from tests import factories

from .helpers import PHONE, SCREENSHOTS, check_page

pytestmark = pytest.mark.browser


def exactly(label: str) -> re.Pattern:
    """A label matched whole, before Django's French label suffix ("Situation", not "En situation…")."""
    return re.compile(rf"^{re.escape(label)}\s*:?$")


@pytest.fixture
def territory(transactional_db):
    """A live-server test starts from a flushed database: communes, schemes, the 2026 edition."""
    from partez.schemes.services import catalogue_sync
    from partez.territory.data import load_communes

    load_communes()
    catalogue_sync()
    edition = factories.EditionFactory(year=2026)
    edition.communes.add(Commune.objects.get(insee_code="62498"))
    return edition


def fill_stay_and_resources(page):
    page.get_by_label("Commune de résidence").select_option(label="Lens")
    page.get_by_label("Date de départ").fill("2026-07-11")
    page.get_by_label("Nombre de nuits").fill("7")
    page.get_by_label("Coût total du séjour (€)").fill("900,50")
    page.get_by_label("Revenus imposables annuels du foyer (€)").fill("16 800")
    page.get_by_label("Prestations familiales par mois (€)").fill("310")
    page.get_by_label("Revenu fiscal de référence (€)").fill("16500")
    page.get_by_label("Nombre de parts fiscales").fill("2,5")
    page.get_by_label("Le foyer est-il imposable ?").select_option(label="Non, non imposable")


def test_simulate_on_a_phone_with_htmx(page, territory):
    page.goto("/simulateur/")
    expect(page.get_by_role("heading", level=1)).to_have_text("À quelles aides ai-je droit ?")
    expect(page.get_by_text("Rien n'est enregistré").first).to_be_visible()
    expect(page.get_by_role("navigation", name="Navigation principale").get_by_role("link")).to_have_count(1)
    rows = page.locator("#member-rows .member-row:visible")
    expect(rows).to_have_count(1)  # JavaScript shows one blank row at a time
    check_page(page, "30-simulator-form")

    page.set_viewport_size(PHONE)
    page.evaluate("window.__notReloaded = true")
    fill_stay_and_resources(page)
    first = rows.nth(0)
    first.get_by_label("Prénom").fill("Nadia")
    first.get_by_label("Date de naissance").fill("1986-03-14")
    first.get_by_label(exactly("Situation")).select_option(label="Salarié·e")

    page.get_by_role("button", name="Ajouter une personne").click()
    expect(rows).to_have_count(2)
    second = rows.nth(1)
    expect(second.get_by_label("Prénom")).to_be_focused()
    second.get_by_label("Prénom").fill("Yanis")
    second.get_by_label("Date de naissance").fill("2005-09-02")
    expect(second.get_by_label("Adulte ou enfant")).to_have_value("child")
    second.get_by_label(exactly("Situation")).select_option(label="Apprenti·e, alternant·e")

    # A third person added by mistake, then removed: the row is emptied and ignored.
    page.get_by_role("button", name="Ajouter une personne").click()
    expect(rows).to_have_count(3)
    rows.nth(2).get_by_label("Date de naissance").fill("1950-01-01")
    page.get_by_role("button", name="Retirer la personne 3").click()
    expect(rows).to_have_count(2)
    expect(page.locator("#id_membres-2-birth_date")).to_have_value("")
    expect(page.get_by_role("button", name="Ajouter une personne")).to_be_focused()

    page.get_by_role("button", name="Voir les aides possibles").click()
    result = page.get_by_role("heading", name="Résultat de la simulation")
    expect(result).to_be_focused()
    assert page.evaluate("window.__notReloaded") is True  # swapped in by htmx
    expect(page.locator("#resultat")).to_contain_text("Commune : Lens — participe à l'édition 2026.")
    # Yanis is 20 on the day: no longer a dependent child for the CAF, so Nadia counts 1 part.
    expect(
        page.get_by_role("heading", name=re.compile("Votre quotient familial CAF : 1.710,00"))
    ).to_be_visible()
    expect(page.locator("#resultat")).to_contain_text("non compté(s) comme à charge")
    plan = page.get_by_role("region", name="Plan de financement")
    expect(plan.get_by_role("row", name=re.compile("Reste à votre charge"))).to_be_visible()
    depart = page.locator("article.scheme-card", has=page.get_by_role("heading", name="Départ 18:25"))
    expect(depart.locator(".verdict")).to_contain_text("Possible pour ce séjour")
    expect(depart.locator(".criteria")).to_contain_text("Yanis : 20 ans")
    seniors = page.locator("article.scheme-card", has=page.get_by_role("heading", name="Seniors en Vacances"))
    expect(seniors.locator(".verdict")).to_contain_text("Pas possible pour ce séjour")
    expect(seniors.locator("li.ko").first).to_contain_text("Non rempli")
    expect(page.locator(".example-note").first).to_contain_text("Exemple modifiable")
    # The form is still there, as filled, to try another stay.
    expect(page.get_by_role("heading", name="Modifier la simulation")).to_be_visible()
    expect(rows).to_have_count(2)
    check_page(page, "31-simulator-result")

    page.set_viewport_size(PHONE)
    page.get_by_label("Date de départ").fill("")
    page.get_by_label("Coût total du séjour (€)").fill("-5")
    page.get_by_role("button", name="Voir les aides possibles").click()
    summary = page.get_by_role("alert").filter(has_text="La simulation n'a pas pu être faite")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Date de départ : Ce champ est obligatoire.")
    expect(summary).to_contain_text("Le montant ne peut pas être négatif.")
    expect(page.get_by_label("Date de départ")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("heading", name="Résultat de la simulation")).to_have_count(0)
    summary.get_by_role("link", name=re.compile("^Date de départ")).click()
    expect(page.get_by_label("Date de départ")).to_be_focused()
    check_page(page, "32-simulator-errors")
    assert not Household.objects.exists()


def test_the_form_works_without_javascript(chromium, live_server, territory):
    context = chromium.new_context(
        viewport=PHONE, locale="fr-FR", java_script_enabled=False, base_url=live_server.url
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto("/simulateur/")
        rows = page.locator("#member-rows .member-row")
        expect(rows).to_have_count(6)
        for row in rows.all():
            expect(row).to_be_visible()
        expect(page.get_by_role("button", name="Ajouter une personne")).to_be_hidden()
        fill_stay_and_resources(page)
        rows.nth(0).get_by_label("Date de naissance").fill("1986-03-14")
        rows.nth(2).get_by_label("Date de naissance").fill("2016-05-20")  # row 2 left blank
        page.get_by_role("button", name="Voir les aides possibles").click()
        expect(page.get_by_role("heading", name="Résultat de la simulation")).to_be_visible()
        expect(page.locator("#resultat")).to_contain_text("Parent isolé : 2 parts.")
        # axe-core and the overflow check need JavaScript: a screenshot only, for a human to look at.
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "33-simulator-result-no-js-phone.png", full_page=True)
    finally:
        context.close()
