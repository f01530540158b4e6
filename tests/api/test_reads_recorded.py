"""API GETs of a household or a project are recorded in the access log (once per window)."""

import pytest

from partez.core.models import AccessLog
from tests import factories

from .conftest import OTHER_ORG

pytestmark = pytest.mark.django_db


def test_api_reads_are_recorded(worker_api, worker, household, edition):
    project = factories.ProjectFactory(household=household, organisation=worker.organisation, edition=edition)
    for _ in range(2):
        assert worker_api.get(f"/households/{household.pk}").status_code == 200
        assert worker_api.get(f"/projects/{project.pk}").status_code == 200
    assert sorted(AccessLog.objects.values_list("action", "object_id", "actor")) == [
        ("read.household_api", str(household.pk), worker.user.pk),
        ("read.project_api", str(project.pk), worker.user.pk),
    ]


def test_a_404_read_is_not_recorded(api_as, household):
    assert api_as(OTHER_ORG).get(f"/households/{household.pk}").status_code == 404
    assert not AccessLog.objects.exists()
