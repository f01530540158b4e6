"""From the database (or a simulator's answers) to the engine's ``Situation``; evaluation of a project.

The engine is pure; this module reads what it needs with a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from partez.households import quotient
from partez.households.models import PastDeparture, Relation
from partez.territory.models import Commune, Edition

from . import engine, selectors

ADULT = {Relation.HEAD, Relation.SPOUSE, Relation.OTHER}


def commune_participation(insee: str, on: dt.date) -> tuple[str, bool | None, str]:
    """(commune name, participates in the edition of that year or None if there is none, label)."""
    commune = Commune.objects.filter(insee_code=insee).defer("geometry").first()
    name = commune.name if commune else insee
    edition = Edition.objects.filter(year=on.year).first()
    if edition is None or commune is None:
        return name, None, ""
    return name, edition.communes.filter(pk=commune.pk).exists(), f"l'édition {edition.year}"


def from_project(project, *, on: dt.date | None = None) -> engine.Situation:
    """The situation of a project: its household, travellers, dates, budget, edition and history.
    Past departures recorded by this very project (on departure) are left out, so a project that
    has left is still explained as it was decided."""
    household = project.household
    persons = list(household.persons.all())
    traveller_ids = [str(p.pk) for p in project.travellers.all()]
    codes = selectors.history_codes()
    past = [
        engine.PastDepartureIn(person=str(d.person_id), year=d.year, scheme=codes.get(d.scheme, ""))
        for d in PastDeparture.objects.filter(person__household=household).exclude(project=project)
    ]
    date = project.start_date or on or dt.date.today()
    members = tuple(
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
    qf = quotient.quotient_familial(
        annual_taxable_income_cents=household.annual_taxable_income_cents,
        monthly_family_benefits_cents=household.monthly_family_benefits_cents,
        members=[quotient.Member(p.birth_date, p.relation, p.has_disability) for p in persons],
        on=date,
    )
    edition = project.edition
    participates = edition.communes.filter(pk=household.commune_id).exists()
    return engine.Situation(
        date=date,
        nights=project.nights or 0,
        cost_cents=sum(line.amount_cents for line in project.budget_lines.all()),
        members=members,
        commune_insee=household.commune.insee_code,
        commune_name=household.commune.name,
        commune_participates=participates,
        edition_label=f"l'édition {edition.year}",
        travellers=tuple(traveller_ids),
        annual_taxable_income_cents=household.annual_taxable_income_cents,
        monthly_family_benefits_cents=household.monthly_family_benefits_cents,
        rfr_cents=household.rfr_cents,
        tax_parts=household.tax_parts,
        taxable=household.is_taxable,
        past_departures=tuple(past),
        format=project.format,
        qf_cents=qf.qf_cents,
    )


def evaluate_project(project, *, alternatives: int = 3) -> engine.Evaluation:
    return engine.evaluate(from_project(project), selectors.definitions(), alternatives=alternatives)
