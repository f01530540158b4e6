"""The social worker's main journey in a real browser: log in → create a household (with a person
row added by JavaScript) → create a holiday project → submit it; plus bad input, the htmx search
and the export job. Every page visited is audited by :func:`check_page`."""

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partez.core.money import euros
from partez.households.models import Household
from partez.jobs.models import Job, JobStatus
from partez.projects.models import Project
from tests import factories

from .helpers import check_page, go_to, log_in

pytestmark = pytest.mark.browser


def exactly(label: str) -> re.Pattern:
    """A label matched whole, before Django's French label suffix (no-break space and colon):
    "Nom" but not "Nom du jeton"."""
    return re.compile(rf"^{re.escape(label)}\s*:?$")


def test_log_in_create_household_and_project_then_submit(page, worker, edition):
    page.goto("/connexion/")
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    check_page(page, "01-login")
    log_in(page, worker.user.username)

    expect(page.get_by_role("heading", level=1)).to_have_text("CCAS de Lens")
    check_page(page, "02-dashboard")

    go_to(page, "Accompagner", "Foyers")
    expect(page.get_by_role("heading", name="Foyers", level=1)).to_be_visible()
    expect(page.get_by_text("Aucun foyer ne correspond à la recherche.")).to_be_visible()
    check_page(page, "03-household-list-empty")

    page.get_by_role("link", name="Tableau de bord").click()
    page.get_by_role("button", name="Nouveau foyer").click()
    expect(page).to_have_url(re.compile(r"/foyers/nouveau/$"))
    check_page(page, "04-household-form")

    # The organisation's commune is preselected; choose it explicitly anyway.
    page.get_by_label("Commune de résidence").select_option("62498")
    page.get_by_label("Revenus imposables annuels après abattements (€)").fill("18000")
    page.get_by_label("Prestations familiales mensuelles (€)").fill("150")
    rows = page.locator("#persons fieldset.person-row")
    head = rows.nth(0)
    head.get_by_label("Prénom").fill("Nadia")
    head.get_by_label(exactly("Nom")).fill("Benali")
    head.get_by_label("Date de naissance").fill("1988-03-14")
    expect(head.get_by_label("Lien")).to_have_value("head")
    head.get_by_label(exactly("Situation professionnelle")).select_option(label="Salarié·e")

    page.get_by_role("button", name="Ajouter une personne").click()
    expect(rows).to_have_count(2)
    child = rows.nth(1)
    expect(child.locator("legend")).to_have_text("Personne 2")
    expect(child.get_by_label("Prénom")).to_be_focused()  # the JS moves focus to the new row
    child.get_by_label("Prénom").fill("Yanis")
    child.get_by_label(exactly("Nom")).fill("Benali")
    child.get_by_label("Date de naissance").fill("2016-09-02")
    child.get_by_label("Lien").select_option("child")
    child.get_by_label(exactly("Scolarité")).select_option(label="À l'école, au collège ou au lycée")
    expect(page.locator("#id_persons-TOTAL_FORMS")).to_have_value("2")

    page.get_by_label("Traitement du dossier et accompagnement").check()  # nothing ticked in advance
    page.get_by_label("Partage avec les autres structures qui suivent le foyer").check()
    page.get_by_label("Répondre à l'enquête de satisfaction, comptée sans nom dans le bilan").check()
    page.get_by_label(
        "J'ai informé le foyer de l'usage de ses données et recueilli son consentement."
    ).check()
    page.get_by_role("button", name="Créer le foyer").click()

    expect(page.get_by_role("status")).to_contain_text("créé")
    household = Household.objects.get()
    assert household.persons.count() == 2
    assert sorted(household.consents.get().scopes) == ["casework", "sharing", "statistics"]
    expect(page).to_have_url(re.compile(rf"/foyers/{household.pk}/$"))
    # (18 000 / 12 + 150) / parts: 2.5 parts, or 3 with the optional single-parent half part.
    assert household.qf_euros in (660, 550)
    expect(page.get_by_role("heading", level=2, name=re.compile("Quotient familial"))).to_have_text(
        f"Quotient familial CAF : {euros(household.qf_cents)}"  # the explanation's very figure
    )
    explanation = page.locator("ol.explanation li")
    expect(explanation.first).to_be_visible()
    expect(page.locator("ol.explanation")).to_contain_text("Parent isolé")
    expect(page.get_by_role("cell", name="BENALI Yanis")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Foyer Benali Nadia")
    check_page(page, "05-household-detail")

    page.get_by_role("button", name="Nouveau projet de départ").click()
    expect(page.get_by_role("heading", name="Nouveau projet de départ", level=1)).to_be_visible()
    check_page(page, "06-project-form")
    page.get_by_label("Format du séjour").select_option(label="Séjour individuel")
    travellers = page.get_by_role("group", name="Qui part ?")
    expect(travellers.get_by_role("checkbox")).to_have_count(2)
    for box in travellers.get_by_role("checkbox").all():  # nobody by default: ticked explicitly
        expect(box).not_to_be_checked()
        box.check()
    page.get_by_label(exactly("Destination")).fill("Berck-sur-Mer")
    page.get_by_label("Département de destination").fill("62")
    page.get_by_label("Date de départ").fill("2025-07-12")
    page.get_by_label("Date de retour").fill("2025-07-19")
    page.get_by_label("Hébergement (€)").fill("420")
    page.get_by_label("Transport (€)").fill("64.50")
    page.get_by_role("button", name="Créer le projet (brouillon)").click()

    project = Project.objects.get()
    expect(page).to_have_url(re.compile(rf"/projets/{project.pk}/$"))
    expect(page.locator("hgroup .badge")).to_have_text("Brouillon")
    expect(page.locator("tfoot")).to_contain_text("484,50")
    assert project.status == "draft"
    assert project.travellers.count() == 2
    assert project.nights == 7
    check_page(page, "07-project-detail-draft")

    page.get_by_role("button", name="Déposer le dossier").click()  # refused: no plan, no documents
    expect(page.locator("hgroup .badge")).to_have_text("Brouillon")
    expect(page.get_by_text("Choisissez un plan de financement avant de déposer le dossier.")).to_be_visible()
    factories.complete_file(project, worker, aid=False)  # documents in, a plan chosen
    page.reload()
    page.get_by_role("button", name="Déposer le dossier").click()
    expect(page.locator("hgroup .badge")).to_have_text("Déposé")
    project.refresh_from_db()
    assert project.status == "submitted"
    check_page(page, "08-project-detail-submitted")


def test_future_birth_date_is_shown_next_to_the_field_and_nothing_is_created(page, worker, edition):
    log_in(page, worker.user.username)
    page.goto("/foyers/nouveau/")
    head = page.locator("#persons fieldset.person-row").first
    head.get_by_label("Prénom").fill("Nadia")
    head.get_by_label(exactly("Nom")).fill("Benali")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    head.get_by_label("Date de naissance").fill(tomorrow.isoformat())
    page.get_by_label(
        "J'ai informé le foyer de l'usage de ses données et recueilli son consentement."
    ).check()
    page.get_by_role("button", name="Créer le foyer").click()

    expect(page).to_have_url(re.compile(r"/foyers/nouveau/$"))
    expect(page.get_by_role("alert")).to_contain_text("Le foyer n'a pas été créé.")
    row = page.locator("#persons fieldset.person-row").first
    birth_date = row.get_by_label("Date de naissance")
    # The message sits in the field's own block and is tied to the input for screen readers.
    field = row.locator(".field.has-error", has=page.get_by_label("Date de naissance"))
    expect(field.locator(".errorlist")).to_have_text("La date de naissance ne peut pas être dans le futur.")
    expect(birth_date).to_have_attribute("aria-invalid", "true")
    expect(birth_date).to_have_accessible_description(
        re.compile("La date de naissance ne peut pas être dans le futur.")
    )
    expect(birth_date).to_have_value(tomorrow.isoformat())  # what was typed is kept
    assert not Household.objects.exists()
    check_page(page, "09-household-form-errors")


def test_household_search_updates_results_with_htmx(page, worker, ccas, commune):
    for last_name, first_name in [("Martin", "Claire"), ("Durand", "Paul"), ("Dupuis", "Inès")]:
        h = factories.HouseholdFactory(commune=commune, created_by_organisation=ccas)
        factories.PersonFactory(household=h, relation="head", last_name=last_name, first_name=first_name)
    log_in(page, worker.user.username)
    page.goto("/foyers/")
    results = page.locator("#results tbody tr")
    expect(results).to_have_count(3)
    check_page(page, "10-household-list")
    page.evaluate("window.__notReloaded = true")

    with page.expect_response(lambda r: "q=Du" in r.url and r.request.headers.get("hx-request") == "true"):
        page.get_by_label("Nom, date de naissance ou référence").press_sequentially("Du")
    expect(results).to_have_count(2)
    expect(page.locator("#results")).to_contain_text("2 foyers")
    expect(page.locator("#results")).not_to_contain_text("MARTIN")

    with page.expect_response(lambda r: "q=Dur" in r.url):
        page.get_by_label("Nom, date de naissance ou référence").press("r")
    expect(results).to_have_count(1)
    expect(results.first.get_by_role("link")).to_have_text("DURAND Paul")
    assert page.evaluate("window.__notReloaded") is True  # results swapped in, page not reloaded
    expect(page).to_have_url(re.compile(r"[?&]q=Dur"))  # the search is bookmarkable
    check_page(page, "11-household-list-search")


def test_export_job_completes_and_offers_the_file(page, worker, household):
    log_in(page, worker.user.username)
    page.goto("/foyers/")
    page.get_by_role("button", name="Exporter (XLSX)").click()

    job = Job.objects.get()
    expect(page).to_have_url(re.compile(rf"/traitements/{job.pk}/$"))
    progress = page.locator("progress")
    expect(progress).to_have_attribute("value", "100")
    expect(page.get_by_text("Terminé")).to_be_visible()
    assert job.status == JobStatus.DONE
    check_page(page, "13-job-detail-done")

    with page.expect_download() as info:
        page.get_by_role("button", name=re.compile("^Télécharger")).click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as fh:
        workbook = openpyxl.load_workbook(io.BytesIO(fh.read()), read_only=True)
    cells = {str(c) for row in workbook.active.iter_rows(values_only=True) for c in row if c is not None}
    workbook.close()
    assert household.reference in cells

    page.get_by_role("navigation", name="Fil d'Ariane").get_by_role("link", name="Traitements").click()
    expect(page.get_by_role("cell", name=job.label)).to_be_visible()
    check_page(page, "14-job-list")


def test_job_page_polls_progress_until_done(page, worker):
    job = Job.objects.create(
        kind="households_export",
        label="Export des foyers — CCAS de Lens",
        organisation=worker.organisation,
        created_by=worker.user,
        status=JobStatus.RUNNING,
        progress=40,
        message="2 foyers sur 5",
    )
    log_in(page, worker.user.username)
    page.goto(f"/traitements/{job.pk}/")
    progress = page.get_by_role("progressbar")
    expect(progress).to_have_attribute("value", "40")
    expect(page.locator("#job-progress label")).to_have_text("En cours — 2 foyers sur 5")
    expect(page.get_by_role("button", name="Annuler le traitement")).to_be_visible()
    check_page(page, "12-job-detail-running")

    # The worker finishes: the page, polling every second, shows it without a manual reload.
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE, progress=100, message="5 foyers sur 5")
    expect(page.locator("#job-progress label")).to_have_text("Terminé — 5 foyers sur 5", timeout=5_000)
    expect(progress).to_have_attribute("value", "100")
    expect(page.get_by_role("button", name="Annuler le traitement")).to_have_count(0)


def test_team_and_api_token_pages(page, worker, referent):
    log_in(page, referent.user.username)
    go_to(page, "Réseau", "Équipe")
    expect(page.get_by_role("heading", level=1)).to_have_text("Équipe de CCAS de Lens")
    expect(page.get_by_role("cell", name=str(worker.user), exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=f"Désactiver {worker.user}")).to_be_visible()
    check_page(page, "15-members")

    page.get_by_role("link", name="Jetons d'API").click()
    expect(page.get_by_role("cell", name="Aucun jeton.")).to_be_visible()
    check_page(page, "16-tokens-empty")
    page.get_by_label("Nom du jeton").fill("tablette stand Lens")
    page.get_by_role("button", name=re.compile("^Créer un jeton")).click()
    expect(page.get_by_role("status")).to_contain_text("Votre nouveau jeton")
    expect(page.get_by_role("cell", name="tablette stand Lens", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Révoquer le jeton tablette stand Lens")).to_be_visible()
    check_page(page, "17-tokens-created")


def test_coordination_creates_an_edition_and_a_milestone(page, coordinator_org, edition):
    from partez.organisations.models import Role
    from partez.territory.data import load_communes
    from partez.territory.models import Edition
    from tests.factories import MembershipFactory

    load_communes()  # a live-server test starts from a flushed database
    coordination = MembershipFactory(organisation=coordinator_org, role=Role.COORDINATOR)
    log_in(page, coordination.user.username)
    go_to(page, "Administration", "Éditions")
    check_page(page, "18-editions")
    page.get_by_role("button", name="Nouvelle édition").click()  # a link styled (and announced) as a button
    page.get_by_label("Année").fill("2026")
    page.get_by_label("Nom").fill("10 000 départs 2026")
    page.get_by_label("Début").fill("2026-01-05")
    page.get_by_label("Fin").fill("2026-12-18")
    for name in ["Lens", "Liévin", "Avion"]:
        page.get_by_label(name, exact=True).check()
    check_page(page, "19-edition-form")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("10 000 départs 2026")
    page.get_by_text("Ajouter une étape").click()
    page.get_by_role("combobox", name="Étape").select_option("fete")
    page.get_by_label("Date prévue").fill("2026-06-27")
    page.get_by_role("button", name="Ajouter", exact=True).click()
    expect(page.get_by_role("cell", name="Fête des vacances")).to_be_visible()
    check_page(page, "20-edition-detail")
    assert Edition.objects.get(year=2026).communes.count() == 3
