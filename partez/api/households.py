"""/api/v1/households: list (search, filters, pagination), detail, creation."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Query, Router, Status

from partez.core import audit
from partez.core.errors import DomainError
from partez.households import selectors
from partez.households.models import FollowUp, Household, Person
from partez.households.selectors import households_for
from partez.households.services import HouseholdInput, PersonInput, household_create
from partez.organisations.models import Membership
from partez.projects.selectors import projects_for
from partez.territory.models import Commune

from .access import casework_membership, get_or_404
from .errors import api_fields
from .schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    CommuneOut,
    ErrorOut,
    FollowUpOut,
    HouseholdDetail,
    HouseholdIn,
    HouseholdListItem,
    HouseholdPage,
    OrganisationRef,
    PastDepartureOut,
    PersonName,
    PersonOut,
    ProjectSummary,
    QuotientOut,
    ResourcesOut,
    TaxOut,
)

router = Router(tags=["Foyers"])

NOT_FOUND = "Foyer introuvable."


def _float(value) -> float | None:
    return None if value is None else float(value)


def _check_filters(*, commune: str, q: str) -> None:
    errors = {}
    if commune and not Commune.objects.filter(insee_code=commune).exists():
        errors["commune"] = f"Commune inconnue : « {commune} » n'est pas un code INSEE du territoire."
    if (selectors.DATE_FR.match(q) or selectors.DATE_ISO.match(q)) and selectors.parse_date(q) is None:
        errors["q"] = f"Date invalide : « {q.strip()} » (JJ/MM/AAAA ou AAAA-MM-JJ)."
    if errors:
        raise DomainError(errors)


@router.get(
    "",
    response={200: HouseholdPage, 400: ErrorOut, **READ_ERRORS, 422: ErrorOut},
    operation_id="households_list",
    summary="Lister les foyers",
)
def list_households(
    request: HttpRequest,
    commune: str = Query("", description="Code INSEE de la commune de résidence."),
    q: str = Query(
        "",
        description="Nom ou prénom d'une personne du foyer, ou date de naissance (JJ/MM/AAAA ou AAAA-MM-JJ).",
    ),
    limit: int = Query(50, ge=1, le=200, description="Nombre de foyers par page (200 au plus)."),
    offset: int = Query(0, ge=0, description="Nombre de foyers à sauter."),
):
    """Les foyers que votre organisation peut voir (ceux qu'elle suit ; pour un CCAS, les
    habitants de sa commune ; pour la coordination, tout le territoire), par ordre de création.
    Trois requêtes SQL quel que soit le nombre de foyers (quatre avec le filtre commune)."""
    m = casework_membership(request)
    commune, q = commune.strip(), q.strip()
    _check_filters(commune=commune, q=q)
    qs = selectors.search(households_for(m), q=q, commune_insee=commune)
    count = qs.count()
    rows = selectors.with_list_columns(qs).order_by("id")[offset : offset + limit]
    items = [
        HouseholdListItem(
            id=h.pk,
            reference=h.reference,
            commune=CommuneOut(insee_code=h.commune.insee_code, name=h.commune.name),
            qf_euros=h.qf_euros,
            qf_parts=_float(h.qf_parts),
            persons_count=h.size,
            head=PersonName(first_name=h.head_first_name, last_name=h.head_last_name)
            if h.head_last_name
            else None,
        )
        for h in rows
    ]
    return HouseholdPage(count=count, limit=limit, offset=offset, items=items)


def household_detail(m: Membership, pk: int) -> HouseholdDetail:
    qs = (
        households_for(m)
        .select_related("commune")
        .defer("commune__geometry")
        .prefetch_related(
            Prefetch("persons", queryset=Person.objects.prefetch_related("past_departures")),
            Prefetch(
                "followups",
                queryset=FollowUp.objects.filter(ended_on__isnull=True)
                .select_related("organisation")
                .order_by("-is_referent", "started_on", "id"),
            ),
            Prefetch(
                "projects", queryset=projects_for(m).select_related("edition").order_by("-created_at", "-id")
            ),
        )
    )
    h = get_or_404(qs, pk, NOT_FOUND)
    persons = list(h.persons.all())
    return HouseholdDetail(
        id=h.pk,
        reference=h.reference,
        commune=CommuneOut(insee_code=h.commune.insee_code, name=h.commune.name),
        address=h.address,
        phone=h.phone,
        email=h.email,
        caf_number=h.caf_number,
        minimum_benefits=list(h.minimum_benefits or []),
        mobility=h.mobility,
        mobility_note=h.mobility_note,
        persons=[
            PersonOut(
                id=p.pk,
                first_name=p.first_name,
                last_name=p.last_name,
                birth_date=p.birth_date,
                relation=p.relation,
                relation_label=p.get_relation_display(),
                has_disability=p.has_disability,
                employment=p.employment,
                employment_label=p.get_employment_display(),
                schooling=p.schooling,
                schooling_label=p.get_schooling_display(),
                past_departures=[
                    PastDepartureOut(year=d.year, scheme=d.scheme, scheme_label=d.get_scheme_display())
                    for d in p.past_departures.all()
                ],
            )
            for p in persons
        ],
        resources=ResourcesOut(
            annual_taxable_income_cents=h.annual_taxable_income_cents,
            monthly_family_benefits_cents=h.monthly_family_benefits_cents,
        ),
        tax=TaxOut(rfr_cents=h.rfr_cents, parts=_float(h.tax_parts), is_taxable=h.is_taxable),
        quotient=QuotientOut(
            qf_cents=h.qf_cents,  # stored when its inputs change: the list and the detail agree
            qf_euros=h.qf_euros,
            parts=float(h.qf_parts or 0),
            explanation=h.qf_lines,
        ),
        followups=[
            FollowUpOut(
                organisation=OrganisationRef(id=f.organisation.pk, name=f.organisation.name),
                is_referent=f.is_referent,
                started_on=f.started_on,
            )
            for f in h.followups.all()
        ],
        projects=[
            ProjectSummary(
                id=p.pk,
                reference=p.reference,
                edition_year=p.edition.year,
                status=p.status,
                status_label=p.get_status_display(),
                format=p.format,
                format_label=p.get_format_display(),
            )
            for p in h.projects.all()
        ],
        created_at=h.created_at,
    )


@router.get(
    "/{int:household_id}",
    response={200: HouseholdDetail, **READ_ERRORS},
    operation_id="households_get",
    summary="Lire un foyer",
)
def get_household(request: HttpRequest, household_id: int):
    """Composition, ressources, situation fiscale, quotient familial recalculé avec son
    explication, organisations qui suivent le foyer et projets de départ. 404 pour un foyer
    hors du périmètre de votre organisation."""
    m = casework_membership(request)
    detail = household_detail(m, household_id)  # 404 outside the organisation's scope
    audit.record_read(
        actor=m.user, organisation=m.organisation, action="read.household_api", obj=Household(pk=household_id)
    )
    return detail


@router.post(
    "",
    response={201: HouseholdDetail, **WRITE_ERRORS},
    operation_id="households_create",
    summary="Créer un foyer",
)
def create_household(request: HttpRequest, payload: HouseholdIn):
    """Crée le foyer, ses personnes et le consentement recueilli ; votre organisation devient
    sa structure référente. Tout ou rien : en cas d'erreur (400, 422), rien n'est enregistré."""
    m = casework_membership(request)
    data = HouseholdInput(
        commune_insee=payload.commune.strip(),
        annual_taxable_income_cents=payload.annual_taxable_income_cents,
        monthly_family_benefits_cents=payload.monthly_family_benefits_cents,
        rfr_cents=payload.rfr_cents,
        tax_parts=payload.tax_parts,
        is_taxable=payload.is_taxable,
        address=payload.address,
        phone=payload.phone,
        email=payload.email,
        caf_number=payload.caf_number,
        minimum_benefits=[b.value for b in payload.minimum_benefits],
        mobility=payload.mobility.value if payload.mobility else "",
        mobility_note=payload.mobility_note,
    )
    persons = [
        PersonInput(
            first_name=p.first_name,
            last_name=p.last_name,
            birth_date=p.birth_date,
            relation=p.relation.value,
            has_disability=p.has_disability,
            employment=p.employment.value,
            schooling=p.schooling.value,
        )
        for p in payload.persons
    ]
    with api_fields({"consent": "consent_scopes"}):
        household = household_create(
            actor=m, data=data, persons=persons, consent_scopes=[s.value for s in payload.consent_scopes]
        )
    return Status(201, household_detail(m, household.pk))
