"""The project page's « Aides possibles »: every scheme, its verdict and its reasons."""

import datetime as dt

import pytest

from partez.projects.models import BudgetLine
from partez.projects.services import ProjectInput, project_create


@pytest.fixture
def project(worker, household, edition):
    return project_create(
        actor=worker,
        household=household,
        edition=edition,
        data=ProjectInput(
            format="individual",
            traveller_ids=[p.pk for p in household.persons.all()],
            destination="Berck-sur-Mer",
            start_date=dt.date(2025, 7, 14),
            end_date=dt.date(2025, 7, 21),
            budget=[("lodging", "Mobil-home", 42_000), ("transport", "Train", 8_550)],
        ),
    )


def test_project_page_shows_every_scheme_with_its_reasons(
    client, project, worker, django_assert_max_num_queries
):
    client.force_login(worker.user)
    with django_assert_max_num_queries(
        28
    ):  # +1 the family's name in the title, +1 the accompaniment's next step
        page = client.get(f"/projets/{project.pk}/").content.decode()
    assert "Aides possibles" in page
    assert "Quotient familial CAF : <strong>680,00 €</strong>" in page
    assert page.count('class="verdict ok">✓ Éligible') >= 1
    assert "Aide aux projets vacances (ANCV)" in page and "exemple modifiable" not in page  # explained once
    assert "Pourquoi ?" in page and "Premier départ (foyer)" in page
    assert "règles version 1" in page


def test_without_a_budget_the_page_says_what_is_missing(client, project, worker):
    BudgetLine.objects.filter(project=project).delete()
    client.force_login(worker.user)
    page = client.get(f"/projets/{project.pk}/").content.decode()
    assert "Pour calculer les aides, indiquez les dates du séjour" in page
