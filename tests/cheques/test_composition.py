"""The pure composition of an amount from the chèques at hand (no change is given)."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partez.cheques.composition import DENOMINATIONS_CENTS, compose, describe

PLENTY = {5000: 100, 2500: 100, 2000: 100, 1000: 100}


@pytest.mark.parametrize(
    ("amount", "stock", "counts"),
    [
        (31000, PLENTY, {5000: 6, 1000: 1}),
        (7500, PLENTY, {5000: 1, 2500: 1}),
        (6000, PLENTY, {5000: 1, 1000: 1}),
        (6000, {5000: 0, 2500: 0, 2000: 3, 1000: 0}, {2000: 3}),
        (4000, {2000: 2, 1000: 4}, {2000: 2}),
        (0, {}, {}),
    ],
)
def test_exact_compositions_use_the_fewest_cheques(amount, stock, counts):
    result = compose(amount, stock)
    assert result.exact
    assert result.counts == counts
    assert result.message == ""
    assert sum(d * n for d, n in result.counts.items()) == amount


def test_an_amount_that_cannot_be_met_is_refused_in_french_with_the_nearest_lower_amount():
    result = compose(31500, {5000: 10, 2000: 5, 1000: 5})  # 315 € needs a 25 €, none left
    assert not result.exact
    assert result.counts == {}
    assert result.nearest_lower_cents == 31000
    assert sum(d * n for d, n in result.nearest_lower_counts.items()) == 31000
    assert result.message.startswith("Le montant de 315,00 € ne peut pas être composé exactement")
    assert "ne rendent pas la monnaie" in result.message
    assert "Montant le plus proche en dessous : 310,00 €" in result.message


def test_too_little_stock_proposes_what_is_there():
    result = compose(20000, {5000: 1, 1000: 2})
    assert not result.exact
    assert result.nearest_lower_cents == 7000
    assert describe(result.nearest_lower_counts) == "1 × 50,00 €, 2 × 10,00 €"


def test_no_stock_at_all_says_so():
    result = compose(5000, {})
    assert not result.exact and result.nearest_lower_cents == 0
    assert "aucun chèque en stock" in result.message
    assert "Aucun montant inférieur" in result.message


def test_cents_that_no_cheque_can_make():
    result = compose(5050, PLENTY)
    assert not result.exact and result.nearest_lower_cents == 5000


@settings(max_examples=60, deadline=None)
@given(
    amount=st.integers(min_value=0, max_value=120).map(lambda e: e * 500),
    stock=st.fixed_dictionaries({d: st.integers(min_value=0, max_value=6) for d in DENOMINATIONS_CENTS}),
)
def test_property_matches_brute_force(amount, stock):
    """Against every combination of the stock: exact iff reachable, with the fewest chèques;
    otherwise the largest reachable amount below."""
    fewest: dict[int, int] = {}
    for combo in itertools.product(*(range(stock[d] + 1) for d in DENOMINATIONS_CENTS)):
        total = sum(d * n for d, n in zip(DENOMINATIONS_CENTS, combo, strict=True))
        fewest[total] = min(fewest.get(total, 10**9), sum(combo))
    result = compose(amount, stock)
    counts = result.counts if result.exact else result.nearest_lower_counts
    assert all(0 < n <= stock[d] for d, n in counts.items())
    assert result.exact == (amount in fewest)
    if result.exact:
        assert sum(counts.values()) == fewest[amount]
    else:
        assert result.nearest_lower_cents == max(t for t in fewest if t <= amount)
    assert sum(d * n for d, n in counts.items()) == result.nearest_lower_cents
