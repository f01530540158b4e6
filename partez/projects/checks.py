"""The checks a project must pass: the edition its stay belongs to, a second project of the
same household on the same dates, and what the commission needs before it decides.

Read-only (no writes): the services call these under their locks and raise one DomainError with
every problem at once, so a form or an API client sees all that is missing in one round.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping

from django.db.models import Q

from partez.funding.models import FinancingPlan
from partez.schemes import engine
from partez.schemes import selectors as scheme_selectors
from partez.schemes.definition import SchemeDefinition
from partez.territory.models import Edition

from . import workflow
from .models import DEFAULT_CHECKLIST, Project

# Each document of the checklist and the dated boolean parameter of a scheme's definition that
# says whether that scheme needs it (``catalogue/*.yaml``, editable by the coordination on the
# schemes page like any other parameter). A scheme that declares none of them needs them all.
DOCUMENT_PARAMETERS = {
    "requires_identity": DEFAULT_CHECKLIST[0],
    "requires_caf_certificate": DEFAULT_CHECKLIST[1],
    "requires_tax_notice": DEFAULT_CHECKLIST[2],
    "requires_proof_of_address": DEFAULT_CHECKLIST[3],
    "requires_booking": DEFAULT_CHECKLIST[4],
}


def _day(d: dt.date) -> str:
    return f"{d:%d/%m/%Y}"


def edition_for_stay(start: dt.date, end: dt.date | None) -> Edition | None:
    """The edition whose dates contain the whole stay, if any."""
    return Edition.objects.filter(starts_on__lte=start, ends_on__gte=end or start).order_by("-year").first()


def stay_edition_errors(start: dt.date | None, end: dt.date | None) -> tuple[Edition | None, dict[str, str]]:
    """(the stay's edition, errors): a stay outside every edition is refused, naming the
    editions that exist so the professional can correct the dates."""
    if start is None:
        return None, {}
    edition = edition_for_stay(start, end)
    if edition is not None:
        return edition, {}
    known = list(Edition.objects.order_by("year").values_list("year", "starts_on", "ends_on"))
    spans = " ; ".join(f"{y} : du {_day(s)} au {_day(e)}" for y, s, e in known)
    message = "Aucune édition ne couvre ces dates : un séjour doit avoir lieu pendant une édition"
    message += f" ({spans})." if spans else " (aucune édition n'est encore créée)."
    return None, {"start_date": message}


def overlapping_projects(
    household_id: int, start: dt.date | None, end: dt.date | None, *, exclude: int | None = None
) -> list[Project]:
    """The household's other open projects whose stay overlaps [start, end]."""
    if start is None:
        return []
    qs = Project.objects.filter(
        household_id=household_id,
        status__in=workflow.OPEN,
        start_date__lte=end or start,
    ).filter(Q(end_date__gte=start) | Q(end_date__isnull=True, start_date__gte=start))
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return list(qs.order_by("start_date", "id"))


def overlap_errors(others: list[Project], reason: str) -> dict[str, str]:
    if not others or reason.strip():
        return {}
    refs = ", ".join(
        f"{p.reference} (du {_day(p.start_date)} au {_day(p.end_date or p.start_date)})"
        for p in others
        if p.start_date
    )
    return {
        "overlap_reason": (
            f"Le foyer a déjà un projet en cours sur ces dates : {refs}. Modifiez-le plutôt, "
            "ou indiquez pourquoi un second projet est nécessaire."
        )
    }


def required_documents(plan: FinancingPlan | None, on: dt.date | None) -> list[str]:
    """The checklist documents the plan's schemes need, in checklist order (dated values read on
    the stay's start date). Without a plan, every document of the default checklist."""
    if plan is None or on is None:
        return list(DEFAULT_CHECKLIST)
    if "lines" in getattr(plan, "_prefetched_objects_cache", {}):  # funding.selectors.current_plan
        slugs = sorted({line.scheme.slug for line in plan.lines.all()})
    else:
        slugs = sorted(set(plan.lines.values_list("scheme__slug", flat=True)))
    definitions = scheme_selectors.definitions(slugs=slugs, include_inactive=True) if slugs else []
    return documents_for_schemes(slugs, on, {d.slug: d for d in definitions})


def documents_for_schemes(
    slugs: Iterable[str], on: dt.date, definitions: Mapping[str, SchemeDefinition]
) -> list[str]:
    """The checklist documents the schemes ``slugs`` need on ``on``, from definitions read once
    (the commission screen reads them for all its rows at once); no scheme: every document."""
    needed: set[str] = set()
    found = [definitions[slug] for slug in sorted(set(slugs)) if slug in definitions]
    if not found:
        return list(DEFAULT_CHECKLIST)
    for definition in found:
        declared = [name for name in DOCUMENT_PARAMETERS if name in definition.parameters]
        if not declared:
            needed |= set(DEFAULT_CHECKLIST)
            continue
        for name in declared:
            try:
                if engine.value_on(definition, name, on) is True:
                    needed.add(DOCUMENT_PARAMETERS[name])
            except engine.MissingValue:
                needed.add(DOCUMENT_PARAMETERS[name])  # no value in force: ask for it, to be safe
    return [label for label in DEFAULT_CHECKLIST if label in needed]


def project_required_documents(project: Project) -> list[str]:
    """The documents the project's current plan needs (every one without a plan)."""
    plan = FinancingPlan.objects.filter(project=project, is_current=True).first()
    return required_documents(plan, project.start_date)


def submission_errors(project: Project) -> dict[str, str]:
    """Everything the commission needs that the project lacks, each under its field."""
    errors: dict[str, str] = {}
    if not project.travellers.exists():
        errors["travellers"] = "Choisissez au moins une personne qui part."
    if not project.destination:
        errors["destination"] = "Indiquez la destination avant de déposer le dossier."
    if not project.start_date or not project.end_date:
        errors["start_date"] = "Indiquez les dates du séjour avant de déposer le dossier."
    else:
        edition, problems = stay_edition_errors(project.start_date, project.end_date)
        errors |= problems
        if edition is not None and edition.pk != project.edition_id:
            errors["start_date"] = (
                f"Les dates du séjour relèvent de l'édition {edition.year}, pas de celle du projet : "
                "enregistrez à nouveau le projet."
            )
    if not project.budget_lines.exists():
        errors["budget"] = "Renseignez au moins une ligne de budget avant de déposer le dossier."
    plan = FinancingPlan.objects.filter(project=project, is_current=True).first()
    if plan is None:
        errors["plan"] = "Choisissez un plan de financement avant de déposer le dossier."
    received = set(project.checklist.filter(received_at__isnull=False).values_list("label", flat=True))
    missing = [d for d in required_documents(plan, project.start_date) if d not in received]
    if missing:
        errors["checklist"] = "Pièces obligatoires manquantes : " + ", ".join(missing) + "."
    return errors


# Checks other apps add to a move of the workflow (e.g. the accompaniment: no validation of a
# project whose travellers have no means of transport without a transport step). Registered in
# the app's ``AppConfig.ready()``; each returns its errors by field for (project, action).
ExtraCheck = Callable[[Project, str], dict[str, str]]
_EXTRA_CHECKS: list[ExtraCheck] = []


def register_validation_check(check: ExtraCheck) -> None:
    if check not in _EXTRA_CHECKS:
        _EXTRA_CHECKS.append(check)


def extra_errors(project: Project, action: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    for check in _EXTRA_CHECKS:
        errors |= check(project, action)
    return errors
