"""POST /api/v1/simulate: the public simulator — which aids could a household get for a stay?

No authentication and nothing stored: the body is validated by the same function as the public
page (:func:`partez.schemes.simulation.build`), evaluated by the pure engine with the rules in
force on the stay's first day, and answered. A handful of SELECTs (the cached commune list, the
commune, the edition of that year, its participation, the schemes' definitions), whatever the
size of the household. Requests per address and the body size are capped by
:mod:`partez.www.limits` (``PUBLIC_LIMITS["api-v1:simulate"]``: 429 / 413), list lengths by the
schema (members, past departures, travellers, schemes) and the errors reported by
:data:`~partez.schemes.simulation.MAX_ERRORS`.

Every refusal is a 422 in the API's one error shape, naming the field (``commune``,
``household.members[0].birth_date``, ``travellers``…): ninja's own schema errors and the
simulator's rules alike.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import StringConstraints

from partez.core.errors import DomainError
from partez.schemes import engine, simulation
from partez.schemes.definition import STATUSES

from .errors import body
from .schemas import ErrorOut

router = Router(tags=["Simulateur"])

Relation = StrEnum("Relation", {"adult": "adult", "child": "child"})
# Built from the rules' own lists, so mypy cannot enumerate their members.
MemberStatus = StrEnum("MemberStatus", {code: code for code in STATUSES})  # type: ignore[misc]
Format = StrEnum("Format", {code: code for code in engine.FORMAT_LABELS})  # type: ignore[misc]
MemberId = Annotated[str, StringConstraints(max_length=simulation.MAX_ID_LENGTH)] | int

EXAMPLE: dict[str, Any] = {
    "date": "2026-07-11",
    "nights": 7,
    "commune": "62498",
    "cost_cents": 90000,
    "household": {
        "members": [
            {"id": "nadia", "birth_date": "1986-03-14", "relation": "adult", "status": "employee"},
            {"id": "yanis", "birth_date": "2005-09-02", "relation": "adult", "status": "apprentice"},
            {"id": "lina", "birth_date": "2015-05-20", "relation": "child", "status": "other"},
        ],
        "annual_taxable_income_cents": 1680000,
        "monthly_family_benefits_cents": 31000,
        "rfr_cents": 1650000,
        "tax_parts": 2.5,
        "taxable": False,
        "past_departures": [{"person": "nadia", "year": 2019, "scheme": "other"}],
    },
    "travellers": ["nadia", "yanis", "lina"],
}


# --- input -----------------------------------------------------------------------------------------


class MemberIn(Schema):
    id: MemberId = Field(
        description="Identifiant de la personne dans la requête (unique), ex. « nadia » ou 1."
    )
    birth_date: dt.date = Field(description="Date de naissance (AAAA-MM-JJ), au plus tard le jour du départ.")
    relation: Relation = Field(description="`adult` ou `child` (enfant à charge, pour les parts CAF).")
    status: MemberStatus = Field(
        MemberStatus("other"),
        description="Situation : employee, retired, inactive, jobseeker, student (boursier·e ou scolaire), "
        "apprentice (ou alternance), civic_service (ou CEJ), other.",
    )
    disabled: bool = Field(False, description="Situation de handicap (AEEH pour un enfant).")
    label: str = Field("", max_length=80, description="Prénom affiché dans les explications (facultatif).")


class PastDepartureIn(Schema):
    person: MemberId = Field(description="Identifiant d'une personne de `household.members`.")
    year: int = Field(description="Année du départ.")
    scheme: str = Field(
        "other",
        description="Dispositif qui a aidé ce départ : identifiant (`depart-18-25`, `sac-ados`…) ou code "
        "des départs passés de l'API foyers (`depart1825`, `camping`…) ; `other` : départ hors dispositif.",
    )


class HouseholdIn(Schema):
    members: list[MemberIn] = Field(
        min_length=1,
        max_length=simulation.MAX_MEMBERS,
        description="Les personnes du foyer (au moins un adulte) ; les parts CAF en sont déduites.",
    )
    annual_taxable_income_cents: int = Field(
        0,
        ge=0,
        le=simulation.MAX_CENTS,
        description="Revenus imposables annuels du foyer après abattements, en centimes.",
    )
    monthly_family_benefits_cents: int = Field(
        0, ge=0, le=simulation.MAX_CENTS, description="Prestations familiales mensuelles, en centimes."
    )
    rfr_cents: int | None = Field(
        None,
        ge=0,
        le=simulation.MAX_CENTS,
        description="Revenu fiscal de référence (avis d'imposition), en centimes.",
    )
    tax_parts: Decimal | None = Field(
        None,
        description="Parts fiscales de l'avis d'imposition (plafonds de revenu fiscal), de 1 à 20 par quart "
        "de part. Les parts CAF du quotient familial sont calculées d'après les personnes.",
    )
    taxable: bool | None = Field(None, description="Foyer imposable (null : inconnu).")
    couple: bool | None = Field(
        None,
        description="Deux adultes en couple (pour les parts CAF) ; false pour un parent seul avec un "
        "enfant majeur, par exemple. Par défaut (null), deux adultes ou plus forment un couple.",
    )
    past_departures: list[PastDepartureIn] = Field(
        default_factory=list,
        max_length=simulation.MAX_PAST_DEPARTURES,
        description="Départs passés (premier départ, « une fois par an », « une seule fois »).",
    )


class SimulationIn(Schema):
    model_config = {"json_schema_extra": {"examples": [EXAMPLE]}}

    date: dt.date = Field(
        description="Premier jour du séjour : les règles en vigueur ce jour-là s'appliquent."
    )
    nights: int | None = Field(
        None,
        ge=1,
        le=simulation.MAX_NIGHTS,
        description="Nombre de nuits (1 à 365) ; ou bien `end_date`.",
    )
    end_date: dt.date | None = Field(None, description="Jour du retour, à la place de `nights`.")
    commune: str = Field(
        max_length=10, description="Code INSEE de la commune de résidence (territoire de l'opération)."
    )
    cost_cents: int = Field(
        ge=0, le=simulation.MAX_CENTS, description="Coût total du séjour, en centimes (10 M€ au plus)."
    )
    lodging_cents: int | None = Field(
        None,
        ge=0,
        le=simulation.MAX_CENTS,
        description="Dont hébergement, en centimes (facultatif) : une aide en nature (place donnée, "
        "réduction) ne couvre que l'hébergement ; sans ce montant, elle n'est pas déduite du reste à charge.",
    )
    household: HouseholdIn
    travellers: list[MemberId] | None = Field(
        None,
        max_length=simulation.MAX_MEMBERS,
        description="Identifiants des personnes qui partent ; par défaut tout le foyer.",
    )
    schemes: list[str] | None = Field(
        None,
        max_length=simulation.MAX_SCHEMES,
        description="Identifiants des dispositifs à évaluer (`depart-18-25`…) ; par défaut tous.",
    )
    format: Format | None = Field(
        None,
        description="Format du séjour s'il est choisi (individual, camping, sac_ados, seniors, bsv, "
        "hosting) ; sinon le plan cherche le meilleur format.",
    )


# --- output ----------------------------------------------------------------------------------------


class CommuneOut(Schema):
    insee_code: str
    name: str
    participates: bool | None = Field(
        description="La commune participe à l'édition de l'année du séjour (null : pas d'édition cette année-là)."
    )
    edition: str = Field(description="L'édition consultée, ex. « l'édition 2026 ».")


class CriterionOut(Schema):
    label: str = Field(description="La condition, en français.")
    value: str = Field(description="La situation déclarée.")
    threshold: str = Field(description="Ce que la règle demande.")
    passed: bool


class SchemeOut(Schema):
    slug: str
    name: str
    funder: str = Field(description="Financeur.")
    funder_slug: str
    channel: str = Field(description="cheques, host_payment, reduced_price, in_kind ou bourse.")
    channel_label: str
    eligible: bool
    criteria: list[CriterionOut] = Field(description="Chaque condition : valeur, seuil, remplie ou non.")
    aid_cents: int = Field(description="Aide de ce dispositif seul, sur tout le coût (0 si non éligible).")
    computation: list[str] = Field(description="Le calcul de l'aide, ligne à ligne.")
    beneficiaries: list[str] = Field(description="Identifiants des personnes aidées.")
    editable_example: bool = Field(
        description="Valeurs non publiées par le financeur : exemple à adapter par la coordination."
    )
    version: int = Field(description="Version des règles utilisée.")


class PlanLineOut(Schema):
    scheme: str
    name: str
    funder: str
    aid_cents: int = Field(
        description="Montant versé en argent ; pour une aide en nature (`in_kind`), la valeur estimée "
        "de la place donnée ou de la réduction, qui n'est pas de l'argent versé."
    )
    in_kind: bool = Field(
        description="Aide en nature : place donnée ou réduction sur le prix, jamais versée."
    )
    deducted: bool = Field(
        description="Déduite du reste à charge (une aide en nature ne l'est que sur le coût de "
        "l'hébergement indiqué, `lodging_cents`)."
    )
    base_cents: int = Field(description="Montant sur lequel l'aide est calculée (coût ou reste à financer).")
    computation: list[str]


class PlanOut(Schema):
    lines: list[PlanLineOut]
    cost_cents: int
    total_aid_cents: int = Field(description="Ce que les aides retirent du coût (argent et nature déduite).")
    cash_aid_cents: int = Field(description="Aides versées en argent.")
    remaining_cents: int = Field(description="Reste à charge du foyer.")
    format: str | None = Field(description="Format de séjour que suppose ce plan.")
    format_label: str


class SimulationOut(Schema):
    date: dt.date
    nights: int
    commune: CommuneOut
    quotient_familial_cents: int | None = Field(description="Quotient familial CAF calculé, en centimes.")
    quotient_lines: list[str] = Field(description="Le calcul du quotient familial, ligne à ligne.")
    schemes: list[SchemeOut]
    plan: PlanOut = Field(description="La meilleure combinaison permise des aides, et le reste à charge.")
    alternatives: list[PlanOut] = Field(description="D'autres combinaisons possibles, moins favorables.")


def _plan(plan: engine.Plan) -> dict:
    return {
        "lines": [
            {
                "scheme": line.scheme,
                "name": line.name,
                "funder": line.funder,
                "aid_cents": line.aid_cents,
                "in_kind": line.in_kind,
                "deducted": line.deducted,
                "base_cents": line.base_cents,
                "computation": list(line.computation),
            }
            for line in plan.lines
        ],
        "cost_cents": plan.cost_cents,
        "total_aid_cents": plan.total_aid_cents,
        "cash_aid_cents": plan.cash_aid_cents,
        "remaining_cents": plan.remaining_cents,
        "format": plan.format,
        "format_label": plan.format_label,
    }


def as_json(s: engine.Situation, evaluation: engine.Evaluation) -> dict:
    return {
        "date": s.date,
        "nights": s.nights,
        "commune": {
            "insee_code": s.commune_insee,
            "name": s.commune_name,
            "participates": s.commune_participates,
            "edition": s.edition_label,
        },
        "quotient_familial_cents": evaluation.quotient_familial_cents,
        "quotient_lines": list(evaluation.quotient_lines),
        "schemes": [
            {
                "slug": r.slug,
                "name": r.name,
                "funder": r.funder,
                "funder_slug": r.funder_slug,
                "channel": r.channel,
                "channel_label": r.channel_label,
                "eligible": r.eligible,
                "criteria": [
                    {"label": c.label, "value": c.value, "threshold": c.threshold, "passed": c.passed}
                    for c in r.criteria
                ],
                "aid_cents": r.aid_cents,
                "computation": list(r.computation),
                "beneficiaries": list(r.beneficiaries),
                "editable_example": r.editable_example,
                "version": r.version,
            }
            for r in evaluation.schemes
        ],
        "plan": _plan(evaluation.plan),
        "alternatives": [_plan(p) for p in evaluation.alternatives],
    }


@router.post(
    "",
    auth=None,
    # 413 and 429 come from partez.www.limits (PUBLIC_LIMITS["api-v1:simulate"]), before this view
    response={200: SimulationOut, 413: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    operation_id="simulate",
    summary="Simuler les aides aux vacances d'un foyer",
)
def simulate(request: HttpRequest, payload: SimulationIn):
    """Pour un foyer, un séjour (date de départ, nuits, coût) et une commune : le quotient familial
    CAF, chaque dispositif (éligible ou non, **pourquoi** condition par condition, montant et calcul,
    financeur), puis le plan de financement (la meilleure combinaison permise) et le reste à charge.

    Les règles appliquées sont celles **en vigueur à la date du départ** ; la participation de la
    commune est lue dans l'édition de l'année du départ (sans elle, les dispositifs locaux ne sont
    pas accessibles, avec la raison). Sans authentification ; **rien n'est enregistré**.
    Erreurs : 422 avec le champ en cause (`household.members[0].birth_date`, `commune`, `travellers`…) ;
    413 au-delà de 64 Kio ; 429 au-delà de 30 requêtes par minute depuis une même adresse (en-tête
    `Retry-After`) — valeurs par défaut du réglage `PUBLIC_LIMITS`."""
    try:
        sim, evaluation = simulation.simulate(payload.model_dump())
    except DomainError as exc:
        return Status(422, body(f"Requête invalide : vérifiez {', '.join(exc.errors)}.", exc.errors))
    return as_json(sim.situation, evaluation)
