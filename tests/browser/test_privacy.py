"""The coordination answers a DPO's requests in a real browser: the retention periods and the
files due, who saw a file, and an erasure on request (errors first, then confirmed)."""

import re

import pytest
from playwright.sync_api import expect

from partez.organisations.models import Role
from partez.privacy.models import RetentionNotice
from tests import factories

from .helpers import check_page, log_in

pytestmark = pytest.mark.browser


def test_retention_readers_and_erasure(page, household, worker, coordinator_org):
    coordination = factories.MembershipFactory(organisation=coordinator_org, role=Role.COORDINATOR)
    RetentionNotice.objects.create(
        household=household, notified_on="2026-11-20", anonymise_on="2026-12-20", last_activity="2024-10-02"
    )
    log_in(page, worker.user.username)
    page.goto(f"/foyers/{household.pk}/")  # the social worker opens the file: recorded
    page.get_by_role("button", name="Se déconnecter").click()

    log_in(page, coordination.user.username)
    page.get_by_role("link", name="Durées de conservation").click()
    expect(page.get_by_role("heading", name="Durées de conservation", level=1)).to_be_visible()
    expect(page.get_by_role("link", name=household.reference)).to_be_visible()
    check_page(page, "privacy-01-retention")

    page.get_by_role("link", name=household.reference).click()
    expect(page.get_by_role("link", name=re.compile("Dossier complet"))).to_be_visible()
    check_page(page, "privacy-02-household")
    page.get_by_role("link", name="Qui a consulté ce dossier").click()
    expect(page.get_by_role("cell", name="Consultation du foyer").first).to_be_visible()
    expect(page.get_by_role("cell", name=worker.user.get_full_name())).to_be_visible()
    check_page(page, "privacy-03-readers")

    page.goto(f"/foyers/{household.pk}/anonymiser/")
    page.get_by_role("button", name="Anonymiser le foyer").click()  # no reason (required) → browser stops
    page.get_by_label("Motif (sans nom de personne)").fill("demande écrite du foyer")
    page.get_by_role("button", name="Anonymiser le foyer").click()
    expect(page.get_by_role("alert")).to_contain_text("Cochez la case pour confirmer")
    check_page(page, "privacy-04-anonymise-errors")
    page.get_by_label("Je confirme l'anonymisation définitive de ce foyer.").check()
    page.get_by_role("button", name="Anonymiser le foyer").click()
    expect(page.get_by_text(f"Foyer {household.reference} anonymisé.")).to_be_visible()
    expect(page.get_by_text(re.compile("Foyer anonymisé le"))).to_be_visible()
    expect(page.get_by_text("Claire")).to_have_count(0)
    check_page(page, "privacy-05-anonymised")
