"""A household's name as every page and letter shows it: the head's surname and first name
(« Dupuis Martine »), and with its reference (« Dupuis Martine (F-6YUEAB) »).

Lists stay at a fixed number of queries: read the name from what the page already loaded —
the heads prefetched by :func:`heads` (``prefetch_related(naming.heads())`` on households,
``naming.heads("household__persons")`` on projects…), the annotations of
``selectors.with_list_columns`` (``head_last_name``, ``head_first_name``) or the household's
prefetched persons. Only a household loaded alone (a detail page) costs one query.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from .models import Household, Person, Relation

HEADS_ATTR = "named_heads"


def heads(path: str = "persons") -> Prefetch:
    """Prefetch the head of each household at ``path`` (``persons``, ``household__persons``),
    into its own attribute: ``household.persons.all()`` keeps meaning every member."""
    queryset = Person.objects.filter(relation=Relation.HEAD).only(
        "household_id", "first_name", "last_name", "relation"
    )
    return Prefetch(path, queryset=queryset, to_attr=HEADS_ATTR)


def _head_names(household: Any) -> tuple[str, str] | None:
    prefetched = getattr(household, HEADS_ATTR, None)
    if prefetched is not None:
        return (prefetched[0].last_name, prefetched[0].first_name) if prefetched else None
    last = getattr(household, "head_last_name", None)
    if last is not None:
        return last, getattr(household, "head_first_name", "") or ""
    cache = getattr(household, "_prefetched_objects_cache", {})
    if "persons" in cache:
        head = next((p for p in cache["persons"] if p.relation == Relation.HEAD), None)
    else:  # a household loaded alone: one query
        head = (
            Person.objects.filter(household_id=household.pk, relation=Relation.HEAD)
            .only("first_name", "last_name")
            .first()
        )
    return (head.last_name, head.first_name) if head else None


def full_name(last_name: str, first_name: str) -> str:
    """« Dupuis Martine »: the order lists sort on and people are called by in the file."""
    return " ".join(part for part in (last_name, first_name) if part)


def household_name(household: Household) -> str:
    """« Dupuis Martine »: the head's surname and first name (the reference when the household
    has no head any more, e.g. anonymised)."""
    names = _head_names(household)
    return full_name(*names) if names and any(names) else household.reference


def household_label(household: Household) -> str:
    """« Dupuis Martine (F-6YUEAB) »: the name a person recognises, the reference a file is
    found by."""
    name = household_name(household)
    return name if name == household.reference else f"{name} ({household.reference})"
