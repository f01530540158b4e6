from django import template

from partez.core.money import euros as format_euros
from partez.reports.stats import text as figure_text

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
