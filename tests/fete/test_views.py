"""The web pages of the ledger and the Fête: who may open what (404 outside, 403 for the role),
the scan page's JSON doors answering like the API, and the public RSVP link."""

import io
import json

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from partez.cheques.models import Cheque
from partez.fete.models import Checkin, Handover, Invitation
from partez.fete.sms import LocmemBackend
from partez.households.models import Consent
from partez.jobs.models import Job
from partez.organisations.models import Organisation, Role
from tests import factories
from tests.core.test_spreadsheet import EVIL, assert_neutralised

from .conftest import png_bytes


def client_for(membership) -> Client:
    c = Client()
    c.force_login(membership.user)
    return c


@pytest.fixture
def people(fete_setup, ccas, other_org):
    s = fete_setup
    return {
        "coordination": s.coordination,
        "volunteer": s.volunteer,
        "referent": factories.MembershipFactory(organisation=ccas, role=Role.COMMUNE_REFERENT),
        "worker": factories.MembershipFactory(organisation=ccas, role=Role.SOCIAL_WORKER),
        "funder": factories.MembershipFactory(organisation=s.funder, role=Role.FUNDER),
        "other_volunteer": factories.MembershipFactory(organisation=other_org, role=Role.VOLUNTEER),
    }


PAGES = {
    # url name → roles that get 200 (the others: 403)
    "cheque_overview": {"coordination", "referent", "funder"},
    "cheque_export": {"coordination", "referent", "funder"},
    "cheque_order_create": {"coordination"},
    "cheque_allocate": {"coordination"},
    "cheque_preparation": {"coordination", "referent"},
    "fete_home": {"coordination"},
    "fete_invitations": {"coordination"},
    "fete_counter": {"coordination", "referent"},
    "scan_choose": {"coordination", "volunteer", "referent", "other_volunteer"},
}


@pytest.mark.parametrize("name", PAGES)
def test_permission_matrix(people, name):
    for role, membership in people.items():
        response = client_for(membership).get(reverse(name))
        expected = 200 if role in PAGES[name] else 403
        assert response.status_code == expected, (name, role, response.status_code)
    assert Client().get(reverse(name)).status_code == 302  # anonymous → login


def test_a_stand_page_is_404_to_another_communes_volunteer(people, fete_setup):
    url = reverse("scan", args=[fete_setup.stand.pk])
    assert client_for(people["other_volunteer"]).get(url).status_code == 404
    page = client_for(people["volunteer"]).get(url)
    assert page.status_code == 200
    config = json.loads(page.context["config"] and json.dumps(page.context["config"]))
    assert {r["code"] for r in config["roster"]} == set(
        Invitation.objects.filter(commune=fete_setup.invitation.commune).values_list("code", flat=True)
    )


def test_the_scan_page_answers_like_the_api(people, fete_setup, signature_b64):
    s = fete_setup
    c = client_for(people["volunteer"])
    url = reverse("scan_checkin", args=[s.stand.pk])
    body = {"code": s.invitation.code, "nonce": "web-nonce-1"}
    first = c.post(url, body, content_type="application/json")
    assert first.status_code == 201
    assert c.post(url, body, content_type="application/json").json() == first.json()
    wrong = c.post(
        url, {"code": s.other_invitation.code, "nonce": "web-nonce-2"}, content_type="application/json"
    )
    assert wrong.status_code == 400 and wrong.json()["expected_stand"]["name"] == "Stand de Liévin"
    serials = [ch["serial"] for ch in first.json()["cheques"]]
    handover = c.post(
        reverse("scan_handover", args=[s.stand.pk]),
        {
            "code": s.invitation.code,
            "booklets": serials,
            "signature_png_base64": signature_b64,
            "nonce": "web-hand-1",
        },
        content_type="application/json",
    )
    assert handover.status_code == 201
    receipt = c.get(reverse("fete_receipt", args=[handover.json()["receipt"]]))
    assert receipt.status_code == 200 and handover.json()["signature_sha256"] in receipt.content.decode()
    assert (
        client_for(people["other_volunteer"])
        .get(reverse("fete_receipt", args=[handover.json()["receipt"]]))
        .status_code
        == 404
    )
    assert c.post(url, b"not json", content_type="application/json").status_code == 400


def test_preparation_page_prepares_and_shows_refusals(people, fete_setup):
    s = fete_setup
    c = client_for(people["referent"])
    page = c.get(reverse("cheque_preparation"))
    assert page.status_code == 200 and "Stand" not in page.content.decode()
    h = s.households[s.invitation.commune_id][0]
    response = c.post(reverse("cheque_prepare", args=[h.pk]), {"action": "cancel"})
    assert response.status_code == 302
    assert not Cheque.objects.filter(household=h, status="prepared").exists()
    c.post(reverse("cheque_prepare", args=[h.pk]))
    assert Cheque.objects.filter(household=h, status="prepared").count() > 0


def test_order_and_allocation_pages(people, fete_setup, commune):
    c = client_for(people["coordination"])
    data = {
        "funder": fete_setup.funder.pk,
        "reference": "CMD-WEB",
        "ordered_on": "2025-04-02",
        "denomination_0": "2500",
        "first_0": "90000",
        "count_0": "10",
        "year_0": "2025",
        "format_0": "classic",
    }
    response = c.post(reverse("cheque_order_create"), data)
    assert response.status_code == 302, response.context["form"].errors
    again = c.post(reverse("cheque_order_create"), {**data, "reference": "CMD-WEB-2"})
    assert "déjà enregistrés" in again.content.decode()
    booklet = Cheque.objects.get(serial="0000090000").booklet
    c.post(reverse("cheque_allocate"), {"commune": commune.pk, "booklets": [booklet.pk]})
    assert Cheque.objects.filter(booklet=booklet, commune=commune).count() == 10
    export = c.get(reverse("cheque_export"))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_invitations_job_prints_letters_and_sends_emails_and_sms(people, fete_setup, settings):
    settings.SMS_BACKEND = "partez.fete.sms.LocmemBackend"
    LocmemBackend.outbox.clear()
    Invitation.objects.filter(fete=fete_setup.fete).select_related("household")
    first = fete_setup.invitation.household
    first.email, first.phone = "famille@example.org", "06 12 34 56 78"
    first.save(update_fields=["email", "phone"])
    # every household agreed to be contacted (without it, no message: test_consent.py)
    Consent.objects.update(scopes=["casework", "contact"])
    c = client_for(people["coordination"])
    response = c.post(reverse("fete_send"), {"channels": ["letter", "email", "sms"]})
    job = Job.objects.get(kind="fete_invitations")
    assert response.status_code == 302 and job.status == "done", job.error
    assert job.result_file.name.endswith(".pdf")
    with job.result_file.open("rb") as f:
        assert f.read(5) == b"%PDF-"
    assert len(mail.outbox) == 1 and fete_setup.invitation.code[:5] in mail.outbox[0].body
    assert len(LocmemBackend.outbox) == 1 and LocmemBackend.outbox[0][0] == "+33612345678"
    inv = Invitation.objects.get(pk=fete_setup.invitation.pk)
    assert (inv.letter_status, inv.email_status, inv.sms_status) == ("sent", "sent", "sent")
    other = Invitation.objects.exclude(pk=inv.pk).first()
    assert (other.email_status, other.sms_status) == ("no_address", "no_address")
    letter = c.get(reverse("fete_letter", args=[inv.pk]))
    assert letter["Content-Type"] == "application/pdf"


def test_public_rsvp_shows_no_personal_data(fete_setup):
    inv = fete_setup.invitation
    c = Client()
    page = c.get(reverse("fete_rsvp", args=[inv.code]))
    assert page.status_code == 200
    assert inv.household.reference not in page.content.decode() and "Claire" not in page.content.decode()
    c.post(reverse("fete_rsvp", args=[inv.code]), {"rsvp": "yes"})
    assert Invitation.objects.get(pk=inv.pk).rsvp == "yes"
    assert c.get(reverse("fete_rsvp", args=["NOPE"])).status_code == 404


def test_counter_counts(people, fete_setup):
    c = client_for(people["volunteer"])
    c.post(
        reverse("scan_checkin", args=[fete_setup.gate.pk]),
        {"code": fete_setup.invitation.code, "nonce": "count-0001"},
        content_type="application/json",
    )
    page = client_for(people["coordination"]).get(reverse("fete_counter"), headers={"HX-Request": "true"})
    assert page.context["figures"]["present"] == 1 and Checkin.objects.count() == 1
    assert not Handover.objects.exists()
    assert png_bytes()[:4] == b"\x89PNG"


def test_letters_and_signed_receipts_opened_are_recorded_in_the_access_log(people, fete_setup):
    from partez.core.models import AccessLog
    from partez.fete import services

    from .conftest import png_bytes

    s = fete_setup
    c = client_for(people["coordination"])
    assert c.get(reverse("fete_letter", args=[s.invitation.pk])).status_code == 200
    serials = list(s.invitation.household.cheques.values_list("serial", flat=True))
    handover, _ = services.handover_record(
        actor=s.volunteer, code=s.invitation.code, serials=serials, signature_png=png_bytes(), nonce="a" * 16
    )
    assert c.get(reverse("fete_receipt", args=[handover.receipt])).status_code == 200
    assert sorted(AccessLog.objects.values_list("action", "object_id", "actor")) == [
        ("download.fete_letter", str(s.invitation.household_id), people["coordination"].user.pk),
        ("download.signature", str(s.invitation.household_id), people["coordination"].user.pk),
    ]


def test_the_cheques_reconciliation_neutralises_formulas(people, fete_setup):
    Organisation.objects.filter(pk=fete_setup.funder.pk).update(name=EVIL)
    response = client_for(people["coordination"]).get(reverse("cheque_export"))
    wb = load_workbook(io.BytesIO(response.content))
    assert_neutralised([v for ws in wb for row in ws.iter_rows(values_only=True) for v in row], EVIL)


def test_a_funders_cheque_reconciliation_is_aggregates_only(people, fete_setup):
    """Counts and amounts per funder and per commune: no household, no staff name (issue 13, 7)."""
    staff = fete_setup.coordination.user
    staff.first_name, staff.last_name = "Agentprenom", "Agentnom"
    staff.save()
    c = client_for(people["funder"])
    html = c.get(reverse("cheque_overview")).content.decode()
    workbook = load_workbook(io.BytesIO(c.get(reverse("cheque_export")).content))
    cells = " ".join(
        str(v) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for v in row if v
    )
    assert "Par commune" in html and "CALL" in html
    for text in (html, cells):
        for households in fete_setup.households.values():
            for h in households:
                assert h.reference not in text
                for p in h.persons.all():
                    assert p.last_name not in text
        assert "Agentnom" not in text and staff.username not in text


def test_the_letter_is_posted_to_the_head_by_full_name_with_the_commune_postcode(people, fete_setup):
    from tests.reports.test_views import pdf_text

    inv = fete_setup.invitation
    head = inv.household.persons.filter(relation="head").first()
    inv.household.address = "107 rue Jean Jaurès"
    inv.household.save(update_fields=["address"])
    inv.commune.postcode = "62160"
    inv.commune.save(update_fields=["postcode"])
    text = pdf_text(client_for(people["coordination"]).get(reverse("fete_letter", args=[inv.pk])).content)
    assert f"{head.first_name} {head.last_name.upper()}" in text  # not « Claire M. »
    assert "107 rue Jean Jaurès" in text and f"62160 {inv.commune.name.upper()}" in text
