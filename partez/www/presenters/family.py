"""The « espace famille » block of the household page: the family's accesses (give, withdraw),
what it sent, its answers and its story — what the referent sees of the family's own space."""

from __future__ import annotations

from typing import Any

from partez.family import perms
from partez.family.models import FamilyAccess, FamilyDocument, Proposal, Story, Wish
from partez.households.models import Consent, ConsentScope, Household
from partez.organisations.models import Membership


def household_block(m: Membership, household: Household, consents: list[Consent]) -> dict[str, Any]:
    """Six queries whatever the number of rows, none for a household that never agreed to use
    the space (no access, hence nothing sent, can exist without that consent)."""
    ever = any(ConsentScope.FAMILY_SPACE in c.scopes for c in consents)
    consent = any(ConsentScope.FAMILY_SPACE in c.scopes for c in consents if c.revoked_at is None)
    block: dict[str, Any] = {
        "consent": consent,
        "can_invite": perms.can_invite_family(m) and household.anonymised_at is None,
        "can_propose": consent and perms.can_propose_to_family(m) and household.anonymised_at is None,
    }
    if not ever:
        return block
    return block | {
        "accesses": list(
            FamilyAccess.objects.filter(household=household).select_related("person", "created_by")[:10]
        ),
        "documents": list(
            FamilyDocument.objects.filter(household=household).select_related("project", "item")[:20]
        ),
        "proposals": list(
            Proposal.objects.filter(project__household=household).select_related("project")[:20]
        ),
        "wishes": list(Wish.objects.filter(project__household=household).select_related("project")),
        "stories": list(
            Story.objects.filter(project__household=household)
            .select_related("project")
            .prefetch_related("photos")
        ),
    }


def history_objects(block: dict[str, Any]) -> dict[str, list[int]]:
    """The block's objects for the household page's history (``audit.history_for``): the
    accesses given and used, the papers sent, the answers, the story."""
    return {
        "family.familyaccess": [a.pk for a in block.get("accesses", [])],
        "family.familydocument": [d.pk for d in block.get("documents", [])],
        "family.proposal": [p.pk for p in block.get("proposals", [])],
        "family.story": [s.pk for s in block.get("stories", [])],
        "family.wish": [w.pk for w in block.get("wishes", [])],
    }
