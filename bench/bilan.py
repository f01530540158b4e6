"""`make bench-bilan`: the bilan on the demo edition — the dashboard's latency, seconds per funder
PDF — side by side with a naive per-row Python aggregation of the same figures.

What it does
    1. loads the demo into a fresh database: a SQLite file ``var/bench/bilan.sqlite3`` by default
       (deleted first), or the PostgreSQL database of ``--database-url`` (which must exist and be
       empty: ``createdb partez_h6_bench``), then ``ANALYZE``;
    2. in this process (Django test client, settings ``config.settings.test``: no network, no
       server — the figures are the application's own time), logged in as the demo coordinator:
       ``--requests`` GETs of the dashboard ``/bilan/?frais=1`` (cold: every figure computed, the
       one-minute cache skipped), of ``/bilan/`` (cached), of the dashboard comparing with 2024, of
       the CAF's dashboard (published figures) and of the public page (its cache cleared before
       each request); p50 / p95 / max in ms and the number of SQL queries;
    3. builds the PDF report of every funder with an envelope in the edition, timed one by one;
    4. the baseline: the key figures, the communes and the age bands computed the naive way — every
       project, its travellers, their household and past departures loaded row by row and counted
       in Python — timed, and checked equal to the database's figures;
    5. prints a table and, as its last line, one JSON object.

It is a benchmark, not a test: it asserts nothing about timings (aims: dashboard p95 ≤ 300 ms,
a funder PDF ≤ 10 s). It only fails if the naive figures and the database's disagree.

Usage
    make bench-bilan
    BENCH_ARGS="--database-url postgres://postgres@127.0.0.1:5432/partez_h6_bench" make bench-bilan
    .venv/bin/python bench/bilan.py --requests 20 --skip-setup
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQLITE = ROOT / "var" / "bench" / "bilan.sqlite3"
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def setup(database_url: str | None, skip: bool) -> str:
    if database_url is None:
        SQLITE.parent.mkdir(parents=True, exist_ok=True)
        if not skip and SQLITE.exists():
            SQLITE.unlink()
        database_url = f"sqlite:///{SQLITE}"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if not skip:
        started = time.monotonic()
        call_command("migrate", verbosity=0)
        call_command("load_demo", verbosity=0)
        print(f"demo loaded in {time.monotonic() - started:.1f} s ({connection.vendor})", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return connection.vendor


def time_get(client, url: str, n: int, before=None) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):  # warm-up: imports, template loading, the current edition's cache
        if before:
            before()
        assert client.get(url).status_code == 200, url
    samples = []
    queries = 0
    for _ in range(n):
        if before:
            before()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
        queries = len(ctx.captured_queries)
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(percentile(samples, 95), 1),
        "max_ms": round(max(samples), 1),
        "queries": queries,
    }


def naive(edition) -> dict:
    """The figures computed the way a first version would: row by row in Python (N+1 queries)."""
    from partez.reports import stats
    from partez.reports.selectors import ACCEPTED, LEFT, RETURNED

    registered, accepted, left, returned, first = set(), set(), set(), set(), set()
    households = set()
    nights = 0
    by_commune: dict[str, set] = defaultdict(set)
    by_age: dict[str, set] = defaultdict(set)
    reference = stats.age_reference(edition.year)
    from partez.projects.models import Project

    for project in Project.objects.filter(edition=edition):
        households.add(project.household_id)
        commune = project.household.commune.insee_code
        for person in project.travellers.all():
            registered.add(person.pk)
            years = reference.year - person.birth_date.year
            if (reference.month, reference.day) < (person.birth_date.month, person.birth_date.day):
                years -= 1
            band = next(k for k, _label, minimum in reversed(stats.AGE_BANDS) if years >= minimum)
            by_age[band].add(person.pk)
            if project.status in ACCEPTED:
                accepted.add(person.pk)
            if project.status in LEFT:
                left.add(person.pk)
                by_commune[commune].add(person.pk)
                nights += (project.end_date - project.start_date).days
                if not person.past_departures.filter(year__lt=edition.year).exists():
                    first.add(person.pk)
            if project.status in RETURNED:
                returned.add(person.pk)
    return {
        "households_registered": len(households),
        "persons_registered": len(registered),
        "persons_accepted": len(accepted),
        "persons_left": len(left),
        "persons_returned": len(returned),
        "first_departures": len(first),
        "person_nights": nights,
        "by_commune_left": {k: len(v) for k, v in by_commune.items()},
        "by_age": {k: len(v) for k, v in by_age.items()},
    }


def verified(client) -> None:
    """The measured session stands for a finished login, second factor included (the
    coordination's role requires one: see docs/deploy.md)."""
    from partez.accounts.services import OK, SESSION_STATE

    session = client.session
    session[SESSION_STATE] = OK
    session.save()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url", help="PostgreSQL URL of an empty database (default: a fresh SQLite file)"
    )
    parser.add_argument("--requests", type=int, default=30, help="requests per page")
    parser.add_argument("--skip-setup", action="store_true", help="reuse the database as it is")
    args = parser.parse_args()
    vendor = setup(args.database_url, args.skip_setup)

    from django.core.cache import cache
    from django.db.models import Count
    from django.test import Client

    from partez.demo.generator import EDITION_NAME
    from partez.organisations.models import Organisation, OrganisationKind
    from partez.projects.models import Project
    from partez.reports import funder_report, selectors
    from partez.territory.models import Edition
    from partez.users.models import User

    # the demo's current edition (its year is the year of the day it was loaded)
    edition = Edition.objects.filter(name__startswith=EDITION_NAME).latest("year")
    EDITION_YEAR = edition.year
    client = Client()
    client.force_login(User.objects.get(username="coordination"))
    verified(client)
    # cold: every request computes every figure (?frais=1 skips the dashboard's one-minute cache)
    pages = {
        "dashboard": time_get(client, "/bilan/?frais=1", args.requests),
        "dashboard_cached": time_get(client, "/bilan/", args.requests),
        "dashboard_compare": time_get(client, f"/bilan/?frais=1&compare={EDITION_YEAR - 1}", args.requests),
    }
    funder_client = Client()
    funder_client.force_login(User.objects.get(username="financeur.caf"))
    verified(funder_client)
    pages["funder_dashboard"] = time_get(funder_client, "/bilan/?frais=1", args.requests)
    pages["public"] = time_get(Client(), f"/bilan-public/{EDITION_YEAR}/", args.requests, before=cache.clear)

    funders = list(
        Organisation.objects.filter(kind=OrganisationKind.FUNDER, envelopes__edition=edition)
        .distinct()
        .order_by("slug")
    )
    pdf_seconds = {}
    for funder in funders:
        started = time.perf_counter()
        body = funder_report.build_pdf(funder, edition)
        pdf_seconds[funder.slug] = round(time.perf_counter() - started, 3)
        assert body.startswith(b"%PDF-")

    started = time.perf_counter()
    db = selectors.bilan(selectors.Filters(edition))
    db_seconds = time.perf_counter() - started
    started = time.perf_counter()
    slow = naive(edition)
    naive_seconds = time.perf_counter() - started
    expected = {k: db.key[k] for k in slow if k in db.key}
    expected["by_commune_left"] = {
        r.key: r.values["left"] for r in db.tables["by_commune"].rows if r.values["left"]
    }
    expected["by_age"] = {
        r.key: r.values["registered"] for r in db.tables["by_age"].rows if r.values["registered"]
    }
    if slow != expected:
        print("the naive figures and the database's disagree:", slow, expected, file=sys.stderr)
        return 1

    counts = Project.objects.filter(edition=edition).aggregate(
        projects=Count("id", distinct=True), persons=Count("travellers")
    )
    print(
        f"\nbilan on the demo edition {EDITION_YEAR} ({vendor}): {counts['projects']} projects, "
        f"{counts['persons']} person × project rows; {args.requests} requests per page"
    )
    print(f"{'page':<20}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}{'queries':>10}")
    for name, r in pages.items():
        print(f"{name:<20}{r['p50_ms']:>10}{r['p95_ms']:>10}{r['max_ms']:>10}{r['queries']:>10}")
    print(
        f"\nfunder PDFs ({len(funders)}): median {statistics.median(pdf_seconds.values()):.2f} s, "
        f"max {max(pdf_seconds.values()):.2f} s"
    )
    print(
        f"figures in the database: {db_seconds:.3f} s; naive per-row Python: {naive_seconds:.2f} s "
        f"({naive_seconds / db_seconds:.0f}× slower), same figures"
    )
    print(
        json.dumps(
            {
                "database": vendor,
                "projects": counts["projects"],
                "person_project_rows": counts["persons"],
                "dashboard_p50_ms": pages["dashboard"]["p50_ms"],
                "dashboard_p95_ms": pages["dashboard"]["p95_ms"],
                "dashboard_queries": pages["dashboard"]["queries"],
                "dashboard_cached_p95_ms": pages["dashboard_cached"]["p95_ms"],
                "dashboard_compare_p95_ms": pages["dashboard_compare"]["p95_ms"],
                "funder_dashboard_p95_ms": pages["funder_dashboard"]["p95_ms"],
                "public_p95_ms": pages["public"]["p95_ms"],
                "funder_pdf_seconds": round(statistics.median(pdf_seconds.values()), 3),
                "funder_pdf_max_seconds": max(pdf_seconds.values()),
                "funder_pdfs": len(funders),
                "figures_db_seconds": round(db_seconds, 3),
                "naive_seconds": round(naive_seconds, 3),
                "naive_slowdown": round(naive_seconds / db_seconds, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
