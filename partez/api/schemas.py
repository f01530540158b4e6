"""Request and response schemas of the API (field names in English, descriptions in French).

Money is in integer cents (``*_cents``); the QF is also given in whole euros as the CAF prints
it. Parts (CAF and tax) are halves or quarters, exact in binary, so they are plain numbers.
Enumerations carry their code (``status``) and the French label (``status_label``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from ninja import Field, Schema

from partez.households.models import (
    ConsentScope,
    EmploymentSituation,
    MinimumBenefit,
    Mobility,
    Relation,
    Schooling,
)
from partez.projects import workflow
from partez.projects.models import BudgetKind, ProjectFormat

MAX_CENTS = 100_000_000_000  # one billion euros
MAX_BUDGET_LINE_CENTS = 100_000_000  # one million euros; the column is a 32-bit integer

# Built from the workflow's table, so mypy cannot enumerate its members.
TransitionAction = StrEnum(  # type: ignore[misc]
    "TransitionAction", {action: action for action in workflow.TRANSITIONS}
)


class ErrorOut(Schema):
    detail: str = Field(description="Message en français, affichable tel quel.")
    errors: dict[str, str] = Field(
        default_factory=dict,
        description="Message par champ en cause (`persons[0].birth_date`, `commune`…) ; `__all__` si aucun.",
    )


# --- shared pieces -------------------------------------------------------------------------------


class CommuneOut(Schema):
    insee_code: str = Field(description="Code INSEE de la commune.")
    name: str


class PersonName(Schema):
    first_name: str
    last_name: str


class OrganisationRef(Schema):
    id: int
    name: str


# --- households ----------------------------------------------------------------------------------


class HouseholdListItem(Schema):
    id: int
    reference: str = Field(description="Référence du foyer (F-XXXXXX).")
    commune: CommuneOut = Field(description="Commune de résidence.")
    qf_euros: int | None = Field(description="Quotient familial enregistré, en euros.")
    qf_parts: float | None = Field(description="Nombre de parts CAF.")
    persons_count: int = Field(description="Nombre de personnes du foyer.")
    head: PersonName | None = Field(description="Demandeur·se du foyer.")


class HouseholdPage(Schema):
    count: int = Field(description="Nombre total de foyers correspondant aux filtres.")
    limit: int
    offset: int
    items: list[HouseholdListItem]


class PastDepartureOut(Schema):
    year: int
    scheme: str
    scheme_label: str


class PersonOut(Schema):
    id: int
    first_name: str
    last_name: str
    birth_date: dt.date
    relation: str = Field(description="head, spouse, child ou other.")
    relation_label: str
    has_disability: bool
    employment: str = Field(
        description="employee, retired, inactive, jobseeker, student, apprentice, civic_service ou other."
    )
    employment_label: str
    schooling: str = Field(description="not_at_school, at_school ou student.")
    schooling_label: str
    past_departures: list[PastDepartureOut]


class ResourcesOut(Schema):
    annual_taxable_income_cents: int = Field(description="Revenus imposables annuels après abattements.")
    monthly_family_benefits_cents: int = Field(description="Prestations familiales mensuelles.")


class TaxOut(Schema):
    rfr_cents: int | None = Field(description="Revenu fiscal de référence.")
    parts: float | None = Field(description="Parts fiscales.")
    is_taxable: bool | None = Field(description="Foyer imposable (inconnu si null).")


class QuotientOut(Schema):
    qf_cents: int | None
    qf_euros: int | None
    parts: float
    explanation: list[str] = Field(description="Le calcul, ligne à ligne, en français.")


class FollowUpOut(Schema):
    organisation: OrganisationRef
    is_referent: bool = Field(description="Structure référente du foyer.")
    started_on: dt.date


class ProjectSummary(Schema):
    id: int
    reference: str
    edition_year: int
    status: str
    status_label: str
    format: str
    format_label: str


class HouseholdDetail(Schema):
    id: int
    reference: str
    commune: CommuneOut
    address: str
    phone: str
    email: str
    caf_number: str
    minimum_benefits: list[str] = Field(description="Minima sociaux perçus : rsa, aah, ass, aspa, other.")
    mobility: str = Field(description="car, licence_no_car, none, ou vide si non renseigné.")
    mobility_note: str
    persons: list[PersonOut]
    resources: ResourcesOut
    tax: TaxOut
    quotient: QuotientOut = Field(
        description="Quotient familial recalculé à la date du jour, avec son explication."
    )
    followups: list[FollowUpOut] = Field(description="Organisations qui suivent le foyer (suivis en cours).")
    projects: list[ProjectSummary]
    created_at: dt.datetime


class PersonIn(Schema):
    first_name: str = Field(max_length=80)
    last_name: str = Field(max_length=80)
    birth_date: dt.date = Field(description="AAAA-MM-JJ ; ni dans le futur, ni avant 1900.")
    relation: Relation
    has_disability: bool = False
    employment: EmploymentSituation = EmploymentSituation.OTHER
    schooling: Schooling = Schooling.NOT_AT_SCHOOL


class HouseholdIn(Schema):
    commune: str = Field(description="Code INSEE de la commune de résidence.", examples=["62498"])
    address: str = Field("", max_length=250)
    phone: str = Field("", max_length=20, description="Numéro français, enregistré au format E.164 (+33…).")
    email: str = Field("", max_length=254)
    caf_number: str = Field("", max_length=20)
    minimum_benefits: list[MinimumBenefit] = Field(default_factory=list, description="Minima sociaux perçus.")
    mobility: Mobility | None = Field(None, description="Voiture, permis sans voiture, ni l'un ni l'autre.")
    mobility_note: str = Field("", max_length=200)
    # Signs are the domain's rule (400 from the service, in French); the upper bounds only keep
    # absurd values from overflowing the database columns.
    annual_taxable_income_cents: int = Field(
        0, le=MAX_CENTS, description="Revenus imposables annuels après abattements, en centimes (≥ 0)."
    )
    monthly_family_benefits_cents: int = Field(
        0, le=MAX_CENTS, description="Prestations familiales mensuelles, en centimes (≥ 0)."
    )
    rfr_cents: int | None = Field(
        None, le=MAX_CENTS, description="Revenu fiscal de référence, en centimes (≥ 0)."
    )
    tax_parts: Decimal | None = Field(None, description="Parts fiscales, entre 1 et 20, par quart de part.")
    is_taxable: bool | None = None
    persons: list[PersonIn] = Field(description="Composition : exactement un·e demandeur·se (relation head).")
    consent_scopes: list[ConsentScope] = Field(
        description="Finalités consenties ; `casework` (traitement du dossier) est obligatoire."
    )


# --- projects ------------------------------------------------------------------------------------


class TravellerOut(Schema):
    id: int
    first_name: str
    last_name: str
    birth_date: dt.date


class BudgetLineOut(Schema):
    id: int
    kind: str
    kind_label: str
    label: str
    amount_cents: int


class TransitionOut(Schema):
    action: str = Field(description="À envoyer à POST /projects/{id}/transitions.")
    label: str
    target_status: str
    needs_reason: bool


class ChecklistItemOut(Schema):
    id: int
    label: str
    received_at: dt.datetime | None


class JournalEntryOut(Schema):
    id: int
    kind: str = Field(description="note ou appointment.")
    kind_label: str
    text: str
    happens_at: dt.datetime | None = Field(description="Date du rendez-vous.")
    author: str
    organisation: str
    created_at: dt.datetime


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    reason: str
    at: dt.datetime
    by: str | None


class ProjectDetail(Schema):
    id: int
    reference: str
    household_id: int
    household_reference: str
    organisation: OrganisationRef = Field(description="Structure porteuse du projet.")
    edition_year: int
    format: str
    format_label: str
    status: str
    status_label: str
    status_reason: str
    travellers: list[TravellerOut]
    destination: str
    destination_department: str
    start_date: dt.date | None
    end_date: dt.date | None
    nights: int | None
    budget: list[BudgetLineOut]
    budget_total_cents: int
    transitions: list[TransitionOut] = Field(
        description="Changements de statut permis à votre rôle, depuis ce statut."
    )
    checklist: list[ChecklistItemOut]
    journal: list[JournalEntryOut] = Field(
        description="Journal d'accompagnement, du plus récent au plus ancien."
    )
    status_history: list[StatusChangeOut]
    created_at: dt.datetime


class BudgetLineIn(Schema):
    kind: BudgetKind
    label: str = Field("", max_length=200)
    amount_cents: int = Field(le=MAX_BUDGET_LINE_CENTS, description="Montant en centimes (≥ 0).")


class ProjectIn(Schema):
    household_id: int
    edition_year: int | None = Field(None, description="Année de l'édition ; par défaut la plus récente.")
    format: ProjectFormat
    travellers: list[int] = Field(description="Identifiants des personnes du foyer qui partent.")
    destination: str = Field("", max_length=200)
    destination_department: str = Field(
        "", max_length=3, description="Département de destination (80, 2A, 974…)."
    )
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    budget: list[BudgetLineIn] = Field(default_factory=list)
    overlap_reason: str = Field(
        "",
        max_length=300,
        description="Motif d'un second projet ouvert du foyer sur des dates qui se chevauchent "
        "(sinon 400 sur ce champ).",
    )


class TransitionIn(Schema):
    action: TransitionAction = Field(
        description="submit, validate, refuse, reopen, grant_aid, depart, return…"
    )
    reason: str = Field("", max_length=300, description="Motif (obligatoire pour refuse et withdraw).")


# The error responses each kind of endpoint documents in the OpenAPI schema.
READ_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
