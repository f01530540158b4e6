"""The quality bar: anonymising every household of a finished edition changes no figure of its
bilan, of any funder's report or of the chèques reconciliation, and leaves none of those
people's names, birth dates, phones or e-mails anywhere in the database (audit log included)."""

import dataclasses
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from partez.cheques import selectors as cheque_selectors
from partez.cheques import services as cheque_services
from partez.cheques.models import Cheque
from partez.core import audit
from partez.households import services as household_services
from partez.households.models import Household, Person
from partez.organisations.models import OrganisationKind, Role
from partez.privacy.anonymise import household_anonymise, normalised_birth_date
from partez.projects import services as project_services
from partez.reports import funder_report
from tests import factories
from tests.factories import fete as builders
from tests.factories.bilan import small_edition

pytestmark = pytest.mark.django_db


def _figures(e) -> dict:
    year = e.edition.year
    figures = {}
    for funder in [None, *e.funders.values()]:
        out = io.StringIO()
        args = ["bilan", "--edition", str(year), "--json"] + (["--funder", funder.slug] if funder else [])
        call_command(*args, stdout=out)
        figures[f"bilan:{funder.slug if funder else '-'}"] = out.getvalue()
        figures[f"report:{funder.slug if funder else '-'}"] = repr(
            funder_report.report_bilan(funder, e.edition).as_dict()
        )
    on = dt.date(year, 9, 1)
    for by in ("funder", "commune"):
        rows = cheque_selectors.reconciliation(Cheque.objects.all(), by=by, on=on)
        figures[f"cheques:{by}"] = repr([dataclasses.asdict(r) for r in rows])
    return figures


def _text_columns():
    """(table, column) of every text or JSON column of every table."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for col in connection.introspection.get_table_description(cursor, table):
                kind = connection.introspection.get_field_type(col.type_code, col) or ""
                if (
                    kind in ("CharField", "TextField", "JSONField", "EmailField", "SlugField")
                    or "json" in str(col.type_code).lower()
                ):
                    yield table, col.name


def _found(needles: set[str]) -> list[tuple[str, str, str]]:
    found = []
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, column in _text_columns():
            for needle in needles:
                cursor.execute(
                    f"SELECT COUNT(*) FROM {q(table)} WHERE UPPER(CAST({q(column)} AS TEXT)) LIKE UPPER(%s)",
                    [f"%{needle}%"],
                )
                if cursor.fetchone()[0]:
                    found.append((table, column, needle))
    return found


@pytest.mark.postgres
def test_anonymising_a_finished_edition_keeps_every_figure_and_no_personal_data():
    e = small_edition(year=2024)
    ccas = factories.OrganisationFactory(kind=OrganisationKind.COMMUNE, commune=e.communes["A"])
    worker = factories.MembershipFactory(organisation=ccas, role=Role.SOCIAL_WORKER)
    # chèques: an order, its booklets at commune A, one more household prepared and handed over
    coordination = builders.coordination()
    order = builders.order(coordination, e.edition, e.funders["call"], specs=((5000, 10), (2000, 10)))
    cheque_services.booklets_allocate(
        actor=coordination, booklets=list(order.booklets.all()), commune=e.communes["A"]
    )
    referent = factories.MembershipFactory(organisation=ccas, role=Role.COMMUNE_REFERENT)
    h6 = factories.HouseholdFactory(commune=e.communes["A"], created_by_organisation=ccas)
    factories.PersonFactory(household=h6, relation="head", last_name="Nomcheqessaiz", birth_date="1977-04-09")
    builders.grant(h6, e.edition, 9000)
    with transaction.atomic():
        cheques, _ = cheque_services.household_prepare(actor=referent, household=h6, edition=e.edition)
        cheque_services.cheques_hand_over(actor=referent, household=h6, serials=[c.serial for c in cheques])
    households = list(Household.objects.filter(projects__edition=e.edition).distinct())
    # what a year of case work leaves: contacts, renamed people (audited copies), journal notes
    for i, h in enumerate(households):
        household_services.household_update(
            actor=worker,
            household=h,
            data=household_services.HouseholdInput(
                commune_insee=h.commune.insee_code,
                address=f"{i} rue des Essaisxq",
                phone=f"06 98 76 54 3{i}",
                email=f"foyer{i}@essai.test",
                caf_number=f"CAF99{i}77",
                annual_taxable_income_cents=1_800_000,
            ),
        )
        for j, p in enumerate(h.persons.all()):
            household_services.person_update(
                actor=worker,
                person=p,
                data=household_services.PersonInput(
                    first_name=f"Prenomessai{i}q{j}",
                    last_name=p.last_name,
                    birth_date=p.birth_date.replace(day=13),  # no round date found by chance
                    relation=p.relation,
                    employment=p.employment,
                ),
            )
        for project in h.projects.all():
            project_services.journal_add(actor=worker, project=project, text=f"Appel de Prenomessai{i}q0")
    persons = list(Person.objects.filter(household__in=households))
    needles = {p.first_name for p in persons} | {p.last_name for p in persons}
    needles |= {f"06 98 76 54 3{i}" for i in range(len(households))} | {
        f"foyer{i}@essai.test" for i in range(len(households))
    }
    needles |= {f"{i} rue des Essaisxq" for i in range(len(households))}
    dates = {p.birth_date for p in persons if normalised_birth_date(p.birth_date) != p.birth_date}
    assert len(dates) == len({p.birth_date for p in persons})  # none already « normalised »
    needles |= {d.isoformat() for d in dates} | {d.strftime("%d/%m/%Y") for d in dates}
    assert len(_found(needles)) > len(needles)  # the setup really left copies (audit log too)
    audit.seal()
    before = _figures(e)

    for h in households:
        household_anonymise(actor=None, household=h, reason="fin de l'édition (essai)")

    assert _figures(e) == before
    assert _found(needles) == []
    assert audit.seal() > 0 and audit.verify()[1] == []
