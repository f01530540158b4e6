"""Money as French text. Money is integer cents everywhere; this is the one way it is printed."""

from __future__ import annotations

from decimal import Decimal


def euros(cents: int | Decimal, *, trim: bool = False) -> str:
    """12345 → « 123,45 € », -250 → « -2,50 € », with a narrow no-break space between thousands.

    ``trim=True`` drops a zero cents part: 1728000 → « 17 280 € » (rules read better without
    ",00"). Integer arithmetic only: it is called thousands of times per second.
    """
    cents = int(cents)
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    text = f"{sign}{whole:,}".replace(",", "\u202f")
    return f"{text} €" if trim and not rest else f"{text},{rest:02d} €"
