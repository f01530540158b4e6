"""The séjour commun in a real browser: the coordination plans a small edition (the job runs at
once under the test settings), looks at the board, moves a household by hand (refused first, with
the reason, then accepted), locks its place and downloads a roster. Every page is audited by
:func:`check_page` (axe-core, phone width)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from partez.camping.models import Placement
from partez.organisations.models import Role
from tests import factories
from tests.factories.camping import W1, camp, participant

from .helpers import check_page, go_to, log_in

pytestmark = pytest.mark.browser


def test_plan_look_move_lock_and_download(page, edition, coordinator_org):
    c = camp(edition, coordinator_org)
    for i in range(3):
        participant(c, f"F-B{i}", people=2 + i, commune=c.lievin if i == 1 else c.lens)
    coordination = factories.MembershipFactory(organisation=coordinator_org, role=Role.COORDINATOR)
    log_in(page, coordination.user.username)

    go_to(page, "Séjours", "Séjour commun")
    expect(page.get_by_role("heading", name="Séjour commun", level=1)).to_be_visible()
    expect(page.get_by_text("Pas encore planifié.").first).to_be_visible()
    check_page(page, "camping-board-empty")
    page.get_by_label("Durée de calcul maximale (secondes)").fill("5")
    page.get_by_role("button", name="Planifier", exact=True).click()
    expect(page.get_by_text(re.compile(r"9 personnes placées \(3 foyers, 0 non placés\)"))).to_be_visible()
    page.get_by_role("button", name="Voir le résultat").click()
    expect(page).to_have_url(re.compile(r"/sejour-commun/$"))
    expect(page.get_by_role("heading", name=re.compile("Semaine du samedi 5 juillet 2025"))).to_be_visible()
    check_page(page, "camping-board")

    moved = Placement.objects.select_related("participant__household").get(
        participant__household__reference="F-B0"
    )
    # the board names the family; its link opens the participant's page
    page.locator(f'a[href="{reverse("camping_participant", args=[moved.participant_id])}"]').first.click()
    expect(page.get_by_role("heading", name=re.compile("F-B0"))).to_be_visible()
    check_page(page, "camping-participant")
    taken = Placement.objects.exclude(pk=moved.pk).select_related("unit", "week").first()
    select = page.get_by_label("Nouvelle place (semaine, camping, hébergement)")
    select.select_option(f"{taken.unit_id}:{taken.week_id}")  # htmx checks on change
    expect(page.get_by_role("status").get_by_text(re.compile("Impossible : .*déjà pris"))).to_be_visible()
    free = next(
        f"{u.pk}:{c.week(u.campsite, W1).pk}"
        for u in c.units.values()
        if not Placement.objects.filter(unit=u, week__starts_on=W1).exists()
        and u.beds >= 2
        and not u.accessible
    )
    select.select_option(free)
    expect(page.get_by_text("Place possible : validez le déplacement.")).to_be_visible()
    page.get_by_role("button", name="Déplacer").click()
    expect(page.get_by_text(re.compile("Foyer F-B0 placé : "))).to_be_visible()
    moved.refresh_from_db()
    assert f"{moved.unit_id}:{moved.week_id}" == free and moved.manual

    page.reload()
    page.get_by_role("button", name="Verrouiller la place").click()
    expect(page.get_by_text("Place du foyer F-B0 verrouillée.")).to_be_visible()
    assert Placement.objects.get(pk=moved.pk).locked

    go_to(page, "Séjours", "Séjour commun")
    with page.expect_download() as download:
        page.get_by_role("link", name="Liste d'accueil (PDF)").first.click()
    assert download.value.suggested_filename.endswith(".pdf")
