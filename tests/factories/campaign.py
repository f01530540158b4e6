"""Submitted projects that each get the APV (ANCV), and an ANCV envelope: shared by the campaign
allocation tests (service, pages, browser)."""

import datetime as dt

from partez.projects.services import ProjectInput, project_create, project_transition
from partez.schemes.models import Scheme
from partez.schemes.services import catalogue_sync
from tests import factories


def submitted_projects(*, worker, edition, commune, count=3, envelope_cents=40_000):
    """``count`` one-person projects of 400 € (APV: 200 € each) and an APV envelope."""
    edition.communes.add(commune)
    ancv = factories.FunderFactory(slug="ancv", name="ANCV")
    catalogue_sync()
    projects = []
    for day in range(1, count + 1):
        h = factories.HouseholdFactory(
            created_by_organisation=worker.organisation, commune=commune, annual_taxable_income_cents=600_000
        )
        factories.PersonFactory(household=h, relation="head", birth_date=dt.date(1980, 1, 1))
        p = project_create(
            actor=worker,
            household=h,
            edition=edition,
            data=ProjectInput(
                format="individual",
                traveller_ids=[x.pk for x in h.persons.all()],
                destination="Berck",
                start_date=dt.date(2025, 7, day),
                end_date=dt.date(2025, 7, day + 7),
                budget=[("lodging", "", 40_000)],
            ),
        )
        factories.complete_file(p, worker)
        project_transition(actor=worker, project=p, action="submit")
        projects.append(p)
    envelope = factories.EnvelopeFactory(
        funder=ancv,
        scheme=Scheme.objects.get(slug="apv"),
        edition=edition,
        label="APV",
        amount_cents=envelope_cents,
    )
    return projects, envelope
