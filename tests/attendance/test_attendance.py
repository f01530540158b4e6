"""The door's check-in: tickets, scans (repeated nonce, already present, unknown, another
organisation's list), the registry's rules, the scan page and its JSON door, the API."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from partez.attendance import protocol, qr, registry, selectors, services
from partez.attendance.models import Attendance
from partez.core.errors import DomainError
from partez.organisations.models import Role
from partez.organisations.services import api_token_create
from tests import factories
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(ccas, referent):
    return services.roster_open(
        actor=referent, kind="test-door", title="Atelier budget", starts_at=timezone.now(), organisation=ccas
    )


@pytest.fixture
def ticket(roster):
    return services.ticket_issue(roster=roster, subject="test:1", holder="Martine D.")


def test_a_ticket_is_issued_once_per_subject_and_revoked_codes_die(roster):
    first = services.ticket_issue(roster=roster, subject="test:1", holder="Martine D.")
    assert services.ticket_issue(roster=roster, subject="test:1", holder="Martine D.") == first
    old_code = first.code
    services.ticket_revoke(ticket=first)
    again = services.ticket_issue(roster=roster, subject="test:1", holder="Martine D.")
    assert again.pk == first.pk and again.revoked_at is None and again.code != old_code


def test_check_in_once_repeated_nonce_and_already_present(referent, roster, ticket):
    attendance, created = services.check_in(
        actor=referent, code=ticket.code, nonce="nonce-0001", roster_id=roster.pk
    )
    assert created
    again, created = services.check_in(
        actor=referent, code=ticket.code, nonce="nonce-0001", roster_id=roster.pk
    )
    assert again.pk == attendance.pk and not created
    with pytest.raises(services.AlreadyCheckedIn):
        services.check_in(actor=referent, code=ticket.code, nonce="nonce-0002", roster_id=roster.pk)
    assert selectors.attended_subjects(roster) == {"test:1"}
    assert selectors.roster_counts(roster) == (1, 1)
    assert Attendance.objects.count() == 1


def test_typed_codes_are_normalised_and_bad_input_is_named(referent, roster, ticket):
    typed = f"{ticket.code[:5].lower()}-{ticket.code[5:]}"
    status, body = protocol.check_in(actor=referent, code=typed, nonce="nonce-typed", roster_id=roster.pk)
    assert status == 201 and body["holder"] == "Martine D."
    status, body = protocol.check_in(actor=referent, code=ticket.code, nonce="short", roster_id=roster.pk)
    assert status == 400 and "nonce" in body["errors"]
    status, body = protocol.check_in(
        actor=referent, code="ZZZZZZZZZZ", nonce="nonce-unknown", roster_id=roster.pk
    )
    assert status == 404 and "Code inconnu" in body["detail"]


def test_a_revoked_ticket_and_another_organisations_list_are_unknown(referent, roster, ticket, other_org):
    services.ticket_revoke(ticket=ticket)
    with pytest.raises(services.UnknownTicket):
        services.check_in(actor=referent, code=ticket.code, nonce="nonce-revoked", roster_id=roster.pk)
    outsider = factories.MembershipFactory(organisation=other_org, role=Role.COMMUNE_REFERENT)
    live = services.ticket_issue(roster=roster, subject="test:2", holder="Jean P.")
    with pytest.raises(services.UnknownTicket):
        services.check_in(actor=outsider, code=live.code, nonce="nonce-outside", roster_id=roster.pk)
    assert selectors.roster_for(outsider, roster.pk) is None


def test_a_registered_kind_decides_who_scans_and_hears_each_check_in(ccas, referent, worker):
    heard = []
    registry.register(
        "test-ceremony",
        can_scan=lambda m, r: m.role == Role.COMMUNE_REFERENT,
        on_checkin=lambda t, a: heard.append(t.subject),
    )
    roster = services.roster_open(
        actor=referent, kind="test-ceremony", title="Remise", starts_at=timezone.now(), organisation=ccas
    )
    ticket = services.ticket_issue(roster=roster, subject="group:7", holder="Groupe Les Voyageurs")
    with pytest.raises(services.UnknownTicket):
        services.check_in(actor=worker, code=ticket.code, nonce="nonce-worker", roster_id=roster.pk)
    services.check_in(actor=referent, code=ticket.code, nonce="nonce-referent", roster_id=roster.pk)
    assert heard == ["group:7"]


def test_roster_open_names_every_missing_field(referent, ccas):
    with pytest.raises(DomainError) as exc:
        services.roster_open(actor=referent, kind=" ", title="", starts_at=timezone.now(), organisation=ccas)
    assert set(exc.value.errors) == {"kind", "title"}


def test_qr_codes_hold_the_ticket_code(ticket):
    assert "<svg" in qr.ticket_svg(ticket)
    assert qr.ticket_png(ticket).startswith(b"\x89PNG")


def test_scan_page_and_its_json_door(client, referent, roster, ticket, other_org):
    client.force_login(referent.user)
    page = client.get(reverse("attendance_scan", args=[roster.pk]))
    assert page.status_code == 200 and "Atelier budget" in page.content.decode()
    url = reverse("attendance_checkin", args=[roster.pk])
    answer = client.post(
        url, json.dumps({"code": ticket.code, "nonce": "page-nonce-1"}), content_type="application/json"
    )
    assert answer.status_code == 201 and answer.json()["holder"] == "Martine D."
    assert client.post(url, "not json", content_type="application/json").status_code == 400
    outsider = factories.MembershipFactory(organisation=other_org, role=Role.COMMUNE_REFERENT)
    client.force_login(outsider.user)
    assert client.get(reverse("attendance_scan", args=[roster.pk])).status_code == 404


def test_api_door(referent, roster, ticket):
    api = ApiClient(api_token_create(membership=referent, name="tablette")[1])
    answer = api.post(f"/attendance/{roster.pk}/checkins", {"code": ticket.code, "nonce": "api-nonce-01"})
    assert answer.status_code == 201
    assert (
        api.post(
            f"/attendance/{roster.pk}/checkins", {"code": ticket.code, "nonce": "api-nonce-01"}
        ).status_code
        == 200
    )
    assert (
        api.post(
            f"/attendance/{roster.pk}/checkins", {"code": ticket.code, "nonce": "api-nonce-02"}
        ).status_code
        == 409
    )
    assert api.post(f"/attendance/{roster.pk}/checkins", {"code": ticket.code}).status_code == 422
