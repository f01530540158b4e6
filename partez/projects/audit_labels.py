"""How the audit log names projects (``core.audit_text``): « P-CDT4N7 (Dupuis Martine) »."""

from __future__ import annotations

from partez.core import audit_text
from partez.households import naming

from .models import Project


def projects(ids: list[str]) -> dict[str, str]:
    rows = (
        Project.objects.filter(pk__in=ids)
        .select_related("household")
        .only("reference", "household__reference")
        .prefetch_related(naming.heads("household__persons"))
    )
    return {str(p.pk): f"{p.reference} ({naming.household_name(p.household)})" for p in rows}


def register() -> None:
    audit_text.register("projects.project", noun="le projet", labels=projects)
