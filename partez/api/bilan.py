"""GET /api/v1/bilan: the bilan dashboard's figures as JSON — the same object as
``manage.py bilan --edition YEAR --json`` — scoped exactly like the page
(:func:`partez.reports.selectors.bilan_filters`): the coordination any filter, a commune's case
workers their commune, a funder its own envelopes' figures for the whole edition with small
cells suppressed, whatever filters it sends (those not honoured are listed in
``ignored_filters``); other roles 403."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from partez.core.errors import NotAllowed
from partez.organisations import perms
from partez.organisations.models import Organisation, OrganisationKind
from partez.reports import selectors
from partez.reports.stats import SUPPRESSED
from partez.schemes.models import Scheme
from partez.territory.models import Commune, Edition

from .auth import membership_of
from .errors import ObjectNotFound
from .schemas import READ_ERRORS

router = Router(tags=["Bilan"])

Figure = int | float | str | None
MASKED = (
    f"Une case masquée vaut « {SUPPRESSED} » (chaîne de caractères, jamais un nombre) : moins de 5 "
    "personnes, ou masquée avec "
    "une autre pour qu'un total ne la révèle pas."
)


class BilanQuery(Schema):
    edition: int = Field(description="Année de l'édition, ex. 2025.")
    commune: str | None = Field(
        None,
        max_length=5,
        description="Code INSEE d'une commune (coordination ; ignoré pour les autres rôles).",
    )
    scheme: str | None = Field(
        None, max_length=80, description="Identifiant d'un dispositif (ignoré pour un financeur)."
    )
    funder: str | None = Field(
        None, max_length=80, description="Identifiant d'un financeur (coordination seulement)."
    )


class FiltersOut(Schema):
    edition: int
    commune: str | None = Field(description="Code INSEE de la commune appliquée, ou null.")
    scheme: str | None
    funder: str | None = Field(description="Le financeur dont les enveloppes sont comptées, ou null.")


class TableOut(Schema):
    title: str
    measures: dict[str, str] = Field(description="Mesure → intitulé de colonne.")
    rows: list[dict[str, Figure]] = Field(description="Chaque ligne : key, label et une valeur par mesure.")
    total: dict[str, Figure]
    suppressed: bool


class BilanOut(Schema):
    filters: FiltersOut = Field(description="Les filtres appliqués (le périmètre du jeton).")
    ignored_filters: list[str] = Field(
        description="Les filtres demandés mais non appliqués pour ce rôle (`commune`, `scheme`, `funder`)."
    )
    suppressed: bool = Field(description="Petites cases masquées (vue financeur). " + MASKED)
    key_figures: dict[str, Figure]
    fete_attendance: int | None = Field(description="Foyers présents à la Fête des vacances.")
    satisfaction: dict[str, Figure]
    communes: list[dict[str, Figure]] = Field(
        description="Les communes de la carte : insee, name, left, rate…"
    )
    tables: dict[str, TableOut]


def _lookup(queryset, field: str, value, name: str, what: str):
    if value is None or value == "":
        return None
    obj = queryset.filter(**{field: value}).first()
    if obj is None:
        raise ObjectNotFound(f"{what} : « {value} » n'existe pas.", name)
    return obj


@router.get(
    "",
    response={200: BilanOut, **READ_ERRORS},
    operation_id="bilan",
    url_name="bilan",
    summary="Les chiffres du bilan d'une édition",
)
def bilan(request: HttpRequest, params: Query[BilanQuery]):
    """Les chiffres du tableau de bord du bilan (mêmes chiffres que
    `manage.py bilan --edition ANNÉE --json`) : chiffres clés, tableaux par commune, format,
    dispositif, âge, type de foyer, quotient familial, destinations, budget et satisfaction.

    Périmètre du jeton, comme la page : la coordination choisit ses filtres ; une commune voit sa
    commune ; **un financeur voit ce que ses enveloppes ont financé, sur toute l'édition, petites
    cases masquées, quels que soient les filtres envoyés** (la différence entre deux vues
    filtrées pourrait révéler une case masquée) ; les autres rôles : 403. Édition, commune,
    dispositif ou financeur inconnus : 404 nommant le paramètre."""
    m = membership_of(request)
    if not perms.can_view_bilan(m):  # before any lookup: a role without the bilan learns nothing
        raise NotAllowed(selectors.NO_BILAN)
    edition = _lookup(Edition.objects.all(), "year", params.edition, "edition", "Édition")
    scoped = selectors.bilan_filters(
        m,
        edition,
        commune=_lookup(
            Commune.objects.defer("geometry"), "insee_code", params.commune, "commune", "Commune"
        ),
        scheme=_lookup(Scheme.objects.all(), "slug", params.scheme, "scheme", "Dispositif"),
        funder=_lookup(
            Organisation.objects.filter(kind=OrganisationKind.FUNDER),
            "slug",
            params.funder,
            "funder",
            "Financeur",
        ),
    )
    b = selectors.bilan(scoped.filters)
    if scoped.suppressed:
        b = selectors.published(b)
    return {**b.as_dict(), "ignored_filters": list(scoped.ignored)}
