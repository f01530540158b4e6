"""Bearer-token authentication and the OpenAPI document."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from partez.organisations.services import membership_deactivate

from .conftest import ApiClient, token_for


def assert_401(response):
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer", "Bearer    ", "Basic dXNlcjpwYXNz", "Token abc", "ptz_sans-schema"],
    ids=["empty", "bearer-alone", "bearer-blank", "basic", "other-scheme", "no-scheme"],
)
def test_missing_or_malformed_header_is_401_in_french(db, authorization):
    response = ApiClient(authorization=authorization).get("/households")
    assert_401(response)
    assert "Authorization: Bearer" in response.json()["detail"]


def test_unknown_token_is_401(db):
    response = ApiClient("ptz_inconnu").get("/households")
    assert_401(response)
    assert response.json()["detail"] == "Jeton d'API invalide ou révoqué."


def test_revoked_token_is_401(api_as):
    assert_401(api_as("revoked_token").get("/households"))


def test_token_of_deactivated_membership_is_401(worker, referent):
    api = ApiClient(token_for(worker))
    assert api.get("/households").status_code == 200
    membership_deactivate(actor=referent, membership=worker)
    assert_401(api.get("/households"))


def test_token_of_deactivated_user_is_401(worker):
    api = ApiClient(token_for(worker))
    get_user_model().objects.filter(pk=worker.user_id).update(is_active=False)
    assert_401(api.get("/households"))


def test_token_of_deactivated_organisation_is_401(worker, ccas):
    api = ApiClient(token_for(worker))
    ccas.is_active = False
    ccas.save(update_fields=["is_active"])
    assert_401(api.get("/households"))


def test_session_login_is_not_enough(worker, client):
    client.force_login(worker.user)
    assert_401(client.get("/api/v1/households"))


def test_openapi_document_is_served_and_lists_every_path(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert set(doc["paths"]) >= {
        "/api/v1/households",
        "/api/v1/households/{household_id}",
        "/api/v1/projects",
        "/api/v1/projects/{project_id}",
        "/api/v1/projects/{project_id}/transitions",
    }
    assert set(doc["paths"]["/api/v1/households"]) == {"get", "post"}
    assert doc["components"]["securitySchemes"]["BearerToken"] == {"type": "http", "scheme": "bearer"}
    listed = doc["paths"]["/api/v1/households"]["get"]
    assert {p["name"] for p in listed["parameters"]} == {"commune", "q", "limit", "offset"}
    assert {"400", "401", "403", "422"} <= set(listed["responses"])


def test_docs_page_is_served_without_cdn(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"cdn." not in response.content


def test_writes_with_a_token_need_no_csrf_token(worker, household, edition):
    """API clients are scripts, not browsers: the bearer token is the only credential checked."""
    client = Client(enforce_csrf_checks=True)
    head = household.persons.get(relation="head")
    response = client.post(
        "/api/v1/projects",
        {"household_id": household.pk, "format": "individual", "travellers": [head.pk]},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_for(worker)}"},
    )
    assert response.status_code == 201, response.content
