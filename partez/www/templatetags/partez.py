from django import template

from partez.households.quotient import euros as format_euros

register = template.Library()


@register.filter
def euros(cents):
    """12345 → « 123,45 € » (money is stored in cents)."""
    if cents is None or cents == "":
        return "—"
    return format_euros(int(cents))
