"""Issue 13 in a browser: a social worker sees every error of a bad household form at once
(a phone that is not one, a negative income, a birth date in the future, a missing first name,
no consent ticked), each beside its field, axe-clean; then the corrected form creates the
household, named on its page, with its situation; the audit log reads as sentences."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partez.households.models import Household
from partez.organisations.models import OrganisationKind, Role
from tests import factories

from .helpers import check_page, log_in

pytestmark = pytest.mark.browser


def exactly(label: str) -> re.Pattern:
    return re.compile(rf"^{re.escape(label)}\s*:?$")


def test_every_error_of_a_bad_household_form_at_once(page, worker, edition):
    log_in(page, worker.user.username)
    page.goto("/foyers/nouveau/")
    for box in page.locator('input[name="consent-scopes"]').all():  # nothing ticked in advance
        expect(box).not_to_be_checked()
    check_page(page, "named-household-form")
    page.get_by_label("Téléphone").fill("pas un numéro")
    page.get_by_label("Revenus imposables annuels après abattements (€)").fill("-100")
    head = page.locator("#persons fieldset.person-row").first
    head.get_by_label(exactly("Nom")).fill("Dupuis")
    tomorrow = timezone.localdate().replace(year=timezone.localdate().year + 1)
    head.get_by_label("Date de naissance").fill(tomorrow.isoformat())
    page.get_by_role("button", name="Créer le foyer").click()

    expect(page.get_by_role("alert").first).to_contain_text("Le foyer n'a pas été créé.")
    errors = page.locator(".errorlist")
    for message in (
        "Numéro de téléphone invalide",
        "Le montant ne peut pas être négatif.",
        "Ce champ est obligatoire.",  # the first name
        "La date de naissance ne peut pas être dans le futur.",
        "Cochez au moins le traitement du dossier",
    ):
        expect(errors.filter(has_text=message)).to_have_count(1)
    expect(page.get_by_label("Téléphone")).to_have_attribute("aria-invalid", "true")
    assert not Household.objects.exists()
    check_page(page, "named-household-form-errors")

    # corrected: the household is created, named on its page, with its situation
    page.get_by_label("Téléphone").fill("06 12 34 56 78")
    page.get_by_label("Revenus imposables annuels après abattements (€)").fill("14000")
    page.get_by_label("RSA (revenu de solidarité active)").check()
    page.get_by_label(exactly("Mobilité")).select_option("licence_no_car")
    head.get_by_label("Prénom").fill("Martine")
    head.get_by_label("Date de naissance").fill("1979-05-02")
    page.get_by_label("Traitement du dossier et accompagnement").check()
    page.get_by_label(
        "J'ai informé le foyer de l'usage de ses données et recueilli son consentement."
    ).check()
    page.get_by_role("button", name="Créer le foyer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Foyer Dupuis Martine")
    household = Household.objects.get()
    assert household.phone == "+33612345678" and household.minimum_benefits == ["rsa"]
    expect(page).to_have_title(re.compile(rf"Dupuis Martine \({household.reference}\)"))
    expect(page.get_by_text("06 12 34 56 78")).to_be_visible()
    expect(page.locator("td", has_text=re.compile(r"02/05/1979 \(\d+ ans\)"))).to_be_visible()
    check_page(page, "named-household-detail")


def test_the_audit_log_reads_as_sentences(page, household):
    coordination = factories.OrganisationFactory(
        kind=OrganisationKind.COORDINATOR, slug="coord", commune=None
    )
    coordinator = factories.MembershipFactory(organisation=coordination, role=Role.COORDINATOR)
    from partez.households import services

    services.household_update(
        actor=coordinator,
        household=household,
        data=services.HouseholdInput(
            commune_insee=household.commune.insee_code,
            annual_taxable_income_cents=household.annual_taxable_income_cents,
            monthly_family_benefits_cents=household.monthly_family_benefits_cents,
            phone="0612345678",
            address="3 rue des Lilas",
        ),
    )
    log_in(page, coordinator.user.username)
    page.goto("/journal-audit/")
    line = page.get_by_role(
        "cell", name=re.compile(r"a modifié le foyer Martin Claire .*: adresse, téléphone")
    )
    expect(line).to_be_visible()
    expect(line.get_by_text("Téléphone : vide → 06 12 34 56 78")).to_be_hidden()  # folded
    line.locator("summary").click()
    expect(line.get_by_text("Téléphone : vide → 06 12 34 56 78")).to_be_visible()
    check_page(page, "named-audit-log")
