"""The privacy pages: « Durées de conservation », a household's whole file (right of access), its
anonymisation on request, « who saw this file », and reads of case files recorded."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from partez.core.models import AccessLog, AuditLog
from partez.households.models import Person
from partez.privacy.models import RetentionNotice
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = ["coordinator", "commune_referent", "social_worker", "funder", "volunteer", "host", "outsider"]


def _get(client, member, url):
    client.force_login(member.user)
    return client.get(url)


@pytest.mark.parametrize(
    "name, expected",
    [
        (
            "household_file",
            {"coordinator": 200, "commune_referent": 200, "social_worker": 200, "outsider": 404},
        ),
        ("household_anonymise", {"coordinator": 200, "commune_referent": 403, "social_worker": 403}),
        (
            "household_readers",
            {"coordinator": 200, "commune_referent": 200, "social_worker": 403, "outsider": 403},
        ),
    ],
)
def test_household_privacy_pages_permissions(client, members, household, name, expected):
    url = reverse(name, args=[household.pk])
    assert client.get(url).status_code == 302  # anonymous → login
    for role in ROLES:
        status = _get(client, members[role], url).status_code
        assert status == expected.get(role, 403), role


def test_an_outsiders_referent_gets_a_404_for_the_readers_page(client, other_org, household):
    referent = factories.MembershipFactory(organisation=other_org, role="commune_referent")
    assert _get(client, referent, reverse("household_readers", args=[household.pk])).status_code == 404


def test_retention_page_is_read_by_everyone_and_lists_due_files_to_referents(
    client, members, household, django_assert_max_num_queries
):
    url = reverse("retention")
    assert client.get(url).status_code == 302
    RetentionNotice.objects.create(
        household=household, notified_on="2026-01-01", anonymise_on="2026-01-31", last_activity="2023-05-01"
    )
    for role in ROLES:
        response = _get(client, members[role], url)
        assert response.status_code == 200, role
        text = response.content.decode()
        assert "Dossier du foyer" in text and "24 mois" in text
        sees = role in ("coordinator", "commune_referent")
        assert ("Dossiers à anonymiser" in text) is sees, role
        assert (household.reference in text) is sees, role
    client.force_login(members["coordinator"].user)
    for _ in range(5):
        RetentionNotice.objects.create(
            household=factories.HouseholdFactory(),
            notified_on="2026-01-01",
            anonymise_on="2026-01-31",
            last_activity="2023-05-01",
        )
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200


def test_the_whole_file_is_a_zip_with_json_and_pdf_and_its_download_is_recorded(client, worker, household):
    response = _get(client, worker, reverse("household_file", args=[household.pk]))
    assert response["Content-Type"] == "application/zip"
    assert f"dossier-{household.reference}.zip" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["dossier.json", "dossier.pdf"]
    data = json.loads(archive.read("dossier.json"))
    assert {p["fields"]["first_name"] for p in data["personnes"]} == {"Claire", "Léo"}
    assert data["foyer"][0]["fields"]["reference"] == household.reference
    assert archive.read("dossier.pdf").startswith(b"%PDF")
    (entry,) = AccessLog.objects.filter(action="download.access_export")
    assert (entry.actor, entry.object_id) == (worker.user, str(household.pk))


def test_anonymise_needs_a_reason_and_a_confirmation_then_is_audited(client, members, household):
    coordinator = members["coordinator"]
    client.force_login(coordinator.user)
    url = reverse("household_anonymise", args=[household.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200  # the form again, with its errors
    text = response.content.decode()
    assert "Cochez la case pour confirmer" in text and "Indiquez le motif" in text  # all errors at once
    household.refresh_from_db()
    assert household.anonymised_at is None
    response = client.post(url, {"reason": "demande du foyer par courrier", "confirm": "yes"})
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.anonymised_at is not None
    assert set(Person.objects.filter(household=household).values_list("last_name", flat=True)) == {"Anonyme"}
    entry = AuditLog.objects.get(action="household.anonymise")
    assert entry.actor == coordinator.user and entry.changes["reason"] == "demande du foyer par courrier"
    assert client.get(url).status_code == 302  # already anonymised: back to the file
    page = client.get(reverse("household_detail", args=[household.pk])).content.decode()
    assert "Foyer anonymisé le" in page and "Claire" not in page


def test_reads_of_household_and_project_pages_are_recorded_once_and_listed(
    client, worker, referent, household, edition, django_assert_max_num_queries
):
    project = factories.ProjectFactory(household=household, organisation=worker.organisation, edition=edition)
    client.force_login(worker.user)
    for _ in range(3):
        assert client.get(reverse("household_detail", args=[household.pk])).status_code == 200
        assert client.get(reverse("project_detail", args=[project.pk])).status_code == 200
    assert sorted(AccessLog.objects.values_list("action", "object_id")) == [
        ("read.household", str(household.pk)),
        ("read.project", str(project.pk)),
    ]
    client.force_login(referent.user)
    with django_assert_max_num_queries(11):  # +1: the head's name in the title (issue 13)
        response = client.get(reverse("household_readers", args=[household.pk]))
    text = response.content.decode()
    assert "Consultation du foyer" in text and "Consultation du projet" in text
    assert worker.user.get_full_name() in text
