"""`make bench-web`: the web app under a production server, measured at concurrency 10.

What it does
    1. prepares the demo data with the production settings (``migrate``, ``load_demo`` — idempotent —
       and ``collectstatic``), on SQLite by default or on PostgreSQL when DATABASE_URL is set
       (then ``ANALYZE``, so the planner has the statistics a database in service has);
    2. starts gunicorn (``config.wsgi:application``, ``config.settings.prod``) on a free port of
       127.0.0.1, with a throw-away SECRET_KEY, ``SECURE_SSL_REDIRECT=0`` and the cookies' Secure
       flag off (plain http on the loopback: the only place these flags are ever turned off);
    3. logs in once as the demo social worker of the CCAS de Lens (``--user`` to change), posting
       the form at /connexion/ with its CSRF token, and keeps the session cookie;
    4. for each page — the trivial endpoint /sante/ (answers "ok", served by the same process),
       the household list /foyers/, household pages /foyers/<pk>/ (pks parsed from the list,
       rotated) and the dashboard / — sends a warm-up, then ``--requests`` requests from
       ``--concurrency`` threads, each with its own keep-alive ``http.client`` connection;
    5. prints a table (p50/p95/p99 in ms, requests per second, p95 ÷ the trivial endpoint's p95,
       the CPU share of the PostgreSQL sessions and of unrelated processes — noise on a shared
       machine) and, as its last line, one JSON object.

It is a benchmark, not a test: it asserts nothing about timings. The aim is p95 ≤ 150 ms for
every page at concurrency 10 on a 2-core machine.

Gunicorn configuration (defaults, override with --workers/--threads)
    ``--worker-class gthread --workers 2*cores+1 --threads 2 --keep-alive 30 --preload``,
    i.e. 5 processes × 2 threads on the 2-core machine.

    * Processes, not threads, give parallelism in CPython: a Django request here is 70–90 %
      Python (URL resolution, ORM query compilation and row building, template rendering) and
      holds the GIL. One process per core uses both cores; the "+1" and a few more keep a core
      busy while another process waits on the database. At concurrency 10 on 2 cores the
      latency is bounded below by CPU time per request × 10 / 2 whatever the configuration:
      the configuration only decides how much CPU is lost and how fairly it is shared.
    * Few threads per process: measured here (SQLite demo, 600 requests per page), 4 × 4 and
      2 × 8 served 15–30 % fewer requests per second than 5 × 2 or 10 × 1, with a longer tail:
      threads of one process queue behind its GIL while another process may be idle, since
      gunicorn hands each keep-alive connection to one process for its lifetime. 5 × 2 was as
      good as 10 × 1 with half the memory (~60–80 MB per process).
    * Two threads rather than one: the gthread worker keeps HTTP keep-alive connections (the
      ``sync`` worker closes every connection), and a second thread overlaps a PostgreSQL
      round trip. 5 × 2 = 10 slots = the 10 concurrent clients.
    * ``--preload`` imports Django once in the master (faster start, shared memory pages);
      no database connection is opened at import time, so nothing unsafe is shared by fork.

Usage
    make bench-web                                 # SQLite (var/partez.sqlite3)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/partez_bench make bench-web
    .venv/bin/python bench/web.py --requests 1000 --user coordination --skip-setup
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
HOST = "127.0.0.1"
AIM_P95_MS = 150.0
DEMO_PASSWORD = "partez-demo"
HOUSEHOLD_LINK = re.compile(r'href="/foyers/(\d+)/"')
CSRF_INPUT = re.compile(
    r'name="csrfmiddlewaretoken"\s+value="([^"]+)"|value="([^"]+)"\s+name="csrfmiddlewaretoken"'
)


# --------------------------------------------------------------------------- environment


def bench_env() -> dict[str, str]:
    """The production settings, made servable over plain http on the loopback."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS=f"{HOST},localhost",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        STATIC_ROOT=str(BENCH_DIR / "static"),
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        SMS_BACKEND="partez.fete.sms.DisabledBackend",
        PYTHONUNBUFFERED="1",
    )
    return env


def database_engine(env: dict[str, str]) -> str:
    url = env.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://", "pgsql://")):
        return "postgresql"
    return url.split(":", 1)[0] if url else "sqlite"


def manage(env: dict[str, str], *args: str) -> None:
    """Run a management command quietly; show its output only if it fails."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode:
        print(done.stdout, done.stderr, sep="\n", file=sys.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed ({done.returncode})")
    print(f"  manage.py {args[0]}  ({time.perf_counter() - started:.1f} s)", flush=True)


def system_busy_ticks() -> int:
    """Busy CPU ticks of the whole machine (Linux /proc/stat), 0 elsewhere."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0
    return sum(fields) - fields[3] - fields[4]  # minus idle and iowait


def busy_share(seconds: float) -> float:
    """Share of the machine's CPU busy over the next few seconds (before the server starts)."""
    started = system_busy_ticks()
    time.sleep(seconds)
    capacity = seconds * os.sysconf("SC_CLK_TCK") * (os.cpu_count() or 1)
    return (system_busy_ticks() - started) / capacity


def cpu_ticks(pids: list[int], db_name: str) -> tuple[int, int]:
    """CPU ticks (user + system) used so far by these processes and their children, and by the
    PostgreSQL backends serving ``db_name`` (their process title names the database)."""
    app = db = 0
    wanted = set(pids)
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return 0, 0
    for entry in entries:
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        name, rest = stat.split(" (", 1)[1].rsplit(")", 1)
        fields = rest.split()
        ticks = int(fields[11]) + int(fields[12])
        if int(entry) in wanted or int(fields[1]) in wanted:
            app += ticks
        elif db_name and name == "postgres":
            try:
                title = Path(f"/proc/{entry}/cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if f" {db_name} " in title:
                db += ticks
    return app, db


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- server


@dataclass
class Server:
    port: int
    workers: int
    threads: int
    process: subprocess.Popen | None = None
    log_path: Path = BENCH_DIR / "gunicorn.log"

    @property
    def description(self) -> str:
        return f"gunicorn gthread, {self.workers} workers × {self.threads} threads, keep-alive 30 s, preload"

    def start(self, env: dict[str, str]) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("w")
        cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--config=python:config.gunicorn",
            f"--bind={HOST}:{self.port}",
            "--worker-class=gthread",
            f"--workers={self.workers}",
            f"--threads={self.threads}",
            "--keep-alive=30",
            "--preload",
            "--no-control-socket",
            "--log-level=warning",
        ]
        self.process = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited ({self.process.returncode}); see {self.log_path}")
            try:
                status, _, _ = request(
                    http.client.HTTPConnection(HOST, self.port, timeout=5), "GET", "/sante/"
                )
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn did not answer /sante/ within 60 s; see {self.log_path}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --------------------------------------------------------------------------- http client


def request(conn: http.client.HTTPConnection, method: str, path: str, *, headers=None, body=None):
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    return response.status, response.getheaders(), data


def cookies_from(headers) -> dict[str, str]:
    jar = SimpleCookie()
    for name, value in headers:
        if name.lower() == "set-cookie":
            jar.load(value)
    return {k: m.value for k, m in jar.items()}


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def log_in(port: int, username: str, password: str) -> dict[str, str]:
    """GET the login form, POST it back with its CSRF token; return the cookies (session, csrf)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    status, headers, body = request(conn, "GET", "/connexion/")
    if status != 200:
        raise SystemExit(f"GET /connexion/ answered {status}")
    cookies = cookies_from(headers)
    match = CSRF_INPUT.search(body.decode())
    if not match or "csrftoken" not in cookies:
        raise SystemExit("No CSRF token in the login page.")
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": match.group(1) or match.group(2)}
    )
    status, headers, _ = request(
        conn,
        "POST",
        "/connexion/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie_header(cookies),
            "Origin": f"http://{HOST}:{port}",
            "Referer": f"http://{HOST}:{port}/connexion/",
        },
    )
    cookies.update(cookies_from(headers))
    if status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"Login as {username} failed (HTTP {status}): check the demo data (load_demo).")
    conn.close()
    return cookies


# --------------------------------------------------------------------------- measurement


@dataclass
class Result:
    name: str
    label: str
    paths: list[str]
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    client_cpu_s: float = 0.0  # CPU used by this load generator (it shares the cores with the server)
    db_cpu_share: float = 0.0  # share of the machine's CPU used by the PostgreSQL backends of the bench
    other_cpu_share: float = 0.0  # share of the machine's CPU used by unrelated processes meanwhile

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile."""
        data = sorted(self.latencies_ms)
        return data[max(0, math.ceil(p / 100 * len(data)) - 1)]

    @property
    def rps(self) -> float:
        return len(self.latencies_ms) / self.wall_s if self.wall_s else 0.0


def run_load(
    port: int,
    cookies: dict[str, str],
    paths: list[str],
    n: int,
    concurrency: int,
    result: Result | None,
    server_pid: int = 0,
    db_name: str = "",
):
    """Send n GETs (rotating over paths) from `concurrency` threads with keep-alive connections."""
    headers = {"Cookie": cookie_header(cookies), "Connection": "keep-alive"}
    counter = iter(range(n))
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []

    def worker():
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            path = paths[i % len(paths)]
            started = time.perf_counter()
            try:
                status, _, body = request(conn, "GET", path, headers=headers)
            except (http.client.HTTPException, OSError) as exc:
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=60)
                errors.append(f"{path}: {exc!r}")
                continue
            elapsed = (time.perf_counter() - started) * 1000
            if status != 200:
                errors.append(f"{path}: HTTP {status}")
            with lock:
                latencies.append(elapsed)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started, cpu_started = time.perf_counter(), time.process_time()
    ours = [os.getpid(), server_pid]
    busy_started, (app_started, db_started) = system_busy_ticks(), cpu_ticks(ours, db_name)
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if result is not None:
        result.wall_s = time.perf_counter() - started
        result.client_cpu_s = time.process_time() - cpu_started
        # CPU that neither this client nor the server used: other processes on a shared machine.
        busy = system_busy_ticks() - busy_started
        app, db = cpu_ticks(ours, db_name)
        app, db = app - app_started, db - db_started
        capacity = result.wall_s * os.sysconf("SC_CLK_TCK") * (os.cpu_count() or 1)
        if capacity:
            result.db_cpu_share = db / capacity
            result.other_cpu_share = max(0.0, (busy - app - db) / capacity)
        result.latencies_ms = latencies
        result.errors = errors
    elif errors:
        raise SystemExit(f"Warm-up errors on {paths[0]}: {errors[:3]}")


def household_pks(port: int, cookies: dict[str, str], how_many: int) -> list[int]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    status, _, body = request(conn, "GET", "/foyers/", headers={"Cookie": cookie_header(cookies)})
    conn.close()
    if status != 200:
        raise SystemExit(f"GET /foyers/ answered {status}")
    pks = list(dict.fromkeys(int(pk) for pk in HOUSEHOLD_LINK.findall(body.decode())))
    if not pks:
        raise SystemExit("No household link (/foyers/<pk>/) in the household list: is the demo data loaded?")
    return pks[:how_many]


# --------------------------------------------------------------------------- report


COLUMNS = (  # (title, width)
    ("page", 16),
    ("path", 22),
    ("n", 5),
    ("p50 ms", 8),
    ("p95 ms", 8),
    ("p99 ms", 8),
    ("max ms", 8),
    ("req/s", 7),
    ("p95/trivial", 12),
    ("DB CPU", 7),
    ("other CPU", 10),
)


def print_table(results: list[Result], trivial_p95: float) -> None:
    rows = [tuple(title for title, _ in COLUMNS)]
    for r in results:
        path = r.paths[0] if len(r.paths) == 1 else re.sub(r"\d+", "<pk>", r.paths[0]) + f" ×{len(r.paths)}"
        p50, p95, p99 = r.percentile(50), r.percentile(95), r.percentile(99)
        rows.append(
            (r.name, path, str(len(r.latencies_ms)), f"{p50:.1f}", f"{p95:.1f}", f"{p99:.1f}")
            + (f"{max(r.latencies_ms):.1f}", f"{r.rps:.0f}", f"{p95 / trivial_p95:.2f}")
            + (f"{r.db_cpu_share:.0%}", f"{r.other_cpu_share:.0%}")
        )
    for i, row in enumerate(rows):
        cells = zip(row, COLUMNS, strict=True)
        print(" ".join(c.ljust(w) if j < 2 else c.rjust(w) for j, (c, (_, w)) in enumerate(cells)))
        if i == 0:
            print("-" * (sum(w for _, w in COLUMNS) + len(COLUMNS) - 1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    cores = os.cpu_count() or 2
    parser.add_argument("--requests", type=int, default=500, help="measured requests per page (default 500)")
    parser.add_argument(
        "--warmup", type=int, default=50, help="unmeasured requests per page first (default 50)"
    )
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument(
        "--workers", type=int, default=2 * cores + 1, help="gunicorn processes (default 2 × cores + 1)"
    )
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn process (default 2)")
    parser.add_argument("--user", default="travailleur.lens", help="demo login (default travailleur.lens)")
    parser.add_argument("--password", default=DEMO_PASSWORD)
    parser.add_argument("--households", type=int, default=20, help="household pages to rotate over")
    parser.add_argument("--skip-setup", action="store_true", help="skip migrate, load_demo and collectstatic")
    args = parser.parse_args()

    env = bench_env()
    engine = database_engine(env)
    print(f"bench-web: {engine}, {cores} cores, concurrency {args.concurrency}", flush=True)
    if not args.skip_setup:
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_demo")
        # Fresh bulk-loaded tables have no planner statistics: analyse (load_demo also does it
        # after a load; this covers a database loaded before it did) so the plans are those of
        # a database in service.
        manage(env, "shell", "-c", "from django.db import connection; connection.cursor().execute('ANALYZE')")
        manage(env, "collectstatic", "--noinput", "-v0")

    db_name = urllib.parse.urlparse(env["DATABASE_URL"]).path.lstrip("/") if engine == "postgresql" else ""
    busy_before = busy_share(2.0)
    if busy_before > 0.15:
        print(
            f"warning: the machine was {busy_before:.0%} busy before the run; other work skews the numbers",
            flush=True,
        )
    server = Server(port=free_port(), workers=args.workers, threads=args.threads)
    server.start(env)
    try:
        cookies = log_in(server.port, args.user, args.password)
        pks = household_pks(server.port, cookies, args.households)
        pages = [
            Result("trivial", "/sante/", ["/sante/"]),
            Result("household_list", "/foyers/", ["/foyers/"]),
            Result("household_page", "/foyers/<pk>/", [f"/foyers/{pk}/" for pk in pks]),
            Result("dashboard", "/", ["/"]),
        ]
        print(f"server: {server.description} on {HOST}:{server.port}; user {args.user}", flush=True)
        for page in pages:
            run_load(server.port, cookies, page.paths, args.warmup, args.concurrency, None)
            run_load(
                server.port,
                cookies,
                page.paths,
                args.requests,
                args.concurrency,
                page,
                server_pid=server.process.pid,
                db_name=db_name,
            )
            if page.errors:
                raise SystemExit(f"{page.label}: {len(page.errors)} errors, e.g. {page.errors[:3]}")
    finally:
        server.stop()

    trivial_p95 = pages[0].percentile(95)
    print()
    print_table(pages, trivial_p95)
    slow = [p.name for p in pages if p.percentile(95) > AIM_P95_MS]
    print("DB CPU: share of the machine's CPU used by the bench's PostgreSQL sessions (0 for SQLite, which")
    print(
        "runs inside the server). Other CPU: used by everything else — noise from other work on the machine."
    )
    print()
    print(f"aim p95 ≤ {AIM_P95_MS:.0f} ms: " + ("met" if not slow else "NOT met for " + ", ".join(slow)))
    summary = {
        "pages": {
            p.name: {
                "p50_ms": round(p.percentile(50), 1),
                "p95_ms": round(p.percentile(95), 1),
                "ratio_p95_vs_trivial": round(p.percentile(95) / trivial_p95, 2),
                "path": p.label,
                "rps": round(p.rps, 1),
                "client_cpu_share": round(p.client_cpu_s / (p.wall_s * cores), 3),
                "db_cpu_share": round(p.db_cpu_share, 3),
                "other_cpu_share": round(p.other_cpu_share, 3),
            }
            for p in pages
        },
        "concurrency": args.concurrency,
        "requests_per_page": args.requests,
        "warmup_per_page": args.warmup,
        "database": engine,
        "server": {
            "name": "gunicorn",
            "worker_class": "gthread",
            "workers": args.workers,
            "threads": args.threads,
        },
        "user": args.user,
        "households_rotated": len(pks),
        "cpu_count": cores,
        "machine_busy_before": round(busy_before, 3),
        "aim_p95_ms": AIM_P95_MS,
        "aim_met": not slow,
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
