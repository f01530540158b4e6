"""Devices racing at the Fête (PostgreSQL): each thread has its own connection and transaction.

- the same household served at several stand devices at once → exactly one hand-over, the
  others are told it was already done, and every serial is handed once;
- 1,000 codes each sent twice at once (a device re-sending its queue) → exactly 1,000 check-ins.
"""

from __future__ import annotations

import queue
import threading
import uuid

import pytest
from django.conf import settings
from django.db import connection, transaction

from partez.cheques.models import Cheque
from partez.cheques.services import AlreadyHandedOver, cheques_hand_over
from partez.core.errors import DomainError
from partez.fete import services
from partez.fete.models import Checkin, Handover, HandoverLine, Invitation
from partez.households.models import Household
from partez.schemes.services import catalogue_sync
from tests import factories
from tests.factories.fete import build_fete

from .conftest import png_bytes

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="row locks are tested on PostgreSQL (set DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True),
]


def _setup():
    catalogue_sync()  # a transactional test starts from a flushed database
    edition = factories.EditionFactory()
    lens = factories.CommuneFactory(insee_code="62498", name="Lens")
    lievin = factories.CommuneFactory(insee_code="62510", name="Liévin")
    ccas = factories.OrganisationFactory(kind="commune", commune=lens)
    other = factories.OrganisationFactory(kind="commune", commune=lievin)
    return build_fete(edition, lens, ccas, lievin, other, households_per_commune=2)


def _run_at_once(jobs):
    barrier = threading.Barrier(len(jobs))
    results, errors, lock = [], [], threading.Lock()

    def run(job):
        try:
            barrier.wait(timeout=30)
            outcome = job()
            with lock:
                results.append(outcome)
        except DomainError as exc:
            with lock:
                errors.append(exc)
        except Exception as exc:  # reported by the assertions
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread is stuck (deadlock?)"
    return results, errors


def test_the_same_code_at_several_devices_gives_exactly_one_handover():
    s = _setup()
    serials = list(Cheque.objects.filter(household=s.invitation.household).values_list("serial", flat=True))
    png = png_bytes()

    def device(i):
        return lambda: (
            services.handover_record(
                actor=s.volunteer,
                code=s.invitation.code,
                serials=serials,
                signature_png=png,
                nonce=f"device-{i}-nonce",
            )[0].pk
        )

    done, errors = _run_at_once([device(i) for i in range(8)])

    assert len(done) == 1, errors
    assert len(errors) == 7
    assert all(isinstance(e, services.HandoverConflict | AlreadyHandedOver) for e in errors), errors
    assert Handover.objects.count() == 1
    assert HandoverLine.objects.count() == len(serials)
    assert set(Cheque.objects.filter(serial__in=serials).values_list("status", flat=True)) == {"handed_over"}


def test_the_same_serials_for_two_households_at_once_are_handed_once():
    s = _setup()
    a, b = s.households[s.invitation.commune_id][:2]
    serials = list(Cheque.objects.filter(household=a).values_list("serial", flat=True))
    Cheque.objects.filter(serial__in=serials[1:]).update(household=b)  # a corrupt preparation

    def hand(household, subset):
        def job():
            with transaction.atomic():
                return len(cheques_hand_over(actor=s.volunteer, household=household, serials=subset))

        return job

    done, errors = _run_at_once([hand(a, serials[:1]), hand(a, serials[:1]), hand(a, serials[:1])])
    assert done == [1] and len(errors) == 2
    assert all(isinstance(e, AlreadyHandedOver) for e in errors), errors


def test_a_thousand_codes_each_sent_twice_at_once_make_a_thousand_checkins():
    s = _setup()
    commune = s.invitation.commune
    org = s.invitation.household.created_by_organisation
    households = Household.objects.bulk_create(
        [
            Household(reference=f"F-C{i:05d}", commune=commune, created_by_organisation=org)
            for i in range(1000)
        ]
    )
    invitations = Invitation.objects.bulk_create(
        [
            Invitation(fete=s.fete, household=h, commune=commune, code=f"C{i:09d}", entitlements=[])
            for i, h in enumerate(households)
        ]
    )
    work: queue.Queue = queue.Queue()
    for inv in invitations:
        nonce = uuid.uuid4().hex
        work.put((inv.code, nonce))
        work.put((inv.code, nonce))  # the same scan re-sent at once by the device
    outcomes, errors, lock = [], [], threading.Lock()
    barrier = threading.Barrier(20)

    def device():
        try:
            barrier.wait(timeout=30)
            while True:
                try:
                    code, nonce = work.get_nowait()
                except queue.Empty:
                    return
                try:
                    _checkin, created = services.checkin_record(
                        actor=s.volunteer, code=code, nonce=nonce, list_id=s.gate.pk
                    )
                    with lock:
                        outcomes.append(created)
                except Exception as exc:  # reported below
                    with lock:
                        errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=device) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors[:5]
    assert outcomes.count(True) == 1000 and outcomes.count(False) == 1000
    assert Checkin.objects.filter(checkin_list=s.gate).count() == 1000
    assert Checkin.objects.values("invitation_id").distinct().count() == 1000
