"""How a household is named on a page, a list or a letter: its head's surname in capitals and
first name (« DUPUIS Martine »), as the households list shows it; the reference when the file has
no head (an anonymised file)."""

from __future__ import annotations

from .models import Household, Relation


def household_name(household: Household) -> str:
    """« DUPUIS Martine » from the household's persons (prefetch them in lists: no query per row)."""
    head = next((p for p in household.persons.all() if p.relation == Relation.HEAD), None)
    if head is None or not (head.last_name or head.first_name):
        return household.reference
    return f"{head.last_name.upper()} {head.first_name}".strip()
