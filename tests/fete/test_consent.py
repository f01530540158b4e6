"""The invitations job honours the « contact » consent (no e-mail or SMS without it, the status
says why; the letter is still printed for the commune to hand over) and does not send twice what
was already sent unless asked."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from partez.fete.models import Delivery, Invitation
from partez.fete.sms import LocmemBackend
from partez.households.models import ConsentScope
from partez.jobs import services as job_services
from partez.jobs.models import Job

from .test_views import client_for


def reachable(household, *, contact=True, email="famille@example.org", phone="06 12 34 56 78"):
    household.email, household.phone = email, phone
    household.save(update_fields=["email", "phone"])
    if contact:
        household.consents.update(scopes=[ConsentScope.CASEWORK, ConsentScope.CONTACT])


def run(setup, channels=("letter", "email", "sms"), **params):
    job = job_services.job_start(
        actor=setup.coordination,
        kind="fete_invitations",
        label="Invitations",
        params={
            "fete": setup.fete.pk,
            "channels": list(channels),
            "base_url": "https://partez.example",
            **params,
        },
    )
    assert job.status == "done", job.error
    return job


@pytest.fixture
def sms_outbox(settings):
    settings.SMS_BACKEND = "partez.fete.sms.LocmemBackend"
    LocmemBackend.outbox.clear()
    return LocmemBackend.outbox


def statuses(inv):
    inv.refresh_from_db()
    return inv.letter_status, inv.email_status, inv.sms_status


def test_no_message_without_an_active_contact_consent(fete_setup, sms_outbox):
    s = fete_setup
    allowed, never, withdrawn = (
        Invitation.objects.get(household=h) for h in s.households[s.invitation.commune_id]
    )
    reachable(allowed.household)
    reachable(never.household, contact=False, email="jamais@example.org", phone="06 11 11 11 11")
    reachable(withdrawn.household, email="retrait@example.org", phone="06 22 22 22 22")
    withdrawn.household.consents.update(revoked_at=timezone.now())
    run(s)
    assert [m.to for m in mail.outbox] == [["famille@example.org"]]
    assert [to for to, _ in sms_outbox] == ["+33612345678"]
    assert statuses(allowed) == (Delivery.SENT, Delivery.SENT, Delivery.SENT)
    # the letter is still printed (the commune hands it over); the status says why nothing was sent
    assert statuses(never) == (Delivery.SENT, Delivery.NO_CONSENT, Delivery.NO_CONSENT)
    assert statuses(withdrawn) == (Delivery.SENT, Delivery.NO_CONSENT, Delivery.NO_CONSENT)
    page = client_for(s.coordination).get(reverse("fete_invitations"))
    assert "Pas de consentement" in page.content.decode()


def test_a_new_consent_after_a_withdrawal_allows_contact_again(fete_setup, sms_outbox):
    s = fete_setup
    inv = s.invitation
    reachable(inv.household)
    inv.household.consents.update(revoked_at=timezone.now())
    inv.household.consents.create(
        scopes=[ConsentScope.CASEWORK, ConsentScope.CONTACT],
        collected_by=s.coordination.user,
        organisation=s.coordination.organisation,
        collected_at=timezone.now(),
    )
    run(s, channels=("email",))
    assert [m.to for m in mail.outbox] == [["famille@example.org"]]


def test_resending_skips_what_was_sent_unless_asked(fete_setup, sms_outbox):
    s = fete_setup
    reachable(s.invitation.household)
    run(s)
    assert (len(mail.outbox), len(sms_outbox)) == (1, 1)
    run(s)  # a second run sends nothing already sent
    assert (len(mail.outbox), len(sms_outbox)) == (1, 1)
    assert statuses(s.invitation) == (Delivery.SENT, Delivery.SENT, Delivery.SENT)
    run(s, resend=True)
    assert (len(mail.outbox), len(sms_outbox)) == (2, 2)


def test_a_failed_sms_is_retried_by_the_next_run(fete_setup, sms_outbox):
    s = fete_setup
    reachable(s.invitation.household)
    run(s, channels=("sms",))
    Invitation.objects.filter(pk=s.invitation.pk).update(sms_status=Delivery.FAILED)
    run(s, channels=("sms",))
    assert len(sms_outbox) == 2 and statuses(s.invitation)[2] == Delivery.SENT


def test_the_page_offers_the_resend_option(fete_setup, sms_outbox):
    s = fete_setup
    reachable(s.invitation.household)
    c = client_for(s.coordination)
    assert 'name="resend"' in c.get(reverse("fete_home")).content.decode()
    c.post(reverse("fete_send"), {"channels": ["email"]})
    c.post(reverse("fete_send"), {"channels": ["email"]})
    assert len(mail.outbox) == 1
    c.post(reverse("fete_send"), {"channels": ["email"], "resend": "on"})
    assert len(mail.outbox) == 2
    assert sorted(j.params.get("resend") for j in Job.objects.all()) == [False, False, True]
