"""GET/POST /api/v1/households: content, filters, pagination, query budget, bad input."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partez.core.models import AuditLog
from partez.households.models import Consent, FollowUp, Household, Person
from tests import factories

from .conftest import ApiClient, token_for


def counts():
    return {m.__name__: m.objects.count() for m in (Household, Person, Consent, FollowUp, AuditLog)}


# --- list ----------------------------------------------------------------------------------------


def test_list_item_shape(worker_api, household):
    household.qf_cents, household.qf_parts = 61_234, 2.5
    household.save(update_fields=["qf_cents", "qf_parts"])
    body = worker_api.get("/households").json()
    assert body["count"] == 1 and body["limit"] == 50 and body["offset"] == 0
    assert body["items"] == [
        {
            "id": household.pk,
            "reference": household.reference,
            "commune": {"insee_code": "62498", "name": "Lens"},
            "qf_euros": 612,
            "qf_parts": 2.5,
            "persons_count": 2,
            "head": {"first_name": "Claire", "last_name": "Martin"},
        }
    ]


@pytest.fixture
def lens_and_lievin(ccas, commune, other_org, coordinator_org):
    """Two households in Lens, one in Liévin followed by the Lens CCAS (so it sees all three)."""
    out = {}
    for key, town, last, first, born in [
        ("dupont", commune, "Dupont", "Émile", dt.date(1970, 3, 9)),
        ("lefebvre", commune, "Lefebvre", "Nora", dt.date(1988, 11, 30)),
        ("lievin", other_org.commune, "Dupontel", "Sami", dt.date(1995, 1, 2)),
    ]:
        h = factories.HouseholdFactory(commune=town, created_by_organisation=ccas)
        factories.PersonFactory(household=h, last_name=last, first_name=first, birth_date=born)
        factories.PersonFactory(
            household=h, relation="child", last_name=last, first_name="Zoé", birth_date="2016-05-05"
        )
        out[key] = h.pk
    return out


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["dupont", "lefebvre", "lievin"]),
        ({"commune": "62498"}, ["dupont", "lefebvre"]),
        ({"commune": " 62510 "}, ["lievin"]),
        ({"q": "dupont"}, ["dupont", "lievin"]),  # contains, case-insensitive
        ({"q": "DUPONTEL"}, ["lievin"]),
        ({"q": "nora"}, ["lefebvre"]),  # first name
        ({"q": "Nora Lefebvre"}, ["lefebvre"]),  # every word must match
        ({"q": "Nora Dupont"}, []),
        ({"q": "zoé"}, ["dupont", "lefebvre", "lievin"]),  # any member, not only the head
        ({"q": "09/03/1970"}, ["dupont"]),  # JJ/MM/AAAA
        ({"q": "1988-11-30"}, ["lefebvre"]),  # AAAA-MM-JJ
        ({"q": "5/5/2016"}, ["dupont", "lefebvre", "lievin"]),
        ({"q": "dupont", "commune": "62498"}, ["dupont"]),
        ({"q": "personne"}, []),
    ],
)
def test_filters(worker_api, lens_and_lievin, params, expected):
    body = worker_api.get("/households", params).json()
    assert [item["id"] for item in body["items"]] == [lens_and_lievin[k] for k in expected]
    assert body["count"] == len(expected)


def test_unknown_commune_is_400_naming_the_field(worker_api, lens_and_lievin):
    response = worker_api.get("/households", {"commune": "99999"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"commune"}
    assert "Commune inconnue" in response.json()["detail"]


def test_impossible_date_in_q_is_400_naming_the_field(worker_api, lens_and_lievin):
    response = worker_api.get("/households", {"q": "31/02/1990"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"q"}


def test_pagination(worker_api, lens_and_lievin):
    ids = [lens_and_lievin[k] for k in ("dupont", "lefebvre", "lievin")]
    page = worker_api.get("/households", {"limit": 2}).json()
    assert (page["count"], [i["id"] for i in page["items"]]) == (3, ids[:2])
    page = worker_api.get("/households", {"limit": 2, "offset": 2}).json()
    assert (page["count"], page["offset"], [i["id"] for i in page["items"]]) == (3, 2, ids[2:])
    assert worker_api.get("/households", {"offset": 10}).json()["items"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"offset": -1}, "offset"),
        ({"limit": "beaucoup"}, "limit"),
    ],
)
def test_bad_pagination_is_422_naming_the_field(worker_api, params, field):
    response = worker_api.get("/households", params)
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    assert list(response.json()["errors"]) == [field]


def make_households(n: int, ccas, commune):
    for _ in range(n):
        h = factories.HouseholdFactory(commune=commune, created_by_organisation=ccas)
        factories.PersonFactory(household=h, last_name="Martin")
        factories.PersonFactory(household=h, relation="spouse", last_name="Martin")
        factories.PersonFactory(household=h, relation="child", birth_date="2014-01-01", last_name="Martin")


@pytest.mark.parametrize("who", ["social_worker", "coordinator"])
@pytest.mark.parametrize("params", [{}, {"commune": "62498"}, {"q": "martin"}, {"q": "12/04/1985"}])
def test_list_query_count_does_not_grow_with_rows(members, ccas, commune, who, params):
    """Same number of queries for 5 and 50 households (3 — token, count, page — plus one to
    check the commune filter); the first request also stamps the token's last use."""
    api = ApiClient(token_for(members[who]))
    api.get("/households")  # stamps last_used_at once
    measured = []
    for total in (5, 50):
        make_households(total - Household.objects.count(), ccas, commune)
        with CaptureQueriesContext(connection) as ctx:
            body = api.get("/households", {**params, "limit": 200}).json()
        assert body["count"] == total and len(body["items"]) == total
        measured.append(len(ctx))
    assert measured[0] == measured[1] <= (4 if "commune" in params else 3), measured


# --- detail ----------------------------------------------------------------------------------------


def test_detail_content(worker_api, household, project, ccas, other_org, worker):
    from partez.households.services import followup_add

    household.consents.update(scopes=["casework", "sharing"])  # sharing is needed to add a structure
    followup_add(actor=worker, household=household, organisation=other_org)
    head = household.persons.get(relation="head")
    head.past_departures.create(year=2023, scheme="camping")
    body = worker_api.get(f"/households/{household.pk}").json()
    assert body["commune"] == {"insee_code": "62498", "name": "Lens"}
    assert [(p["first_name"], p["relation"], p["relation_label"]) for p in body["persons"]] == [
        ("Claire", "head", "Demandeur·se"),
        ("Léo", "child", "Enfant"),
    ]
    assert body["persons"][0]["past_departures"] == [
        {"year": 2023, "scheme": "camping", "scheme_label": "Séjour commun (camping)"}
    ]
    assert body["resources"] == {
        "annual_taxable_income_cents": 1_800_000,
        "monthly_family_benefits_cents": 20_000,
    }
    assert body["tax"] == {"rfr_cents": None, "parts": None, "is_taxable": None}
    # Single parent with one child: 2 + 0.5 parts; (1 500 € + 200 €) / 2.5 = 680 €.
    assert body["quotient"]["parts"] == 2.5
    assert body["quotient"]["qf_euros"] == 680
    assert any("Parent isolé" in line for line in body["quotient"]["explanation"])
    assert body["followups"] == [
        {
            "organisation": {"id": ccas.pk, "name": "CCAS de Lens"},
            "is_referent": True,
            "started_on": str(timezone.localdate()),
        },
        {
            "organisation": {"id": other_org.pk, "name": "CCAS de Liévin"},
            "is_referent": False,
            "started_on": str(timezone.localdate()),
        },
    ]
    assert body["projects"] == [
        {
            "id": project.pk,
            "reference": project.reference,
            "edition_year": 2025,
            "status": "draft",
            "status_label": "Brouillon",
            "format": "individual",
            "format_label": "Séjour individuel",
        }
    ]
    stored = (household.qf_cents, household.updated_at)
    household.refresh_from_db()
    # The detail shows the QF stored when its inputs changed (the list shows the same one), and a
    # read never writes it.
    assert (household.qf_cents, household.updated_at) == stored
    assert body["quotient"]["qf_cents"] == household.qf_cents
    assert body["quotient"]["explanation"] == household.qf_lines


def test_detail_of_unknown_id_is_404_json(worker_api):
    response = worker_api.get("/households/987654")
    assert response.status_code == 404
    assert response.json() == {"detail": "Foyer introuvable.", "errors": {}}


def test_detail_query_count_does_not_grow_with_persons(worker_api, household):
    worker_api.get(f"/households/{household.pk}")
    measured = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            assert worker_api.get(f"/households/{household.pk}").status_code == 200
        measured.append(len(ctx))
        for _ in range(5):
            factories.PersonFactory(household=household, relation="child", birth_date="2012-02-02")
    assert measured[0] == measured[1], measured


# --- create ----------------------------------------------------------------------------------------


def valid_payload(town, changes=None):
    payload = {
        "commune": town.insee_code,
        "address": "3 rue des Mineurs",
        "annual_taxable_income_cents": 2_400_000,
        "monthly_family_benefits_cents": 15_000,
        "rfr_cents": 2_100_000,
        "tax_parts": "2.5",
        "is_taxable": False,
        "persons": [
            {
                "first_name": "Inès",
                "last_name": "Durand",
                "birth_date": "1990-02-03",
                "relation": "head",
                "employment": "employee",
            },
            {
                "first_name": "Adam",
                "last_name": "Durand",
                "birth_date": "2018-09-01",
                "relation": "child",
                "has_disability": True,
            },
        ],
        "consent_scopes": ["casework", "statistics"],
    }
    payload.update(changes or {})
    return payload


def test_create(worker_api, commune, worker):
    before = counts()
    response = worker_api.post("/households", valid_payload(commune))
    assert response.status_code == 201, response.content
    body = response.json()
    household = Household.objects.get(pk=body["id"])
    assert body["reference"] == household.reference
    assert [p["first_name"] for p in body["persons"]] == ["Inès", "Adam"]
    assert body["persons"][1]["has_disability"] is True
    assert body["tax"] == {"rfr_cents": 2_100_000, "parts": 2.5, "is_taxable": False}
    # 2 parts + 0.5 (1st child) + 0.5 (disabled child) = 3; (2 000 € + 150 €) / 3 ≈ 717 €.
    assert body["quotient"]["parts"] == 3.0 and body["quotient"]["qf_euros"] == 717
    assert household.qf_cents == 71_667
    assert body["followups"][0]["organisation"]["name"] == "CCAS de Lens"
    assert household.consents.get().scopes == ["casework", "statistics"]
    assert household.consents.get().collected_by == worker.user
    after = counts()
    assert after == {
        **before,
        "Household": before["Household"] + 1,
        "Person": before["Person"] + 2,
        "Consent": before["Consent"] + 1,
        "FollowUp": before["FollowUp"] + 1,
        "AuditLog": before["AuditLog"] + 1,
    }
    assert AuditLog.objects.get(action="household.create").object_id == str(household.pk)


FUTURE = (timezone.localdate() + dt.timedelta(days=30)).isoformat()


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        (
            {"persons": [{"first_name": "A", "last_name": "B", "birth_date": FUTURE, "relation": "head"}]},
            400,
            "persons[0].birth_date",
        ),
        ({"annual_taxable_income_cents": -1}, 400, "annual_taxable_income_cents"),
        ({"monthly_family_benefits_cents": -100}, 400, "monthly_family_benefits_cents"),
        ({"rfr_cents": -5}, 400, "rfr_cents"),
        ({"tax_parts": "0.3"}, 400, "tax_parts"),
        ({"commune": "99999"}, 400, "commune"),
        ({"consent_scopes": ["statistics"]}, 400, "consent_scopes"),
        (
            {
                "persons": [
                    {"first_name": "A", "last_name": "B", "birth_date": "1980-01-01", "relation": "child"}
                ]
            },
            400,
            "persons",
        ),
        (
            {
                "persons": [
                    {"first_name": " ", "last_name": "B", "birth_date": "1980-01-01", "relation": "head"}
                ]
            },
            400,
            "persons[0].first_name",
        ),
        ({"email": "pas-une-adresse"}, 400, "email"),
        (
            {
                "persons": [
                    {"first_name": "A", "last_name": "B", "birth_date": "31/12/1980", "relation": "head"}
                ]
            },
            422,
            "persons[0].birth_date",
        ),
        (
            {
                "persons": [
                    {"first_name": "A", "last_name": "B", "birth_date": "1980-01-01", "relation": "cousin"}
                ]
            },
            422,
            "persons[0].relation",
        ),
        ({"annual_taxable_income_cents": 12.5}, 422, "annual_taxable_income_cents"),
        ({"consent_scopes": ["casework", "marketing"]}, 422, "consent_scopes[1]"),
        ({"persons": None}, 422, "persons"),
        ({"commune": None}, 422, "commune"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(worker_api, commune, changes, status, field):
    before = counts()
    response = worker_api.post("/households", valid_payload(commune, changes))
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert field in body["errors"], body
    assert body["errors"][field] and body["detail"]
    assert counts() == before


def test_missing_body_field_is_422_in_french(worker_api, commune):
    payload = valid_payload(commune)
    del payload["persons"]
    response = worker_api.post("/households", payload)
    assert response.status_code == 422
    assert response.json()["errors"] == {"persons": "Ce champ est obligatoire."}


def test_invalid_json_is_a_json_error(worker_api):
    response = worker_api.client.post(
        "/api/v1/households", "{pas du json", content_type="application/json", headers=worker_api._headers()
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] == "Le corps de la requête n'est pas du JSON valide."


def test_api_refuses_a_household_over_the_cap(worker_api, commune):
    payload = valid_payload(commune)
    payload["persons"] = payload["persons"][:1] + [
        {"first_name": f"Enfant{i}", "last_name": "Durand", "birth_date": "2015-01-01", "relation": "child"}
        for i in range(20)
    ]
    response = worker_api.post("/households", payload)
    assert response.status_code == 400, response.content
    assert "20 personnes" in str(response.json()) and "persons" in str(response.json())
    assert not Household.objects.exists()
    payload["persons"] = payload["persons"][:20]
    assert worker_api.post("/households", payload).status_code == 201


def test_create_with_situation_schooling_and_a_phone_stored_e164(worker_api, commune):
    """Issue 13: minima sociaux, mobility and a child's schooling through the API too."""
    payload = valid_payload(
        commune,
        {
            "phone": "06 12 34 56 78",
            "minimum_benefits": ["rsa", "aah"],
            "mobility": "licence_no_car",
            "mobility_note": "Pas de car le dimanche",
        },
    )
    payload["persons"][1]["schooling"] = "at_school"
    response = worker_api.post("/households", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["phone"] == "+33612345678"
    assert (body["minimum_benefits"], body["mobility"]) == (["rsa", "aah"], "licence_no_car")
    assert body["persons"][1]["schooling"] == "at_school"
    assert body["persons"][1]["schooling_label"] == "À l'école, au collège ou au lycée"


def test_a_bad_phone_is_a_400_naming_the_field_and_nothing_is_saved(worker_api, commune):
    response = worker_api.post("/households", valid_payload(commune, {"phone": "pas un numéro"}))
    assert response.status_code == 400
    assert "Numéro de téléphone invalide" in response.json()["errors"]["phone"]
    assert not Household.objects.exists()
