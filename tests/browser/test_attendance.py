"""A door's scan page on a phone, through bad Wi-Fi: three tickets typed offline wait on the
device, are sent when the network returns (three attendances, no duplicate), a fourth scan of a
code already present is refused with its reason at the top of the page; axe-core on the page."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partez.attendance import services
from partez.attendance.models import Attendance
from partez.organisations.models import Role
from tests import factories

from .helpers import PHONE, check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_door_scan_offline_then_online(page):
    lens = factories.CommuneFactory(insee_code="62498", name="Lens")
    ccas = factories.OrganisationFactory(kind="commune", commune=lens, name="CCAS de Lens")
    volunteer = factories.MembershipFactory(organisation=ccas, role=Role.VOLUNTEER)
    roster = services.roster_open(
        actor=volunteer,
        kind="test-door",
        title="Atelier « Budget vacances »",
        starts_at=timezone.now(),
        organisation=ccas,
        place="Maison des familles",
    )
    tickets = [
        services.ticket_issue(roster=roster, subject=f"t:{i}", holder=f"Personne {i}") for i in range(3)
    ]

    page.set_viewport_size(PHONE)
    page.set_default_timeout(15_000)
    # offline requests and 4xx answers are expected: the page queues them or shows the reason
    page.expected_console_errors = ["ERR_INTERNET_DISCONNECTED", "status of 4"]
    log_in(page, volunteer.user.username)
    page.goto(f"/pointage/{roster.pk}/")
    expect(page.get_by_role("heading", name="Atelier « Budget vacances »", level=1)).to_be_visible()
    check_page(page, "door-01-scan")
    page.set_viewport_size(PHONE)

    page.context.set_offline(True)
    expect(page.locator("#network")).to_contain_text("Hors ligne")
    code = page.get_by_label("Code du billet")
    for t in tickets:
        code.fill(f"{t.code[:5]}-{t.code[5:]}".lower())
        code.press("Enter")
    expect(page.locator("#pending")).to_have_text("3")
    assert Attendance.objects.count() == 0

    page.context.set_offline(False)
    expect(page.locator("#pending")).to_have_text("0", timeout=20_000)
    expect(page.locator("#present")).to_have_text("3")
    assert Attendance.objects.filter(ticket__roster=roster).count() == 3

    code.fill(tickets[0].code)
    code.press("Enter")
    expect(page.locator("#result")).to_contain_text("Déjà pointé")
    assert Attendance.objects.count() == 3
    check_page(page, "door-02-after-scans")
