"""From the database (or a simulator's answers) to the engine's ``Situation``; evaluation of a project.

The engine is pure; this module reads what it needs with a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Prefetch
from django.utils import timezone

from partez.households import quotient
from partez.households.models import PastDeparture, Person, Relation
from partez.projects.models import BudgetKind, Project
from partez.territory.models import Commune, Edition

from . import engine, selectors


def commune_participation(insee: str, on: dt.date) -> tuple[str, bool | None, str]:
    """(commune name, participates in the edition of that year or None if there is none, label)."""
    commune = Commune.objects.filter(insee_code=insee).defer("geometry").first()
    name = commune.name if commune else insee
    edition = Edition.objects.filter(year=on.year).first()
    if edition is None or commune is None:
        return name, None, ""
    return name, edition.communes.filter(pk=commune.pk).exists(), f"l'édition {edition.year}"


def from_project(project, *, on: dt.date | None = None) -> engine.Situation:
    """The situation of one project (see ``from_projects``)."""
    return from_projects(Project.objects.filter(pk=project.pk), on=on)[project.pk]


def from_projects(projects, *, on: dt.date | None = None) -> dict[int, engine.Situation]:
    """The situations of many projects in a fixed number of queries: household, persons,
    travellers, dates, budget, edition participation and past departures.

    Past departures recorded by a project itself (on departure) are left out of its own
    situation, so a project that has left is still explained as it was decided."""
    projects = list(
        projects.select_related("household__commune", "edition").prefetch_related(
            "household__persons",
            "budget_lines",
            Prefetch("travellers", queryset=Person.objects.only("pk")),
        )
    )
    household_ids = {p.household_id for p in projects}
    codes = selectors.history_codes()
    past: dict[int, list[tuple[int | None, engine.PastDepartureIn]]] = defaultdict(list)
    for d in PastDeparture.objects.filter(person__household_id__in=household_ids).values(
        "person_id", "person__household_id", "year", "scheme", "project_id"
    ):
        past[d["person__household_id"]].append(
            (
                d["project_id"],
                engine.PastDepartureIn(
                    person=str(d["person_id"]), year=d["year"], scheme=codes.get(d["scheme"], "")
                ),
            )
        )
    # Aids reserved or consumed by the household's other projects count as history too: two
    # projects of one household cannot both get a once-a-year or first-departure aid.
    from partez.funding.models import PlanLine, PlanStatus

    committed = list(
        PlanLine.objects.filter(
            plan__is_current=True,
            plan__status__in=[PlanStatus.RESERVED, PlanStatus.CONSUMED],
            plan__project__household_id__in=household_ids,
        ).values_list(
            "plan__project_id", "plan__project__household_id", "plan__project__start_date", "scheme__slug"
        )
    )
    committed_travellers: dict[int, list[int]] = defaultdict(list)
    for project_id, person_id in Project.travellers.through.objects.filter(
        project_id__in={row[0] for row in committed}
    ).values_list("project_id", "person_id"):
        committed_travellers[project_id].append(person_id)
    for project_id, household_id, start, slug in committed:
        year = (start or on or timezone.localdate()).year
        for person_id in committed_travellers[project_id]:
            past[household_id].append(
                (project_id, engine.PastDepartureIn(person=str(person_id), year=year, scheme=slug))
            )
    participating = set(
        Edition.communes.through.objects.filter(edition_id__in={p.edition_id for p in projects}).values_list(
            "edition_id", "commune_id"
        )
    )
    today = on or timezone.localdate()
    situations = {}
    for project in projects:
        household = project.household
        persons = list(household.persons.all())
        date = project.start_date or today
        qf = quotient.quotient_familial(
            annual_taxable_income_cents=household.annual_taxable_income_cents,
            monthly_family_benefits_cents=household.monthly_family_benefits_cents,
            members=[quotient.Member(p.birth_date, p.relation, p.has_disability) for p in persons],
            on=date,
        )
        situations[project.pk] = engine.Situation(
            date=date,
            nights=project.nights or 0,
            cost_cents=sum(line.amount_cents for line in project.budget_lines.all()),
            members=members_of(persons),
            commune_insee=household.commune.insee_code,
            commune_name=household.commune.name,
            commune_participates=(project.edition_id, household.commune_id) in participating,
            edition_label=f"l'édition {project.edition.year}",
            travellers=tuple(str(t.pk) for t in project.travellers.all()),
            annual_taxable_income_cents=household.annual_taxable_income_cents,
            monthly_family_benefits_cents=household.monthly_family_benefits_cents,
            rfr_cents=household.rfr_cents,
            tax_parts=household.tax_parts,
            taxable=household.is_taxable,
            past_departures=tuple(d for pid, d in past[household.pk] if pid != project.pk),
            format=project.format,
            qf_cents=qf.qf_cents,
            lodging_cents=_lodging_cents(project),
        )
    return situations


def _lodging_cents(project) -> int | None:
    """The budget's lodging lines (what an aid in kind can cover), None without one: the lodging
    is then given or not costed, and no aid in kind is taken off the left to pay."""
    lodging = [line.amount_cents for line in project.budget_lines.all() if line.kind == BudgetKind.LODGING]
    return sum(lodging) if lodging else None


def members_of(persons) -> tuple[engine.MemberIn, ...]:
    return tuple(
        engine.MemberIn(
            id=str(p.pk),
            birth_date=p.birth_date,
            relation="child" if p.relation == Relation.CHILD else "adult",
            status=p.employment,
            disabled=p.has_disability,
            label=p.first_name,
        )
        for p in persons
    )


def evaluate_project(project, *, alternatives: int = 3) -> engine.Evaluation:
    return engine.evaluate(from_project(project), selectors.definitions(), alternatives=alternatives)
