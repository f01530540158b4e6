"""A commune commission with its projects: built fast with the factories (the services' own
path is walked by test_services.py) so the screen can be measured at 200 projects."""

import datetime as dt

import pytest
from django.utils import timezone

from partez.projects.models import DEFAULT_CHECKLIST, ChecklistItem
from partez.schemes.models import Scheme
from partez.schemes.services import catalogue_sync
from tests import factories


def submitted(ccas, edition, n, *, envelope=None, missing_every=0, start=0):
    """``n`` submitted projects of households of the CCAS's commune, each with a current plan
    (an APV line on ``envelope``); every ``missing_every``-th lacks its booking (the APV does not ask for the tax notice)."""
    apv = Scheme.objects.get(slug="apv")
    projects = []
    for i in range(start, start + n):
        h = factories.HouseholdFactory(
            commune=ccas.commune, created_by_organisation=ccas, qf_cents=40_000 + i
        )
        head = factories.PersonFactory(
            household=h, relation="head", last_name=f"Famille{i:03d}", first_name="Alix"
        )
        day = dt.date(2025, 7, 1) + dt.timedelta(days=i % 40)
        p = factories.ProjectFactory(
            household=h,
            edition=edition,
            status="submitted",
            destination="Berck",
            start_date=day,
            end_date=day + dt.timedelta(days=7),
        )
        p.travellers.add(head)
        for label in DEFAULT_CHECKLIST:
            received = not (missing_every and i % missing_every == 0 and label == DEFAULT_CHECKLIST[4])
            ChecklistItem.objects.create(
                project=p, label=label, received_at=timezone.now() if received else None
            )
        plan = factories.FinancingPlanFactory(project=p, total_aid_cents=20_000)
        factories.PlanLineFactory(
            plan=plan, scheme=apv, envelope=envelope, funder="ANCV", funder_slug="ancv", aid_cents=20_000
        )
        projects.append(p)
    return projects


@pytest.fixture
def apv_envelope(edition, commune):
    catalogue_sync()
    edition.communes.add(commune)
    ancv = factories.FunderFactory(slug="ancv", name="ANCV")
    return factories.EnvelopeFactory(
        funder=ancv,
        scheme=Scheme.objects.get(slug="apv"),
        edition=edition,
        label="APV 2025",
        amount_cents=50_000,
    )
