"""Professionals racing to give a household its access (PostgreSQL): the daily limit holds
whatever the number of clicks at once — the count is taken under the household's row lock."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection

from partez.core.errors import DomainError
from partez.family import services
from partez.family.models import Channel, FamilyAccess
from tests import factories
from tests.factories import family

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="concurrency is tested on PostgreSQL (set DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_eight_clicks_at_once_never_pass_the_daily_limit(ccas, commune):
    household = factories.HouseholdFactory(commune=commune, created_by_organisation=ccas)
    factories.PersonFactory(household=household)
    workers = [factories.MembershipFactory(organisation=ccas, role="social_worker") for _ in range(8)]
    family.grant(workers[0], household)  # records the consent: the racers only add accesses
    limit = services.value("accesses_per_household_per_day")
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(workers))

    def click(worker) -> None:
        try:
            barrier.wait(timeout=30)
            try:
                services.access_grant(actor=worker, household=household, channel=Channel.LETTER, base_url="")
                result = "granted"
            except DomainError:
                result = "refused"
            with lock:
                outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(w,)) for w in workers]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert len(outcomes) == len(workers)
    assert outcomes.count("granted") == limit - 1
    assert FamilyAccess.objects.filter(household=household).count() == limit
