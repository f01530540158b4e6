"""POST /api/v1/simulate: public, stores nothing, answers with the rules of the stay's date, and
refuses bad input with a 422 naming the field."""

import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partez.core.models import AuditLog
from partez.households.models import Household, Person
from partez.schemes.models import Scheme, SchemeVersion
from partez.territory.models import Commune, Edition
from tests import factories

from .conftest import ApiClient

pytestmark = pytest.mark.django_db

LENS, LIEVIN = "62498", "62510"
LOCAL = {"sejour-individuel", "sejour-commun"}


@pytest.fixture
def edition_2026(db):
    """The 2026 edition, in which Lens takes part and Liévin does not."""
    edition = factories.EditionFactory(year=2026)
    edition.communes.add(Commune.objects.get(insee_code=LENS))
    return edition


def family(**overrides):
    """A single mother, a young apprentice and a child in Lens, a week in July 2026."""
    payload = {
        "date": "2026-07-11",
        "nights": 7,
        "commune": LENS,
        "cost_cents": 90_000,
        "household": {
            "members": [
                {"id": "nadia", "birth_date": "1986-03-14", "relation": "adult", "status": "employee"},
                {"id": "yanis", "birth_date": "2005-09-02", "relation": "child", "status": "apprentice"},
                {"id": "lina", "birth_date": "2015-05-20", "relation": "child"},
            ],
            "annual_taxable_income_cents": 1_680_000,
            "monthly_family_benefits_cents": 31_000,
            "rfr_cents": 1_650_000,
            "tax_parts": 2.5,
            "taxable": False,
            "past_departures": [],
        },
    }
    payload.update(overrides)
    return payload


def young(date, **overrides):
    """One person aged 18-25 on both 2021-07-01 and 2026-07-01, under the Départ 18:25 ceiling."""
    payload = {
        "date": date,
        "nights": 5,
        "commune": LENS,
        "cost_cents": 40_000,
        "household": {
            "members": [{"id": "sam", "birth_date": "2002-01-01", "relation": "adult", "status": "employee"}],
            "rfr_cents": 1_000_000,
            "tax_parts": 1,
        },
    }
    payload.update(overrides)
    return payload


def simulate(payload, **headers):
    return ApiClient().client.post("/api/v1/simulate", payload, content_type="application/json", **headers)


def scheme(body, slug):
    return next(s for s in body["schemes"] if s["slug"] == slug)


# --- the answer -------------------------------------------------------------------------------------


def test_answers_without_authentication_with_the_documented_fields(edition_2026):
    response = simulate(family())
    assert response.status_code == 200, response.json()
    body = response.json()
    # QF: (16,800 € / 12 + 310 €) / 2.5 parts (single parent 2 + 1st child 0.5; 2nd child +0.5 → 3)
    assert isinstance(body["quotient_familial_cents"], int)
    assert body["quotient_lines"][-1].startswith("QF = ")
    assert {s["slug"] for s in body["schemes"]} == set(Scheme.objects.values_list("slug", flat=True))
    for s in body["schemes"]:
        assert {"slug", "name", "eligible", "criteria", "aid_cents", "funder"} <= set(s)
        assert s["criteria"], s["slug"]
        for c in s["criteria"]:
            assert set(c) >= {"label", "value", "threshold", "passed"}
            assert isinstance(c["passed"], bool)
        assert (s["aid_cents"] > 0) is s["eligible"]
    plan = body["plan"]
    assert plan["lines"], "this household is eligible to several aids"
    for line in plan["lines"]:
        assert {"scheme", "funder", "aid_cents"} <= set(line)
        assert scheme(body, line["scheme"])["eligible"]
    assert plan["total_aid_cents"] == sum(line["aid_cents"] for line in plan["lines"] if line["deducted"])
    assert plan["cash_aid_cents"] == sum(line["aid_cents"] for line in plan["lines"] if not line["in_kind"])
    assert plan["remaining_cents"] == 90_000 - plan["total_aid_cents"]
    assert body["commune"] == {
        "insee_code": LENS,
        "name": "Lens",
        "participates": True,
        "edition": "l'édition 2026",
    }
    # Yanis (20, apprentice) is the one Départ 18:25 beneficiary, by his status.
    depart = scheme(body, "depart-18-25")
    assert depart["eligible"] and depart["beneficiaries"] == ["yanis"]
    assert depart["computation"]


def test_an_invalid_token_is_ignored(edition_2026):
    response = simulate(family(), HTTP_AUTHORIZATION="Bearer ptz_pas-un-jeton")
    assert response.status_code == 200


def test_nothing_is_written_and_the_query_count_is_small_and_constant(edition_2026):
    tables = (Household, Person, AuditLog, Scheme, SchemeVersion, Edition)
    before = {m.__name__: m.objects.count() for m in tables}
    with CaptureQueriesContext(connection) as small:
        assert simulate(family()).status_code == 200
    big = family()
    big["household"]["members"] += [
        {"id": f"enfant{i}", "birth_date": f"201{i}-01-01", "relation": "child"} for i in range(8)
    ]
    big["household"]["past_departures"] = [
        {"person": f"enfant{i}", "year": 2025, "scheme": "sac-ados"} for i in range(8)
    ]
    with CaptureQueriesContext(connection) as large:
        assert simulate(big).status_code == 200
    for captured in (small, large):
        statements = [q["sql"].lstrip().split()[0].upper() for q in captured.captured_queries]
        assert set(statements) <= {"SELECT"}, statements
    assert len(small.captured_queries) <= 5
    assert len(large.captured_queries) == len(small.captured_queries) - 1  # the commune list is cached
    assert {m.__name__: m.objects.count() for m in tables} == before


def test_the_rules_in_force_on_the_date_apply():
    """The same young person: 90 % capped at 300 € in July 2021, 80 % capped at 250 € in 2026."""
    in_2021 = simulate(young("2021-07-01")).json()
    in_2026 = simulate(young("2026-07-01")).json()
    d2021, d2026 = scheme(in_2021, "depart-18-25"), scheme(in_2026, "depart-18-25")
    assert d2021["eligible"] and d2026["eligible"]
    assert d2021["aid_cents"] == 30_000
    assert d2026["aid_cents"] == 25_000
    assert any("90 %" in line for line in d2021["computation"])
    assert any("80 %" in line for line in d2026["computation"])
    # The CAF example has no value before 2025: not eligible in 2021, with the reason.
    caf = scheme(in_2021, "caf-vacances")
    assert not caf["eligible"]
    assert any(c["label"].startswith("Règles en vigueur au 01/07/2021") for c in caf["criteria"])


def test_a_commune_outside_the_edition_makes_the_local_schemes_ineligible(edition_2026):
    lens = simulate(family()).json()
    lievin = simulate(family(commune=LIEVIN)).json()
    assert lievin["commune"]["participates"] is False
    for slug in LOCAL:
        resident = next(c for c in scheme(lievin, slug)["criteria"] if c["label"] == "Commune de résidence")
        assert resident == {
            "label": "Commune de résidence",
            "value": "Liévin",
            "threshold": "commune participant à l'édition 2026",
            "passed": False,
        }
        assert not scheme(lievin, slug)["eligible"]
        assert scheme(lievin, slug)["aid_cents"] == 0
        lens_resident = next(
            c for c in scheme(lens, slug)["criteria"] if c["label"] == "Commune de résidence"
        )
        assert lens_resident["passed"] is True
    assert not LOCAL & {line["scheme"] for line in lievin["plan"]["lines"]}
    # National schemes do not depend on the commune.
    assert scheme(lievin, "depart-18-25") == scheme(lens, "depart-18-25")


def test_no_edition_that_year_is_explained():
    body = simulate(family(date="2031-07-12")).json()
    assert body["commune"]["participates"] is None
    resident = next(
        c for c in scheme(body, "sejour-individuel")["criteria"] if c["label"] == "Commune de résidence"
    )
    assert not resident["passed"] and "aucune édition" in resident["threshold"]


def test_the_schemes_filter(edition_2026):
    body = simulate(family(schemes=["depart-18-25", "apv"])).json()
    assert [s["slug"] for s in body["schemes"]] == ["depart-18-25", "apv"]
    assert {line["scheme"] for line in body["plan"]["lines"]} <= {"depart-18-25", "apv"}


def test_travellers_restrict_the_beneficiaries(edition_2026):
    body = simulate(family(travellers=["nadia", "lina"])).json()
    assert not scheme(body, "depart-18-25")["eligible"]  # Yanis stays at home


@pytest.mark.parametrize("code", ["depart-18-25", "depart1825"])
def test_past_departures_accept_a_slug_or_a_history_code(code):
    helped = young("2026-07-01")
    helped["household"]["past_departures"] = [{"person": "sam", "year": 2026, "scheme": code}]
    d = scheme(simulate(helped).json(), "depart-18-25")
    assert not d["eligible"]
    assert "Une fois par an" in [c["label"] for c in d["criteria"] if not c["passed"]]
    helped["household"]["past_departures"][0]["year"] = 2025
    assert scheme(simulate(helped).json(), "depart-18-25")["eligible"]


def test_end_date_instead_of_nights(edition_2026):
    body = simulate(family(nights=None, end_date="2026-07-18")).json()
    assert body["nights"] == 7


# --- bad input: 422 naming the field ---------------------------------------------------------------


def _set(path, value):
    def change(payload):
        target = payload
        *parents, leaf = path
        for key in parents:
            target = target[key]
        target[leaf] = value

    return change


def _past(departures):
    return _set(["household", "past_departures"], departures)


def _duplicate_member(payload):
    payload["household"]["members"][1]["id"] = "nadia"


def _no_adult(payload):
    payload["household"]["members"] = payload["household"]["members"][1:]


def _missing_cost(payload):
    del payload["cost_cents"]


BAD = [
    ("malformed date", _set(["date"], "2026-02-30"), "date"),
    ("not a date", _set(["date"], "la semaine prochaine"), "date"),
    ("date out of range", _set(["date"], "1890-07-01"), "date"),
    ("negative nights", _set(["nights"], -1), "nights"),
    ("zero nights", _set(["nights"], 0), "nights"),
    ("more than a year", _set(["nights"], 366), "nights"),
    ("no nights nor end date", _set(["nights"], None), "nights"),
    ("return before departure", _set(["end_date"], "2026-07-01"), "end_date"),
    ("nights and dates disagree", _set(["end_date"], "2026-07-20"), "end_date"),
    ("negative cost", _set(["cost_cents"], -100), "cost_cents"),
    ("absurd cost", _set(["cost_cents"], 1_000_000_001), "cost_cents"),
    ("cost missing", _missing_cost, "cost_cents"),
    ("cost as a float", _set(["cost_cents"], 450.5), "cost_cents"),
    (
        "negative income",
        _set(["household", "annual_taxable_income_cents"], -1),
        "household.annual_taxable_income_cents",
    ),
    (
        "absurd benefits",
        _set(["household", "monthly_family_benefits_cents"], 10**12),
        "household.monthly_family_benefits_cents",
    ),
    ("negative RFR", _set(["household", "rfr_cents"], -5), "household.rfr_cents"),
    ("tax parts", _set(["household", "tax_parts"], 0.3), "household.tax_parts"),
    ("unknown commune", _set(["commune"], "75056"), "commune"),
    ("traveller not a member", _set(["travellers"], ["nadia", "zoé"]), "travellers"),
    ("nobody leaves", _set(["travellers"], []), "travellers"),
    ("unknown scheme", _set(["schemes"], ["depart-18-25", "cheques-magiques"]), "schemes"),
    ("duplicate member ids", _duplicate_member, "household.members[1].id"),
    ("empty household", _set(["household", "members"], []), "household.members"),
    ("no adult", _no_adult, "household.members"),
    (
        "malformed birth date",
        _set(["household", "members", 0, "birth_date"], "14/03/1986"),
        "household.members[0].birth_date",
    ),
    (
        "born after the departure",
        _set(["household", "members", 2, "birth_date"], "2026-08-01"),
        "household.members[2].birth_date",
    ),
    (
        "unknown relation",
        _set(["household", "members", 0, "relation"], "parent"),
        "household.members[0].relation",
    ),
    (
        "unknown status",
        _set(["household", "members", 1, "status"], "ministre"),
        "household.members[1].status",
    ),
    (
        "unknown past-departure person",
        _past([{"person": "zoé", "year": 2024, "scheme": "other"}]),
        "household.past_departures[0].person",
    ),
    (
        "unknown past-departure scheme",
        _past([{"person": "nadia", "year": 2024, "scheme": "club-med"}]),
        "household.past_departures[0].scheme",
    ),
    (
        "past departure after the stay",
        _past([{"person": "nadia", "year": 2027, "scheme": "other"}]),
        "household.past_departures[0].year",
    ),
    ("unknown format", _set(["format"], "croisiere"), "format"),
]


@pytest.mark.parametrize(("case", "change", "field"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_a_422_naming_the_field(edition_2026, case, change, field):
    payload = copy.deepcopy(family())
    change(payload)
    response = simulate(payload)
    assert response.status_code == 422, response.json()
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert body["detail"].startswith("Requête invalide : vérifiez ")
    assert field in body["errors"], body["errors"]
    message = body["errors"][field]
    assert message and message[0].isupper() and "Input should" not in message, message


def test_several_errors_are_reported_together(edition_2026):
    payload = family(commune="00000", travellers=["personne"], schemes=["inconnu"])
    body = simulate(payload).json()
    assert {"commune", "travellers", "schemes"} <= set(body["errors"])


# --- documentation ---------------------------------------------------------------------------------


def test_openapi_documents_a_public_operation_with_an_example():
    schema = ApiClient().client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/simulate"]["post"]
    assert not operation.get("security")
    assert (
        "Rien n'est enregistré" in operation["description"]
        or "rien n'est enregistré" in operation["description"]
    )
    assert set(operation["responses"]) >= {"200", "422"}
    body_schema = schema["components"]["schemas"]["SimulationIn"]
    assert body_schema["examples"][0]["commune"] == LENS
    assert body_schema["properties"]["cost_cents"]["maximum"] == 1_000_000_000


def test_a_single_parent_with_a_grown_up_child_is_not_a_couple(client):
    body = {
        "date": "2026-07-04",
        "nights": 7,
        "commune": "62498",
        "cost_cents": 60_000,
        "household": {
            "members": [
                {"id": "mere", "birth_date": "1975-01-01", "relation": "adult", "status": "employee"},
                {"id": "fils", "birth_date": "2004-01-01", "relation": "adult", "status": "jobseeker"},
            ],
            "annual_taxable_income_cents": 1_800_000,
            "monthly_family_benefits_cents": 0,
        },
    }
    as_couple = client.post("/api/v1/simulate", body, content_type="application/json").json()
    body["household"]["couple"] = False
    alone = client.post("/api/v1/simulate", body, content_type="application/json").json()
    assert as_couple["quotient_familial_cents"] == 75_000  # 1 500 € ÷ 2 parts
    assert alone["quotient_familial_cents"] == 150_000  # 1 500 € ÷ 1 part
    body["household"]["couple"] = "peut-être"
    response = client.post("/api/v1/simulate", body, content_type="application/json")
    assert response.status_code == 422 and "household.couple" in str(response.json()["errors"])


# --- oversized input: list lengths and the number of errors reported ------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("travellers", [f"p{i}" for i in range(21)]),
        ("schemes", [f"s{i}" for i in range(51)]),
        ("household.past_departures", [{"person": "nadia", "year": 2019}] * 101),
        (
            "household.members",
            [{"id": f"p{i}", "birth_date": "1990-01-01", "relation": "adult"} for i in range(21)],
        ),
    ],
)
def test_lists_longer_than_the_cap_are_refused_naming_the_field(edition_2026, field, value):
    payload = family()
    if field.startswith("household."):
        payload["household"][field.split(".")[1]] = value
    else:
        payload[field] = value
    response = simulate(payload)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert "Au plus" in response.json()["errors"][field]


def test_the_number_of_errors_reported_is_capped():
    bad = {
        "id": "x" * 41,
        "birth_date": "hier",
        "relation": "cousin",
        "status": "king",
        "disabled": "peut-être",
    }
    payload = family(household={"members": [dict(bad) for _ in range(20)]})
    body = simulate(payload).json()
    assert len(body["errors"]) == 41  # 40 errors, then a note
    assert body["errors"]["__all__"].startswith("Plus de 40 erreurs")


def test_the_simulators_own_checks_cap_the_errors_too():
    """Past the schema (the web page calls the same builder): 20 members with 5 bad fields each."""
    from partez.core.errors import DomainError
    from partez.schemes import simulation

    bad = {"id": "x" * 41, "birth_date": "hier", "relation": "cousin", "status": "king", "disabled": "?"}
    with pytest.raises(DomainError) as refused:
        simulation.build({**family(), "household": {"members": [dict(bad) for _ in range(20)]}})
    assert len(refused.value.errors) == simulation.MAX_ERRORS + 1
    assert "__all__" in refused.value.errors
    with pytest.raises(DomainError) as refused:
        simulation.build({**family(), "schemes": ["y" * 500] * 50})
    message = refused.value.errors["schemes"]
    assert "et 45 autre(s)" in message and "y" * 41 not in message  # quoted values are cut short
