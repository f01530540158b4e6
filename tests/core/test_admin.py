"""The Django admin shows personal data read-only and records who opened it."""

import pytest
from django.urls import reverse

from partez.core.models import AccessLog
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    user = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    client.user = user
    return client


@pytest.mark.parametrize(
    "model, target",
    [("households_household", "household"), ("projects_project", "project")],
)
def test_personal_data_is_read_only_in_the_admin_and_its_reads_recorded(
    staff_client, household, worker, edition, model, target
):
    project = factories.ProjectFactory(household=household, organisation=worker.organisation, edition=edition)
    obj = {"household": household, "project": project}[target]
    change = reverse(f"admin:{model}_change", args=[obj.pk])
    response = staff_client.get(change)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert staff_client.post(change, {}).status_code == 403
    assert staff_client.get(reverse(f"admin:{model}_add")).status_code == 403
    assert (
        staff_client.post(reverse(f"admin:{model}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403
    )
    (entry,) = AccessLog.objects.all()
    assert (entry.action, entry.object_id, entry.actor) == (
        f"read.{target}_admin",
        str(obj.pk),
        staff_client.user,
    )
    assert staff_client.get(reverse(f"admin:{model}_changelist")).status_code == 200
