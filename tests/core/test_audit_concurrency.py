"""Writers and sealers at the same moment never fork the audit chain (PostgreSQL)."""

import threading

import pytest
from django.conf import settings
from django.db import connection, transaction

from partez.core import audit
from partez.core.models import AuditLog
from tests import factories

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="the chain head's row lock is tested on PostgreSQL (set DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True),
]

THREADS, PER_THREAD = 8, 5


def test_concurrent_services_and_sealers_make_one_unbroken_chain():
    organisation = factories.OrganisationFactory()
    user = factories.UserFactory()
    barrier = threading.Barrier(THREADS)
    errors = []

    def writer():
        try:
            barrier.wait(timeout=30)
            for i in range(PER_THREAD):
                with transaction.atomic():  # a service: its entry is sealed once it commits
                    audit.record(
                        actor=user,
                        organisation=organisation,
                        action="household.update",
                        obj=organisation,
                        changes={"i": i},
                    )
                audit.seal()  # and an extra sealer racing the on-commit ones
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    audit.seal()
    seqs = list(AuditLog.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, THREADS * PER_THREAD + 1))
    assert audit.verify() == (THREADS * PER_THREAD, [])
