"""Thirty professionals registering at once for the last ten places (PostgreSQL): exactly ten
confirmed and twenty waitlisted, in the order the session's lock was granted; three cancellations
at once promote the first three of the waitlist, who are told by e-mail."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection

from partez.network import selectors, services
from partez.network.models import Registration, RegistrationStatus

from .conftest import make_session, professionals

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="concurrency is tested on PostgreSQL (set DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True),
]


def _at_once(jobs):
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job):
        try:
            barrier.wait(timeout=30)
            job()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert not any(th.is_alive() for th in threads)
    assert not errors, errors


def test_thirty_for_ten_places_then_three_cancellations(coordination, training):
    session = make_session(coordination, training, capacity=10)
    people = professionals(30)
    _at_once([lambda m=m: services.registration_create(actor=m, session=session) for m in people])

    regs = list(Registration.objects.filter(session=session).order_by("pk"))
    assert len(regs) == 30
    confirmed = [r for r in regs if r.status == RegistrationStatus.CONFIRMED]
    waitlisted = [r for r in regs if r.status == RegistrationStatus.WAITLISTED]
    assert len(confirmed) == 10 and len(waitlisted) == 20
    assert regs[:10] == confirmed  # the first ten to hold the lock, then the waitlist in order
    assert [selectors.waitlist_position(r) for r in waitlisted] == list(range(1, 21))
    assert len({r.user_id for r in regs}) == 30
    assert all(services.ticket_of(r) is not None for r in confirmed)

    mail.outbox.clear()
    leaving = confirmed[:3]
    _at_once([lambda r=r: services.registration_cancel(actor=r.membership, registration=r) for r in leaving])
    now_confirmed = set(
        Registration.objects.filter(session=session, status=RegistrationStatus.CONFIRMED).values_list(
            "pk", flat=True
        )
    )
    assert len(now_confirmed) == 10
    assert {r.pk for r in waitlisted[:3]} <= now_confirmed
    assert not {r.pk for r in waitlisted[3:]} & now_confirmed
    told = sorted(m.to[0] for m in mail.outbox if "place s'est libérée" in m.subject)
    assert told == sorted(r.user.email for r in waitlisted[:3])
    rest = Registration.objects.filter(session=session, status=RegistrationStatus.WAITLISTED).order_by("pk")
    assert [selectors.waitlist_position(r) for r in rest] == list(range(1, 18))
