import html

import pytest
from django.urls import reverse

from partez.core.models import AuditLog
from partez.households.models import PastDeparture
from partez.projects.models import Project
from tests import factories

pytestmark = pytest.mark.django_db


def project_post(household, **overrides):
    persons = list(household.persons.all())
    data = {
        "format": "individual",
        "travellers": [p.pk for p in persons],
        "destination": "Berck-sur-Mer",
        "destination_department": "62",
        "start_date": "2025-07-12",
        "end_date": "2025-07-19",
        "budget_lodging": "420",
        "budget_transport": "60",
    }
    data.update(overrides)
    return data


def test_create_project_then_walk_the_workflow(client, worker, referent, household, edition):
    client.force_login(worker.user)
    response = client.post(reverse("project_create", args=[household.pk]), project_post(household))
    assert response.status_code == 302, html.unescape(response.content.decode())[:2000]
    project = Project.objects.get()
    assert project.nights == 7
    assert project.budget_lines.count() == 2
    assert project.checklist.count() == 5
    assert project.status == "draft"

    factories.complete_file(project, worker, aid=False)  # documents in, a plan chosen (no envelope)
    client.post(reverse("project_transition", args=[project.pk]), {"action": "submit"})
    project.refresh_from_db()
    assert project.status == "submitted"
    # a social worker may not validate: the button is not offered and the POST is refused
    client.post(reverse("project_transition", args=[project.pk]), {"action": "validate"})
    project.refresh_from_db()
    assert project.status == "submitted"

    client.force_login(referent.user)
    for action in ["validate", "grant_aid"]:
        client.post(reverse("project_transition", args=[project.pk]), {"action": action})
    client.force_login(worker.user)
    client.post(reverse("project_transition", args=[project.pk]), {"action": "depart"})
    project.refresh_from_db()
    assert project.status == "departed"
    # no plan was chosen: the departure is recorded, without using up any scheme's right
    assert PastDeparture.objects.filter(year=2025, scheme="other").count() == 2
    assert list(project.status_changes.values_list("to_status", flat=True)) == [
        "submitted",
        "validated",
        "aid_granted",
        "departed",
    ]
    assert AuditLog.objects.filter(action__startswith="project.").count() == 5


def test_traveller_outside_the_household_is_refused(client, worker, household, edition):
    stranger = factories.PersonFactory()
    client.force_login(worker.user)
    data = project_post(household, travellers=[stranger.pk])
    response = client.post(reverse("project_create", args=[household.pk]), data)
    assert response.status_code == 200
    assert "n'appartient pas à ce foyer" in html.unescape(response.content.decode())
    assert not Project.objects.exists()


def test_return_before_departure_is_refused(client, worker, household, edition):
    client.force_login(worker.user)
    data = project_post(household, end_date="2025-07-01")
    response = client.post(reverse("project_create", args=[household.pk]), data)
    assert "La date de retour doit être après la date de départ." in html.unescape(response.content.decode())
    assert not Project.objects.exists()


def test_illegal_status_change_is_refused_with_a_french_message(client, worker, project):
    client.force_login(worker.user)
    response = client.post(
        reverse("project_transition", args=[project.pk]), {"action": "depart"}, follow=True
    )
    assert "Impossible de « marquer parti » un projet au statut « Brouillon »." in html.unescape(
        response.content.decode()
    )
    project.refresh_from_db()
    assert project.status == "draft"
    assert not AuditLog.objects.exists()


def test_incomplete_project_cannot_be_submitted(client, worker, project):
    client.force_login(worker.user)
    response = client.post(
        reverse("project_transition", args=[project.pk]), {"action": "submit"}, follow=True
    )
    page = html.unescape(response.content.decode())
    assert "Choisissez au moins une personne qui part." in page
    project.refresh_from_db()
    assert project.status == "draft"


def test_refusal_needs_a_reason(client, referent, project):
    Project.objects.filter(pk=project.pk).update(status="submitted")
    client.force_login(referent.user)
    client.post(reverse("project_transition", args=[project.pk]), {"action": "refuse", "reason": ""})
    project.refresh_from_db()
    assert project.status == "submitted"
    client.post(
        reverse("project_transition", args=[project.pk]), {"action": "refuse", "reason": "Dossier incomplet"}
    )
    project.refresh_from_db()
    assert project.status == "refused" and project.status_reason == "Dossier incomplet"


def test_journal_and_checklist(client, worker, project):
    client.force_login(worker.user)
    client.post(reverse("journal_add", args=[project.pk]), {"kind": "note", "text": "Atelier budget prévu."})
    response = client.post(
        reverse("journal_add", args=[project.pk]), {"kind": "appointment", "text": "RDV"}, follow=True
    )
    assert "Indiquez la date et l'heure du rendez-vous." in html.unescape(response.content.decode())
    client.post(
        reverse("journal_add", args=[project.pk]),
        {"kind": "appointment", "text": "RDV mairie", "happens_at": "2030-03-04T10:30"},
    )
    assert project.journal.count() == 2
    item = project.checklist.create(label="Pièce d'identité")
    response = client.post(
        reverse("checklist_toggle", args=[project.pk, item.pk]), {"received": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert b'aria-pressed="true"' in response.content  # the htmx fragment shows the new state
    item.refresh_from_db()
    assert item.received_at is not None


def test_service_bounds_are_checked_before_the_database(worker, household, edition):
    from partez.core.errors import DomainError
    from partez.projects.services import ProjectInput, project_create

    data = ProjectInput(
        format="individual", traveller_ids=[household.persons.first().pk], budget=[("lodging", "", 2**31)]
    )
    with pytest.raises(DomainError) as exc:
        project_create(actor=worker, household=household, edition=edition, data=data)
    assert exc.value.errors == {
        "budget[0].amount": "Montant trop élevé pour une ligne de budget (100 000 € au plus)."
    }
    assert not Project.objects.exists()
