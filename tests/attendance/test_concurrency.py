"""Devices racing at a door (PostgreSQL): every ticket scanned at three devices at once, each
device re-sending its scan → exactly one attendance per ticket, the repeats answered alike."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from partez.attendance import services
from partez.attendance.models import Attendance
from partez.organisations.models import Role
from tests import factories

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="concurrency is tested on PostgreSQL (set DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_three_devices_scanning_the_same_tickets_record_each_once():
    org = factories.OrganisationFactory(kind="commune")
    referent = factories.MembershipFactory(organisation=org, role=Role.COMMUNE_REFERENT)
    roster = services.roster_open(
        actor=referent, kind="test-door", title="Colloque", starts_at=timezone.now(), organisation=org
    )
    tickets = [services.ticket_issue(roster=roster, subject=f"t:{i}", holder=f"P{i}") for i in range(30)]
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(6)

    def device(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            for t in tickets:
                for _ in range(2):  # the device re-sends its scan once
                    try:
                        _, created = services.check_in(
                            actor=referent, code=t.code, nonce=f"dev{n % 3}-{t.code}", roster_id=roster.pk
                        )
                        result = "created" if created else "repeated"
                    except services.AlreadyCheckedIn:
                        result = "already"
                    with lock:
                        outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=device, args=(n,)) for n in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert not any(th.is_alive() for th in threads)
    assert Attendance.objects.filter(ticket__roster=roster).count() == 30
    assert outcomes.count("created") == 30
    assert len(outcomes) == 6 * 30 * 2
