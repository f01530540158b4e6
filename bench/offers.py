"""`make bench-offers` (also `make bench-matching`): donated weeks matched to families.

What it does
    1. generates (seeded) ``--families`` families (1,300 by default, the foundation's 2025
       figure) and ``--offers`` offers (1,500) over 4 periods (spring, summer, Toussaint,
       Christmas holidays), shaped like the operation: ~300 sites of 1–3 units a period, 4–8
       beds, a quarter accessible, 40 % reachable by car only; families of 2–7 people, 8 % with
       an accessibility need, 45 % without a car, 35 % first departures, 1–3 periods each
       (summer asked most), a few excluded sites; at most ``--n`` families per site and period
       (the social-mix rule, 2 by default);
    2. runs the baseline (families in the order they asked, the first offer that fits), the
       greedy and the exact solver (min-cost flow), checks each result with ``check()``;
    3. with ``--cp-sat``, runs the same model in CP-SAT (``--time-limit``, 10 s by default) as
       an independent check: whether it reaches the optimum in the time (measured: on the full
       size it stays on its greedy start, its bound far above);
    4. prints a table and, as its last line, one JSON object.

It is a benchmark, not a test: it asserts nothing. Aim: the proven optimum in under 10 s.

Usage
    make bench-offers
    make bench-offers BENCH_ARGS="--families 300 --offers 400 --seed 3"
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from partez.offers.matching import (  # noqa: E402 — after the path set-up
    FamilyIn,
    Matching,
    OfferIn,
    Problem,
    baseline,
    check,
    greedy,
    solve,
    solve_cp,
    total_weight,
)

PERIODS = ["printemps", "ete", "toussaint", "noel"]
PERIOD_WEIGHTS = [0.2, 0.45, 0.2, 0.15]  # share of the offers in each period
BEDS = [(4, 0.3), (5, 0.25), (6, 0.3), (8, 0.15)]
PEOPLE = [(2, 0.15), (3, 0.25), (4, 0.3), (5, 0.18), (6, 0.08), (7, 0.04)]


def pick(rng: random.Random, table: list[tuple[int, float]]) -> int:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


def generate(families: int, offers: int, n: int, seed: int) -> Problem:
    rng = random.Random(seed)
    sites = max(offers // 5, 1)
    site_car = {s: rng.random() < 0.4 for s in range(sites)}
    site_accessible = {s: rng.random() < 0.3 for s in range(sites)}
    offer_list: list[OfferIn] = []
    while len(offer_list) < offers:
        site = rng.randrange(sites)
        period = rng.choices(PERIODS, weights=PERIOD_WEIGHTS)[0]
        for _ in range(rng.randint(1, 3)):
            if len(offer_list) == offers:
                break
            offer_list.append(
                OfferIn(
                    id=f"O{len(offer_list) + 1:05d}",
                    site=f"S{site:04d}",
                    period=period,
                    beds=pick(rng, BEDS),
                    accessible=site_accessible[site] and rng.random() < 0.7,
                    car_needed=site_car[site],
                )
            )
    family_list = []
    for i in range(families):
        k = rng.choices([1, 2, 3], weights=[0.35, 0.4, 0.25])[0]
        periods = sorted(set(rng.choices(PERIODS, weights=[0.2, 0.5, 0.18, 0.12], k=k)), key=PERIODS.index)
        excluded = (
            tuple(f"S{rng.randrange(sites):04d}" for _ in range(rng.randint(1, 2)))
            if rng.random() < 0.05
            else ()
        )
        family_list.append(
            FamilyIn(
                id=f"F{i + 1:05d}",
                people=pick(rng, PEOPLE),
                needs_accessible=rng.random() < 0.08,
                periods=tuple(periods),
                has_car=rng.random() < 0.55,
                first_departure=rng.random() < 0.35,
                excluded_sites=excluded,
            )
        )
    return Problem(max_families_per_site_period=n, offers=tuple(offer_list), families=tuple(family_list))


def figures(m: Matching, problem: Problem) -> dict:
    problems = check(problem, m)
    return {
        "matched": m.matched,
        "first_departures": m.first_departures,
        "empty_beds": m.empty_beds,
        "objective": m.objective,
        "status": m.status,
        "seconds": round(m.seconds, 3),
        "valid": not problems,
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=1300)
    parser.add_argument("--offers", type=int, default=1500)
    parser.add_argument("--n", type=int, default=2, help="families at most per site and period")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--cp-sat", action="store_true")
    args = parser.parse_args(argv)

    problem = generate(args.families, args.offers, args.n, args.seed)
    runs = {"baseline": baseline(problem), "greedy": greedy(problem)}
    runs["solver"] = solve(problem)
    out: dict = {
        "families": len(problem.families),
        "offers": len(problem.offers),
        "periods": len(PERIODS),
        "max_families_per_site_period": args.n,
        "seed": args.seed,
        **{name: figures(m, problem) for name, m in runs.items()},
        "bound": runs["solver"].bound,
    }
    if args.cp_sat:
        cp = solve_cp(problem, time_limit=args.time_limit)
        out["cp_sat"] = figures(cp, problem) | {
            "bound": cp.bound,
            "same_optimum": total_weight(problem, cp) == total_weight(problem, runs["solver"]),
        }
    print(
        f"{'méthode':<10} {'familles':>9} {'1ers départs':>13} {'lits vides':>11} {'points':>7} {'secondes':>9}  statut"
    )
    for name in ("baseline", "greedy", "solver", "cp_sat"):
        if name not in out:
            continue
        f = out[name]
        print(
            f"{name:<10} {f['matched']:>9} {f['first_departures']:>13} {f['empty_beds']:>11} "
            f"{f['objective']:>7} {f['seconds']:>9}  {f['status']}{'' if f['valid'] else ' INVALIDE'}"
        )
    print(f"borne prouvée : {out['bound']} points (familles, un premier départ comptant double)")
    print(json.dumps(out, ensure_ascii=False))
    return out


if __name__ == "__main__":
    main()
