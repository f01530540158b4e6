"""The coordination's journey on the scheme catalogue in a real browser: the list → Départ 18:25
(rules in French, dated values, cases, history) → add a dated value → see it in the table and in
the history; then the YAML editor refusing an invalid definition with the field named. A social
worker reads the same page without the editing links. Every page is audited by check_page."""

import re

import pytest
from playwright.sync_api import expect

from partez.organisations.models import Role
from partez.schemes import services
from partez.schemes.models import Scheme
from tests import factories

from .helpers import check_page, go_to, log_in

pytestmark = pytest.mark.browser

SOURCE = "https://www.ancv.com/depart-18-25-baremes-2027"


@pytest.fixture
def coordination(coordinator_org):
    services.catalogue_sync()  # live_server tests flush the tables the migration filled
    return factories.MembershipFactory(
        organisation=coordinator_org, role=Role.COORDINATOR, user__username="coordination"
    )


def test_coordination_adds_a_dated_value_then_the_yaml_editor_refuses_an_error(page, coordination):
    log_in(page, coordination.user.username)
    go_to(page, "Financer", "Dispositifs")
    expect(page.get_by_role("heading", name="Dispositifs", level=1)).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(9)
    check_page(page, "schemes-01-list")

    page.get_by_role("link", name="Départ 18:25").click()
    expect(page.get_by_role("heading", name="Départ 18:25", level=1)).to_be_visible()
    expect(page.get_by_text("Avoir de 18 à 25 ans le jour du départ (chaque bénéficiaire)")).to_be_visible()
    expect(
        page.get_by_text("80 % du coût, au plus 250 €, en laissant au moins 50 € à charge")
    ).to_be_visible()
    expect(page.get_by_text("12 conformes sur 12")).to_be_visible()
    check_page(page, "schemes-02-detail")

    max_amount = page.locator("#param-max_amount")
    expect(max_amount.locator("tbody tr")).to_have_count(5)
    max_amount.get_by_role("link", name="Ajouter une valeur datée").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ajouter une valeur datée : Montant maximum de l'aide"
    )
    check_page(page, "schemes-03-add-value")

    # First an error: the date of an existing value. Nothing is saved, the field says why.
    page.get_by_label("En vigueur à partir du").fill("2022-01-01")
    page.get_by_label("Valeur (€)").fill("300")
    page.get_by_label("Source").fill(SOURCE)
    page.get_by_label("Motif de la modification").fill("Barème 2027 publié par l'ANCV")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".has-error")).to_contain_text("deux valeurs commencent le 01/01/2022.")
    assert Scheme.objects.get(slug="depart-18-25").version == 1
    check_page(page, "schemes-04-add-value-error")

    page.get_by_label("En vigueur à partir du").fill("2027-01-01")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("enregistrées en version 2")
    expect(page).to_have_url(re.compile(r"/dispositifs/depart-18-25/#param-max_amount$"))
    rows = page.locator("#param-max_amount tbody tr")
    expect(rows).to_have_count(6)
    expect(rows.last).to_contain_text("01/01/2027")
    expect(rows.last).to_contain_text("300 €")
    expect(rows.last).to_contain_text("à venir")
    history = page.locator("#versions").locator("xpath=..")
    expect(history).to_contain_text("Barème 2027 publié par l'ANCV")
    expect(history).to_contain_text("« Montant maximum de l'aide » : nouvelle valeur au 01/01/2027 : 300 €")
    check_page(page, "schemes-05-detail-after")

    # The advanced editor: an unquoted rate is refused with its path named; nothing saved.
    page.get_by_role("button", name="Éditeur avancé (YAML)").click()
    editor = page.get_by_label("Définition (YAML)")
    source = editor.input_value()
    assert "value: '0.8'" in source
    editor.fill(source.replace("value: '0.8'", "value: 0.8"))
    page.get_by_label("Motif de la modification").fill("Taux 2022")
    page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    expect(page.get_by_role("alert")).to_contain_text("Rien n'a été enregistré.")
    expect(page.locator(".has-error")).to_contain_text(
        "parameters.share.values[4].value : doit être un nombre"
    )
    assert Scheme.objects.get(slug="depart-18-25").version == 2
    check_page(page, "schemes-06-yaml-error")


def test_a_social_worker_reads_the_rules_without_editing(page, coordination, worker):
    log_in(page, worker.user.username)
    page.goto("/dispositifs/seniors-en-vacances/")
    expect(page.get_by_text("Séjour hors juillet et août")).to_be_visible()
    expect(page.get_by_role("link", name="Ajouter une valeur datée")).to_have_count(0)
    expect(page.get_by_role("button", name="Éditeur avancé (YAML)")).to_have_count(0)
    check_page(page, "schemes-07-detail-social-worker")
