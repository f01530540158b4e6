"""/api/v1/envelopes: the funders' envelopes with what is reserved, consumed and available,
overall and per commune quota — the coordination sees all of them, a funder its own."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema

from partez.core.errors import NotAllowed
from partez.funding import selectors
from partez.organisations import perms

from .auth import membership_of
from .schemas import READ_ERRORS, CommuneOut, OrganisationRef

router = Router(tags=["Financements"])


class QuotaOut(Schema):
    commune: CommuneOut
    amount_cents: int = Field(description="Quota de la commune, en centimes.")
    reserved_cents: int = Field(description="Engagé (projets validés pas encore partis).")
    consumed_cents: int = Field(description="Consommé (foyers partis).")
    available_cents: int = Field(description="Disponible : quota − engagé − consommé.")


class SchemeRef(Schema):
    slug: str
    name: str


class EnvelopeOut(Schema):
    id: int
    label: str
    funder: OrganisationRef
    scheme: SchemeRef
    edition_year: int
    amount_cents: int = Field(description="Montant de l'enveloppe, en centimes.")
    reserved_cents: int = Field(description="Engagé (projets validés pas encore partis).")
    consumed_cents: int = Field(description="Consommé (foyers partis).")
    available_cents: int = Field(description="Disponible : montant − engagé − consommé.")
    quotas: list[QuotaOut] = Field(
        description="Quotas par commune ; vide si l'enveloppe finance toutes les communes."
    )


@router.get(
    "",
    response={200: list[EnvelopeOut], **READ_ERRORS},
    operation_id="envelopes_list",
    summary="Lister les enveloppes",
)
def list_envelopes(request: HttpRequest, edition_year: int | None = None):
    """Les enveloppes des financeurs (toutes pour la coordination, les siennes pour un
    financeur ; 403 pour les autres rôles), avec le montant, l'engagé, le consommé et le
    disponible, au total et par quota communal. Filtre facultatif : `edition_year`."""
    m = membership_of(request)
    if not perms.can_view_envelopes(m):
        raise NotAllowed("Votre rôle ne donne pas accès aux enveloppes des financeurs.")
    qs = selectors.envelopes_for(m)
    if edition_year is not None:
        qs = qs.filter(edition__year=edition_year)
    return [
        EnvelopeOut(
            id=e.pk,
            label=e.label,
            funder=OrganisationRef(id=e.funder_id, name=e.funder.name),
            scheme=SchemeRef(slug=e.scheme.slug, name=e.scheme.name),
            edition_year=e.edition.year,
            amount_cents=e.amount_cents,
            reserved_cents=e.reserved_cents,
            consumed_cents=e.consumed_cents,
            available_cents=e.available_cents,
            quotas=[
                QuotaOut(
                    commune=CommuneOut(insee_code=q.commune.insee_code, name=q.commune.name),
                    amount_cents=q.amount_cents,
                    reserved_cents=q.reserved_cents,
                    consumed_cents=q.consumed_cents,
                    available_cents=q.available_cents,
                )
                for q in e.quotas.all()
            ],
        )
        for e in selectors.with_quotas(qs)
    ]
