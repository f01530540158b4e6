"""GET /api/v1/bilan: the dashboard's figures as JSON, scoped like the page — each role's token,
filters honoured or not, suppression, errors naming the parameter."""

import json

import pytest
from django.core.management import call_command

from partez.organisations.models import OrganisationKind, Role
from partez.organisations.services import api_token_create
from partez.reports.stats import SUPPRESSED
from tests import factories
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def readers(members):
    """The bilan's readers, plus commune B's social worker and volunteer, a relay structure's
    social worker and a funder with no envelope in the edition."""
    out = dict(members)
    ccas_b = out["referent_b"].organisation
    out["worker_b"] = factories.MembershipFactory(organisation=ccas_b, role=Role.SOCIAL_WORKER)
    out["volunteer_b"] = factories.MembershipFactory(organisation=ccas_b, role=Role.VOLUNTEER)
    relay = factories.OrganisationFactory(kind=OrganisationKind.RELAY, commune=None)
    out["relay_worker"] = factories.MembershipFactory(organisation=relay, role=Role.SOCIAL_WORKER)
    other_funder = factories.FunderFactory(slug="ancv", name="ANCV")
    out["other_funder"] = factories.MembershipFactory(organisation=other_funder, role=Role.FUNDER)
    return out


def api(member) -> ApiClient:
    return ApiClient(api_token_create(membership=member, name="tests")[1])


def get(member, **params):
    return api(member).get("/bilan", {"edition": 2025, **params})


def command_json(**options) -> dict:
    out = []

    class Out:
        def write(self, text):
            out.append(text)

    call_command("bilan", edition=2025, json=True, stdout=Out(), **options)
    return json.loads("".join(out))


def without_ignored(body: dict) -> dict:
    return {k: v for k, v in body.items() if k != "ignored_filters"}


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("referent_b", 200),
        ("worker_b", 200),
        ("caf", 200),
        ("call", 200),
        ("other_funder", 200),  # a funder with no envelope this edition: its own (empty) figures
        ("volunteer_b", 403),
        ("volunteer", 403),
        ("host", 403),
        ("relay_worker", 403),
    ],
)
def test_permissions(data, readers, who, status):
    response = get(readers[who])
    assert response.status_code == status, response.content
    if status == 403:
        assert response.json()["detail"] == "Votre rôle ne donne pas accès au bilan."


@pytest.mark.parametrize("authorization", [None, "Bearer nope", "Basic abc"])
def test_anonymous_and_bad_tokens_get_401(data, authorization):
    response = ApiClient(authorization=authorization).get("/bilan", {"edition": 2025})
    assert response.status_code == 401


def test_the_coordination_gets_the_same_figures_as_the_command(data, readers):
    body = get(readers["coordinator"]).json()
    assert body["ignored_filters"] == [] and body["suppressed"] is False
    assert without_ignored(body) == command_json()
    assert body["key_figures"]["persons_registered"] == 10


def test_the_coordination_filters_by_commune_scheme_and_funder(data, readers):
    body = get(readers["coordinator"], commune="62902", scheme="sejour-individuel").json()
    assert body["filters"] == {
        "edition": 2025,
        "commune": "62902",
        "scheme": "sejour-individuel",
        "funder": None,
    }
    assert without_ignored(body) == command_json(commune="62902", scheme="sejour-individuel")
    body = get(readers["coordinator"], funder="call").json()
    assert body["filters"]["funder"] == "call" and body["suppressed"] is False


def test_a_commune_gets_its_commune_whatever_it_sends(data, readers):
    body = get(readers["referent_b"], commune="62901", funder="call").json()
    assert body["filters"]["commune"] == "62902" and body["filters"]["funder"] is None
    assert body["ignored_filters"] == ["commune", "funder"]
    assert without_ignored(body) == command_json(commune="62902")
    body = get(readers["worker_b"], scheme="sejour-individuel").json()  # a scheme filter is honoured
    assert body["filters"]["scheme"] == "sejour-individuel" and body["ignored_filters"] == []


def test_a_funder_gets_its_own_suppressed_view_whatever_filters_it_sends(data, readers):
    plain = get(readers["caf"]).json()
    assert plain["suppressed"] is True and plain["filters"]["funder"] == "caf-pas-de-calais"
    assert plain == {**command_json(funder="caf-pas-de-calais"), "ignored_filters": []}
    assert plain["key_figures"]["persons_registered"] == SUPPRESSED  # four people: masked
    for params, ignored in [
        ({"commune": "62901"}, ["commune"]),
        ({"scheme": "sejour-individuel"}, ["scheme"]),
        ({"funder": "call"}, ["funder"]),  # another funder's figures: never
        ({"commune": "62902", "scheme": "caf-vacances"}, ["commune", "scheme"]),
        ({"funder": "caf-pas-de-calais"}, []),  # itself: nothing to ignore
    ]:
        body = get(readers["caf"], **params).json()
        assert body["ignored_filters"] == ignored, params
        assert without_ignored(body) == without_ignored(plain), params


def test_unknown_parameters_are_404_naming_the_field(data, readers):
    for params, field in [
        ({"edition": 1999}, "edition"),
        ({"commune": "99999"}, "commune"),
        ({"scheme": "nope"}, "scheme"),
        ({"funder": "nope"}, "funder"),
    ]:
        response = get(readers["coordinator"], **params)
        assert response.status_code == 404, params
        assert list(response.json()["errors"]) == [field]
    # a role without the bilan learns nothing about what exists
    assert get(readers["host"], edition=1999).status_code == 403


def test_a_malformed_edition_is_422_naming_the_field(data, readers):
    response = api(readers["coordinator"]).get("/bilan", {"edition": "deux-mille"})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["edition"]
    response = api(readers["coordinator"]).get("/bilan")
    assert response.status_code == 422 and list(response.json()["errors"]) == ["edition"]


def test_the_endpoint_is_in_the_openapi_document(data):
    schema = ApiClient().get("/openapi.json").json()
    operation = schema["paths"]["/api/v1/bilan"]["get"]
    assert operation["operationId"] == "bilan"
    assert {p["name"] for p in operation["parameters"]} == {"edition", "commune", "scheme", "funder"}
    assert {"200", "401", "403", "404"} <= set(operation["responses"])


def test_query_count_does_not_depend_on_the_rows(data, readers, django_assert_max_num_queries):
    from tests.factories.bilan import more_households

    client = api(readers["coordinator"])
    client.get("/bilan", {"edition": 2025})
    with django_assert_max_num_queries(40) as few:
        client.get("/bilan", {"edition": 2025})
    more_households(data, 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/bilan", {"edition": 2025}).status_code == 200
