"""The coordination sends the Fête's invitations by e-mail in a real browser: a household without
« contact » consent gets nothing and its status says why; a second send asks before sending
again; the job's file says until when it can be downloaded. axe-core on each page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from partez.households.models import Consent
from partez.schemes.services import catalogue_sync
from tests import factories
from tests.factories.fete import build_fete

from .helpers import check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_invitations_respect_contact_consent_and_are_not_sent_twice(page):
    catalogue_sync()
    edition = factories.EditionFactory()
    lens = factories.CommuneFactory(insee_code="62498", name="Lens")
    lievin = factories.CommuneFactory(insee_code="62510", name="Liévin")
    ccas = factories.OrganisationFactory(kind="commune", commune=lens, name="CCAS de Lens")
    other = factories.OrganisationFactory(kind="commune", commune=lievin, name="CCAS de Liévin")
    s = build_fete(edition, lens, ccas, lievin, other, households_per_commune=2)
    agreed = s.invitation.household
    agreed.email = "famille@example.org"
    agreed.save(update_fields=["email"])
    Consent.objects.filter(household=agreed).update(scopes=["casework", "contact"])
    refused = s.other_invitation.household
    refused.email = "sans-consentement@example.org"
    refused.save(update_fields=["email"])

    log_in(page, s.coordination.user.username)
    page.goto("/fete/")
    expect(page.get_by_label("Renvoyer aussi les e-mails et SMS déjà envoyés")).not_to_be_checked()
    check_page(page, "fete-send")
    page.get_by_role("button", name="Générer et envoyer les invitations").click()
    page.wait_for_url(re.compile(r"/traitements/"))
    expect(page.get_by_text("Disponible jusqu'au")).to_be_visible()
    check_page(page, "job-file-expiry")
    assert [m.to for m in mail.outbox] == [["famille@example.org"]]

    page.goto("/fete/invitations/")
    expect(page.get_by_text("Pas de consentement (contact)").first).to_be_visible()
    check_page(page, "fete-invitations-consent")

    page.goto("/fete/")
    page.get_by_role("button", name="Générer et envoyer les invitations").click()
    page.wait_for_url(re.compile(r"/traitements/"))
    assert len(mail.outbox) == 1  # already sent: not twice
