"""/api/v1/groups: the shapes the issue names, 201 with each member's eligibility, 400 naming the
field, 404 for a person the token's organisation does not follow, query budgets."""

from __future__ import annotations

import datetime as dt

import pytest

from partez.groups.models import Group, Member
from tests.api.conftest import ApiClient, token_for
from tests.factories import groups as world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world.build(young=8, senior_count=4)


@pytest.fixture
def relay_api(w):
    return ApiClient(token_for(w.relay_worker))


def body(w, people, **over):
    data = {
        "scheme": "sac-ados",
        "name": "Les Baroudeurs",
        "members": [p.pk for p in people],
        "destination": "Marseille",
        "starts_on": "2026-07-10",
        "ends_on": "2026-07-15",
    }
    data.update(over)
    return data


def test_create_answers_201_with_each_members_eligibility(w, relay_api):
    r = relay_api.post("/groups", body(w, w.young[:3]))
    assert r.status_code == 201, r.json()
    data = r.json()
    assert data["scheme"] == "sac-ados" and data["nights"] == 5 and data["members_count"] == 3
    assert {m["person_id"] for m in data["members"]} == {p.pk for p in w.young[:3]}
    first = data["members"][0]
    assert first["eligible"] is True and first["aid_cents"] == 15000
    ages = [c for c in first["criteria"] if c["label"] == "Âge le jour du départ"]
    assert ages and ages[0]["passed"] and ages[0]["threshold"] == "de 16 à 25 ans"
    assert any(c["label"] == "Taille du groupe" and c["passed"] for c in data["checks"])
    listed = relay_api.get("/groups").json()
    assert [g["id"] for g in listed] == [data["id"]]
    assert relay_api.get(f"/groups/{data['id']}").json() == data


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"members": "one"}, "members"),  # a group of one (the helper below keeps one person)
        ({"ends_on": "2026-07-12"}, "ends_on"),  # 2 nights
        ({"scheme": "seniors-en-vacances", "starts_on": "2026-07-06", "ends_on": "2026-07-13"}, "starts_on"),
        ({"too_old": True}, "members"),
        ({"gone_before": True}, "members"),
    ],
)
def test_refusals_are_400_naming_the_field_and_nothing_is_saved(w, relay_api, over, field):
    from partez.households.models import PastDeparture

    people = w.young[:3]
    over = dict(over)
    if over.pop("members", None):
        people = w.young[:1]
    if over.pop("too_old", None):
        people[0].birth_date = dt.date(1990, 1, 1)
        people[0].save()
    if over.pop("gone_before", None):
        PastDeparture.objects.create(person=people[0], year=2023, scheme="sac_ados")
    if over.get("scheme") == "seniors-en-vacances":
        people = w.seniors[:2]
        api = ApiClient(token_for(w.ccas_worker))
    else:
        api = relay_api
    r = api.post("/groups", body(w, people, **over))
    assert r.status_code == 400, r.json()
    assert field in r.json()["errors"], r.json()
    assert not Group.objects.exists()


def test_a_person_the_token_does_not_follow_is_404(w, relay_api):
    r = relay_api.post("/groups", body(w, [w.young[0], w.seniors[0]]))
    assert r.status_code == 404 and "members" in r.json()["errors"]


def test_members_added_and_removed_with_the_same_checks(w, relay_api):
    gid = relay_api.post("/groups", body(w, w.young[:2])).json()["id"]
    r = relay_api.post(f"/groups/{gid}/members", {"person": w.young[2].pk})
    assert r.status_code == 201 and r.json()["members_count"] == 3
    assert relay_api.post(f"/groups/{gid}/members", {"person": w.seniors[0].pk}).status_code == 404
    for p in w.young[3:7]:
        relay_api.post(f"/groups/{gid}/members", {"person": p.pk})
    r = relay_api.post(f"/groups/{gid}/members", {"person": w.young[7].pk})  # a seventh
    assert r.status_code == 400 and "members" in r.json()["errors"]
    r = relay_api.client.delete(f"/api/v1/groups/{gid}/members/{w.young[2].pk}", headers=relay_api._headers())
    assert r.status_code == 200 and r.json()["members_count"] == 5
    assert Member.objects.filter(group_id=gid).count() == 5


def test_other_organisations_see_neither_the_group_nor_its_members(w, relay_api, other_org):
    from partez.organisations.models import Role
    from tests import factories

    gid = relay_api.post("/groups", body(w, w.young[:3])).json()["id"]
    outsider = ApiClient(
        token_for(factories.MembershipFactory(organisation=other_org, role=Role.SOCIAL_WORKER))
    )
    assert outsider.get(f"/groups/{gid}").status_code == 404
    assert outsider.get("/groups").json() == []
    assert outsider.post(f"/groups/{gid}/members", {"person": w.young[3].pk}).status_code == 404


def test_list_and_detail_query_counts_do_not_grow(w, relay_api, django_assert_max_num_queries):
    ids = [
        relay_api.post("/groups", body(w, w.young[i : i + 2], name=f"G{i}")).json()["id"]
        for i in (0, 2, 4, 6)
    ]
    with django_assert_max_num_queries(8):
        assert len(relay_api.get("/groups").json()) == 4
    with django_assert_max_num_queries(16):
        assert relay_api.get(f"/groups/{ids[0]}").status_code == 200
