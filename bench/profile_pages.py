"""Where the time of a page goes: queries, SQL time and Python time, in-process (no server).

Companion of ``bench/web.py``: when a page misses its aim there, run this on the same database
to see whether the cost is SQL (count and time of queries, the slowest ones) or Python
(template rendering, model instances); ``--pyinstrument`` prints a call tree if pyinstrument is
installed (``.venv/bin/pip install pyinstrument``; not a project dependency).

    .venv/bin/python bench/profile_pages.py                          # SQLite demo database
    DATABASE_URL=postgres://… .venv/bin/python bench/profile_pages.py --user coordination
    .venv/bin/python bench/profile_pages.py --only household_list --pyinstrument
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django() -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(64),
        ALLOWED_HOSTS="testserver,127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        STATIC_ROOT=str(ROOT / "var" / "bench" / "static"),
        SMS_BACKEND="partez.fete.sms.DisabledBackend",
    )
    import django

    django.setup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--user", default="travailleur.lens")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", help="one page name: household_list, household_page, dashboard")
    parser.add_argument("--pyinstrument", action="store_true")
    parser.add_argument("--slowest", type=int, default=3, help="slowest queries shown per page")
    args = parser.parse_args()
    setup_django()

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    class Timer:
        """A database execute wrapper: every query with its exact duration (DEBUG stays off)."""

        def __init__(self):
            self.queries: list[tuple[float, str]] = []

        def __call__(self, execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                self.queries.append(((time.perf_counter() - started) * 1000, sql))

    from partez.accounts.services import OK, SESSION_STATE

    client = Client()
    client.force_login(get_user_model().objects.get(username=args.user))
    session = client.session  # a finished login, second factor included (docs/deploy.md)
    session[SESSION_STATE] = OK
    session.save()
    listing = client.get("/foyers/")
    pks = list(dict.fromkeys(re.findall(r'href="/foyers/(\d+)/"', listing.content.decode())))[:10]
    pages = {
        "trivial": ["/sante/"],
        "household_list": ["/foyers/"],
        "household_page": [f"/foyers/{pk}/" for pk in pks],
        "dashboard": ["/"],
    }
    if args.only:
        pages = {args.only: pages[args.only]}

    for name, paths in pages.items():
        for path in paths[:2]:  # warm caches (templates, parameters)
            client.get(path)
        wall, sql, counts, slow = [], [], [], []
        for i in range(args.repeat):
            path = paths[i % len(paths)]
            timer = Timer()
            with connection.execute_wrapper(timer):
                started = time.perf_counter()
                response = client.get(path)
                wall.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
            sql.append(sum(ms for ms, _ in timer.queries))
            counts.append(len(timer.queries))
            slow.extend(timer.queries)
        print(
            f"{name:<16} {paths[0]:<16} wall {statistics.median(wall):6.1f} ms  "
            f"sql {statistics.median(sql):6.1f} ms in {statistics.median(counts):.0f} queries  "
            f"python {statistics.median(wall) - statistics.median(sql):6.1f} ms  "
            f"({len(response.content) // 1024} KiB)"
        )
        seen = set()
        for ms, text in sorted(slow, reverse=True):
            key = text[:120]
            if key in seen:
                continue
            seen.add(key)
            print(f"    {ms:6.1f} ms  {text[:400]}")
            if len(seen) >= args.slowest:
                break
        if args.pyinstrument:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
            for i in range(args.repeat):
                client.get(paths[i % len(paths)])
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
