"""GET/POST /api/v1/projects and the workflow transitions."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partez.core.models import AuditLog
from partez.households.models import PastDeparture
from partez.projects.models import BudgetLine, ChecklistItem, Project, StatusChange
from partez.projects.services import journal_add, project_transition
from tests import factories

from .conftest import ApiClient, token_for


def counts():
    return {
        m.__name__: m.objects.count() for m in (Project, BudgetLine, ChecklistItem, StatusChange, AuditLog)
    }


# --- detail ----------------------------------------------------------------------------------------


def test_detail_content(worker_api, project, household, worker, ccas):
    journal_add(actor=worker, project=project, text="Premier rendez-vous fait.")
    journal_add(
        actor=worker,
        project=project,
        text="Point budget",
        kind="appointment",
        happens_at=timezone.now() + dt.timedelta(days=3),
    )
    body = worker_api.get(f"/projects/{project.pk}").json()
    assert body["household_id"] == household.pk and body["household_reference"] == household.reference
    assert body["organisation"] == {"id": ccas.pk, "name": "CCAS de Lens"}
    assert (body["edition_year"], body["format"], body["format_label"]) == (
        2025,
        "individual",
        "Séjour individuel",
    )
    assert (body["status"], body["status_label"]) == ("draft", "Brouillon")
    assert [t["first_name"] for t in body["travellers"]] == ["Claire", "Léo"]
    assert (body["destination"], body["destination_department"]) == ("Berck-sur-Mer", "62")
    assert (body["start_date"], body["end_date"], body["nights"]) == ("2025-07-14", "2025-07-21", 7)
    assert [(b["kind"], b["amount_cents"]) for b in body["budget"]] == [
        ("lodging", 42_000),
        ("transport", 8_550),
    ]
    assert body["budget"][0]["kind_label"] == "Hébergement"
    assert body["budget_total_cents"] == 50_550
    assert [t["action"] for t in body["transitions"]] == ["submit", "withdraw"]
    assert body["transitions"][1] == {
        "action": "withdraw",
        "label": "Abandonner",
        "target_status": "withdrawn",
        "needs_reason": True,
    }
    assert len(body["checklist"]) == 5 and body["checklist"][0]["received_at"] is None
    assert [(j["kind"], j["text"]) for j in body["journal"]] == [
        ("appointment", "Point budget"),
        ("note", "Premier rendez-vous fait."),
    ]
    assert body["journal"][0]["organisation"] == "CCAS de Lens"
    assert body["journal"][0]["author"] == worker.user.get_full_name()
    assert body["status_history"] == []


@pytest.mark.parametrize(
    ("who", "actions"),
    [
        ("social_worker", ["withdraw"]),  # may not decide
        ("commune_referent", ["validate", "refuse", "ask_completion", "withdraw"]),
        ("coordinator", ["validate", "refuse", "ask_completion", "withdraw"]),
    ],
)
def test_transitions_are_those_of_the_role(api_as, complete_project, worker, who, actions):
    project = complete_project
    project_transition(actor=worker, project=project, action="submit")
    body = api_as(who).get(f"/projects/{project.pk}").json()
    assert [t["action"] for t in body["transitions"]] == actions
    assert [(s["from_status"], s["to_status"]) for s in body["status_history"]] == [("draft", "submitted")]


def test_detail_of_unknown_id_is_404_json(worker_api):
    response = worker_api.get("/projects/987654")
    assert response.status_code == 404
    assert response.json() == {"detail": "Projet introuvable.", "errors": {}}


def test_detail_query_count_does_not_grow_with_journal_and_budget(worker_api, project, worker):
    worker_api.get(f"/projects/{project.pk}")
    measured = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            assert worker_api.get(f"/projects/{project.pk}").status_code == 200
        measured.append(len(ctx))
        for i in range(5):
            journal_add(actor=worker, project=project, text=f"Note {i}")
            BudgetLine.objects.create(project=project, kind="food", amount_cents=1000)
    assert measured[0] == measured[1], measured


# --- create ----------------------------------------------------------------------------------------


def test_create(worker_api, household, edition, worker):
    before = counts()
    child = household.persons.get(relation="child")
    response = worker_api.post(
        "/projects",
        {
            "household_id": household.pk,
            "format": "sac_ados",
            "travellers": [child.pk],
            "destination": "Gravelines",
            "destination_department": "59",
            "start_date": "2025-08-01",
            "end_date": "2025-08-08",
            "budget": [{"kind": "lodging", "label": "Auberge", "amount_cents": 15_000}],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    project = Project.objects.get(pk=body["id"])
    assert (project.household, project.edition, project.created_by) == (household, edition, worker.user)
    assert list(project.travellers.all()) == [child]
    assert body["status"] == "draft" and body["budget_total_cents"] == 15_000 and body["nights"] == 7
    assert len(body["checklist"]) == 5
    after = counts()
    assert after["Project"] == before["Project"] + 1 and after["BudgetLine"] == before["BudgetLine"] + 1
    assert AuditLog.objects.filter(action="project.create", object_id=str(project.pk)).exists()


def test_create_for_a_given_edition_year(worker_api, household, edition):
    factories.EditionFactory(year=2026)
    head = household.persons.get(relation="head")
    payload = {"household_id": household.pk, "format": "individual", "travellers": [head.pk]}
    assert worker_api.post("/projects", payload).json()["edition_year"] == 2026  # the most recent by default
    assert worker_api.post("/projects", {**payload, "edition_year": 2025}).json()["edition_year"] == 2025


@pytest.fixture
def stranger(db, commune):
    """A person of another household (in the same commune)."""
    other = factories.HouseholdFactory(commune=commune)
    return factories.PersonFactory(household=other)


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ("stranger", 400, "travellers"),
        ({"travellers": []}, 400, "travellers"),
        ({"start_date": "2025-08-10", "end_date": "2025-08-01"}, 400, "end_date"),
        ({"destination_department": "9$"}, 400, "destination_department"),
        ({"budget": [{"kind": "food", "amount_cents": -100}]}, 400, "budget[0].amount_cents"),
        ({"edition_year": 1999}, 400, "edition_year"),
        ({"household_id": 987654}, 404, "household_id"),
        ({"format": "croisiere"}, 422, "format"),
        ({"budget": [{"kind": "casino", "amount_cents": 100}]}, 422, "budget[0].kind"),
        ({"budget": [{"kind": "food", "amount_cents": 10**12}]}, 422, "budget[0].amount_cents"),
        ({"start_date": "14/07/2025"}, 422, "start_date"),
        ({"travellers": "tous"}, 422, "travellers"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    worker_api, household, edition, stranger, changes, status, field
):
    head = household.persons.get(relation="head")
    if changes == "stranger":  # a traveller who is not a member of the household
        changes = {"travellers": [head.pk, stranger.pk]}
    before = counts()
    response = worker_api.post(
        "/projects",
        {"household_id": household.pk, "format": "individual", "travellers": [head.pk], **changes},
    )
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["errors"].get(field) and body["detail"], body
    assert counts() == before


def test_create_for_a_household_of_another_organisation_is_404(api_as, household, edition):
    head = household.persons.get(relation="head")
    response = api_as("other_org_worker").post(
        "/projects", {"household_id": household.pk, "format": "individual", "travellers": [head.pk]}
    )
    assert response.status_code == 404
    assert response.json() == {
        "detail": "Foyer introuvable.",
        "errors": {"household_id": "Foyer introuvable."},
    }


# --- transitions ----------------------------------------------------------------------------------


def post_action(api, project, action, reason=""):
    return api.post(f"/projects/{project.pk}/transitions", {"action": action, "reason": reason})


def test_the_whole_workflow(api_as, complete_project):
    project = complete_project
    worker, referent = api_as("social_worker"), api_as("commune_referent")
    steps = [
        (worker, "submit", "submitted"),
        (referent, "validate", "validated"),
        (referent, "grant_aid", "aid_granted"),
        (worker, "depart", "departed"),
        (worker, "return", "returned"),
        (worker, "evaluate", "evaluated"),
    ]
    for api, action, status in steps:
        response = post_action(api, project, action)
        assert response.status_code == 200, response.content
        assert response.json()["status"] == status
    body = response.json()
    assert body["status_label"] == "Évalué" and body["transitions"] == []
    assert len(body["status_history"]) == 6
    assert PastDeparture.objects.filter(project=project).count() == 2  # both travellers


def test_refuse_with_reason(api_as, complete_project, worker):
    project = complete_project
    project_transition(actor=worker, project=project, action="submit")
    response = post_action(api_as("commune_referent"), project, "refuse", "Hors critères de ressources")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["status_reason"]) == (
        "refused",
        "Hors critères de ressources",
    )


@pytest.mark.parametrize(
    ("who", "action", "reason", "status", "field"),
    [
        ("commune_referent", "validate", "", 400, "action"),  # a draft cannot be validated
        ("social_worker", "evaluate", "", 400, "action"),
        ("social_worker", "withdraw", "  ", 400, "reason"),  # a reason is required
        ("social_worker", "partir", "", 422, "action"),  # not an action at all
    ],
)
def test_illegal_transition_names_the_field_and_saves_nothing(
    api_as, project, who, action, reason, status, field
):
    api = api_as(who)  # creating the token writes the audit log: before counting
    before = counts()
    response = post_action(api, project, action, reason)
    assert response.status_code == status, response.content
    assert response.json()["errors"].get(field), response.json()
    project.refresh_from_db()
    assert project.status == "draft"
    assert counts() == before


def test_submitting_an_incomplete_file_names_the_missing_fields(worker_api, household, edition, worker):
    head = household.persons.get(relation="head")
    created = worker_api.post(
        "/projects", {"household_id": household.pk, "format": "individual", "travellers": [head.pk]}
    )
    project = Project.objects.get(pk=created.json()["id"])
    before = counts()
    response = post_action(worker_api, project, "submit")
    assert response.status_code == 400
    # every missing item at once, including the plan and the required documents
    assert set(response.json()["errors"]) == {"destination", "start_date", "budget", "plan", "checklist"}
    assert counts() == before


def test_transition_of_a_project_of_another_organisation_is_404(members, project):
    response = post_action(ApiClient(token_for(members["other_org_worker"])), project, "withdraw", "test")
    assert response.status_code == 404
    project.refresh_from_db()
    assert project.status == "draft"


def test_create_outside_every_edition_and_over_an_open_project_is_a_400_naming_the_fields(
    worker_api, project, household
):
    """A stay in July 2027 (no edition) and a copy of an open project: one 400, every field named."""
    before = counts()
    persons = [p.pk for p in household.persons.all()]
    payload = {"household_id": household.pk, "format": "individual", "travellers": persons}
    response = worker_api.post(
        "/projects", {**payload, "start_date": "2027-07-10", "end_date": "2027-07-17", "budget": []}
    )
    assert response.status_code == 400
    assert "Aucune édition ne couvre ces dates" in response.json()["errors"]["start_date"]
    response = worker_api.post(
        "/projects",
        {**payload, "start_date": "2025-07-14", "end_date": "2025-07-21", "travellers": []},
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"travellers", "overlap_reason"}
    assert project.reference in response.json()["errors"]["overlap_reason"]
    assert counts() == before
    response = worker_api.post(
        "/projects",
        {**payload, "start_date": "2025-07-14", "end_date": "2025-07-21", "overlap_reason": "Deux séjours"},
    )
    assert response.status_code == 201
