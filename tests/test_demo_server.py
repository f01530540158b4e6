"""The server ``make demo`` runs, on PostgreSQL, under a burst of concurrent requests: no answer
is a 5xx and the server never holds more database connections than its bound
(``config/gunicorn_demo.py``: workers × threads).

gunicorn runs in a subprocess with the demo's own configuration file, on the test database (the
test is transactional, so the subprocess sees its data). A monitoring connection counts the
server's connections (tagged with an ``application_name``) for as long as the burst lasts."""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import threading
import urllib.parse
import uuid

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from config import gunicorn_demo
from partez.fete.models import Checkin, Invitation
from partez.organisations.services import api_token_create
from partez.schemes.services import catalogue_sync
from tests import factories
from tests.factories.fete import build_fete

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="the connection bound is measured on PostgreSQL (set DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True),
]

APPLICATION = "partez-demo-burst"
BURST = 48  # concurrent requests, each on its own connection: 6 × the server's threads


def _database_url(**query) -> str:
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"] or "")
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    q = f"?{urllib.parse.urlencode(query)}" if query else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}{q}"


@pytest.fixture
def demo_server():
    """gunicorn with the demo's configuration on a free loopback port; yields the port."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = _database_url(application_name=APPLICATION)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn_demo.py", "--bind", "127.0.0.1:0"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    port = None
    try:
        for line in process.stderr:  # the master logs its address once the socket is bound
            found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", line)
            if found:
                port = int(found.group(1))
                break
        assert port, "gunicorn did not start"
        threading.Thread(target=process.stderr.read, daemon=True).start()  # keep the pipe drained
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def _server_connections(monitor: psycopg.Connection) -> int:
    return monitor.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [APPLICATION]
    ).fetchone()[0]


def test_a_burst_of_check_ins_gets_no_5xx_and_a_bounded_number_of_connections(demo_server):
    catalogue_sync()  # a transactional test starts from a flushed database
    edition = factories.EditionFactory()
    lens = factories.CommuneFactory(insee_code="62498", name="Lens")
    lievin = factories.CommuneFactory(insee_code="62510", name="Liévin")
    s = build_fete(
        edition,
        lens,
        factories.OrganisationFactory(kind="commune", commune=lens),
        lievin,
        factories.OrganisationFactory(kind="commune", commune=lievin),
        households_per_commune=4,
    )
    token = api_token_create(membership=s.volunteer, name="tablette")[1]
    codes = list(Invitation.objects.filter(fete=s.fete).values_list("code", flat=True))
    # each code twice with the same nonce (a device re-sending its queue), the rest reads
    sends = [("POST", c, str(uuid.uuid4())) for c in codes] * 2
    requests = sends + [("GET", "", "")] * (BURST - len(sends))
    assert len(requests) == BURST

    statuses: list[int] = []
    failures: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(BURST)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def send(method, code, nonce):
        conn = http.client.HTTPConnection("127.0.0.1", demo_server, timeout=60)
        try:
            barrier.wait(timeout=30)
            if method == "POST":
                body = json.dumps({"code": code, "nonce": nonce, "list": s.gate.pk})
                conn.request("POST", "/api/v1/checkins", body=body, headers=headers)
            else:
                conn.request("GET", "/api/v1/checkin-lists", headers=headers)
            response = conn.getresponse()
            response.read()
            with lock:
                statuses.append(response.status)
        except Exception as exc:
            with lock:
                failures.append(repr(exc))
        finally:
            conn.close()

    done = threading.Event()
    peak = [0]
    with psycopg.connect(_database_url(), autocommit=True) as monitor:

        def watch():
            while not done.is_set():
                peak[0] = max(peak[0], _server_connections(monitor))

        watcher = threading.Thread(target=watch)
        watcher.start()
        threads = [threading.Thread(target=send, args=r) for r in requests]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        done.set()
        watcher.join(timeout=30)
        held_after = _server_connections(monitor)

    assert not failures
    assert len(statuses) == BURST
    assert not [st for st in statuses if st >= 500]
    assert statuses.count(201) == len(codes)  # each code checked in once; replays and reads: 200
    assert set(statuses) == {200, 201}
    assert Checkin.objects.filter(checkin_list=s.gate).count() == len(codes)
    bound = gunicorn_demo.max_connections()
    assert bound == 8
    assert 1 <= peak[0] <= bound
    assert held_after <= bound
