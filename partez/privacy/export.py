"""The right of access: everything partez holds about one household, as one ZIP file —
``dossier.json`` (every row, every field, as stored), ``dossier.pdf`` (the same, readable) and the
hand-over signature images (``signatures/<reçu>.png``)."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, QuerySet
from django.utils import timezone

from partez.camping.models import Participant, Placement
from partez.cheques.models import Cheque, ChequeMovement
from partez.core import audit, pdf
from partez.core.errors import NotAllowed
from partez.core.models import AccessLog, AuditLog
from partez.fete.models import Checkin, Handover, HandoverLine, Invitation
from partez.funding.models import Commitment, FinancingPlan, PlanLine
from partez.households.models import Consent, FollowUp, Household, PastDeparture, Person
from partez.organisations.models import Membership
from partez.projects.models import BudgetLine, ChecklistItem, JournalEntry, Project, StatusChange
from partez.reports.models import SurveyInvitation, SurveyResponse

from . import perms
from .anonymise import own_objects

# fields never given out: secrets (a token's hash) and what is shipped as its own file
LEFT_OUT = {"signature_png", "token_hash", "details_salt", "search_name", "sort_name"}


def _querysets(household: Household) -> dict[str, QuerySet[Any]]:
    projects = Project.objects.filter(household=household)
    persons = list(Person.objects.filter(household=household))
    return {
        "foyer": Household.objects.filter(pk=household.pk),
        "personnes": Person.objects.filter(household=household),
        "departs_passes": PastDeparture.objects.filter(person__household=household),
        "consentements": Consent.objects.filter(household=household),
        "suivis": FollowUp.objects.filter(household=household),
        "projets": projects,
        "budget": BudgetLine.objects.filter(project__in=projects),
        "changements_de_statut": StatusChange.objects.filter(project__in=projects),
        "journal": JournalEntry.objects.filter(project__in=projects),
        "pieces": ChecklistItem.objects.filter(project__in=projects),
        "plans_de_financement": FinancingPlan.objects.filter(project__in=projects),
        "lignes_de_plan": PlanLine.objects.filter(plan__project__in=projects),
        "engagements": Commitment.objects.filter(project__in=projects),
        "cheques_vacances": Cheque.objects.filter(household=household),
        "mouvements_de_cheques": ChequeMovement.objects.filter(household=household),
        "fete_invitations": Invitation.objects.filter(household=household),
        "fete_pointages": Checkin.objects.filter(invitation__household=household),
        "fete_remises": Handover.objects.filter(household=household),
        "fete_cheques_remis": HandoverLine.objects.filter(handover__household=household),
        "sejour_commun": Participant.objects.filter(household=household),
        "sejour_commun_placements": Placement.objects.filter(participant__household=household),
        "enquete_invitations": SurveyInvitation.objects.filter(project__in=projects),
        "enquete_reponses": SurveyResponse.objects.filter(project__in=projects),
        "journal_audit": AuditLog.objects.filter(
            own_objects(household, persons, list(projects.values_list("pk", flat=True)))
        ).order_by("at", "id"),
        "consultations": AccessLog.objects.filter(
            Q(object_type="households.household", object_id=str(household.pk))
            | Q(
                object_type="projects.project",
                object_id__in=[str(pk) for pk in projects.values_list("pk", flat=True)],
            )
        ).order_by("at", "id"),
    }


def collect(household: Household) -> dict:
    """Every row about ``household``: ``{section: [{"model", "pk", "fields"}]}``."""
    data = {}
    for section, qs in _querysets(household).items():
        rows = serializers.serialize("python", qs)
        for row in rows:
            row["fields"] = {k: v for k, v in row["fields"].items() if k not in LEFT_OUT}
        data[section] = rows
    return data


def _pdf(household: Household, data: dict) -> bytes:
    title = f"Dossier du foyer {household.reference}"
    story = [
        pdf.para(title, "title"),
        pdf.para(
            f"Toutes les données que partez conserve sur ce foyer, au {pdf.french_date(timezone.localdate())}. "
            "Le fichier dossier.json joint contient les mêmes données, champ par champ.",
            "small",
        ),
    ]
    labels = {
        "foyer": "Foyer",
        "personnes": "Personnes",
        "consentements": "Consentements",
        "suivis": "Structures qui suivent le foyer",
        "projets": "Projets de départ",
        "journal": "Journal d'accompagnement",
    }
    for section, rows in data.items():
        if not rows:
            continue
        story.append(pdf.para(labels.get(section, section.replace("_", " ").capitalize()), "h2"))
        for row in rows:
            lines = [["Champ", "Valeur"]]
            lines += [
                [k, "" if v is None else json.dumps(v, cls=DjangoJSONEncoder, ensure_ascii=False).strip('"')]
                for k, v in row["fields"].items()
            ]
            story.append(pdf.para(f"{row['model']} n° {row['pk']}", "small"))
            story.append(pdf.table(lines, widths=[55 * pdf.mm, 120 * pdf.mm]))
    content = pdf.build(story, title=title)
    assert content is not None  # built in memory, not to a file
    return content


def build_zip(household: Household) -> bytes:
    data = collect(household)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("dossier.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        z.writestr("dossier.pdf", _pdf(household, data))
        for receipt, png in Handover.objects.filter(household=household).values_list(
            "receipt", "signature_png"
        ):
            if png:
                z.writestr(f"signatures/{receipt}.png", bytes(png))
    return out.getvalue()


def household_file_export(*, actor: Membership | None, household: Household) -> bytes:
    """The ZIP of ``household``'s file for ``actor`` (None: the command line), audited as a
    download. Scoping (may ``actor`` see this household at all) is the caller's: a 404 first."""
    if actor is not None and not perms.can_export_household_file(actor):
        raise NotAllowed("Votre rôle ne permet pas d'exporter un dossier.")
    content = build_zip(household)
    audit.record_read(
        actor=actor.user if actor is not None else None,
        organisation=actor.organisation if actor is not None else None,
        action="download.access_export",
        obj=household,
        changes={"bytes": len(content)},
    )
    if actor is None:  # the command line: no user, still on the record
        audit.record(actor=None, organisation=None, action="household.export", obj=household)
    return content
