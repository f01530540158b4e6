"""Two orders racing for the same serials (PostgreSQL): one is recorded, the others get a French
refusal naming the booklet — never a 500 from the unique serial."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from partez.cheques import services
from partez.cheques.models import Booklet, Cheque, ChequeOrder
from partez.core.errors import DomainError
from tests import factories
from tests.factories import fete as builders
from tests.fete.test_concurrency import _run_at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="concurrent transactions are tested on PostgreSQL (set DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True),
]


def _order(actor, edition, funder, reference, first):
    return lambda: (
        services.order_create(
            actor=actor,
            edition=edition,
            funder=funder,
            reference=reference,
            ordered_on=dt.date(2025, 3, 1),
            booklets=[
                services.BookletSpec(first_serial=first, count=400, denomination_cents=2000, issue_year=2025)
            ],
        ).pk
    )


@pytest.mark.parametrize("same_reference", [False, True])
def test_concurrent_orders_with_overlapping_serials_give_one_order_and_french_refusals(same_reference):
    edition = factories.EditionFactory()
    coordination = builders.coordination()
    funder = factories.FunderFactory(slug="ancv", name="ANCV")
    jobs = [
        _order(coordination, edition, funder, "CMD-1" if same_reference else f"CMD-{i}", 1000 + 10 * i)
        for i in range(6)
    ]
    done, errors = _run_at_once(jobs)
    assert len(done) == 1, errors
    assert len(errors) == 5 and all(type(e) is DomainError for e in errors), errors
    assert all(set(e.errors) <= {"booklets[0].first_serial", "reference"} for e in errors), errors
    assert all("déjà" in e.message for e in errors), errors
    assert ChequeOrder.objects.count() == 1 and Booklet.objects.count() == 1
    assert Cheque.objects.count() == 400
