"""The commission in a real browser: a commune's referent opens the session, ticks the 20
submitted projects at once, validates them in one batch, reads the session and its minutes.
Every page is audited by :func:`check_page` (axe-core, phone width, screenshots)."""

import re

import pytest
from playwright.sync_api import expect

from partez.commissions.models import CommissionDecision
from partez.funding.models import Envelope
from partez.households.naming import household_name
from partez.projects.models import Project, ProjectStatus
from tests.factories.campaign import submitted_projects
from tests.reports.test_views import pdf_text

from .helpers import SCREENSHOTS, check_page, go_to, log_in

pytestmark = pytest.mark.browser


def test_the_commission_validates_20_projects_in_one_batch(page, referent, edition, worker, commune):
    projects, envelope = submitted_projects(
        worker=worker, edition=edition, commune=commune, count=20, envelope_cents=20 * 20_000
    )
    log_in(page, referent.user.username)
    go_to(page, "Décider", "Commission")
    expect(page.get_by_role("heading", name="Commission", exact=True)).to_be_visible()
    expect(page.get_by_text("20 projets", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=household_name(projects[0].household))).to_be_visible()
    check_page(page, "commission-open-session")

    page.get_by_label("Date de la séance").fill("2025-05-13")
    page.get_by_label("Membres présents").fill("Mme Durand, adjointe aux affaires sociales\nM. Petit, CCAS")
    page.get_by_role("button", name="Ouvrir la séance").click()
    expect(page.get_by_text("Séance du 13/05/2025 ouverte")).to_be_visible()
    page.get_by_label("Cocher tous les projets de la page").check()  # in the batch form, phone too
    expect(page.get_by_text("(20 projets cochés)")).to_be_visible()
    check_page(page, "commission-screen")

    page.get_by_role("group", name=re.compile("Décision pour les projets cochés")).get_by_label(
        "Valider"
    ).check()
    page.get_by_role("button", name="Appliquer aux projets cochés").click(timeout=120_000)  # 20 validations
    expect(page.get_by_text("20 projets validés (4 000,00 € engagés sur les enveloppes).")).to_be_visible()
    expect(page.get_by_text("0 projet", exact=True)).to_be_visible()  # nothing left to decide
    check_page(page, "commission-after-batch")

    assert set(Project.objects.filter(pk__in=[p.pk for p in projects]).values_list("status", flat=True)) == {
        ProjectStatus.VALIDATED
    }
    assert Envelope.objects.get(pk=envelope.pk).reserved_cents == 20 * 20_000
    assert CommissionDecision.objects.filter(kind="validate").count() == 20

    page.get_by_role("link", name="Voir les décisions de la séance et son procès-verbal").click()
    expect(
        page.get_by_role("heading", name=re.compile("Commission de Lens — séance du 13 mai 2025"))
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Décisions (20)")).to_be_visible()
    check_page(page, "commission-session")
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("Procès-verbal")).click()
    assert download.value.suggested_filename == "proces-verbal-commission-2025-05-13.pdf"
    saved = SCREENSHOTS / "commission-minutes.pdf"  # beside the screenshots, for a human to look at
    download.value.save_as(saved)
    text = pdf_text(saved.read_bytes())
    assert (
        "Mme Durand, adjointe aux affaires sociales" in text and household_name(projects[0].household) in text
    )
