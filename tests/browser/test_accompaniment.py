"""The accompaniment's main journey, on a referent's screens: screen a household with the family,
accept the plan the barriers propose, register the household to a workshop, check it in at the
workshop's door, mark the steps done, and see the next step on the dashboard; axe-core on every
page, at desktop and phone widths."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partez.accompaniment import services
from partez.accompaniment.models import Registration, Step
from partez.attendance.models import Ticket
from partez.organisations.models import Role
from tests import factories

from .helpers import check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_screen_plan_workshop_checkin_steps_and_dashboard(page):
    today = timezone.localdate()
    edition = factories.EditionFactory(
        year=(today + dt.timedelta(days=40)).year,
        starts_on=today - dt.timedelta(days=60),
        ends_on=today + dt.timedelta(days=200),
    )
    lens = factories.CommuneFactory(insee_code="62498", name="Lens")
    ccas = factories.OrganisationFactory(kind="commune", commune=lens, name="CCAS de Lens")
    referent = factories.MembershipFactory(organisation=ccas, role=Role.COMMUNE_REFERENT)
    household = factories.HouseholdFactory(commune=lens, created_by_organisation=ccas)
    factories.PersonFactory(household=household, first_name="Nadia", last_name="Exemple")
    start = today + dt.timedelta(days=40)
    project = factories.ProjectFactory(
        household=household,
        organisation=ccas,
        edition=edition,
        start_date=start,
        end_date=start + dt.timedelta(days=7),
        destination="Berck",
    )
    workshop = services.workshop_save(
        actor=referent,
        edition=edition,
        data=services.WorkshopInput(
            "train", "Premier voyage en train", timezone.now() + dt.timedelta(hours=2), "Gare de Lens", 10
        ),
    )

    log_in(page, referent.user.username)
    page.goto(f"/projets/{project.pk}/")
    page.get_by_role("link", name="Freins, plan, mobilité et ateliers").click()
    expect(page.get_by_role("heading", name=f"Accompagnement {project.reference}")).to_be_visible()
    page.get_by_role("button", name="Faire le repérage").click()

    # the screening, with the family
    page.get_by_role("checkbox", name="Pas de voiture").check()
    page.get_by_role("checkbox", name="N'est jamais parti·e en vacances").check()
    page.get_by_label("Note : pas de voiture").fill("Prend le bus pour le travail")
    check_page(page, "accompaniment-01-screening")
    page.get_by_role("button", name="Enregistrer le repérage").click()
    expect(page.get_by_text("Repérage enregistré.")).to_be_visible()
    expect(page.get_by_text("Prend le bus pour le travail")).to_be_visible()
    expect(page.get_by_text("pas de moyen de transport")).to_be_visible()

    # the plan the barriers propose
    page.get_by_role("button", name="Accepter le plan proposé").click()
    expect(page.get_by_text("Étapes ajoutées au plan.")).to_be_visible()
    assert set(Step.objects.filter(project=project).values_list("kind", flat=True)) == {
        "transport",
        "preparation",
        "call_before",
        "debrief",
    }
    expect(page.get_by_text("pas de moyen de transport")).to_have_count(0)

    # a workshop, then its door
    page.get_by_role("combobox", name="Atelier").select_option(str(workshop.pk))
    page.get_by_role("button", name="Inscrire le foyer").click()
    expect(page.get_by_text("Inscription enregistrée.")).to_be_visible()
    check_page(page, "accompaniment-02-plan")
    registration = Registration.objects.get(workshop=workshop, household=household)
    page.get_by_role("link", name="Premier voyage en train").click()
    check_page(page, "accompaniment-03-workshop")
    page.get_by_role("button", name="Pointer à l'entrée").click()
    code = page.get_by_label("Code du billet")
    code.fill(Ticket.objects.get(subject=registration.subject).code)
    code.press("Enter")
    expect(page.locator("#present")).to_have_text("1", timeout=15_000)
    registration.refresh_from_db()
    assert registration.attended_at is not None

    # the steps done, but the call of the week before
    page.goto(f"/projets/{project.pk}/accompagnement/")
    expect(page.get_by_text("Présent", exact=True)).to_be_visible()
    for label in ("Trouver comment voyager", "Rendez-vous de préparation du séjour"):
        page.get_by_role("button", name=f"Marquer faite : {label}", exact=False).click()
        expect(page.get_by_text("faite.", exact=False)).to_be_visible()
    assert Step.objects.filter(project=project, done_on__isnull=False).count() == 2
    expect(page.locator("#prochaine").locator("..")).to_contain_text("Appel de la semaine avant le départ")

    page.goto("/")
    steps = page.get_by_role("region", name="Prochaines étapes d'accompagnement")
    expect(steps).to_contain_text("Appel de la semaine avant le départ")
    expect(steps).to_contain_text(project.reference)
    check_page(page, "accompaniment-04-dashboard")
