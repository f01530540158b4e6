"""The « espace famille » block of the household page: the family's accesses (give, withdraw),
what it sent, its answers and its story — what the referent sees of the family's own space."""

from __future__ import annotations

from typing import Any

from partez.family import perms
from partez.family.models import FamilyAccess, FamilyDocument, Proposal, Story
from partez.households.models import ConsentScope, Household
from partez.organisations.models import Membership


def household_block(m: Membership, household: Household, active_scopes: set[str]) -> dict[str, Any]:
    """Four queries, whatever the number of rows (the page's query budget holds)."""
    return {
        "consent": ConsentScope.FAMILY_SPACE in active_scopes,
        "can_invite": perms.can_invite_family(m) and household.anonymised_at is None,
        "can_propose": perms.can_propose_to_family(m) and household.anonymised_at is None,
        "accesses": list(
            FamilyAccess.objects.filter(household=household).select_related("person", "created_by")[:10]
        ),
        "documents": list(
            FamilyDocument.objects.filter(household=household).select_related("project", "item")[:20]
        ),
        "proposals": list(
            Proposal.objects.filter(project__household=household).select_related("project")[:20]
        ),
        "stories": list(
            Story.objects.filter(project__household=household)
            .select_related("project")
            .prefetch_related("photos")
        ),
    }
