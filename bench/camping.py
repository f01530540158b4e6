"""`make bench-camping`: the collective camping week planner on a full-size synthetic operation.

What it does
    1. generates (seeded) an instance shaped like the real "séjour commun": ``--people`` people
       (1 100 by default) in households of 1–8 (~3.8 on average, so ~290 households) from the
       28 most populous communes of the CALL (in proportion to their population); 5 campsites
       (Dieppe, Mers-les-Bains, Le Tréport, Rang-du-Fliers ×2), 4 weeks in July–August; mobile
       homes and chalets of 4, 5, 6 and 8 beds (~8 % accessible), 10 % more unit-weeks than
       households over the season; 5 % of households need an accessible unit; each household
       allows 1–4 consecutive weeks, 15 % wish to go with another household (mostly of their
       commune), 40 % prefer one or two campsites; commune quotas at 100–130 % of the demand;
       buses of 50 seats with at most 4 stops;
    2. runs the greedy (first-fit, by hand) and the CP-SAT planner (``--time-limit``, 30 s by
       default: the aim), checks both with ``check()``;
    3. repeats the solver on larger instances (``--scaling``, 2 500 / 5 000 / 10 000 people by
       default, campsites growing with the people) with ``--scaling-limit`` seconds each
       (60 s by default), so that the whole bench stays under ~5 minutes;
    4. prints a table and, as its last line, one JSON object.

It is a benchmark, not a test: it asserts nothing. Aim (issue 4): every household placed
whenever capacity allows, fewer buses than the greedy, gap ≤ 1 % in under 30 s at 1 100 people.

The gap is the first objective's: (bound on people placed − people placed) ÷ bound. The bus
stage's own bound (the fewest buses possible with that many people placed) is printed too.

Usage
    make bench-camping
    make bench-camping BENCH_ARGS="--people 2000 --seed 7 --time-limit 20 --scaling 5000"
    .venv/bin/python bench/camping.py --scaling ""      # no scaling table
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.allocation import cpu_of_others, process_ticks  # noqa: E402 — after the path set-up
from partez.camping.planner import (  # noqa: E402
    Bus,
    Campsite,
    Household,
    Plan,
    PlanInput,
    Unit,
    check,
    gap,
    greedy,
    solve,
)

COMMUNES_FILE = ROOT / "partez" / "territory" / "data" / "communes_call.json"
NUM_COMMUNES = 28
CAMPSITES = [
    ("DIE", "Dieppe"),
    ("MER", "Mers-les-Bains"),
    ("TRE", "Le Tréport"),
    ("RDF1", "Rang-du-Fliers — Les Dunes"),
    ("RDF2", "Rang-du-Fliers — La Pinède"),
]
WEEKS = [date(2026, 7, 11) + timedelta(weeks=n) for n in range(4)]
SIZES = range(1, 9)
SIZE_WEIGHTS = [5, 18, 22, 25, 15, 9, 4, 2]  # mean 3.8 people a household
BEDS = [4, 5, 6, 8]
BED_WEIGHTS = [30, 25, 30, 15]
SLACK = 1.10  # unit-weeks over the season ÷ households


def communes() -> list[tuple[str, int]]:
    rows = json.loads(COMMUNES_FILE.read_text())
    rows.sort(key=lambda r: (-r["population"], r["insee_code"]))
    return [(r["insee_code"], r["population"]) for r in rows[:NUM_COMMUNES]]


def generate(people: int, seed: int) -> PlanInput:
    rng = random.Random(seed)
    towns = communes()
    codes = [c for c, _ in towns]
    households: list[dict] = []
    total = 0
    while total < people:
        size = min(rng.choices(SIZES, weights=SIZE_WEIGHTS)[0], people - total)
        span = rng.choices([1, 2, 3, 4], weights=[25, 35, 25, 15])[0]
        first = rng.randrange(len(WEEKS) - span + 1)
        weeks = tuple(WEEKS[first : first + span])
        households.append(
            {
                "id": f"F{len(households):05d}",
                "commune": rng.choices(codes, weights=[p for _, p in towns])[0],
                "people": size,
                "needs_accessible": rng.random() < 0.05,
                "weeks": weeks,
                "campsites": tuple(sorted(rng.sample([c for c, _ in CAMPSITES], rng.choice([1, 2]))))
                if rng.random() < 0.40
                else (),
            }
        )
        total += size
    by_commune: dict[str, list[str]] = {}
    for h in households:
        by_commune.setdefault(h["commune"], []).append(h["id"])
    for h in households:
        h["with"] = ()
        if rng.random() < 0.15:
            pool = by_commune[h["commune"]] if rng.random() < 0.8 else [x["id"] for x in households]
            other = rng.choice(pool)
            if other != h["id"]:
                h["with"] = (other,)
    # Units: SLACK × the households over the 4 weeks (a household takes a whole unit), spread
    # over the 5 campsites.
    units_per_campsite = math.ceil(SLACK * len(households) / len(WEEKS) / len(CAMPSITES))
    campsites = []
    for cid, name in CAMPSITES:
        units = []
        for n in range(units_per_campsite):
            beds = rng.choices(BEDS, weights=BED_WEIGHTS)[0]
            units.append(Unit(f"{cid}-{n:03d}", beds, rng.random() < 0.08))
        campsites.append(Campsite(cid, name, tuple(units), tuple(WEEKS)))
    demand: dict[str, int] = {}
    for h in households:
        demand[h["commune"]] = demand.get(h["commune"], 0) + h["people"]
    quotas = {c: math.ceil(n * rng.uniform(1.0, 1.3)) for c, n in sorted(demand.items())}
    return PlanInput(
        campsites=tuple(campsites),
        bus=Bus(seats=50, max_stops=4),
        households=tuple(
            Household(
                h["id"],
                h["commune"],
                h["people"],
                h["needs_accessible"],
                h["weeks"],
                h["with"],
                h["campsites"],
            )
            for h in households
        ),
        quotas=quotas,
    )


def bus_gap(plan: Plan) -> float | None:
    """(buses − bound) ÷ buses; None when the bus stage proved no bound above 0."""
    bound = plan.stats.bounds.get("buses")
    if not bound or not plan.stats.buses:
        return None
    return round((plan.stats.buses - bound) / plan.stats.buses, 4)


def figures(plan: Plan) -> dict:
    s = plan.stats
    return {
        "people_placed": s.people_placed,
        "households_placed": len(plan.assignments),
        "buses": s.buses,
        "wishes_honoured": s.wishes_honoured,
        "empty_beds": s.empty_beds,
        "seconds": round(s.seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1_100)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--scaling", default="2500,5000,10000", help="people, comma-separated ('' = none)")
    parser.add_argument("--scaling-limit", type=float, default=60.0, help="seconds per scaling run")
    parser.add_argument("--quiet", action="store_true", help="no solver progress lines")
    args = parser.parse_args()

    last_print = [-math.inf]

    def on_progress(fraction: float, message: str) -> None:
        now = time.perf_counter()
        if not args.quiet and (now - last_print[0] >= 5 or fraction in (0.0, 1.0)):
            last_print[0] = now
            print(f"  [{fraction:4.0%}] {message}", flush=True)

    plan_input = generate(args.people, args.seed)
    people = sum(h.people for h in plan_input.households)
    beds = sum(u.beds for c in plan_input.campsites for u in c.units) * len(WEEKS)
    units = sum(len(c.units) for c in plan_input.campsites)
    print(
        f"{len(plan_input.households)} foyers ({people} personnes, "
        f"{sum(h.needs_accessible for h in plan_input.households)} à besoin d'accessibilité), "
        f"{len(plan_input.campsites)} campings, {units} hébergements × {len(WEEKS)} semaines = {beds} lits"
    )
    ticks_before = process_ticks()
    by_hand = greedy(plan_input)
    best = solve(plan_input, time_limit=args.time_limit, progress=on_progress)
    print()
    print(
        f"{'méthode':<10}{'personnes':>10}{'foyers':>8}{'cars':>6}{'souhaits':>10}{'lits vides':>12}{'s':>8}  contrôle"
    )
    for name, plan in (("glouton", by_hand), ("CP-SAT", best)):
        errors = check(plan_input, plan)
        f = figures(plan)
        print(
            f"{name:<10}{f['people_placed']:>10}{f['households_placed']:>8}{f['buses']:>6}"
            f"{f['wishes_honoured']:>10}{f['empty_beds']:>12}{f['seconds']:>8.2f}  "
            + ("ok" if not errors else f"{len(errors)} erreur(s) : {errors[0]}")
        )
    print(
        f"CP-SAT : {best.status if hasattr(best, 'status') else best.stats.status}, "
        f"borne {best.stats.bound} personnes, écart {gap(best):.3%} ; "
        f"cars {best.stats.buses} pour une borne de {best.stats.bounds.get('buses')} (écart {bus_gap(best)}) ; "
        f"bornes par étape {dict(best.stats.bounds)}"
    )

    scaling = [
        {
            "people": people,
            "households": len(plan_input.households),
            "seconds": round(best.stats.seconds, 2),
            "gap": round(gap(best), 6),
            "buses": best.stats.buses,
            "buses_greedy": by_hand.stats.buses,
            "bus_gap": bus_gap(best),
            "people_placed": best.stats.people_placed,
            "status": best.stats.status,
            "valid": not check(plan_input, best),
        }
    ]
    for size in [int(s) for s in args.scaling.split(",") if s.strip()]:
        bigger = generate(size, args.seed)
        baseline = greedy(bigger)
        print(
            f"\nÉchelle : {size} personnes, {len(bigger.households)} foyers, limite {args.scaling_limit:.0f} s"
        )
        plan = solve(bigger, time_limit=args.scaling_limit, progress=on_progress)
        row = {
            "people": sum(h.people for h in bigger.households),
            "households": len(bigger.households),
            "seconds": round(plan.stats.seconds, 2),
            "gap": round(gap(plan), 6),
            "buses": plan.stats.buses,
            "buses_greedy": baseline.stats.buses,
            "bus_gap": bus_gap(plan),
            "people_placed": plan.stats.people_placed,
            "people_placed_greedy": baseline.stats.people_placed,
            "status": plan.stats.status,
            "valid": not check(bigger, plan),
        }
        scaling.append(row)
        print(f"  {row}")
    others = cpu_of_others(ticks_before, process_ticks())
    print(f"\nCPU des autres processus pendant les calculs : {others:.1f} s")
    print(
        json.dumps(
            {
                "people": people,
                "households": len(plan_input.households),
                "seed": args.seed,
                "time_limit": args.time_limit,
                "solver": {**figures(best), "status": best.stats.status, "bound": best.stats.bound},
                "greedy": figures(by_hand),
                "gap": round(gap(best), 6),
                "bus_gap": bus_gap(best),
                "bounds": dict(best.stats.bounds),
                "scaling": scaling,
                "scaling_limit": args.scaling_limit,
                "other_cpu_seconds": round(others, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
