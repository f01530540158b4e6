"""GET /api/v1/projects/{id}/eligibility: every scheme's verdict and the plan, for a project."""

import pytest

from partez.projects.models import BudgetLine

from .conftest import NO_CASEWORK


def test_every_scheme_with_its_reasons_and_the_plan(worker_api, project):
    response = worker_api.get(f"/projects/{project.pk}/eligibility")
    assert response.status_code == 200
    body = response.json()
    # Claire and Léo, 1,500 € a month + 200 € of benefits, 2.5 parts → QF 680 €
    assert body["quotient_familial_cents"] == 68_000
    assert body["date"] == "2025-07-14" and body["nights"] == 7
    schemes = {s["slug"]: s for s in body["schemes"]}
    assert len(schemes) == 9
    apv = schemes["apv"]
    assert apv["eligible"] and apv["aid_cents"] == 25_000  # 50 % of 505.50 €, down to 10 €
    assert {c["label"] for c in apv["criteria"]} >= {"Quotient familial CAF", "Premier départ (foyer)"}
    seniors = schemes["seniors-en-vacances"]
    assert not seniors["eligible"]
    assert any(c["label"] == "Format du séjour" and not c["passed"] for c in seniors["criteria"])
    plan = body["plan"]
    assert [line["scheme"] for line in plan["lines"]][:1] == ["apv"]
    assert plan["total_aid_cents"] + plan["remaining_cents"] == 50_550


def test_a_project_without_budget_is_refused_naming_the_field(worker_api, project):
    BudgetLine.objects.filter(project=project).delete()
    response = worker_api.get(f"/projects/{project.pk}/eligibility")
    assert response.status_code == 400
    assert "budget" in response.json()["errors"]


@pytest.mark.parametrize("who", NO_CASEWORK)
def test_roles_without_casework_are_refused(api_as, project, who):
    assert api_as(who).get(f"/projects/{project.pk}/eligibility").status_code == 403


def test_another_organisation_gets_404(api_as, project):
    assert api_as("other_org_worker").get(f"/projects/{project.pk}/eligibility").status_code == 404


def test_query_count_is_fixed(worker_api, project, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):
        assert worker_api.get(f"/projects/{project.pk}/eligibility").status_code == 200
