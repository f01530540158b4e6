"""`make bench-checkin`: Fête check-ins against the production server on a fresh PostgreSQL database.

What it does
    1. creates a throw-away PostgreSQL database (``partez_bench_checkin_<pid>``) on the server of
       DATABASE_URL (default ``postgres://postgres@127.0.0.1:5432/``), migrates it with the
       production settings, and loads a Fête: its gate list, ``--households`` invitations and a
       volunteer's API token (``bench/checkin_setup.py``);
    2. starts gunicorn (``config.settings.prod``, as ``make bench-web`` does: gthread,
       ``--workers`` × ``--threads``, keep-alive, preload) on a free port of 127.0.0.1;
    3. **unique codes**: ``--concurrency`` threads, each with its own keep-alive connection, send
       ``POST /api/v1/checkins`` with a new code and a new nonce each time, for ``--seconds``;
    4. **replay**: the same requests sent again (same code, same nonce — a device re-sending its
       queue), for ``--replay-seconds``: the idempotent path (200, nothing written);
    5. counts duplicates in the database (check-ins beyond one per household on the gate, plus
       any gap between the 201 answers and the rows) — must be 0 — then drops the database.

Prints a table (check-ins per second, p50/p95/p99 in ms, status codes) side by side for the two
phases and, as its last line, one JSON object. A benchmark, not a test: it asserts nothing
about timings. Aim: ≥ 200 check-ins/s with p95 ≤ 50 ms at concurrency 20 on 2 cores.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web import BENCH_DIR, HOST, ROOT, Server, bench_env, busy_share, free_port, manage

AIM_RPS = 200.0
AIM_P95_MS = 50.0


def percentile(values: list[float], p: float) -> float:
    data = sorted(values)
    if not data:
        return 0.0
    return data[max(0, int(round(p / 100 * len(data) + 0.5)) - 1)]


def server_url() -> tuple[str, str]:
    """(URL of the server's maintenance database, URL template for the bench database)."""
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/partez")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit("make bench-checkin needs PostgreSQL: set DATABASE_URL=postgres://…")
    base = parts._replace(path="/postgres").geturl()
    return base, parts._replace(path="/{name}").geturl()


def create_database(base: str, name: str) -> None:
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(base: str, name: str) -> None:
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def phase(port: int, token: str, work, concurrency: int, seconds: float) -> dict:
    """Send the requests produced by ``work()`` (None when exhausted) from ``concurrency``
    threads for ``seconds``; returns latencies, statuses and the (code, nonce) sent."""
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Connection": "keep-alive",
    }
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter = Counter()
    sent: list[tuple[str, str, int]] = []
    errors: list[str] = []
    deadline = time.perf_counter() + seconds

    def worker():
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        while time.perf_counter() < deadline:
            with lock:
                item = work()
            if item is None:
                return
            code, nonce, list_id = item
            body = json.dumps({"code": code, "nonce": nonce, "list": list_id})
            started = time.perf_counter()
            try:
                conn.request("POST", "/api/v1/checkins", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(repr(exc))
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
                continue
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                statuses[status] += 1
                sent.append((code, nonce, status))

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {
        "latencies": latencies,
        "statuses": statuses,
        "sent": sent,
        "errors": errors,
        "wall": wall,
        "rps": len(latencies) / wall if wall else 0.0,
    }


def count_rows(db_url: str, list_id: int) -> tuple[int, int]:
    """(check-in rows on the list, distinct households among them)."""
    import psycopg

    with psycopg.connect(db_url) as conn:
        return conn.execute(
            "SELECT count(*), count(DISTINCT invitation_id) FROM fete_checkin WHERE checkin_list_id = %s",
            [list_id],
        ).fetchone()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--replay-seconds", type=float, default=10.0)
    parser.add_argument("--households", type=int, default=20_000, help="invitations loaded (codes available)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--port", type=int, default=8105, help="gunicorn's port on 127.0.0.1 (0: any free one)"
    )
    parser.add_argument("--keep-database", action="store_true", help="do not drop the bench database")
    args = parser.parse_args()

    base, template = server_url()
    name = f"partez_bench_checkin_{os.getpid()}"
    db_url = template.format(name=name)
    env = bench_env()
    env["DATABASE_URL"] = db_url
    env["DB_CONN_MAX_AGE"] = "600"
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    print(f"Bench database {name} (created now, dropped at the end)", flush=True)
    create_database(base, name)
    server = None
    try:
        manage(env, "migrate", "--noinput")
        setup_out = BENCH_DIR / "checkin-setup.json"
        manage(
            env,
            "shell",
            "-c",
            f"exec(open({str(ROOT / 'bench' / 'checkin_setup.py')!r}).read()); "
            f"setup({args.households}, {str(setup_out)!r})",
        )
        setup = json.loads(setup_out.read_text())
        manage(env, "collectstatic", "--noinput")
        load_before = busy_share(2.0)
        port = args.port or free_port()
        server = Server(port=port, workers=args.workers, threads=args.threads)
        server.start(env)
        print(
            f"Serving on {HOST}:{port} — {server.description}; machine busy before: {load_before:.0%}",
            flush=True,
        )

        codes = iter(setup["codes"])
        list_id = setup["gate"]

        def unique():
            code = next(codes, None)
            return None if code is None else (code, uuid.uuid4().hex, list_id)

        # warm-up: a few check-ins on codes kept aside (counted in the database like the others)
        warm = phase(port, setup["token"], unique, 4, 2.0)
        first = phase(port, setup["token"], unique, args.concurrency, args.seconds)
        replayed = iter([(c, n, list_id) for c, n, s in first["sent"] if s == 201])
        second = phase(
            port, setup["token"], lambda: next(replayed, None), args.concurrency, args.replay_seconds
        )
    finally:
        if server is not None:
            server.stop()
    try:
        created_total, distinct = count_rows(db_url, list_id)
    finally:
        if not args.keep_database:
            drop_database(base, name)
    # Every 201 made exactly one row and nothing else did: duplicates are rows beyond one per
    # household, plus any gap between the 201 answers (all phases) and the rows.
    answered_201 = warm["statuses"][201] + first["statuses"][201] + second["statuses"][201]
    duplicates = (created_total - distinct) + abs(answered_201 - created_total)
    rows = []
    for label, result in (("unique codes (201)", first), ("replay, same nonce (200)", second)):
        lat = result["latencies"]
        rows.append(
            {
                "phase": label,
                "requests": len(lat),
                "per_second": round(result["rps"], 1),
                "p50_ms": round(percentile(lat, 50), 1),
                "p95_ms": round(percentile(lat, 95), 1),
                "p99_ms": round(percentile(lat, 99), 1),
                "statuses": dict(sorted(result["statuses"].items())),
                "errors": len(result["errors"]),
            }
        )
    print()
    print(f"{'phase':28} {'requests':>9} {'per s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  statuses")
    for r in rows:
        print(
            f"{r['phase']:28} {r['requests']:>9} {r['per_second']:>8} {r['p50_ms']:>8} {r['p95_ms']:>8} "
            f"{r['p99_ms']:>8}  {r['statuses']} errors={r['errors']}"
        )
    print(
        f"check-in rows on the gate: {created_total} (warm-up {warm['statuses'][201]}); duplicates: {duplicates}"
    )
    verdict = first["rps"] >= AIM_RPS and percentile(first["latencies"], 95) <= AIM_P95_MS
    print(
        f"aim ≥ {AIM_RPS:.0f}/s with p95 ≤ {AIM_P95_MS:.0f} ms: {'met' if verdict else 'NOT met'} "
        f"(machine shared: {load_before:.0%} busy before the run)"
    )
    print(
        json.dumps(
            {
                "checkins_per_second": rows[0]["per_second"],
                "p50_ms": rows[0]["p50_ms"],
                "p95_ms": rows[0]["p95_ms"],
                "p99_ms": rows[0]["p99_ms"],
                "duplicates": duplicates,
                "concurrency": args.concurrency,
                "seconds": args.seconds,
                "replay": {k: rows[1][k] for k in ("per_second", "p50_ms", "p95_ms", "p99_ms", "requests")},
                "statuses": {str(k): v for k, v in rows[0]["statuses"].items()},
                "server": server.description if server else "",
                "machine_busy_before": round(load_before, 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
