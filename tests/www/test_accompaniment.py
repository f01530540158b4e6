"""The accompaniment's pages: the screening posted with the family, the plan accepted and its
steps done, the mobility and a registration from the project's page, query budgets of the
project's accompaniment, the workshops list and a workshop's page (constant in their rows), the
bilan for a funder with small cells hidden, and the API's two reads."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partez.accompaniment import services
from partez.accompaniment.models import BarrierAnswer, Mobility, Registration, Screening, Step
from partez.core.models import AccessLog
from partez.organisations.models import Role
from partez.organisations.services import api_token_create
from tests import factories
from tests.accompaniment import conftest as shared

pytestmark = pytest.mark.django_db
project, screen = shared.project, shared.screen  # the accompaniment tests' fixtures


def _workshop(actor, edition, title="Atelier budget", capacity=10, days=7):
    return services.workshop_save(
        actor=actor,
        edition=edition,
        data=services.WorkshopInput(
            "budget", title, timezone.now() + dt.timedelta(days=days), "Salle des fêtes", capacity
        ),
    )


def test_screening_then_plan_then_steps_done_through_the_pages(client, worker, project):
    client.force_login(worker.user)
    page = client.get(f"/projets/{project.pk}/accompagnement/reperage/").content.decode()
    assert "Pas de voiture" in page and "<legend><h2>Mobilité</h2></legend>" in page
    response = client.post(
        f"/projets/{project.pk}/accompagnement/reperage/",
        {
            "screened_on": timezone.localdate().isoformat(),
            "left_to_pay": "250",
            "q_no_car": "on",
            "note_no_car": "Bus seulement",
        },
    )
    assert response.status_code == 302
    screening = Screening.objects.get(project=project)
    assert screening.left_to_pay_cents == 25_000
    assert BarrierAnswer.objects.get(screening=screening, code="no_car").note == "Bus seulement"
    page = client.get(f"/projets/{project.pk}/accompagnement/").content.decode()
    assert (
        "Bus seulement" in page and "Accepter le plan proposé" in page and "pas de moyen de transport" in page
    )
    client.post(f"/projets/{project.pk}/accompagnement/plan/", {"kind": ["transport", "debrief"]})
    assert sorted(Step.objects.filter(project=project).values_list("kind", flat=True)) == [
        "debrief",
        "transport",
    ]
    transport = Step.objects.get(project=project, kind="transport")
    client.post(f"/projets/{project.pk}/accompagnement/etapes/{transport.pk}/", {"done": "1"})
    transport.refresh_from_db()
    assert transport.done_on == timezone.localdate()
    page = client.get(f"/projets/{project.pk}/").content.decode()
    assert "prochaine étape <strong>Bilan après le séjour avec la famille</strong>" in page


def test_a_refused_screening_shows_its_errors_and_saves_nothing(client, worker, project):
    client.force_login(worker.user)
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    page = client.post(
        f"/projets/{project.pk}/accompagnement/reperage/", {"screened_on": future}
    ).content.decode()
    assert "ne peut pas être dans le futur" in page and not Screening.objects.exists()


def test_mobility_and_registration_from_the_project_page(client, worker, referent, project, edition):
    workshop = _workshop(referent, edition, capacity=1)
    client.force_login(worker.user)
    client.post(
        f"/projets/{project.pk}/accompagnement/mobilite/",
        {"mode": "train", "reduced_fares": "Carte Famille nombreuse", "cost": "84.50", "note": ""},
    )
    assert Mobility.objects.get(project=project).cost_cents == 8450
    page = client.get(f"/projets/{project.pk}/accompagnement/").content.decode()
    assert "Carte Famille nombreuse" in page and "Au budget du projet, le transport compte" in page
    client.post(f"/projets/{project.pk}/accompagnement/ateliers/", {"workshop": workshop.pk, "seats": 1})
    r = Registration.objects.get(workshop=workshop)
    assert r.status == "registered" and r.project == project
    page = client.get(f"/ateliers/{workshop.pk}/").content.decode()
    assert project.household.reference in page and f"/pointage/{workshop.roster_id}/" in page


def test_accompaniment_page_query_budget(
    client, worker, referent, project, screen, edition, django_assert_max_num_queries
):
    screen(project, "no_car", "never_left")
    services.plan_accept(actor=worker, project=project)
    for i in range(3):
        services.workshop_register(
            actor=worker, workshop=_workshop(referent, edition, f"Atelier {i}"), household=project.household
        )
    client.force_login(worker.user)
    with django_assert_max_num_queries(24):
        response = client.get(f"/projets/{project.pk}/accompagnement/")
    assert response.status_code == 200 and "Atelier 2" in response.content.decode()
    assert AccessLog.objects.filter(action="read.accompaniment").exists()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_workshop_pages_cost_the_same_whatever_their_rows(client, referent, worker, edition, ccas, commune):
    client.force_login(worker.user)

    def registered(n):
        workshop = _workshop(referent, edition, f"Atelier {n}", capacity=3)
        for _ in range(n):
            h = factories.HouseholdFactory(commune=commune, created_by_organisation=ccas)
            factories.PersonFactory(household=h)
            services.workshop_register(actor=worker, workshop=workshop, household=h)
        return workshop

    small = registered(1)
    client.get("/ateliers/")  # the session and the current edition, read once
    few = (_queries(client, "/ateliers/"), _queries(client, f"/ateliers/{small.pk}/"))
    large = registered(5)
    for i in range(4):
        registered(i)
    many = (_queries(client, "/ateliers/"), _queries(client, f"/ateliers/{large.pk}/"))
    assert few == many and many[0] <= 8 and many[1] <= 10
    page = client.get(f"/ateliers/{large.pk}/").content.decode()
    assert "Liste d'attente" in page and page.count("Annuler<span") == 5


def test_bilan_for_a_funder_hides_small_cells(client, edition):
    funder = factories.MembershipFactory(organisation=factories.FunderFactory(slug="caf"), role=Role.FUNDER)
    client.force_login(funder.user)
    page = client.get("/accompagnement/bilan/").content.decode()
    assert "Autonomie" in page and "masqué" in page


def test_api_project_accompaniment_and_workshops(client, worker, referent, project, screen, edition):
    screen(project, "no_car")
    services.plan_accept(actor=worker, project=project, kinds=["transport"])
    workshop = _workshop(referent, edition)
    services.workshop_register(actor=worker, workshop=workshop, household=project.household, project=project)
    token = api_token_create(membership=worker, name="test")[1]
    headers = {"Authorization": f"Bearer {token}"}
    body = client.get(f"/api/v1/projects/{project.pk}/accompaniment", headers=headers).json()
    step = Step.objects.get(project=project)
    assert body == {
        "barriers": [{"kind": "no_car", "note": "note no_car"}],
        "steps": [
            {"kind": "transport", "label": step.label, "due_on": step.due_on.isoformat(), "done_on": None}
        ],
        "workshops": [{"id": workshop.pk, "title": "Atelier budget", "attended": False}],
    }
    rows = client.get(f"/api/v1/workshops?edition={edition.year}", headers=headers).json()
    assert [(w["id"], w["taken"], w["capacity"], w["waitlisted"]) for w in rows] == [(workshop.pk, 1, 10, 0)]
    assert client.get("/api/v1/workshops?edition=1990", headers=headers).status_code == 404


def test_the_coordination_rewords_the_screening_for_its_edition(client, coordinator_org, edition):
    coordination = factories.MembershipFactory(organisation=coordinator_org, role=Role.COORDINATOR)
    client.force_login(coordination.user)
    page = client.get("/accompagnement/questions/").content.decode()
    assert "questions par défaut" in page and 'value="no_car"' in page
    data = {"q-TOTAL_FORMS": "1", "q-INITIAL_FORMS": "0"}  # the sheet cut down to one question
    data |= {
        "q-0-code": "no_car",
        "q-0-category": "mobility",
        "q-0-wording": "Le foyer n'a pas de voiture",
        "q-0-is_active": "on",
    }
    response = client.post("/accompagnement/questions/", data)
    assert response.status_code == 302
    from partez.accompaniment.selectors import questions_for

    assert [q.wording for q in questions_for(edition)] == ["Le foyer n'a pas de voiture"]


def test_the_coordination_sees_autonomy_per_commune(client, coordinator_org, ccas, commune):
    """Six households helped last year: three left again alone, two with help again, one not."""
    coordination = factories.MembershipFactory(organisation=coordinator_org, role=Role.COORDINATOR)
    last, this = factories.EditionFactory(year=2024), factories.EditionFactory(year=2025)
    for i in range(6):
        h = factories.HouseholdFactory(commune=commune, created_by_organisation=ccas)
        factories.PersonFactory(household=h)
        before = factories.ProjectFactory(household=h, organisation=ccas, edition=last, status="evaluated")
        Step.objects.create(project=before, kind="preparation", label="Préparer")
        if i < 5:
            after = factories.ProjectFactory(household=h, organisation=ccas, edition=this, status="departed")
            if i >= 3:
                Step.objects.create(project=after, kind="preparation", label="Préparer")
    client.force_login(coordination.user)
    page = client.get("/accompagnement/bilan/?annee=2025").content.decode()
    assert "les foyers aidés en 2024, en 2025" in page
    assert (
        '<th scope="row">Lens</th><td class="num">6</td><td class="num">3</td><td class="num">0</td><td class="num">2</td><td class="num">1</td><td class="num">3</td>'
        in page
    )
