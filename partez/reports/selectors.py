"""The bilan: every figure computed in the database (conditional counts, grouped aggregates), in
a fixed number of queries whatever the number of households, people or projects.

Who is counted where (the funnel of an edition, by the status of each person's project):

- **inscrits** (registered): every person of a project of the edition, whatever its status;
- **départ accordé** (accepted): projects validated, aid granted, or further;
- **partis** (left): departed, returned or evaluated;
- **rentrés** (returned): returned or evaluated;
- **premier départ**: among those who left, the people with no earlier departure on record
  (:class:`~partez.households.models.PastDeparture` of an earlier year).

People are counted once per group (``COUNT(DISTINCT person)``); a person in two projects of
different formats counts in both rows, so a column may add up to more than its total, which is
the number of distinct people. Destinations count **person-stays** (person × project), so the
régions add up exactly.

Money comes from the ledger (:class:`~partez.funding.models.Commitment`): **granted** = reserved −
released (what is committed today, consumed included), **consumed** = consumed. The people aided
by an envelope are the travellers of the projects whose current plan (reserved or consumed) has a
line on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce

from partez.core.collation import french_order
from partez.core.errors import NotAllowed
from partez.funding.models import Commitment, CommitmentKind, PlanLine, PlanStatus
from partez.groups import selectors as group_selectors
from partez.groups.models import Scheme as GroupScheme
from partez.households.models import ConsentScope, EmploymentSituation, PastDeparture, Person, Relation
from partez.households.selectors import consent_given
from partez.organisations import perms
from partez.organisations.models import Membership, Organisation, OrganisationKind
from partez.organisations.selectors import own_commune_id
from partez.projects.models import Project, ProjectFormat
from partez.projects.workflow import Status
from partez.schemes.models import Scheme
from partez.territory.models import Commune, Edition

from . import stats
from .models import Satisfaction, SurveyInvitation, SurveyResponse
from .stats import Row, Table

ACCEPTED = [Status.VALIDATED, Status.AID_GRANTED, Status.DEPARTED, Status.RETURNED, Status.EVALUATED]
LEFT = [Status.DEPARTED, Status.RETURNED, Status.EVALUATED]
RETURNED = [Status.RETURNED, Status.EVALUATED]
PAID_PLANS = [PlanStatus.RESERVED, PlanStatus.CONSUMED]

PEOPLE = {
    "registered": "Inscrits",
    "accepted": "Départ accordé",
    "left": "Partis",
    "returned": "Rentrés",
    "first": "Premier départ",
}
Traveller = Project.travellers.through  # (project, person): one row per person × project


@dataclass(frozen=True)
class BilanScope:
    """What a membership's bilan is bound to, whatever filters it asks for: a commune (a commune's
    members see their commune only), a funder (a funder sees only what its envelopes paid) and
    whether small cells are hidden (always for a funder)."""

    commune: Commune | None = None
    funder: Organisation | None = None
    suppressed: bool = False


def bilan_scope(m: Membership | None) -> BilanScope | None:
    """The bounds of ``m``'s bilan; None when its role sees no bilan at all."""
    if perms.sees_whole_territory(m):
        return BilanScope()
    if m is not None and perms.is_funder(m):
        return BilanScope(funder=m.organisation, suppressed=True)
    if m is not None and own_commune_id(m) is not None:
        return BilanScope(commune=m.organisation.commune)
    return None


def report_funders_for(m: Membership | None, edition: Edition) -> QuerySet[Organisation]:
    """The funders whose reports ``m`` may read: every funder of the edition for the
    coordination, itself for a funder, none otherwise."""
    if perms.sees_whole_territory(m):
        return (
            Organisation.objects.filter(kind=OrganisationKind.FUNDER, envelopes__edition=edition)
            .distinct()
            .order_by("name")
        )
    if m is not None and perms.is_funder(m):
        return Organisation.objects.filter(pk=m.organisation_id)
    return Organisation.objects.none()


@dataclass(frozen=True)
class Filters:
    edition: Edition
    commune: Commune | None = None
    scheme: Scheme | None = None
    funder: Organisation | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "edition": self.edition.year,
            "commune": self.commune.insee_code if self.commune else None,
            "scheme": self.scheme.slug if self.scheme else None,
            "funder": self.funder.slug if self.funder else None,
        }


# --- the filters a membership gets ------------------------------------------------------------

NO_BILAN = "Votre rôle ne donne pas accès au bilan."
# The filters a funder may not choose: the funder's view is one fixed set of published tables per
# edition. Any sub-population a funder could pick (a commune, a scheme, a commune × scheme
# combination) would let it subtract two published views and recover a cell that each view masks
# (e.g. commune A's « partis » for the whole view minus the same for scheme X = the people of A
# aided by the other schemes, possibly under 5). The breakdowns by commune and by scheme are
# already in the funder's tables, suppressed together with their totals.
FUNDER_IGNORED_FILTERS = ("commune", "scheme", "funder")


@dataclass(frozen=True)
class Scoped:
    """The filters a membership gets for what it asked, whether small cells are suppressed, and
    the asked-for filters that were not honoured (by name)."""

    filters: Filters
    suppressed: bool
    ignored: tuple[str, ...] = ()


def bilan_filters(
    m: Membership | None,
    edition: Edition,
    *,
    commune: Commune | None = None,
    scheme: Scheme | None = None,
    funder: Organisation | None = None,
) -> Scoped:
    """The bilan ``m`` gets for the filters it asked (the web page and the API share it), within
    :func:`bilan_scope`: the coordination any filter; a commune's members their commune (any
    scheme); a funder its own envelopes' figures for the whole edition, suppressed, whatever it
    asked (:data:`FUNDER_IGNORED_FILTERS`); anyone else :class:`NotAllowed`."""
    scope = bilan_scope(m) if perms.can_view_bilan(m) else None
    if scope is None:
        raise NotAllowed(NO_BILAN)
    asked = {"commune": commune, "scheme": scheme, "funder": funder}
    if scope.funder is not None:
        if funder == scope.funder:
            asked["funder"] = None  # itself: nothing to ignore
        ignored = tuple(k for k in FUNDER_IGNORED_FILTERS if asked[k] is not None)
        return Scoped(Filters(edition, funder=scope.funder), scope.suppressed, ignored)
    if scope.commune is not None:
        ignored = ("commune",) if commune is not None and commune != scope.commune else ()
        ignored += ("funder",) if funder is not None else ()
        return Scoped(Filters(edition, commune=scope.commune, scheme=scheme), scope.suppressed, ignored)
    return Scoped(Filters(edition, commune=commune, scheme=scheme, funder=funder), scope.suppressed)


def _paid_lines(filters: Filters, project_ref: str) -> QuerySet[PlanLine]:
    """Current, committed plan lines of the outer project (on the filter's scheme / funder)."""
    lines = PlanLine.objects.filter(
        plan__project=OuterRef(project_ref), plan__is_current=True, plan__status__in=PAID_PLANS
    )
    if filters.scheme is not None:
        lines = lines.filter(scheme=filters.scheme)
    if filters.funder is not None:
        lines = lines.filter(envelope__funder=filters.funder)
    return lines


def scope(filters: Filters, prefix: str = "") -> Q:
    """The projects of the bilan as a condition, from Project (``prefix=""``) or from a model
    related to it (``prefix="project__"``)."""
    condition = Q(**{f"{prefix}edition": filters.edition})
    if filters.commune is not None:
        condition &= Q(**{f"{prefix}household__commune": filters.commune})
    if filters.scheme is not None or filters.funder is not None:
        condition &= Q(Exists(_paid_lines(filters, f"{prefix}pk" if prefix else "pk")))
    return condition


def projects(filters: Filters) -> QuerySet[Project]:
    return Project.objects.filter(scope(filters))


def travellers(filters: Filters) -> QuerySet[Any]:  # Traveller rows annotated with is_first
    """Person × project rows of the bilan, with ``is_first`` (no departure before this edition)."""
    earlier = PastDeparture.objects.filter(person=OuterRef("person_id"), year__lt=filters.edition.year)
    return Traveller.objects.filter(scope(filters, "project__")).annotate(is_first=~Exists(earlier))


def _people_measures(measures: Sequence[str] = tuple(PEOPLE)) -> dict[str, Count]:
    conditions = {
        "registered": Q(),
        "accepted": Q(project__status__in=ACCEPTED),
        "left": Q(project__status__in=LEFT),
        "returned": Q(project__status__in=RETURNED),
        "first": Q(project__status__in=LEFT, is_first=True),
    }
    return {
        m: Count("person_id", distinct=True, filter=conditions[m])
        if m != "registered"
        else Count("person_id", distinct=True)
        for m in measures
    }


def _nights() -> Sum:
    return Sum(
        ExpressionWrapper(F("project__end_date") - F("project__start_date"), output_field=DurationField()),
        filter=Q(project__status__in=LEFT),
    )


def _days(value: dt.timedelta | None) -> int:
    return value.days if value is not None else 0


def _grouped(
    filters: Filters, dimension: Combinable, measures: Sequence[str] = tuple(PEOPLE)
) -> dict[str, dict[str, Any]]:
    rows = (
        travellers(filters)
        .annotate(dim=dimension)
        .values("dim")
        .annotate(**_people_measures(measures))
        .order_by()
    )
    return {str(r.pop("dim")): r for r in rows}


def _table(
    key: str,
    title: str,
    grouped: dict[str, dict[str, Any]],
    labels: list[tuple[str, str]],
    total: dict[str, Any],
    measures: Sequence[str] = tuple(PEOPLE),
) -> Table:
    rows = [Row(k, label, {m: grouped.get(k, {}).get(m, 0) for m in measures}) for k, label in labels]
    return Table(
        key,
        title,
        {m: PEOPLE[m] for m in measures},
        rows,
        {m: total.get(m, 0) for m in measures},
        people=tuple(measures),
    )


# --- the dimensions ---------------------------------------------------------------------------


def age_band(year: int) -> Case:
    reference = stats.age_reference(year)
    whens = []
    bands = stats.AGE_BANDS
    for (key, _label, _minimum), (_next_key, _next_label, next_minimum) in zip(
        bands, bands[1:], strict=False
    ):
        whens.append(When(person__birth_date__gt=stats.born_after(reference, next_minimum), then=Value(key)))
    return Case(*whens, default=Value(bands[-1][0]), output_field=CharField())


def qf_band() -> Case:
    whens = [When(project__household__qf_cents__isnull=True, then=Value(stats.QF_UNKNOWN[0]))]
    for key, _label, upper in stats.QF_BANDS:
        if upper is not None:
            whens.append(When(project__household__qf_cents__lt=upper * 100, then=Value(key)))
    return Case(*whens, default=Value(stats.QF_BANDS[-1][0]), output_field=CharField())


def household_type() -> Case:
    def member(relation: str) -> Exists:
        return Exists(Person.objects.filter(household=OuterRef("project__household_id"), relation=relation))

    return Case(
        When(Q(member(Relation.OTHER)), then=Value("other")),
        When(Q(member(Relation.SPOUSE)) & Q(member(Relation.CHILD)), then=Value("couple_children")),
        When(Q(member(Relation.SPOUSE)), then=Value("couple")),
        When(Q(member(Relation.CHILD)), then=Value("single_parent")),
        default=Value("single"),
        output_field=CharField(),
    )


# --- the bilan --------------------------------------------------------------------------------


@dataclass
class Bilan:
    filters: Filters
    key: dict[str, stats.Figure]
    tables: dict[str, Table]
    communes: list[dict[str, Any]] = field(
        default_factory=list
    )  # map rows: insee, name, population, left, rate
    satisfaction: dict[str, Any] = field(default_factory=dict)
    fete_attendance: int | None = None
    suppressed: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "filters": self.filters.as_dict(),
            "suppressed": self.suppressed,
            "key_figures": self.key,
            "fete_attendance": self.fete_attendance,
            "satisfaction": self.satisfaction,
            "communes": [{k: v for k, v in c.items() if k != "geometry"} for c in self.communes],
            "tables": {k: t.as_dict() for k, t in self.tables.items()},
        }


KEY_LABELS = {
    "households_registered": "Foyers inscrits",
    "households_accepted": "Foyers avec un départ accordé",
    "households_left": "Foyers partis",
    "persons_registered": "Personnes inscrites",
    "persons_accepted": "Personnes avec un départ accordé",
    "persons_left": "Personnes parties",
    "persons_returned": "Personnes rentrées",
    "first_departures": "Premiers départs",
    "person_nights": "Nuitées (personnes × nuits)",
    "granted_cents": "Aides accordées",
    "consumed_cents": "Aides consommées",
}


def fete_attendance(edition: Edition) -> int | None:
    """Households checked in at the edition's Fête des vacances; None while the Fête app is not
    installed (the dashboard then says « non disponible »)."""
    if not apps.is_installed("partez.fete"):
        return None
    from partez.fete import selectors as fete_selectors  # imported here: an optional app

    return fete_selectors.edition_attendance(edition)


def _key_figures(filters: Filters) -> dict[str, Any]:
    people = travellers(filters).aggregate(**_people_measures(), nights=_nights())
    households = projects(filters).aggregate(
        registered=Count("household_id", distinct=True),
        accepted=Count("household_id", distinct=True, filter=Q(status__in=ACCEPTED)),
        left=Count("household_id", distinct=True, filter=Q(status__in=LEFT)),
    )
    return {
        "households_registered": households["registered"],
        "households_accepted": households["accepted"],
        "households_left": households["left"],
        "persons_registered": people["registered"],
        "persons_accepted": people["accepted"],
        "persons_left": people["left"],
        "persons_returned": people["returned"],
        "first_departures": people["first"],
        "person_nights": _days(people["nights"]),
    }


def _commune_rows(filters: Filters, key: dict[str, Any]) -> tuple[Table, list[dict[str, Any]]]:
    communes = filters.edition.communes.all()
    if filters.commune is not None:
        communes = Commune.objects.filter(pk=filters.commune.pk)
    commune_list = list(communes.order_by(french_order("name")).only("insee_code", "name", "population"))
    persons = _grouped(filters, F("project__household__commune_id"))
    households: dict[str, dict[str, Any]] = {
        str(r.pop("commune")): r
        for r in map(
            dict,
            projects(filters)
            .values(commune=F("household__commune_id"))
            .annotate(
                households=Count("household_id", distinct=True),
                households_left=Count("household_id", distinct=True, filter=Q(status__in=LEFT)),
            )
            .order_by(),
        )
    }
    rows, map_rows = [], []
    for c in commune_list:
        values = {m: persons.get(str(c.pk), {}).get(m, 0) for m in PEOPLE}
        values["households"] = households.get(str(c.pk), {}).get("households", 0)
        values["households_left"] = households.get(str(c.pk), {}).get("households_left", 0)
        values["rate"] = stats.rate_per_thousand(values["left"], c.population)
        rows.append(Row(c.insee_code, c.name, values))
        map_rows.append({"insee": c.insee_code, "name": c.name, "population": c.population})
    total_population = sum(c.population for c in commune_list)
    total = {m: key[k] for m, k in _PEOPLE_KEYS.items()}
    total.update(
        households=key["households_registered"],
        households_left=key["households_left"],
        rate=stats.rate_per_thousand(key["persons_left"], total_population),
    )
    table = Table(
        "by_commune",
        "Par commune",
        {
            **PEOPLE,
            "households": "Foyers inscrits",
            "households_left": "Foyers partis",
            "rate": "Partis / 1 000 hab.",
        },
        rows,
        total,
        people=(*PEOPLE, "households", "households_left"),
        guarded={"rate": "left"},
    )
    return table, map_rows


_PEOPLE_KEYS = {
    "registered": "persons_registered",
    "accepted": "persons_accepted",
    "left": "persons_left",
    "returned": "persons_returned",
    "first": "first_departures",
}


def _destinations(filters: Filters) -> tuple[Table, Table]:
    rows = (
        travellers(filters)
        .filter(project__status__in=LEFT)
        .values(department=F("project__destination_department"))
        .annotate(stays=Count("id"), nights=_nights())
        .order_by()
    )
    by_department: dict[str, dict[str, int]] = {}
    by_region: dict[str, dict[str, int]] = {}
    for r in rows:
        department = (r["department"] or "").strip().upper()
        nights = _days(r["nights"])
        d = by_department.setdefault(department or "?", {"stays": 0, "nights": 0})
        d["stays"] += r["stays"]
        d["nights"] += nights
        region = stats.region_of(department) or "?"
        g = by_region.setdefault(region, {"stays": 0, "nights": 0})
        g["stays"] += r["stays"]
        g["nights"] += nights
    measures = {"stays": "Séjours-personnes", "nights": "Nuitées"}
    total = {
        "stays": sum(v["stays"] for v in by_department.values()),
        "nights": sum(v["nights"] for v in by_department.values()),
    }

    def table(key: str, title: str, grouped: dict[str, dict[str, int]], label: Callable[[str], str]) -> Table:
        ordered = sorted(grouped.items(), key=lambda kv: (-kv[1]["stays"], kv[0]))
        return Table(
            key,
            title,
            measures,
            [Row(k, label(k), dict(v)) for k, v in ordered],
            dict(total),
            people=("stays",),
            guarded={"nights": "stays"},
        )

    return (
        table(
            "by_region",
            "Destinations par région",
            by_region,
            lambda k: stats.REGIONS.get(k, "Non renseignée"),
        ),
        table(
            "by_department",
            "Destinations par département",
            by_department,
            lambda k: "Non renseigné" if k == "?" else stats.department_label(k),
        ),
    )


def _budget(filters: Filters) -> Table:
    ledger = Commitment.objects.filter(scope(filters, "project__"))
    lines = PlanLine.objects.filter(
        scope(filters, "plan__project__"),
        plan__is_current=True,
        plan__status__in=PAID_PLANS,
        envelope__isnull=False,
    )
    if filters.funder is not None:
        ledger = ledger.filter(envelope__funder=filters.funder)
        lines = lines.filter(envelope__funder=filters.funder)
    if filters.scheme is not None:
        ledger = ledger.filter(envelope__scheme=filters.scheme)
        lines = lines.filter(envelope__scheme=filters.scheme)
    group = {
        "funder_key": F("envelope__funder__slug"),
        "funder_name": F("envelope__funder__name"),
        "scheme_key": F("envelope__scheme__slug"),
        "scheme_name": F("envelope__scheme__name"),
    }
    money = (
        ledger.annotate(**group)
        .values(*group)
        .annotate(
            reserved=Coalesce(Sum("amount_cents", filter=Q(kind=CommitmentKind.RESERVE)), 0),
            released=Coalesce(Sum("amount_cents", filter=Q(kind=CommitmentKind.RELEASE)), 0),
            consumed=Coalesce(Sum("amount_cents", filter=Q(kind=CommitmentKind.CONSUME)), 0),
        )
        .order_by("funder_name", "scheme_name")
    )
    persons = {
        (r["funder_key"], r["scheme_key"]): r["persons"]
        for r in lines.annotate(funder_key=group["funder_key"], scheme_key=group["scheme_key"])
        .values("funder_key", "scheme_key")
        .annotate(persons=Count("plan__project__travellers", distinct=True))
        .order_by()
    }
    aided = lines.aggregate(n=Count("plan__project__travellers", distinct=True))["n"]
    rows = []
    for r in money:
        n = persons.get((r["funder_key"], r["scheme_key"]), 0)
        granted = r["reserved"] - r["released"]
        rows.append(
            Row(
                f"{r['funder_key']}/{r['scheme_key']}",
                f"{r['funder_name']} — {r['scheme_name']}",
                {
                    "persons": n,
                    "granted_cents": granted,
                    "consumed_cents": r["consumed"],
                    "per_person_cents": round(granted / n) if n else None,
                },
            )
        )
    granted_total = sum(int(r.values["granted_cents"] or 0) for r in rows)
    return Table(
        "budget",
        "Budget par financeur et dispositif",
        {
            "persons": "Personnes aidées",
            "granted_cents": "Accordé",
            "consumed_cents": "Consommé",
            "per_person_cents": "Par personne",
        },
        rows,
        {
            "persons": aided,
            "granted_cents": granted_total,
            "consumed_cents": sum(int(r.values["consumed_cents"] or 0) for r in rows),
            "per_person_cents": round(granted_total / aided) if aided else None,
        },
        people=("persons",),
        guarded={"granted_cents": "persons", "consumed_cents": "persons", "per_person_cents": "persons"},
    )


def _satisfaction(filters: Filters) -> tuple[Table, dict[str, Any]]:
    # The survey's answers are the one figure that rests on consent: counted only while the
    # household's « statistics » consent is active (see surveys.py).
    responses = SurveyResponse.objects.filter(
        scope(filters, "project__"), consent_given(ConsentScope.STATISTICS, ref="project__household")
    )
    counts = dict(responses.values_list("satisfaction").annotate(n=Count("id")).order_by())
    again = dict(responses.values_list("again").annotate(n=Count("id")).order_by())
    sent = SurveyInvitation.objects.filter(scope(filters, "project__"), sent_at__isnull=False).aggregate(
        sent=Count("id"), opted_out=Count("id", filter=Q(opted_out_at__isnull=False))
    )
    total = sum(counts.values())
    satisfied = counts.get(Satisfaction.VERY, 0) + counts.get(Satisfaction.RATHER, 0)
    table = Table(
        "satisfaction",
        "Satisfaction au retour",
        {"responses": "Réponses"},
        [Row(str(v), label, {"responses": counts.get(v, 0)}) for v, label in Satisfaction.choices],
        {"responses": total},
        people=("responses",),
    )
    summary = {
        "sent": sent["sent"],
        "opted_out": sent["opted_out"],
        "responses": total,
        "satisfied_percent": round(satisfied * 100 / total) if total else None,
        "again_yes": again.get("yes", 0),
    }
    return table, summary


def _groups(filters: Filters) -> tuple[Table, Table]:
    """Group departures (Sac Ados, Seniors en Vacances) of the edition's year: the filters'
    commune counts its residents, a scheme or a funder keeps its own schemes' groups."""
    wanted: list[str] | None = None
    if filters.scheme is not None:
        wanted = [filters.scheme.slug]
    if filters.funder is not None:
        wanted = list(Scheme.objects.filter(funder=filters.funder).values_list("slug", flat=True))
    figures, destinations = group_selectors.bilan_figures(
        filters.edition.year, commune_id=filters.commune.pk if filters.commune else None, schemes=wanted
    )
    measures = dict(group_selectors.BILAN_MEASURES)
    rows = [Row(slug, label, dict(figures[slug])) for slug, label in GroupScheme.choices if slug in figures]
    total: dict[str, int | str | None] = {
        m: sum(int(r.values[m] or 0) for r in rows) if any(r.values[m] is not None for r in rows) else None
        for m in measures
    }
    table = Table(
        "groups",
        "Départs en groupe",
        measures,
        rows,
        total,
        people=group_selectors.BILAN_PEOPLE,
        guarded={"aid_cents": "people"},
    )
    by_destination = Table(
        "groups_destinations",
        "Destinations des groupes Sac Ados",
        {"groups": "Groupes", "people": "Jeunes"},
        [Row(d, d, {"groups": g, "people": n}) for d, g, n in destinations],
        {"groups": sum(g for _d, g, _n in destinations), "people": sum(n for _d, _g, n in destinations)},
        people=("people",),
    )
    return table, by_destination


def bilan(filters: Filters) -> Bilan:
    """Every figure of the dashboard for ``filters`` (unsuppressed: see :func:`published`)."""
    year = filters.edition.year
    key = _key_figures(filters)
    total = {m: key[k] for m, k in _PEOPLE_KEYS.items()}
    tables: dict[str, Table] = {}
    by_commune, communes = _commune_rows(filters, key)
    tables["by_commune"] = by_commune
    tables["by_format"] = _table(
        "by_format",
        "Par format de séjour",
        _grouped(filters, F("project__format")),
        list(ProjectFormat.choices),
        total,
    )
    schemes = _grouped(
        filters,
        Case(
            When(
                Q(project__financing_plans__is_current=True, project__financing_plans__status__in=PAID_PLANS),
                then=F("project__financing_plans__lines__scheme__slug"),
            ),
            default=Value(""),
            output_field=CharField(),
        ),
        measures=("accepted", "left", "returned"),
    )
    schemes.pop("", None)
    schemes.pop("None", None)
    names = dict(Scheme.objects.filter(slug__in=list(schemes)).values_list("slug", "name"))
    tables["by_scheme"] = _table(
        "by_scheme",
        "Par dispositif d'aide",
        schemes,
        sorted(names.items(), key=lambda kv: kv[1]),
        total,
        measures=("accepted", "left", "returned"),
    )
    tables["by_employment"] = _table(
        "by_employment",
        "Par situation",
        _grouped(filters, F("person__employment")),
        list(EmploymentSituation.choices),
        total,
    )
    tables["by_age"] = _table(
        "by_age",
        "Par âge (au 1er juillet)",
        _grouped(filters, age_band(year)),
        [(k, label) for k, label, _ in stats.AGE_BANDS],
        total,
    )
    tables["by_household_type"] = _table(
        "by_household_type",
        "Par type de foyer",
        _grouped(filters, household_type()),
        stats.HOUSEHOLD_TYPES,
        total,
    )
    tables["by_qf"] = _table(
        "by_qf",
        "Par quotient familial",
        _grouped(filters, qf_band()),
        [(k, label) for k, label, _ in stats.QF_BANDS] + [stats.QF_UNKNOWN],
        total,
    )
    tables["by_region"], tables["by_department"] = _destinations(filters)
    tables["budget"] = _budget(filters)
    key["granted_cents"] = tables["budget"].total["granted_cents"]
    key["consumed_cents"] = tables["budget"].total["consumed_cents"]
    tables["satisfaction"], satisfaction = _satisfaction(filters)
    tables["groups"], tables["groups_destinations"] = _groups(filters)
    return Bilan(
        filters,
        key,
        tables,
        communes=[
            {**c, "left": r.values["left"], "rate": r.values["rate"]}
            for c, r in zip(communes, by_commune.rows, strict=True)
        ],
        satisfaction=satisfaction,
        fete_attendance=fete_attendance(filters.edition),
    )


# What a funder or the public sees: aggregates with small cells suppressed; the détail by
# département is left out (its régions would give suppressed départements back).
PUBLISHED_TABLES = [
    "by_commune",
    "by_format",
    "by_scheme",
    "by_employment",
    "by_age",
    "by_household_type",
    "by_qf",
    "by_region",
    "budget",
    "satisfaction",
    "groups",
    "groups_destinations",
]
PEOPLE_KEYS = [k for k in KEY_LABELS if not k.endswith("_cents") and k != "person_nights"]


def published(b: Bilan) -> Bilan:
    """``b`` fit for a funder or the public: small cells suppressed everywhere (see
    :mod:`partez.reports.stats`), the map's rates too."""
    tables = {k: stats.suppress(b.tables[k]) for k in PUBLISHED_TABLES}
    key = {k: (stats.suppress_figure(v) if k in PEOPLE_KEYS else v) for k, v in b.key.items()}
    if stats.is_small(b.key["persons_left"]):
        key["person_nights"] = stats.SUPPRESSED
    satisfaction = dict(b.satisfaction)
    if stats.is_small(satisfaction.get("responses")):
        satisfaction.update(responses=stats.SUPPRESSED, satisfied_percent=None, again_yes=stats.SUPPRESSED)
    else:
        satisfaction["again_yes"] = stats.suppress_figure(satisfaction.get("again_yes"))
    communes = [
        {**c, "left": r.values["left"], "rate": r.values["rate"]}
        for c, r in zip(b.communes, tables["by_commune"].rows, strict=True)
    ]
    return Bilan(b.filters, key, tables, communes, satisfaction, b.fete_attendance, suppressed=True)


def comparison(current: Bilan, previous: Bilan) -> list[dict[str, Any]]:
    """Key figures of two editions side by side, with the change in percent."""
    rows = []
    for k, label in KEY_LABELS.items():
        a, b = current.key.get(k), previous.key.get(k)
        change = None
        if isinstance(a, int) and isinstance(b, int) and b:
            change = round((a - b) * 100 / b, 1)
        rows.append({"key": k, "label": label, "current": a, "previous": b, "change": change})
    return rows


def map_geometries(codes: list[str] | None = None) -> dict[str, dict[str, Any] | None]:
    """The communes' GeoJSON boundaries (all of the territory's by default; only for the map:
    the column is large)."""
    communes = Commune.objects.all() if codes is None else Commune.objects.filter(insee_code__in=codes)
    return dict(communes.values_list("insee_code", "geometry"))


# --- the operation across editions (the frise across years) ---------------------------------------


def history() -> list[dict[str, Any]]:
    """Edition after edition: the people who left, the communes taking part, the aids granted
    (reserved less released on the envelopes) and the target — three grouped queries whatever
    the number of editions, oldest first. The whole editions only: counts of thousands, a small
    one is masked like any published cell."""
    editions = list(Edition.objects.order_by("year").only("pk", "year", "departures_target"))
    left = {
        r["project__edition_id"]: r["n"]
        for r in Traveller.objects.filter(project__status__in=LEFT)
        .values("project__edition_id")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    }
    communes = {
        r["edition_id"]: r["n"]
        for r in Edition.communes.through.objects.values("edition_id")
        .annotate(n=Count("commune_id"))
        .order_by()
    }
    granted = {
        r["project__edition_id"]: r["reserved"] - r["released"]
        for r in Commitment.objects.values("project__edition_id")
        .annotate(
            reserved=Coalesce(Sum("amount_cents", filter=Q(kind=CommitmentKind.RESERVE)), 0),
            released=Coalesce(Sum("amount_cents", filter=Q(kind=CommitmentKind.RELEASE)), 0),
        )
        .order_by()
    }
    return [
        {
            "year": e.year,
            "left": stats.suppress_figure(left.get(e.pk, 0)),
            "communes": communes.get(e.pk, 0),
            "granted_cents": granted.get(e.pk, 0),
            "target": e.departures_target,
        }
        for e in editions
    ]
