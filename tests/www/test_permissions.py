"""Permission matrix of the web app: anonymous, every role, and a member of another organisation."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

CASEWORK = {"coordinator", "commune_referent", "social_worker"}
ROLES = ["coordinator", "commune_referent", "social_worker", "funder", "volunteer", "host", "outsider"]


def _pages(household, project):
    """(name, url, expected status per role) for GET pages.
    Object pages: 404 outside the organisation (never 403: it would reveal the object exists)."""
    casework_list = {r: (200 if r in CASEWORK or r == "outsider" else 403) for r in ROLES}
    casework_obj = {**casework_list, "outsider": 404}
    everyone = dict.fromkeys(ROLES, 200)
    return [
        ("dashboard", reverse("dashboard"), everyone),
        ("household_list", reverse("household_list"), casework_list),
        ("household_create", reverse("household_create"), casework_list),
        ("household_detail", reverse("household_detail", args=[household.pk]), casework_obj),
        ("household_edit", reverse("household_edit", args=[household.pk]), casework_obj),
        ("person_add", reverse("person_add", args=[household.pk]), casework_obj),
        ("past_departure_add", reverse("past_departure_add", args=[household.pk]), casework_obj),
        ("followup_add", reverse("followup_add", args=[household.pk]), casework_obj),
        ("project_create", reverse("project_create", args=[household.pk]), casework_obj),
        ("project_detail", reverse("project_detail", args=[project.pk]), casework_obj),
        ("project_edit", reverse("project_edit", args=[project.pk]), casework_obj),
        ("members", reverse("members"), everyone),
        (
            "api_tokens",  # devices and software only (issue 13)
            reverse("api_tokens"),
            {r: (200 if r in ("coordinator", "commune_referent", "funder") else 403) for r in ROLES},
        ),
        ("job_list", reverse("job_list"), everyone),
        ("audit_log", reverse("audit_log"), {r: (200 if r == "coordinator" else 403) for r in ROLES}),
    ]


def test_anonymous_is_sent_to_login(client, household, project):
    for name, url, _expected in _pages(household, project):
        response = client.get(url)
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login")), name


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, members, household, project, role):
    client.force_login(members[role].user)
    for name, url, expected in _pages(household, project):
        response = client.get(url)
        assert response.status_code == expected[role], f"{role} on {name}: {response.status_code}"


@pytest.mark.parametrize("role", ["outsider", "funder", "volunteer", "host"])
def test_writes_are_refused_outside_casework(client, members, household, project, role):
    client.force_login(members[role].user)
    expected = 404 if role == "outsider" else 403
    response = client.post(reverse("project_transition", args=[project.pk]), {"action": "submit"})
    assert response.status_code == expected
    response = client.post(reverse("journal_add", args=[project.pk]), {"kind": "note", "text": "x"})
    assert response.status_code == expected
    project.refresh_from_db()
    assert project.status == "draft"
    assert not project.journal.exists()


def test_user_without_membership_gets_a_clear_page(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get(reverse("dashboard"))
    assert response.status_code == 403
    assert "Aucune organisation active" in response.content.decode()


def test_switching_to_a_foreign_organisation_is_refused(client, members, other_org):
    client.force_login(members["social_worker"].user)
    response = client.post(reverse("switch_organisation"), {"organisation": other_org.pk})
    assert response.status_code == 404


def test_switcher_changes_the_scope(client, members, household, other_org):
    from partez.organisations.models import Role
    from tests.factories import MembershipFactory

    user = members["social_worker"].user
    MembershipFactory(user=user, organisation=other_org, role=Role.SOCIAL_WORKER)
    client.force_login(user)
    assert client.get(reverse("household_detail", args=[household.pk])).status_code in (200, 404)
    client.post(reverse("switch_organisation"), {"organisation": other_org.pk})
    assert client.get(reverse("household_detail", args=[household.pk])).status_code == 404
    client.post(reverse("switch_organisation"), {"organisation": members["social_worker"].organisation_id})
    assert client.get(reverse("household_detail", args=[household.pk])).status_code == 200


def test_switcher_with_a_malformed_id_is_a_404(client, members):
    client.force_login(members["social_worker"].user)
    assert client.post(reverse("switch_organisation"), {"organisation": "abc"}).status_code == 404
