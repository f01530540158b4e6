"""The Fête's API as a volunteer's device uses it: lists, check-ins and hand-overs with nonces."""

import base64

import pytest

from partez.cheques.models import Cheque
from partez.fete.models import Checkin, Handover
from partez.organisations.models import Role
from partez.organisations.services import api_token_create
from tests import factories
from tests.api.conftest import ApiClient


def test_checkin_lists(fete_setup, volunteer_api):
    response = volunteer_api.get("/checkin-lists")
    assert response.status_code == 200
    rows = response.json()
    assert {"id": fete_setup.gate.pk, "name": "Entrée", "kind": "gate", "commune": None} in rows
    assert {"id": fete_setup.stand.pk, "name": "Stand de Lens", "kind": "stand", "commune": "62498"} in rows


def test_invitations_for_the_coordination_only(fete_setup, volunteer_api):
    assert volunteer_api.get("/invitations").status_code == 403
    coordination = ApiClient(api_token_create(membership=fete_setup.coordination, name="t")[1])
    rows = coordination.get("/invitations", {"commune": "62510"}).json()
    assert len(rows) == 3 and {r["commune"] for r in rows} == {"62510"}
    assert set(rows[0]) == {"code", "household", "commune"}


def test_checkin_201_then_200_same_body_then_409_then_404(fete_setup, volunteer_api):
    s = fete_setup
    payload = {"code": s.invitation.code, "nonce": "nonce-0001", "list": s.gate.pk}
    first = volunteer_api.post("/checkins", payload)
    assert first.status_code == 201, first.json()
    again = volunteer_api.post("/checkins", payload)
    assert again.status_code == 200 and again.json() == first.json()
    other = volunteer_api.post("/checkins", {**payload, "nonce": "nonce-0002"})
    assert other.status_code == 409
    assert other.json()["detail"].startswith("Déjà pointé sur cette liste à ")
    unknown = volunteer_api.post("/checkins", {**payload, "code": "ABCDEFGHJK", "nonce": "nonce-0003"})
    assert unknown.status_code == 404 and unknown.json()["errors"] == {
        "code": "Code d'invitation inconnu pour cette Fête."
    }
    assert Checkin.objects.count() == 1


def test_a_stand_list_names_the_right_stand(fete_setup, volunteer_api):
    s = fete_setup
    response = volunteer_api.post(
        "/checkins", {"code": s.other_invitation.code, "nonce": "nonce-0004", "list": s.stand.pk}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["errors"]["code"] == "Ce foyer habite Liévin : il est attendu au stand « Stand de Liévin »."
    assert body["expected_stand"] == {
        "id": s.other_stand.stand_id,
        "name": "Stand de Liévin",
        "list": s.other_stand.pk,
    }


def test_a_stand_checkin_shows_the_prepared_cheques(fete_setup, volunteer_api):
    s = fete_setup
    body = volunteer_api.post(
        "/checkins", {"code": s.invitation.code, "nonce": "nonce-0005", "list": s.stand.pk}
    ).json()
    assert sum(c["denomination_cents"] for c in body["cheques"]) == 10000
    assert body["entitlements"][0]["kind"] == "cheques" and body["handover"] is None


def test_malformed_checkin_names_the_field(fete_setup, volunteer_api):
    response = volunteer_api.post("/checkins", {"code": "X", "nonce": "short", "list": fete_setup.gate.pk})
    assert response.status_code == 422 and "nonce" in response.json()["errors"]


def test_handover_201_idempotent_then_409_and_nothing_handed(fete_setup, volunteer_api, signature_b64):
    s = fete_setup
    serials = list(Cheque.objects.filter(household=s.invitation.household).values_list("serial", flat=True))
    payload = {
        "code": s.invitation.code,
        "booklets": serials,
        "signature_png_base64": signature_b64,
        "nonce": "hand-0001",
    }
    first = volunteer_api.post("/handovers", payload)
    assert first.status_code == 201, first.json()
    body = first.json()
    assert sorted(body["booklets"]) == sorted(serials) and body["amount_cents"] == 10000
    assert volunteer_api.post("/handovers", payload).json() == body
    assert volunteer_api.post("/handovers", payload).status_code == 200
    second_device = volunteer_api.post("/handovers", {**payload, "nonce": "hand-0002"})
    assert second_device.status_code == 409 and second_device.json()["handover"]["receipt"] == body["receipt"]
    stolen = volunteer_api.post(
        "/handovers", {**payload, "code": s.other_invitation.code, "nonce": "hand-0003"}
    )
    assert stolen.status_code == 409 and stolen.json()["serials"] == sorted(serials)
    assert Handover.objects.count() == 1


def test_handover_refuses_a_bad_signature(fete_setup, volunteer_api):
    s = fete_setup
    payload = {
        "code": s.invitation.code,
        "booklets": ["0000000001"],
        "signature_png_base64": base64.b64encode(b"GIF89a").decode(),
        "nonce": "hand-0009",
    }
    response = volunteer_api.post("/handovers", payload)
    assert response.status_code == 400 and "signature_png_base64" in response.json()["errors"]


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.FUNDER, Role.HOST])
def test_roles_that_may_not_check_in(fete_setup, ccas, role):
    m = factories.MembershipFactory(organisation=ccas, role=role)
    client = ApiClient(api_token_create(membership=m, name="t")[1])
    response = client.post(
        "/checkins", {"code": fete_setup.invitation.code, "nonce": "nonce-0100", "list": fete_setup.gate.pk}
    )
    assert response.status_code == 403
    assert client.get("/checkin-lists").status_code == 403


def test_no_token_is_401(fete_setup):
    assert ApiClient().get("/checkin-lists").status_code == 401


def test_a_check_in_and_its_replay_cost_a_fixed_handful_of_queries(
    fete_setup, volunteer_api, django_assert_max_num_queries
):
    # token (+ its « last used » stamp, at most every 5 minutes), list, invitation, the insert in
    # its savepoint (3 statements under the test's transaction); a replay reads the first check-in
    payload = {"code": fete_setup.invitation.code, "nonce": "nonce-budget", "list": fete_setup.gate.pk}
    with django_assert_max_num_queries(7):
        assert volunteer_api.post("/checkins", payload).status_code == 201
    with django_assert_max_num_queries(8):
        assert volunteer_api.post("/checkins", payload).status_code == 200
