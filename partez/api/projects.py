"""/api/v1/projects: detail, creation, workflow transitions."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Router, Status

from partez.core import audit
from partez.core.errors import DomainError
from partez.households.models import Person
from partez.households.selectors import households_for
from partez.organisations.models import Membership
from partez.projects import perms as project_perms
from partez.projects.models import JournalEntry, Project, StatusChange
from partez.projects.selectors import projects_for
from partez.projects.services import ProjectInput, project_create, project_transition
from partez.schemes import engine, selectors, situations
from partez.territory.models import Edition
from partez.territory.selectors import current_edition

from .access import casework_membership, get_or_404
from .errors import api_fields
from .schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    BudgetLineOut,
    ChecklistItemOut,
    ErrorOut,
    JournalEntryOut,
    OrganisationRef,
    ProjectDetail,
    ProjectIn,
    StatusChangeOut,
    TransitionIn,
    TransitionOut,
    TravellerOut,
)
from .simulate import SimulationOut, as_json

router = Router(tags=["Projets de départ"])

NOT_FOUND = "Projet introuvable."


def _name(user) -> str | None:
    return None if user is None else (user.get_full_name() or user.username)


def project_detail(m: Membership, pk: int) -> ProjectDetail:
    qs = (
        projects_for(m)
        .select_related("household", "organisation", "edition")
        .prefetch_related(
            Prefetch("travellers", queryset=Person.objects.order_by("birth_date", "id")),
            "budget_lines",
            "checklist",
            Prefetch("journal", queryset=JournalEntry.objects.select_related("author", "organisation")),
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("by")),
        )
    )
    p = get_or_404(qs, pk, NOT_FOUND)
    budget = list(p.budget_lines.all())
    return ProjectDetail(
        id=p.pk,
        reference=p.reference,
        household_id=p.household_id,
        household_reference=p.household.reference,
        organisation=OrganisationRef(id=p.organisation.pk, name=p.organisation.name),
        edition_year=p.edition.year,
        format=p.format,
        format_label=p.get_format_display(),
        status=p.status,
        status_label=p.get_status_display(),
        status_reason=p.status_reason,
        travellers=[
            TravellerOut(id=t.pk, first_name=t.first_name, last_name=t.last_name, birth_date=t.birth_date)
            for t in p.travellers.all()
        ],
        destination=p.destination,
        destination_department=p.destination_department,
        start_date=p.start_date,
        end_date=p.end_date,
        nights=p.nights,
        budget=[
            BudgetLineOut(
                id=b.pk,
                kind=b.kind,
                kind_label=b.get_kind_display(),
                label=b.label,
                amount_cents=b.amount_cents,
            )
            for b in budget
        ],
        budget_total_cents=sum(b.amount_cents for b in budget),
        transitions=[
            TransitionOut(action=t.action, label=t.label, target_status=t.target, needs_reason=t.needs_reason)
            for t in project_perms.allowed_transitions(m, p.status)
        ],
        checklist=[
            ChecklistItemOut(id=c.pk, label=c.label, received_at=c.received_at) for c in p.checklist.all()
        ],
        journal=[
            JournalEntryOut(
                id=j.pk,
                kind=j.kind,
                kind_label=j.get_kind_display(),
                text=j.text,
                happens_at=j.happens_at,
                author=_name(j.author) or "",
                organisation=j.organisation.name,
                created_at=j.created_at,
            )
            for j in p.journal.all()
        ],
        status_history=[
            StatusChangeOut(
                from_status=s.from_status, to_status=s.to_status, reason=s.reason, at=s.at, by=_name(s.by)
            )
            for s in p.status_changes.all()
        ],
        created_at=p.created_at,
    )


@router.get(
    "/{int:project_id}",
    response={200: ProjectDetail, **READ_ERRORS},
    operation_id="projects_get",
    summary="Lire un projet de départ",
)
def get_project(request: HttpRequest, project_id: int):
    """Qui part, où, quand, le budget, le statut et les changements de statut que votre rôle
    permet, la liste des pièces et le journal d'accompagnement. 404 hors de votre périmètre."""
    m = casework_membership(request)
    detail = project_detail(m, project_id)  # 404 outside the organisation's scope
    audit.record_read(
        actor=m.user, organisation=m.organisation, action="read.project_api", obj=Project(pk=project_id)
    )
    return detail


@router.get(
    "/{int:project_id}/eligibility",
    response={200: SimulationOut, 400: ErrorOut, **READ_ERRORS},
    operation_id="projects_eligibility",
    summary="Aides possibles pour un projet",
)
def project_eligibility(request: HttpRequest, project_id: int):
    """Pour le projet (ses personnes qui partent, ses dates, son budget, l'édition et l'historique
    des départs du foyer) : chaque dispositif, éligible ou non et **pourquoi**, condition par
    condition, le montant et son calcul ; le plan de financement proposé et ses alternatives. Les
    règles appliquées sont celles en vigueur à la date de départ. 400 si le projet n'a pas encore
    de dates, de personnes qui partent ou de budget ; 404 hors de votre périmètre."""
    m = casework_membership(request)
    project = get_or_404(projects_for(m), project_id, NOT_FOUND)
    situation = situations.from_project(project)
    missing = {}
    if not (project.start_date and project.end_date):
        missing["start_date"] = "Indiquez les dates du séjour pour calculer les aides."
    if not situation.travellers:
        missing["travellers"] = "Choisissez les personnes qui partent pour calculer les aides."
    if not situation.cost_cents:
        missing["budget"] = "Ajoutez au moins une ligne de budget pour calculer les aides."
    if missing:
        raise DomainError(missing)
    evaluation = engine.evaluate(situation, selectors.definitions())
    return as_json(situation, evaluation)


def _edition(year: int | None) -> Edition:
    edition = current_edition() if year is None else Edition.objects.filter(year=year).first()
    if edition is None:
        raise DomainError("Édition inconnue : aucune campagne pour cette année.", field="edition_year")
    return edition


@router.post(
    "",
    response={201: ProjectDetail, **WRITE_ERRORS},
    operation_id="projects_create",
    summary="Créer un projet de départ",
)
def create_project(request: HttpRequest, payload: ProjectIn):
    """Ouvre un projet au statut brouillon pour des personnes d'un foyer de votre périmètre
    (404 sinon), avec la liste des pièces par défaut. Tout ou rien. Le projet est rattaché à
    l'édition dont les dates couvrent le séjour (400 sur `start_date` sinon) ; `edition_year`
    ne vaut que pour un brouillon sans dates."""
    m = casework_membership(request)
    household = get_or_404(
        households_for(m), payload.household_id, "Foyer introuvable.", field="household_id"
    )
    edition = _edition(payload.edition_year)
    data = ProjectInput(
        format=payload.format.value,
        traveller_ids=payload.travellers,
        destination=payload.destination.strip(),
        destination_department=payload.destination_department.strip().upper(),
        start_date=payload.start_date,
        end_date=payload.end_date,
        budget=[(b.kind.value, b.label.strip(), b.amount_cents) for b in payload.budget],
        overlap_reason=payload.overlap_reason.strip(),
    )
    with api_fields({r"budget\[(\d+)\]\.amount": r"budget[\1].amount_cents"}):
        project = project_create(actor=m, household=household, edition=edition, data=data)
    return Status(201, project_detail(m, project.pk))


@router.post(
    "/{int:project_id}/transitions",
    response={200: ProjectDetail, **WRITE_ERRORS},
    operation_id="projects_transition",
    summary="Changer le statut d'un projet",
)
def transition_project(request: HttpRequest, project_id: int, payload: TransitionIn):
    """Applique une action du circuit (déposer, valider, refuser, attribuer l'aide, marquer
    parti…). 400 si l'action n'est pas possible depuis le statut actuel ou si le dossier est
    incomplet (le champ en cause est nommé), 403 si votre rôle ne le permet pas."""
    m = casework_membership(request)
    project = get_or_404(projects_for(m), project_id, NOT_FOUND)
    # The service names the current status as the culprit; for the API client it is its action.
    with api_fields({"status": "action"}):
        project_transition(actor=m, project=project, action=payload.action.value, reason=payload.reason)
    return project_detail(m, project_id)
