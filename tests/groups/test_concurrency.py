"""Porteurs racing for the last places (PostgreSQL): seniors added at once to groups sharing one
stay and one convention → never more members than the stay's capacity or the convention's places,
the counters equal to the memberships; and a Sac Ados pack stock handed out at two phones at once."""

from __future__ import annotations

import base64
import threading

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from partez.attendance import services as attendance
from partez.attendance.models import Ticket
from partez.core.errors import DomainError
from partez.groups import services
from partez.groups.models import Convention, Member, Pack, PackStock, Status, Stay
from tests.factories import groups as world
from tests.fete.conftest import png_bytes

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="concurrency is tested on PostgreSQL (set DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True),
]


def _race(jobs) -> list[str]:
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(jobs))

    def run(job) -> None:
        try:
            barrier.wait(timeout=30)
            try:
                job()
                result = "ok"
            except DomainError as exc:
                result = "refused:" + ",".join(exc.errors)
            with lock:
                outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert not any(th.is_alive() for th in threads)
    return outcomes


@pytest.mark.parametrize(("places", "capacity", "expected"), [(30, 5, 5), (4, 30, 4)])
def test_places_never_exceed_the_stay_or_the_convention(places, capacity, expected):
    w = world.build(senior_count=12, places=places, capacity=capacity)
    first = world.seniors_group(w, w.seniors[:1] + w.seniors[1:2])  # 2 places taken
    second = world.seniors_group(w, w.seniors[2:3] + w.seniors[3:4]) if expected > 3 else None
    taken = 4 if second else 2
    groups = [first, second or first]
    jobs = [
        (lambda p=p, g=groups[i % 2]: services.member_add(actor=w.ccas_worker, group=g, person_id=p.pk))
        for i, p in enumerate(w.seniors[4:12])
    ]
    outcomes = _race(jobs)
    members = Member.objects.filter(group__stay=w.stay).count()
    assert members == max(expected, taken)
    assert outcomes.count("ok") == members - taken
    assert all(o == "ok" or o == "refused:members" for o in outcomes)
    assert Stay.objects.get().places_taken == members
    assert Convention.objects.get().places_used == members


def test_two_phones_handing_packs_over_never_give_more_bags_than_in_stock():
    w = world.build(young=6)
    groups = [world.sac_group(w, w.young[:3]), world.sac_group(w, w.young[3:6], name="Les Autres")]
    for g in groups:
        g.status = Status.ACCEPTED
        g.save(update_fields=["status"])
    services.stock_set(actor=w.coordination, year=timezone.now().year, bags=4, kits=10)
    roster = services.ceremony_open(
        actor=w.coordination, title="Remise", starts_at=timezone.now(), place="Arras", groups=groups
    )
    for i, t in enumerate(Ticket.objects.filter(roster=roster)):
        attendance.check_in(actor=w.coordination, code=t.code, nonce=f"course-{i:04d}", roster_id=roster.pk)
    signature = base64.b64encode(png_bytes()).decode()
    jobs = [
        (
            lambda p=p: services.pack_hand_over(
                actor=w.coordination,
                pack=p,
                signature_png_base64=signature,
                insurance_reference=f"N{p.pk}",
                bag=True,
                kit=True,
            )
        )
        for p in Pack.objects.filter(roster=roster)
    ]
    outcomes = _race(jobs)
    assert outcomes.count("ok") == 4
    stock = PackStock.objects.get()
    assert (stock.bags, stock.kits) == (0, 6)
    assert Pack.objects.filter(handed_at__isnull=False).count() == 4
