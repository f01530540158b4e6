"""The bilan in a real browser: the coordinator's dashboard (charts, map, timeline, filters), a
funder's published view, the public page and the satisfaction survey, each audited by
:func:`check_page` (axe-core: no serious or critical violation; no horizontal scroll on a phone)."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from partez.organisations.models import OrganisationKind, Role
from partez.reports import surveys
from partez.reports.models import SurveyResponse
from partez.schemes.services import catalogue_sync
from partez.territory.models import Milestone, MilestoneKind
from tests import factories
from tests.factories.bilan import more_households, small_edition

from .helpers import check_page, go_to, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def data(db):
    catalogue_sync()  # a live-server test starts from a flushed database
    e = small_edition()
    more_households(e, 4)
    Milestone.objects.create(edition=e.edition, kind=MilestoneKind.FETE, planned_on=dt.date(2025, 6, 28))
    Milestone.objects.create(
        edition=e.edition,
        kind=MilestoneKind.REPORTS_DUE,
        planned_on=timezone.localdate() + dt.timedelta(days=10),
    )
    return e


def test_dashboard_and_funder_view(page, data):
    coordination = factories.OrganisationFactory(kind=OrganisationKind.COORDINATOR, commune=None)
    coordinator = factories.MembershipFactory(organisation=coordination, role=Role.COORDINATOR)
    log_in(page, coordinator.user.username)
    go_to(page, "Bilan", "Bilan de l'édition")
    expect(page.get_by_role("heading", name="Bilan 2025")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Bilans dus aux financeurs")).to_be_visible()  # banner
    expect(page.locator("svg[role=img]")).to_have_count(12)  # map, frise, the years and nine charts
    expect(page.get_by_role("img", name=re.compile("Départs pour 1 000 habitants"))).to_be_visible()
    check_page(page, "bilan-coordination")
    page.locator("select[name=commune]").select_option(label="Commune B")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_text("Commune B").first).to_be_visible()
    expect(page.locator(".card").nth(1)).to_contain_text("3")  # three people registered in B
    expect(page.get_by_role("button", name="Export CSV")).to_be_visible()
    page.get_by_role("button", name="Rapports aux financeurs").click()
    expect(page.get_by_role("cell", name="CAF du Pas-de-Calais")).to_be_visible()
    check_page(page, "bilan-rapports")

    page.context.clear_cookies()
    funder = factories.MembershipFactory(organisation=data.funders["call"], role=Role.FUNDER)
    log_in(page, funder.user.username)
    page.goto("/bilan/")
    expect(
        page.get_by_text("la différence entre deux vues filtrées pourrait révéler une case masquée")
    ).to_be_visible()
    expect(page.locator("select[name=commune], select[name=scheme], select[name=funder]")).to_have_count(0)
    expect(page.get_by_role("cell", name="masqué").first).to_be_visible()
    expect(page.get_by_role("cell", name="< 5")).to_have_count(0)
    expect(page.get_by_role("button", name="Export CSV")).to_have_count(0)
    check_page(page, "bilan-financeur")
    # the funder's envelope page: aggregates per commune and per month, never a line
    page.goto(f"/financements/{data.envelopes['call'].pk}/")
    expect(page.get_by_role("heading", name="Par commune")).to_be_visible()
    expect(page.get_by_role("heading", name="Par mois")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Registre"))).to_have_count(0)
    expect(page.get_by_text(data.projects["p1"].reference)).to_have_count(0)
    check_page(page, "funding-financeur-enveloppe")


def test_public_page_and_survey(page, data):
    page.goto("/operation/")
    expect(page.get_by_role("heading", name=re.compile("10 000 départs"))).to_be_visible()
    expect(page.get_by_role("heading", name="Les partenaires financeurs")).to_be_visible()
    expect(page.get_by_text("CAF du Pas-de-Calais")).to_be_visible()
    check_page(page, "bilan-public")

    h1 = data.households["h1"]
    h1.email = "famille@example.org"
    h1.save(update_fields=["email"])
    h1.consents.update(scopes=["casework", "contact", "statistics"])  # the survey asks both
    surveys.surveys_send(edition=data.edition, base_url="http://ignored")
    path = re.search(r"(/enquete/[^/]+/)", mail.outbox[-1].body).group(1)
    page.goto(path)
    check_page(page, "enquete")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_text("Ce champ est obligatoire").first).to_be_visible()
    page.get_by_label("Très satisfait·e").first.check()
    page.get_by_label("Oui").first.check()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_text("Vos réponses sont enregistrées")).to_be_visible()
    assert SurveyResponse.objects.get().satisfaction == 4
