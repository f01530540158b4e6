"""Households racing for a workshop's last places (PostgreSQL): twelve registrations at once for
five places → exactly five registered, seven on the waitlist in a consistent order, one ticket
per place; then three cancellations at once promote exactly three from the waitlist."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from partez.accompaniment import services
from partez.accompaniment.models import Registration, RegistrationStatus
from partez.attendance.models import Ticket
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


def _race(target, items) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(items))

    def run(item) -> None:
        try:
            barrier.wait(timeout=30)
            target(item)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in items]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert not any(th.is_alive() for th in threads)
    return errors


def test_twelve_households_for_five_places():
    edition = factories.EditionFactory()
    org = factories.OrganisationFactory(kind="commune")
    worker = factories.MembershipFactory(organisation=org, role=Role.SOCIAL_WORKER)
    workshop = services.workshop_save(
        actor=worker,
        edition=edition,
        data=services.WorkshopInput(
            "train", "Premier train", timezone.now() + dt.timedelta(days=3), "Gare", 5
        ),
    )
    households = []
    for _ in range(12):
        h = factories.HouseholdFactory(created_by_organisation=org, commune=org.commune)
        factories.PersonFactory(household=h)
        households.append(h)

    errors = _race(
        lambda h: services.workshop_register(actor=worker, workshop=workshop, household=h), households
    )
    assert errors == []
    regs = Registration.objects.filter(workshop=workshop)
    assert regs.filter(status=RegistrationStatus.REGISTERED).count() == 5
    assert regs.filter(status=RegistrationStatus.WAITLISTED).count() == 7
    assert Ticket.objects.filter(roster=workshop.roster, revoked_at__isnull=True).count() == 5
    # nobody on the waitlist registered before someone who got a place
    last_in = max(r.created_at for r in regs.filter(status=RegistrationStatus.REGISTERED))
    assert all(r.created_at >= last_in for r in regs.filter(status=RegistrationStatus.WAITLISTED))

    leaving = list(regs.filter(status=RegistrationStatus.REGISTERED)[:3])
    errors = _race(lambda r: services.registration_cancel(actor=worker, registration=r), leaving)
    assert errors == []
    assert regs.filter(status=RegistrationStatus.REGISTERED).count() == 5
    assert regs.filter(status=RegistrationStatus.WAITLISTED).count() == 4
    assert Ticket.objects.filter(roster=workshop.roster, revoked_at__isnull=True).count() == 5
