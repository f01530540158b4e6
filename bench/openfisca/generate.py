"""A seeded population of young people for "Départ 18:25", aimed at the rules' boundaries.

    python3 bench/openfisca/generate.py IN.json [-n 1200] [--seed 1825]

Standard library only. Ages 16-27 crowded around turning 18 and turning 26, stay dates over
2014-10-01..2026-12-31 with extra weight on every parameter change (the day before, the day, the
day after, the first and last day of its month), RFR at / just below / just above the ceiling,
1-4 tax parts in half steps, every status, stay costs of 100-1,500 €. See README.md.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import random
from decimal import Decimal

# Mirrors openfisca-france 176.1.8's parameters; used only to aim the values at the boundaries.
CEILING_BASE = [(dt.date(2014, 9, 5), 1_700_000), (dt.date(2021, 1, 1), 1_728_000)]
CEILING_PER_HALF_PART = 432_000
MAX_AMOUNT = [
    (dt.date(2014, 9, 5), 15_000),
    (dt.date(2021, 1, 1), 20_000),
    (dt.date(2021, 6, 2), 30_000),
    (dt.date(2021, 9, 30), 20_000),
    (dt.date(2022, 1, 1), 25_000),
]
MAX_RATE = [
    (dt.date(2014, 9, 5), Decimal("0.5")),
    (dt.date(2020, 1, 1), Decimal("0.75")),
    (dt.date(2021, 6, 2), Decimal("0.9")),
    (dt.date(2021, 9, 30), Decimal("0.75")),
    (dt.date(2022, 1, 1), Decimal("0.8")),
]
MIN_REMAINING = 5_000
# Parameter changes, plus the end of the Garantie jeunes (2022-02-28) that the formula reads.
CHANGES = sorted({d for d, _ in CEILING_BASE + MAX_AMOUNT + MAX_RATE} | {dt.date(2022, 3, 1)})
FIRST = dt.date(2014, 10, 1)  # openfisca reads parameters on the 1st of the month: none for 2014-09
LAST = dt.date(2026, 12, 31)
STATUSES = {
    "employee": 14,
    "retired": 2,
    "inactive": 10,
    "jobseeker": 14,
    "student": 22,
    "apprentice": 14,
    "civic_service": 14,
    "other": 10,
}


def dated(values: list[tuple[dt.date, object]], day: dt.date):
    return [v for start, v in values if start <= day][-1]


def boundary_dates() -> list[dt.date]:
    out = {FIRST}
    for d in CHANGES:
        last_day = calendar.monthrange(d.year, d.month)[1]
        out |= {
            d - dt.timedelta(days=1),
            d,
            d + dt.timedelta(days=1),
            d.replace(day=1),
            d.replace(day=last_day),
        }
    return sorted(x for x in out if FIRST <= x <= LAST)


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier (29 February -> 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def stay_date(rng: random.Random, boundaries: list[dt.date]) -> dt.date:
    if rng.random() < 0.3:
        return rng.choice(boundaries)
    return FIRST + dt.timedelta(days=rng.randrange((LAST - FIRST).days + 1))


def birth_date(rng: random.Random, day: dt.date) -> dt.date:
    r = rng.random()
    if r < 0.5:  # within ~6 weeks of turning 18 or 26
        return years_before(day, rng.choice((18, 26))) + dt.timedelta(days=rng.randint(-45, 45))
    if r < 0.65:  # 18th/26th birthday on the 1st-3rd or last day of the stay's month, or in the stay's week
        base = years_before(day, rng.choice((18, 26)))
        last_day = calendar.monthrange(base.year, base.month)[1]
        pick = rng.choice((1, 2, 3, last_day, min(last_day, day.day + rng.randint(-3, 3))))
        return base.replace(day=max(1, pick))
    if r < 0.68:  # born on 29 February
        year = rng.choice([y for y in range(day.year - 27, day.year - 15) if calendar.isleap(y)])
        return dt.date(year, 2, 29)
    return years_before(day, 28) + dt.timedelta(days=1 + rng.randrange(12 * 365))  # aged 16-27


def ceiling_cents(day: dt.date, parts: Decimal) -> int:
    return dated(CEILING_BASE, day) + int(2 * (parts - 1) * CEILING_PER_HALF_PART)


def rfr_cents(rng: random.Random, day: dt.date, parts: Decimal) -> int:
    ceiling = ceiling_cents(day, parts)
    kind = rng.random()
    if kind < 0.15:
        return ceiling
    if kind < 0.35:
        return ceiling + rng.choice((-100, -1, 1, 100))
    if kind < 0.55:
        return ceiling + 100 * rng.randint(-500, 500)
    if kind < 0.62:  # between the two bases (17,000 / 17,280 €), or a half part off
        other = ceiling + rng.choice((-28_000, 28_000, -CEILING_PER_HALF_PART, CEILING_PER_HALF_PART))
        return max(0, other + rng.choice((-100, 0, 100)))
    if kind < 0.67:
        return 0
    return 100 * rng.randrange(2 * ceiling // 100)


def cost_cents(rng: random.Random, day: dt.date) -> int:
    if rng.random() < 0.25:  # where the cap, the rate and the minimum left to pay meet
        cap, rate = dated(MAX_AMOUNT, day), dated(MAX_RATE, day)
        edges = [int(cap / rate), cap + MIN_REMAINING, int(MIN_REMAINING / (1 - rate)), 10_000, 150_000]
        return min(150_000, max(10_000, rng.choice(edges) + rng.choice((-1, 0, 1))))
    if rng.random() < 0.5:
        return 100 * rng.randint(100, 1500)
    return rng.randint(10_000, 150_000)


def generate(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    boundaries = boundary_dates()
    statuses, weights = zip(*STATUSES.items(), strict=True)
    persons = []
    for i in range(n):
        day = stay_date(rng, boundaries)
        parts = Decimal(rng.choice((2, 2, 2, 3, 3, 4, 4, 5, 6, 7, 8))) / 2
        persons.append(
            {
                "id": f"p{i + 1:05d}",
                "date": day.isoformat(),
                "birth_date": birth_date(rng, day).isoformat(),
                "rfr_cents": rfr_cents(rng, day, parts),
                "tax_parts": str(parts),
                "status": rng.choices(statuses, weights)[0],
                "cost_cents": cost_cents(rng, day),
            }
        )
    return persons


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("out", help="IN.json to write")
    parser.add_argument("-n", type=int, default=1200, help="number of persons (default 1200)")
    parser.add_argument("--seed", type=int, default=1825)
    args = parser.parse_args()
    persons = generate(args.n, args.seed)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump({"seed": args.seed, "persons": persons}, f, indent=1)
    print(f"{len(persons)} persons written to {args.out} (seed {args.seed})")


if __name__ == "__main__":
    main()
