"""Workshop reminders: sent two days ahead (dated parameter) by SMS, else by e-mail, only to the
households who agreed to be contacted; a second run sends nothing more."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from partez.accompaniment import reminders, services
from partez.fete.sms import LocmemBackend
from partez.households.models import ConsentScope
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sms(settings):
    settings.SMS_BACKEND = "partez.fete.sms.LocmemBackend"
    LocmemBackend.outbox = []


def _household(ccas, commune, *, phone="", email="", contact=True):
    h = factories.HouseholdFactory(commune=commune, created_by_organisation=ccas, phone=phone, email=email)
    factories.PersonFactory(household=h)
    if contact:
        consent = h.consents.get()
        consent.scopes = [ConsentScope.CASEWORK, ConsentScope.CONTACT]
        consent.save()
    return h


def test_reminders_by_sms_else_email_with_consent_once(ccas, commune, referent, worker, edition):
    soon = services.workshop_save(
        actor=referent,
        edition=edition,
        data=services.WorkshopInput(
            "train", "Premier train", timezone.now() + dt.timedelta(days=1), "Gare", 10
        ),
    )
    later = services.workshop_save(
        actor=referent,
        edition=edition,
        data=services.WorkshopInput("budget", "Budget", timezone.now() + dt.timedelta(days=9), "Mairie", 10),
    )
    by_sms = _household(ccas, commune, phone="06 12 34 56 78")
    by_email = _household(ccas, commune, phone="03 21 00 00 00", email="famille@example.org")
    no_consent = _household(ccas, commune, phone="06 98 76 54 32", contact=False)
    for h in (by_sms, by_email, no_consent):
        services.workshop_register(actor=worker, workshop=soon, household=h)
    services.workshop_register(actor=worker, workshop=later, household=by_sms)

    sent = reminders.reminders_send()
    assert (sent.sms, sent.emails, sent.skipped) == (1, 1, 1)
    ((to, text),) = LocmemBackend.outbox
    assert to == "+33612345678" and "Premier train" in text and "Votre code d'entrée : " in text
    assert mail.outbox[0].to == ["famille@example.org"]
    out = io.StringIO()
    call_command("send_workshop_reminders", stdout=out)
    assert out.getvalue().startswith("0 SMS, 0 e-mail(s)")
    assert len(LocmemBackend.outbox) == 1 and len(mail.outbox) == 1
