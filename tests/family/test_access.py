"""Getting into the families' space without a password: links, codes, expiry, withdrawal,
consent, the daily limit, the audit and ``manage.py family_link``."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from partez.core.errors import DomainError, NotAllowed
from partez.core.models import AuditLog
from partez.family import services
from partez.family.models import Channel, FamilyAccess
from partez.family.selectors import SESSION_KEY
from partez.fete.sms import LocmemBackend
from partez.households.models import ConsentScope
from partez.households.services import consent_revoke
from tests import factories
from tests.factories import family

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms_outbox(settings):
    settings.SMS_BACKEND = "partez.fete.sms.LocmemBackend"
    LocmemBackend.outbox.clear()
    yield LocmemBackend.outbox
    LocmemBackend.outbox.clear()


def test_sms_sends_the_link_and_records_the_consent(worker, home, sms_outbox):
    granted = family.grant(worker, home, Channel.SMS)
    assert granted.sent and granted.code == ""
    [(to, text)] = sms_outbox
    assert to == "+33612345678"
    assert granted.link in text and len(text) <= 320
    access = granted.access
    assert access.recipient == "+336 •• •• •• 78"  # masked: the number stays in the file only
    assert access.token_hash != granted.link.rstrip("/").rsplit("/", 1)[-1]  # only its hash
    consent = home.consents.get(scopes__icontains=ConsentScope.FAMILY_SPACE)
    assert consent.collected_by == worker.user and consent.revoked_at is None
    assert AuditLog.objects.filter(action="family_access.grant", object_id=str(access.pk)).exists()
    assert AuditLog.objects.filter(action="consent.collect", object_id=str(consent.pk)).exists()


def test_email_sends_the_link(worker, home):
    granted = family.grant(worker, home, Channel.EMAIL)
    [message] = mail.outbox
    assert message.to == ["martin@example.org"] and granted.link in message.body
    assert granted.access.recipient == "m•••@example.org"


def test_letter_gives_a_short_code_that_opens_the_space(worker, home, client):
    granted = family.grant(worker, home, Channel.LETTER)
    assert len(granted.code) == 11 and granted.code[5] == "-"
    response = client.post("/famille/code/", {"code": granted.code.lower().replace("-", " ")})
    assert response.status_code == 302 and response["Location"] == "/famille/"
    assert client.session[SESSION_KEY] == granted.access.pk
    assert client.get("/famille/").status_code == 200


def test_every_error_at_once_and_nothing_saved(worker, home):
    home.phone = ""
    home.save(update_fields=["phone"])
    other_person = factories.PersonFactory()
    with pytest.raises(DomainError) as exc:
        services.access_grant(
            actor=worker, household=home, channel=Channel.SMS, base_url="", person=other_person
        )
    assert set(exc.value.errors) == {"channel", "person", "consent"}
    assert "portable" in exc.value.errors["channel"]
    assert not FamilyAccess.objects.exists()
    assert not home.consents.filter(scopes__icontains=ConsentScope.FAMILY_SPACE).exists()


def test_a_volunteer_cannot_give_access(home, ccas):
    volunteer = factories.MembershipFactory(organisation=ccas, role="volunteer")
    with pytest.raises(NotAllowed):
        family.grant(volunteer, home)


def test_daily_limit_per_household(worker, home):
    for _ in range(services.value("accesses_per_household_per_day")):
        family.grant(worker, home)
    with pytest.raises(DomainError, match="assez d'accès aujourd'hui"):
        family.grant(worker, home)


def test_the_link_leaves_the_address_bar_and_renews_the_session(granted, client):
    client.get("/famille/code/")
    before = client.session.session_key
    response = client.get(granted.link.removeprefix(family.BASE))
    assert response.status_code == 302 and response["Location"] == "/famille/"
    assert client.session.session_key != before
    access = FamilyAccess.objects.get(pk=granted.access.pk)
    assert access.uses == 1 and access.last_used_at is not None
    assert AuditLog.objects.filter(action="family_access.open", object_id=str(access.pk)).count() == 1


def test_unknown_link_is_a_404_in_french(client):
    response = client.get("/famille/entrer/nimportequoi/")
    assert response.status_code == 404
    assert "Ce lien ou ce code ne marche pas" in response.content.decode()


def test_revoked_link_is_refused_and_ends_the_open_session(worker, granted, family_client):
    services.access_revoke(actor=worker, access=granted.access)
    response = family_client.get("/famille/")
    assert response.status_code == 403 and "Entrer dans mon espace" in response.content.decode()
    response = family_client.get(granted.link.removeprefix(family.BASE))
    assert response.status_code == 410 and "Cet accès est arrêté" in response.content.decode()
    refused = AuditLog.objects.get(action="family_access.refused")
    assert refused.changes["reason"] == "revoked"
    with pytest.raises(DomainError, match="déjà retiré"):
        services.access_revoke(actor=worker, access=granted.access)


def test_expired_link_is_refused(granted, family_client):
    FamilyAccess.objects.filter(pk=granted.access.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert family_client.get("/famille/").status_code == 403
    response = family_client.get(granted.link.removeprefix(family.BASE))
    assert response.status_code == 410 and "trop vieux" in response.content.decode()


def test_expiry_is_the_dated_parameter(granted):
    days = services.value("link_validity_days")
    left = granted.access.expires_at - timezone.now()
    assert dt.timedelta(days=days) - dt.timedelta(minutes=1) < left <= dt.timedelta(days=days)


def test_withdrawn_consent_closes_the_space(worker, granted, family_client, home):
    consent = home.consents.get(scopes__icontains=ConsentScope.FAMILY_SPACE)
    consent_revoke(actor=worker, consent=consent)
    assert family_client.get("/famille/").status_code == 403
    response = family_client.get(granted.link.removeprefix(family.BASE))
    assert response.status_code == 403 and "fermé" in response.content.decode()


def test_wrong_code_is_a_french_error_and_the_code_page_is_rate_limited(client, granted):
    response = client.post("/famille/code/", {"code": "AAAAA-AAAAA"})
    assert response.status_code == 400 and "ne marche pas" in response.content.decode()
    statuses = [client.post("/famille/code/", {"code": "AAAAA-AAAAA"}).status_code for _ in range(12)]
    assert statuses[-1] == 429


def test_leaving_ends_the_family_session(family_client):
    assert family_client.post("/famille/sortir/").status_code == 200
    assert family_client.get("/famille/").status_code == 403


def test_family_link_command_prints_the_link_alone_on_its_last_line(granted, home, client):
    out = StringIO()
    call_command("family_link", household=home.pk, stdout=out)
    link = out.getvalue().strip().splitlines()[-1]
    assert link.startswith("http://") and "/famille/entrer/" in link
    access = FamilyAccess.objects.get(channel=Channel.LINK)
    assert access.created_by is None and access.expires_at > timezone.now() + dt.timedelta(days=1)
    assert AuditLog.objects.filter(
        action="family_access.grant", object_id=str(access.pk), actor=None
    ).exists()
    response = client.get("/" + link.split("/", 3)[3])
    assert response.status_code == 302


def test_family_link_command_needs_the_consent(household):
    with pytest.raises(CommandError, match="accord"):
        call_command("family_link", household=household.pk, stdout=StringIO())
    with pytest.raises(CommandError, match="introuvable"):
        call_command("family_link", household=999999, stdout=StringIO())


def test_the_links_token_never_reaches_the_logs():
    from partez.core.logscrub import scrub_text

    assert (
        scrub_text('"GET /famille/entrer/Secret-Token_123/ HTTP/1.1" 302')
        == '"GET /famille/entrer/…/ HTTP/1.1" 302'
    )


def _sms_code(outbox):
    import re

    return re.search(r"\b(\d{6})\b", outbox[-1][1]).group(1)


def test_a_lost_link_a_one_time_code_by_sms(worker, home, sms_outbox, client):
    granted = family.grant(worker, home, Channel.SMS)
    response = client.post("/famille/sms/", {"step": "phone", "phone": "06.12.34.56.78"})
    assert response.status_code == 200 and "Si ce numéro est connu" in response.content.decode()
    code = _sms_code(sms_outbox)
    assert (
        client.post(
            "/famille/sms/",
            {"step": "code", "phone": "0612345678", "code": "000000" if code != "000000" else "111111"},
        ).status_code
        == 400
    )
    response = client.post("/famille/sms/", {"step": "code", "phone": "0612345678", "code": code})
    assert response.status_code == 302 and client.session[SESSION_KEY] == granted.access.pk
    opened = AuditLog.objects.filter(action="family_access.open", object_id=str(granted.access.pk)).latest(
        "id"
    )
    assert opened.changes["by"] == "sms_code"
    again = Client().post("/famille/sms/", {"step": "code", "phone": "0612345678", "code": code})
    assert again.status_code == 400  # once only


def test_an_unknown_number_gets_the_same_answer_and_no_sms(client, sms_outbox, granted):
    response = client.post("/famille/sms/", {"step": "phone", "phone": "07 99 99 99 99"})
    assert response.status_code == 200 and "Si ce numéro est connu" in response.content.decode()
    assert sms_outbox == []
    response = client.post("/famille/sms/", {"step": "phone", "phone": "01 23 45 67 89"})
    assert response.status_code == 400 and "06 ou 07" in response.content.decode()


def test_one_time_code_tries_and_the_number_limit(worker, home, sms_outbox):
    family.grant(worker, home, Channel.SMS)
    for _ in range(services.value("one_time_codes_per_number_per_hour") + 2):
        services.one_time_code_send(phone="0612345678")
    assert len(sms_outbox) == 1 + services.value(
        "one_time_codes_per_number_per_hour"
    )  # the link, then the codes
    code = _sms_code(sms_outbox)
    for _ in range(services.value("one_time_code_tries")):
        with pytest.raises(services.AccessRefused):
            services.one_time_code_open(phone="0612345678", code="x")
    with pytest.raises(services.AccessRefused):  # too many tries: even the right code is refused
        services.one_time_code_open(phone="0612345678", code=code)


def test_a_one_time_code_opens_nothing_once_the_access_is_withdrawn(worker, home, sms_outbox):
    granted = family.grant(worker, home, Channel.SMS)
    services.one_time_code_send(phone="0612345678")
    services.access_revoke(actor=worker, access=granted.access)
    with pytest.raises(services.AccessRefused) as exc:
        services.one_time_code_open(phone="0612345678", code=_sms_code(sms_outbox))
    assert exc.value.reason == "revoked"
