"""Compose an amount from the chèques-vacances at hand — pure, no ORM.

Merchants give no change on a chèque-vacances, so a household granted 310 € must receive chèques
adding up to exactly 310 €, drawn from the denominations the commune still holds. The fewest
chèques win (less to count at the stand), ties going to the larger denominations. When the
amount cannot be met exactly (say 315 € with no 25 € left), :func:`compose` says so in French and
proposes the nearest lower amount that can be.

The search is a 0/1 knapsack over the denominations split in powers of two (each denomination
``d`` with ``n`` chèques becomes items of 1, 2, 4, … chèques), on the amount counted in units of
the denominations' greatest common divisor (5 € for 10/20/25/50 €): a few thousand steps for a
household's aid, whatever the stock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import reduce
from math import gcd

from partez.core.money import euros

DENOMINATIONS_CENTS = (5000, 2500, 2000, 1000)  # ANCV paper chèques: 50, 25, 20 and 10 €
MAX_CENTS = 10_000_00  # one household's aid never reaches 10,000 €: beyond it the input is wrong


@dataclass(frozen=True)
class Composition:
    amount_cents: int  # what was asked
    counts: dict[int, int] = field(default_factory=dict)  # denomination (cents) → chèques, exact only
    exact: bool = False
    nearest_lower_cents: int = 0  # the largest composable amount ≤ what was asked
    nearest_lower_counts: dict[int, int] = field(default_factory=dict)
    message: str = ""  # French, empty when exact

    @property
    def cheques(self) -> int:
        return sum(self.counts.values())


def _split(available: Mapping[int, int]) -> list[tuple[int, int]]:
    """(denomination, how many chèques) items: each stock split in powers of two."""
    items = []
    for denomination in sorted(available, reverse=True):
        left = max(0, int(available[denomination]))
        size = 1
        while left > 0:
            take = min(size, left)
            items.append((denomination, take))
            left -= take
            size *= 2
    return items


def _best(amount_cents: int, available: Mapping[int, int]) -> dict[int, dict[int, int]]:
    """For every composable amount ≤ ``amount_cents``: the composition with the fewest chèques
    (then the most value in large denominations), keyed by amount in cents."""
    denominations = [d for d, n in available.items() if n > 0 and d > 0]
    if not denominations:
        return {0: {}}
    unit = reduce(gcd, denominations)
    target = amount_cents // unit
    # best[v] = (number of chèques, tie-break key, counts) for the value v × unit
    order = sorted(denominations, reverse=True)
    best: dict[int, tuple[int, tuple[int, ...], dict[int, int]]] = {0: (0, (), {})}
    for denomination, take in _split({d: available[d] for d in denominations}):
        step = denomination * take // unit
        for value in sorted(best, reverse=True):  # descending: each item used at most once
            new = value + step
            if new > target:
                continue
            n_cheques, _key, counts = best[value]
            candidate_counts = dict(counts)
            candidate_counts[denomination] = candidate_counts.get(denomination, 0) + take
            key = tuple(-candidate_counts.get(d, 0) for d in order)
            candidate = (n_cheques + take, key, candidate_counts)
            if new not in best or candidate[:2] < best[new][:2]:
                best[new] = candidate
    return {value * unit: counts for value, (_n, _k, counts) in best.items()}


def compose(amount_cents: int, available: Mapping[int, int]) -> Composition:
    """The chèques (denomination → count) adding up to ``amount_cents`` exactly from the
    ``available`` stock (denomination → count), or, when impossible, why and the nearest lower
    composable amount."""
    if amount_cents < 0 or amount_cents > MAX_CENTS:
        raise ValueError(f"montant hors limites : {amount_cents} centimes")
    if amount_cents == 0:
        return Composition(amount_cents=0, exact=True)
    best = _best(amount_cents, available)
    if amount_cents in best:
        counts = {d: n for d, n in sorted(best[amount_cents].items(), reverse=True) if n}
        return Composition(
            amount_cents=amount_cents,
            counts=counts,
            exact=True,
            nearest_lower_cents=amount_cents,
            nearest_lower_counts=counts,
        )
    lower = max(best)
    lower_counts = {d: n for d, n in sorted(best[lower].items(), reverse=True) if n}
    in_stock = [d for d in sorted(available, reverse=True) if available[d] > 0]
    stock_text = (
        ", ".join(f"{available[d]} × {euros(d)}" for d in in_stock) if in_stock else "aucun chèque en stock"
    )
    message = (
        f"Le montant de {euros(amount_cents)} ne peut pas être composé exactement avec les chèques "
        f"disponibles ({stock_text}) : les chèques-vacances ne rendent pas la monnaie."
    )
    if lower > 0:
        message += f" Montant le plus proche en dessous : {euros(lower)} ({describe(lower_counts)})."
    else:
        message += " Aucun montant inférieur ne peut être composé non plus."
    return Composition(
        amount_cents=amount_cents,
        nearest_lower_cents=lower,
        nearest_lower_counts=lower_counts,
        message=message,
    )


def describe(counts: Mapping[int, int]) -> str:
    """``{5000: 2, 1000: 1}`` → « 2 × 50,00 €, 1 × 10,00 € »."""
    return (
        ", ".join(f"{n} × {euros(d)}" for d, n in sorted(counts.items(), reverse=True) if n) or "aucun chèque"
    )
