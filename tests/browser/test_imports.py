"""A commune referent imports the sample commune file: uploads it, reads every error in the
preview, fixes a row in place, confirms, follows the job and lands on what was imported;
axe-core and the phone width on the upload and preview pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from partez.households.models import Household
from partez.imports import services
from partez.organisations.models import Role
from tests import factories

from .helpers import check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLE = Path(services.__file__).parents[1] / "demo" / "samples" / "foyers-commune.csv"


def test_import_the_sample_file_fix_a_row_and_confirm(page):
    lens = factories.CommuneFactory(insee_code="62498", name="Lens")
    ccas = factories.OrganisationFactory(kind="commune", commune=lens, name="CCAS de Lens", slug="ccas-lens")
    referent = factories.MembershipFactory(organisation=ccas, role=Role.COMMUNE_REFERENT)
    # a family of the file already known in Liévin (it moved): the import finds it
    lievin = factories.CommuneFactory(insee_code="62510", name="Liévin")
    lievin_ccas = factories.OrganisationFactory(kind="commune", commune=lievin, name="CCAS de Liévin")
    known = factories.HouseholdFactory(
        commune=lievin, created_by_organisation=lievin_ccas, caf_number="9208474"
    )
    factories.PersonFactory(
        household=known, relation="head", last_name="Chartier", first_name="Thibaut", birth_date="1961-12-17"
    )
    coordination = factories.OrganisationFactory(kind="coordinator", commune=None, name="Coordination")
    coordinator = factories.MembershipFactory(organisation=coordination, role=Role.COORDINATOR)

    page.expected_console_errors = ["status of 400"]  # the upload form answered with its errors
    log_in(page, referent.user.username)
    page.goto("/foyers/")
    page.get_by_role("button", name="Importer un fichier").click()
    expect(page.get_by_role("heading", name="Importer un fichier de foyers", level=1)).to_be_visible()
    page.get_by_role("button", name="Lire le fichier et voir l'aperçu").click()  # nothing filled in
    expect(page.get_by_text("Choisissez le fichier à importer.")).to_be_visible()
    expect(page.get_by_text("Indiquez quand le consentement a été recueilli.")).to_be_visible()
    check_page(page, "import-01-upload-errors")

    page.get_by_label("Fichier Excel (.xlsx) ou CSV").set_input_files(str(SAMPLE))
    page.get_by_label("Traitement du dossier et accompagnement").check()
    page.get_by_label("Date du recueil du consentement").fill("2026-01-05")
    page.get_by_role("button", name="Lire le fichier et voir l'aperçu").click()

    expect(page.get_by_role("heading", name="Import « foyers-commune.csv »", level=1)).to_be_visible()
    expect(
        page.get_by_text("Ligne 11 · Date de naissance : Date impossible : « 31/02/1975 ».")
    ).to_be_visible()
    expect(page.get_by_text("Ligne 12 · Commune : Commune inconnue")).to_be_visible()
    expect(page.get_by_role("button", name="Importer 7 foyers")).to_be_visible()
    check_page(page, "import-02-preview")

    row = page.locator("#ligne-11")  # the first household's form is open
    row.get_by_label("Date de naissance").fill("28/02/1975")
    row.get_by_role("button", name="Enregistrer la ligne 11").click()
    expect(page.get_by_text("Ligne 11 corrigée.")).to_be_visible()
    expect(page.get_by_role("button", name="Importer 8 foyers")).to_be_visible()

    page.get_by_role("button", name="Importer 8 foyers").click()
    expect(page.get_by_text("Terminé")).to_be_visible()
    page.get_by_role("button", name="Voir le résultat").click()
    expect(page.get_by_role("region", name="Ce que l'import a fait")).to_contain_text("8foyers créés")
    assert Household.objects.filter(created_by_organisation=ccas).count() == 8
    check_page(page, "import-03-done")

    # the coordination reviews the duplicate the import found and merges it
    page.get_by_role("button", name="Se déconnecter").click()
    log_in(page, coordinator.user.username)
    page.goto("/foyers/doublons/")
    expect(page.get_by_text("même n° allocataire (9208474)")).to_be_visible()
    check_page(page, "import-04-duplicates")
    page.get_by_role("link", name="Examiner").first.click()
    expect(page.get_by_role("heading", name="Même famille ?", level=1)).to_be_visible()
    page.get_by_label(f"{known.reference} (Liévin)").check()
    page.get_by_role("button", name="Voir la fusion avec ce choix").click()
    check_page(page, "import-05-merge-preview")
    page.get_by_role("button", name=f"C'est la même famille : fusionner dans {known.reference}").click()
    expect(page.get_by_text("Foyers fusionnés")).to_be_visible()
    assert Household.objects.filter(persons__last_name="Chartier").count() == 1
