"""How the audit log names households, persons, consents and follow-ups (``core.audit_text``)."""

from __future__ import annotations

from partez.core import audit_text, phone

from . import naming
from .models import Consent, ConsentScope, FollowUp, Household, MinimumBenefit, Person


def households(ids: list[str]) -> dict[str, str]:
    rows = Household.objects.filter(pk__in=ids).only("reference").prefetch_related(naming.heads())
    return {str(h.pk): naming.household_label(h) for h in rows}


def persons(ids: list[str]) -> dict[str, str]:
    rows = Person.objects.filter(pk__in=ids).values_list("pk", "first_name", "last_name")
    return {str(pk): f"{first} {last}" for pk, first, last in rows}


def consents(ids: list[str]) -> dict[str, str]:
    rows = (
        Consent.objects.filter(pk__in=ids)
        .select_related("household")
        .only("collected_at", "household__reference")
        .prefetch_related(naming.heads("household__persons"))
    )
    return {str(c.pk): f"du foyer {naming.household_label(c.household)}" for c in rows}


def followups(ids: list[str]) -> dict[str, str]:
    rows = FollowUp.objects.filter(pk__in=ids).select_related("organisation").only("organisation__name")
    return {str(f.pk): f"par {f.organisation.name}" for f in rows}


def register() -> None:
    audit_text.register(
        "households.household",
        noun="le foyer",
        labels=households,
        value_labels={"minimum_benefits": dict(MinimumBenefit.choices)},
        formats={"phone": phone.display},
    )
    audit_text.register("households.person", noun="la personne", labels=persons)
    audit_text.register(
        "households.consent",
        noun="le consentement",
        labels=consents,
        value_labels={"scopes": dict(ConsentScope.choices), "consent": dict(ConsentScope.choices)},
    )
    audit_text.register("households.followup", noun="le suivi", labels=followups)
