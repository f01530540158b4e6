import pytest

from partez.projects.models import ChecklistItem
from tests import factories
from tests.factories import family


@pytest.fixture
def home(household, edition, ccas):
    """The Martin household (mobile and e-mail on file) with a draft project and two papers to send."""
    household.phone, household.email = "06 12 34 56 78", "martin@example.org"
    household.save(update_fields=["phone", "email"])
    project = factories.ProjectFactory(household=household, organisation=ccas, edition=edition)
    ChecklistItem.objects.create(project=project, label="Pièce d'identité")
    ChecklistItem.objects.create(project=project, label="Attestation CAF (quotient familial)")
    household.project = project
    return household


@pytest.fixture
def granted(worker, home):
    return family.grant(worker, home, contact_phone="03 21 00 00 00")


@pytest.fixture
def family_client(granted):
    return family.family_client(granted)
