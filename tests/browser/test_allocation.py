"""The campaign allocation in a real browser: the coordination computes a distribution of an
envelope too small for every submitted project, reviews it against first-come-first-served,
applies it, and sees the projects validated. Every page is audited by :func:`check_page`."""

import re

import pytest
from playwright.sync_api import expect

from partez.funding.models import Envelope
from partez.organisations.models import Role
from partez.projects.models import Project, ProjectStatus
from tests import factories
from tests.factories.campaign import submitted_projects

from .helpers import check_page, log_in

pytestmark = pytest.mark.browser


def test_compute_review_and_apply_an_allocation(page, coordinator_org, edition, worker, commune):
    projects, envelope = submitted_projects(worker=worker, edition=edition, commune=commune, count=4)
    coordination = factories.MembershipFactory(organisation=coordinator_org, role=Role.COORDINATOR)
    log_in(page, coordination.user.username)

    page.goto("/financements/repartition/")
    expect(page.get_by_role("heading", name="Répartition des enveloppes")).to_be_visible()
    check_page(page, "allocation-index")
    page.get_by_label("Durée de calcul maximale (secondes)").fill("5")
    page.get_by_role("button", name="Lancer le calcul").click()
    page.get_by_role("button", name="Voir le résultat").click()  # the test settings run jobs at once
    expect(page).to_have_url(re.compile(r"/financements/repartition/\d+/$"))
    expect(page.get_by_role("rowheader", name="Premier arrivé, premier servi")).to_be_visible()
    expect(page.get_by_role("link", name="Financés (2)")).to_be_visible()  # 400 € pays two APVs of 200 €
    check_page(page, "allocation-review")

    page.get_by_role("button", name=re.compile("Appliquer")).click()
    page.get_by_role("button", name="Voir le résultat").click()
    expect(page.get_by_text(re.compile(r"Appliquée le .* 2 projets validés"))).to_be_visible()
    check_page(page, "allocation-applied")
    statuses = sorted(
        Project.objects.filter(pk__in=[p.pk for p in projects]).values_list("status", flat=True)
    )
    assert statuses == [ProjectStatus.SUBMITTED] * 2 + [ProjectStatus.VALIDATED] * 2
    envelope = Envelope.objects.get(pk=envelope.pk)
    assert envelope.reserved_cents == 40_000
