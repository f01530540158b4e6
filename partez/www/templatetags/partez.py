from django import template

from partez.core.money import euros as format_euros
from partez.reports.stats import text as figure_text
from partez.schemes.engine import IN_KIND_CHANNELS

register = template.Library()


@register.filter
def euros(cents):
    """12345 → « 123,45 € » (money is stored in cents)."""
    if cents is None or cents == "":
        return "—"
    return format_euros(int(cents))


@register.filter
def nombre(value):
    """1234 → « 1 234 » (French grouping). Much cheaper than humanize's intcomma in a table."""
    if value is None or value == "":
        return ""
    return f"{int(value):,}".replace(",", "\u202f")


@register.filter
def jjmmaaaa(value):
    """A date as « 31/12/2025 » (cheaper than the date filter in long tables)."""
    return value.strftime("%d/%m/%Y") if value else ""


@register.filter
def chiffre(value):
    """A bilan figure as pages print it (« masqué » for a suppressed cell, French grouping)."""
    return figure_text("", value)


def _channel(line) -> str:
    """An engine plan line's channel, or a saved line's (older saved lines: their scheme's)."""
    return getattr(line, "channel", "") or getattr(getattr(line, "scheme", None), "channel", "") or ""


IN_KIND_TEXT = {
    "in_kind": "place donnée (valeur estimée {})",
    "reduced_price": "réduction sur le prix (environ {})",
}


@register.filter
def aide(line):
    """A plan line's amount as the family reads it: euros for money (chèques, paid to the host, a
    bourse); a place given or a discount for an aid in kind, never as euros paid."""
    channel = _channel(line)
    if channel in IN_KIND_CHANNELS:
        return IN_KIND_TEXT[channel].format(format_euros(int(line.aid_cents)))
    return format_euros(int(line.aid_cents))


@register.filter
def in_kind(line) -> bool:
    return _channel(line) in IN_KIND_CHANNELS


@register.filter
def cash_aid(lines) -> int:
    """What a plan's lines pay in money (its aids in kind left out)."""
    rows = lines.all() if hasattr(lines, "all") else lines
    return sum(line.aid_cents for line in rows if _channel(line) not in IN_KIND_CHANNELS)
