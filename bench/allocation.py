"""`make bench-allocation`: the campaign-wide allocation on a full-size synthetic edition.

What it does
    1. generates (seeded) ``--projects`` projects (10 000 by default) shaped like the real
       operation: the 28 most populous communes of the CALL (projects in proportion to their
       population), 1–6 travellers a project, aid of 50–600 € a project from its cost, 1–3
       alternative financing plans a project (one envelope, another envelope at a slightly
       different amount, or a split between two), ~30 % first departures, QF spread over
       0–1 200 € (3 % unknown); ~25 envelopes from 10 funders, some restricted by QF, first
       departure or family size, some split into commune quotas, together ~70 % of the demand
       so budgets run out;
    2. runs first-come-first-served (submission order), the greedy (weight per priced euro) and
       the CP-SAT solver (``--time-limit``, 50 s by default so that the solve stays under the
       60 s aim, 2 workers), checks each result with ``check()``;
    3. computes the LP relaxation's bound with GLOP (pywraplp) as an independent cross-check of
       the solver's bound (``--no-lp`` to skip);
    4. prints a table and, as its last line, one JSON object.

It is a benchmark, not a test: it asserts nothing. Aim: the solver under 60 s with a gap ≤ 1 %.

Usage
    make bench-allocation
    make bench-allocation BENCH_ARGS="--projects 2000 --seed 7 --time-limit 20"
    .venv/bin/python bench/allocation.py --first-departure-bonus 50 --low-qf-bonus 30
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from partez.funding.allocation import (  # noqa: E402 — after the path set-up
    Allocation,
    EnvelopeIn,
    Line,
    Option,
    Priorities,
    ProjectIn,
    check,
    first_come_first_served,
    greedy,
    solve,
)

COMMUNES_FILE = ROOT / "partez" / "territory" / "data" / "communes_call.json"
NUM_COMMUNES = 28
BUDGET_SHARE = 0.70  # envelopes together hold this share of the demand

# (funder, number of envelopes, eligibility, quota mode). Eligibility: max QF in cents,
# first departures only, families of 3 or more. Quota mode: None, "all" (every commune has a
# quota) or "some" (a few communes have one, the others get nothing from the envelope).
FUNDERS = [
    ("CAF", 3, {"qf_max": 80_000}, None),
    ("ANCV", 3, {}, None),
    ("Département", 3, {"qf_max": 100_000}, "some"),
    ("Région", 2, {}, None),
    ("CALL", 3, {}, "all"),
    ("CARSAT", 2, {"first_departure": True}, None),
    ("MSA", 1, {}, None),
    ("Fondation", 2, {"family": True}, None),
    ("CCAS", 4, {}, "some"),
    ("Bailleurs", 2, {"qf_max": 90_000}, "all"),
]


def communes() -> list[tuple[str, int]]:
    rows = json.loads(COMMUNES_FILE.read_text())
    rows.sort(key=lambda r: (-r["population"], r["insee_code"]))
    return [(r["insee_code"], r["population"]) for r in rows[:NUM_COMMUNES]]


def generate(num_projects: int, seed: int) -> tuple[list[ProjectIn], list[EnvelopeIn]]:
    rng = random.Random(seed)
    towns = communes()
    codes = [code for code, _ in towns]

    # Envelopes' eligibility first; their amounts once the demand is known.
    specs = []
    for funder, count, rule, quota_mode in FUNDERS:
        for n in range(1, count + 1):
            if quota_mode == "all":
                listed = codes
            elif quota_mode == "some":
                listed = sorted(rng.sample(codes, rng.randint(5, 14)))
            else:
                listed = []
            specs.append(
                {
                    "id": f"{funder}-{n}",
                    "rule": rule,
                    "communes": listed,
                    "scarcity": rng.uniform(0.5, 1.4),  # some envelopes run out far sooner
                    "factor": rng.uniform(0.85, 1.1),  # schemes cover more or less of a stay
                }
            )

    def eligible(spec, people, commune, first, qf) -> bool:
        rule = spec["rule"]
        if "qf_max" in rule and (qf is None or qf > rule["qf_max"]):
            return False
        if rule.get("first_departure") and not first:
            return False
        if rule.get("family") and people < 3:
            return False
        return not spec["communes"] or commune in spec["communes"]

    def round5(cents: float) -> int:
        return max(500, int(cents / 500) * 500)  # whole 5 €

    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    projects = []
    for n in range(num_projects):
        commune = rng.choices(codes, weights=[pop for _, pop in towns])[0]
        people = rng.choices(range(1, 7), weights=[18, 24, 22, 18, 11, 7])[0]
        first = rng.random() < 0.30
        qf = None if rng.random() < 0.03 else int(rng.triangular(0, 120_000, 45_000))
        aid = min(60_000, max(5_000, round5(people * rng.uniform(4_000, 14_000))))
        pool = [s for s in specs if eligible(s, people, commune, first, qf)]
        options: list[Option] = []
        seen = set()
        wanted = rng.choices([1, 2, 3], weights=[40, 35, 25])[0]
        for _ in range(10):  # a few tries: two draws may give the same plan
            if len(options) == wanted or not pool:
                break
            if len(pool) >= 2 and rng.random() < 0.35:
                a, b = rng.sample(pool, 2)
                part = round5(aid * rng.choice([0.5, 0.6, 0.7]))
                lines = (Line(a["id"], part), Line(b["id"], max(500, aid - part)))
            else:
                s = rng.choice(pool)
                lines = (Line(s["id"], min(60_000, round5(aid * s["factor"]))),)
            key = tuple(sorted((line.envelope, line.amount_cents) for line in lines))
            if key not in seen:
                seen.add(key)
                options.append(Option(lines))
        if not options:  # nobody funds this household's profile: still asks the agglomeration
            options.append(Option((Line("CALL-1", aid),)))
        projects.append(
            ProjectIn(
                id=f"P{n:05d}",
                people=people,
                commune=commune,
                submitted_at=start + timedelta(seconds=rng.randint(0, 70 * 86_400)),
                first_departure=first,
                qf_cents=qf,
                options=tuple(options),
            )
        )

    # Demand each envelope sees (each project's aid spread over its options), total demand.
    pressure: dict[str, float] = defaultdict(float)
    by_commune: dict[tuple[str, str], float] = defaultdict(float)
    demand = 0
    for p in projects:
        demand += min(sum(line.amount_cents for line in o.lines) for o in p.options)
        for o in p.options:
            for line in o.lines:
                pressure[line.envelope] += line.amount_cents / len(p.options)
                by_commune[line.envelope, p.commune] += line.amount_cents / len(p.options)
    raw = {s["id"]: pressure[s["id"]] * s["scarcity"] for s in specs}
    scale = BUDGET_SHARE * demand / sum(raw.values())
    envelopes = []
    for s in specs:
        available = int(raw[s["id"]] * scale) // 100 * 100  # whole euros
        quotas = {}
        if s["communes"]:
            # Quotas follow each commune's demand, unevenly: the envelope's total is split.
            shares = {c: by_commune[s["id"], c] * rng.uniform(0.6, 1.4) + 1 for c in s["communes"]}
            total = sum(shares.values())
            quotas = {c: int(available * v / total) // 100 * 100 for c, v in shares.items()}
        envelopes.append(EnvelopeIn(id=s["id"], available_cents=available, quotas=quotas))
    return projects, envelopes


def lp_bound(projects, envelopes, priorities) -> tuple[float, float]:
    """The LP relaxation's optimum (GLOP), built independently of the module: a cross-check."""
    from ortools.linear_solver import pywraplp

    from partez.funding.allocation import project_weight

    started = time.perf_counter()
    lp = pywraplp.Solver.CreateSolver("GLOP")
    by_id = {e.id: e for e in envelopes}
    rows: dict[tuple, list] = defaultdict(list)
    objective = lp.Objective()
    for p in projects:
        chosen = []
        for i, o in enumerate(p.options):
            draws: dict[str, int] = defaultdict(int)
            for line in o.lines:
                draws[line.envelope] += line.amount_cents
            quota_ok = all(
                not (priorities.respect_quotas and by_id[e].quotas) or c <= by_id[e].quotas.get(p.commune, 0)
                for e, c in draws.items()
            )
            if not quota_ok or any(c > by_id[e].available_cents for e, c in draws.items()):
                continue
            v = lp.NumVar(0, 1, f"{p.id}_{i}")
            chosen.append(v)
            objective.SetCoefficient(v, project_weight(p, priorities))
            for e, c in draws.items():
                rows[("e", e)].append((v, c))
                if priorities.respect_quotas and by_id[e].quotas:
                    rows[("q", e, p.commune)].append((v, c))
        if len(chosen) > 1:
            ct = lp.Constraint(0, 1)
            for v in chosen:
                ct.SetCoefficient(v, 1)
    for key, terms in rows.items():
        cap = by_id[key[1]].available_cents if key[0] == "e" else by_id[key[1]].quotas.get(key[2], 0)
        ct = lp.Constraint(-lp.infinity(), cap)
        for v, c in terms:
            ct.SetCoefficient(v, c)
    objective.SetMaximization()
    lp.Solve()
    return objective.Value(), time.perf_counter() - started


def cpu_of_others(before: dict[int, int], after: dict[int, int]) -> float:
    """CPU seconds used by processes other than this one meanwhile (noise on a shared machine)."""
    ticks = os.sysconf("SC_CLK_TCK")
    me = os.getpid()
    return sum(after[pid] - before.get(pid, 0) for pid in after if pid != me) / ticks


def process_ticks() -> dict[int, int]:
    ticks = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks[int(entry.name)] = int(fields[11]) + int(fields[12])
    return ticks


def euros(cents: int) -> str:
    return f"{cents // 100:,} €".replace(",", "\u202f")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--time-limit", type=float, default=50.0)
    parser.add_argument("--gap-limit", type=float, default=0.0, help="stop once the gap is at most this")
    parser.add_argument("--first-departure-bonus", type=int, default=0)
    parser.add_argument("--low-qf-bonus", type=int, default=0)
    parser.add_argument("--ignore-quotas", action="store_true")
    parser.add_argument("--no-lp", action="store_true", help="skip the LP relaxation cross-check")
    parser.add_argument("--quiet", action="store_true", help="no solver progress lines")
    args = parser.parse_args()

    priorities = Priorities(
        first_departure_bonus=args.first_departure_bonus,
        low_qf_bonus=args.low_qf_bonus,
        respect_quotas=not args.ignore_quotas,
    )
    started = time.perf_counter()
    projects, envelopes = generate(args.projects, args.seed)
    generated = time.perf_counter() - started
    demand = sum(min(sum(li.amount_cents for li in o.lines) for o in p.options) for p in projects)
    budget = sum(e.available_cents for e in envelopes)
    print(
        f"{len(projects)} projets ({sum(p.people for p in projects)} personnes, "
        f"{sum(len(p.options) for p in projects)} options), {len(envelopes)} enveloppes "
        f"({sum(1 for e in envelopes if e.quotas)} à quotas), demande {euros(demand)}, "
        f"budget {euros(budget)} ({budget / demand:.0%}) — généré en {generated:.1f} s"
    )

    last_print = [-math.inf]

    def on_progress(fraction: float, message: str) -> None:
        # A line every 5 s at most (plus the first and the last): enough to watch the search.
        now = time.perf_counter()
        if not args.quiet and (now - last_print[0] >= 5 or fraction in (0.0, 1.0)):
            last_print[0] = now
            print(f"  [{fraction:4.0%}] {message}", flush=True)

    ticks_before = process_ticks()
    fcfs = first_come_first_served(projects, envelopes, priorities)
    smart = greedy(projects, envelopes, priorities)
    best = solve(
        projects,
        envelopes,
        priorities,
        time_limit=args.time_limit,
        gap_limit=args.gap_limit,
        progress=on_progress,
    )
    others = cpu_of_others(ticks_before, process_ticks())
    lp, lp_seconds = (None, 0.0) if args.no_lp else lp_bound(projects, envelopes, priorities)

    rows: list[tuple[str, Allocation]] = [
        ("premier arrivé", fcfs),
        ("glouton", smart),
        ("CP-SAT", best),
    ]
    print()
    print(
        f"{'méthode':<16}{'personnes':>10}{'projets':>9}{'objectif':>10}{'engagé':>14}{'vs FCFS':>9}{'s':>7}  contrôle"
    )
    for name, a in rows:
        errors = check(projects, envelopes, a, priorities)
        print(
            f"{name:<16}{a.people_funded:>10}{len(a.funded):>9}{a.objective:>10}"
            f"{euros(sum(a.envelope_use.values())):>14}"
            f"{(a.people_funded - fcfs.people_funded) / max(fcfs.people_funded, 1):>+9.1%}"
            f"{a.seconds:>7.2f}  {'ok' if not errors else f'{len(errors)} erreur(s) : ' + errors[0]}"
        )
    print()
    print(
        f"CP-SAT : {best.status}, borne {best.bound}, écart {best.gap:.3%}"
        + (f" ; borne LP (GLOP) {lp:.1f} en {lp_seconds:.1f} s" if lp is not None else "")
    )
    print(f"CPU des autres processus pendant les calculs : {others:.1f} s")
    print(
        json.dumps(
            {
                "projects": len(projects),
                "people": sum(p.people for p in projects),
                "envelopes": len(envelopes),
                "seed": args.seed,
                "budget_share": round(budget / demand, 3),
                "people_funded_solver": best.people_funded,
                "people_funded_fcfs": fcfs.people_funded,
                "people_funded_greedy": smart.people_funded,
                "objective": best.objective,
                "objective_fcfs": fcfs.objective,
                "objective_greedy": smart.objective,
                "bound": best.bound,
                "lp_bound": round(lp, 1) if lp is not None else None,
                "gap": round(best.gap, 6),
                "status": best.status,
                "seconds": round(best.seconds, 2),
                "fcfs_seconds": round(fcfs.seconds, 3),
                "greedy_seconds": round(smart.seconds, 3),
                "time_limit": args.time_limit,
                "gap_limit": args.gap_limit,
                "other_cpu_seconds": round(others, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
