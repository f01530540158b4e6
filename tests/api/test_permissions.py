"""The permission matrix: every endpoint × (no/bad/revoked token, each role, another organisation).

Roles that never see case files get a 403 whatever the object; a case-work role of another
organisation gets a 404 on objects it cannot see (never a 403 that would reveal them)."""

import pytest

from partez.households.models import Household
from partez.projects.models import Project

from .conftest import OTHER_ORG, ROLES, UNAUTHENTICATED

EVERYONE = [*UNAUTHENTICATED, *ROLES]


def expected(who: str, *, ok: int, other_org: int) -> int:
    if who in UNAUTHENTICATED:
        return 401
    if who in ("funder", "volunteer", "host"):
        return 403
    if who == OTHER_ORG:
        return other_org
    return ok


def assert_json_status(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    if status >= 400:
        assert response.json()["detail"]


@pytest.mark.parametrize("who", EVERYONE)
def test_households_list(api_as, who, household):
    response = api_as(who).get("/households")
    assert_json_status(response, expected(who, ok=200, other_org=200))
    if response.status_code == 200:
        ids = [item["id"] for item in response.json()["items"]]
        assert ids == ([] if who == OTHER_ORG else [household.pk])


@pytest.mark.parametrize("who", EVERYONE)
def test_household_detail(api_as, who, household):
    response = api_as(who).get(f"/households/{household.pk}")
    assert_json_status(response, expected(who, ok=200, other_org=404))
    if response.status_code == 200:
        assert response.json()["reference"] == household.reference


@pytest.mark.parametrize("who", EVERYONE)
def test_household_create(api_as, who, commune):
    before = Household.objects.count()
    response = api_as(who).post(
        "/households",
        {
            "commune": commune.insee_code,
            "persons": [
                {"first_name": "Inès", "last_name": "Durand", "birth_date": "1990-02-03", "relation": "head"}
            ],
            "consent_scopes": ["casework"],
        },
    )
    # Any case-work role may open a household in its own organisation, the other CCAS included.
    assert_json_status(response, expected(who, ok=201, other_org=201))
    assert Household.objects.count() == before + (1 if response.status_code == 201 else 0)


@pytest.mark.parametrize("who", EVERYONE)
def test_project_detail(api_as, who, project):
    response = api_as(who).get(f"/projects/{project.pk}")
    assert_json_status(response, expected(who, ok=200, other_org=404))
    if response.status_code == 200:
        assert response.json()["reference"] == project.reference


@pytest.mark.parametrize("who", EVERYONE)
def test_project_create(api_as, who, household, edition):
    before = Project.objects.count()
    head = household.persons.get(relation="head")
    response = api_as(who).post(
        "/projects", {"household_id": household.pk, "format": "individual", "travellers": [head.pk]}
    )
    assert_json_status(response, expected(who, ok=201, other_org=404))
    if who == OTHER_ORG:
        assert response.json()["errors"] == {"household_id": "Foyer introuvable."}
    assert Project.objects.count() == before + (1 if response.status_code == 201 else 0)


@pytest.mark.parametrize("who", EVERYONE)
def test_project_transition_submit(api_as, who, complete_project):
    project = complete_project
    response = api_as(who).post(f"/projects/{project.pk}/transitions", {"action": "submit"})
    assert_json_status(response, expected(who, ok=200, other_org=404))
    project.refresh_from_db()
    assert project.status == ("submitted" if response.status_code == 200 else "draft")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("commune_referent", 200),
        ("social_worker", 403),
        ("volunteer", 403),
        (OTHER_ORG, 404),
    ],
)
def test_project_transition_validate_needs_a_decision_role(api_as, who, status, complete_project, worker):
    project = complete_project
    from partez.projects.services import project_transition

    project_transition(actor=worker, project=project, action="submit")
    response = api_as(who).post(f"/projects/{project.pk}/transitions", {"action": "validate"})
    assert_json_status(response, status)
    project.refresh_from_db()
    assert project.status == ("validated" if status == 200 else "submitted")
    if status == 403 and who == "social_worker":
        assert response.json()["detail"] == "Votre rôle ne permet pas cette action sur le projet."


def test_the_403_for_roles_without_casework_does_not_depend_on_the_object(api_as):
    """A funder gets the same answer for an id that exists and one that does not."""
    api = api_as("funder")
    for path in ("/households/999999", "/projects/999999"):
        response = api.get(path)
        assert response.status_code == 403
        assert response.json()["detail"] == "Votre rôle ne donne pas accès aux dossiers des foyers."


def test_commune_referent_sees_residents_not_followed_by_her_ccas(api_as, commune, other_org):
    """A CCAS sees its commune's residents that another structure follows only when the
    household agreed to share its file (« sharing » consent)."""
    from tests import factories

    resident = factories.HouseholdFactory(commune=commune, created_by_organisation=other_org)
    factories.PersonFactory(household=resident)
    assert api_as("commune_referent").get(f"/households/{resident.pk}").status_code == 404
    resident.consents.update(scopes=["casework", "sharing"])
    assert api_as("commune_referent").get(f"/households/{resident.pk}").status_code == 200
    assert api_as("coordinator").get(f"/households/{resident.pk}").status_code == 200
    assert api_as(OTHER_ORG).get(f"/households/{resident.pk}").status_code == 200
