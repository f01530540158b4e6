"""The family's pages and what they write: documents, answers, the Fête, the story; the
professional's side on the household page; one household never sees another's."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from partez.core.errors import DomainError
from partez.core.models import AccessLog, AuditLog
from partez.family import services
from partez.family.models import (
    Answer,
    FamilyAccess,
    FamilyDocument,
    Moderation,
    Proposal,
    ProposalKind,
    Story,
)
from partez.projects.models import JournalEntry, JournalKind
from tests import factories
from tests.factories import family

pytestmark = pytest.mark.django_db


def _propose(worker, project, days=7, text="Une semaine au camping de Berck, du 6 au 13 juillet."):
    return services.proposal_create(
        actor=worker,
        project=project,
        kind=ProposalKind.WEEK,
        text=text,
        answer_by=timezone.localdate() + dt.timedelta(days=days),
    )


@pytest.fixture
def neighbour(worker, ccas, commune, edition):
    """Another household of the same CCAS, with its own access, document and proposal."""
    other = factories.HouseholdFactory(commune=commune, created_by_organisation=ccas)
    factories.PersonFactory(household=other)
    project = factories.ProjectFactory(household=other, organisation=ccas, edition=edition)
    granted = family.grant(worker, other)
    document = services.document_upload(access=granted.access, project=project, upload=family.jpeg())
    proposal = _propose(worker, project)
    other.document, other.proposal, other.project = document, proposal, project
    return other


def test_home_shows_the_next_step_whom_to_call_and_the_reference(family_client, home, worker):
    worker.user.first_name, worker.user.last_name = "Nadia", "Benali"
    worker.user.save()
    body = family_client.get("/famille/").content.decode()
    assert "Envoyez vos papiers" in body and "Il manque 2 papiers." in body
    assert "Nadia B." in body and "03 21 00 00 00" in body and 'href="tel:0321000000"' in body
    assert home.project.reference in body


def test_home_query_budget(family_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        assert family_client.get("/famille/").status_code == 200


def test_upload_a_photo_of_a_document(family_client, home, granted):
    item = home.project.checklist.first()
    response = family_client.post("/famille/papiers/", {"item": item.pk, "file": family.jpeg()})
    assert response.status_code == 302
    document = FamilyDocument.objects.get()
    assert (document.item, document.content_type, document.household) == (item, "image/jpeg", home)
    assert document.file.name.startswith("family/documents/") and "photo" not in document.file.name
    assert AuditLog.objects.filter(action="family_document.upload", object_id=str(document.pk)).exists()
    page = family_client.get("/famille/papiers/").content.decode()
    assert "envoyé, pas encore vu" in page
    assert "Il manque 1 papier." in family_client.get("/famille/").content.decode()
    download = family_client.get(f"/famille/papiers/{document.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"\xff\xd8\xff")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("x.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg"), "pas accepté"),
        (SimpleUploadedFile("x.pdf", b"", content_type="application/pdf"), "vide"),
    ],
)
def test_upload_refuses_a_wrong_type_or_an_empty_file(family_client, upload, message):
    response = family_client.post("/famille/papiers/", {"file": upload})
    assert response.status_code == 400 and message in response.content.decode()
    assert not FamilyDocument.objects.exists()


def test_upload_refuses_a_file_too_large(granted, home, settings, monkeypatch):
    monkeypatch.setattr(services, "value", lambda name, on=None: 100 if name == "upload_max_bytes" else 5)
    with pytest.raises(DomainError, match="trop gros"):
        services.document_upload(access=granted.access, project=home.project, upload=family.jpeg())


def test_a_pdf_is_accepted_for_another_paper(family_client):
    upload = SimpleUploadedFile("scan.pdf", family.PDF, content_type="application/pdf")
    assert family_client.post("/famille/papiers/", {"file": upload}).status_code == 302
    assert FamilyDocument.objects.get().name == "Autre papier.pdf"


def test_another_households_objects_are_404(family_client, neighbour):
    photo_story = Story.objects.create(project=neighbour.project, text="Mer")
    photo = photo_story.photos.create(content_type="image/png", size=1, file="family/stories/x.png")
    assert family_client.get(f"/famille/papiers/{neighbour.document.pk}/").status_code == 404
    assert (
        family_client.post(f"/famille/choix/{neighbour.proposal.pk}/", {"answer": "accepted"}).status_code
        == 404
    )
    assert family_client.get(f"/famille/recit/photos/{photo.pk}/").status_code == 404
    assert neighbour.proposal.text not in family_client.get("/famille/choix/").content.decode()
    Proposal.objects.get(pk=neighbour.proposal.pk, answer="")


def test_a_family_session_opens_no_staff_page(family_client, home):
    for url in (f"/foyers/{home.pk}/", "/foyers/", "/", f"/foyers/{home.pk}/famille/acces/"):
        response = family_client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/connexion/"), url


def test_answer_a_proposal_and_the_referent_sees_it(family_client, worker, home, client):
    proposal = _propose(worker, home.project)
    assert "Répondez à une proposition" in family_client.get("/famille/").content.decode()
    response = family_client.post(
        f"/famille/choix/{proposal.pk}/", {"answer": "refused", "reason": "Pas ces dates"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.answer, proposal.reason) == (Answer.REFUSED, "Pas ces dates")
    client.force_login(worker.user)
    page = client.get(f"/foyers/{home.pk}/").content.decode()
    assert "Pas ces dates" in page and "Non" in page


def test_no_proposal_to_a_household_outside_the_space(worker, home):
    with pytest.raises(DomainError, match="donnez-lui d'abord son accès"):
        _propose(worker, home.project)


def test_no_answer_after_the_deadline(granted, worker, home):
    proposal = _propose(worker, home.project)
    Proposal.objects.filter(pk=proposal.pk).update(answer_by=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(DomainError, match="date pour répondre est passée"):
        services.proposal_answer(access=granted.access, proposal=proposal, answer="accepted")


def test_proposal_errors_all_at_once(worker, home, granted):
    with pytest.raises(DomainError) as exc:
        services.proposal_create(
            actor=worker, project=home.project, kind="x", text=" ", answer_by=dt.date(2000, 1, 1)
        )
    assert set(exc.value.errors) == {"kind", "text", "answer_by"}


def test_fete_page_shows_the_qr_the_stand_and_takes_the_rsvp(
    worker, edition, commune, ccas, other_org, client
):
    from tests.factories.fete import build_fete

    fete = build_fete(edition, commune, ccas, other_org.commune, other_org, households_per_commune=1)
    household = fete.invitation.household
    household_member = factories.MembershipFactory(organisation=ccas, role="social_worker")
    family_browser = family.family_client(family.grant(household_member, household))
    body = family_browser.get("/famille/fete/").content.decode()
    assert "<svg" in body and fete.invitation.code[:5] in body and "Montrez ce code" in body
    assert family_browser.post("/famille/fete/", {"rsvp": "yes"}).status_code == 302
    fete.invitation.refresh_from_db()
    assert fete.invitation.rsvp == "yes"


def test_fete_page_without_an_invitation(family_client):
    assert "pas encore d'invitation" in family_client.get("/famille/fete/").content.decode()


def test_story_after_the_return_with_a_withdrawable_agreement(family_client, home, granted):
    assert "à votre retour" in family_client.get("/famille/recit/").content.decode()
    type(home.project).objects.filter(pk=home.project.pk).update(status="returned")
    response = family_client.post(
        "/famille/recit/",
        {"text": "La mer, enfin.", "share": "on", "name_shown": "first_name", "photos": family.png()},
    )
    assert response.status_code == 302
    story = Story.objects.get()
    assert story.may_be_published and story.name_shown == "first_name" and story.photos.count() == 1
    assert story.moderation == Moderation.PENDING
    family_client.post("/famille/recit/", {"text": "La mer, enfin.", "name_shown": "none"})
    story.refresh_from_db()
    assert not story.may_be_published and story.share_withdrawn_at is not None
    photo = story.photos.get()
    assert family_client.get(f"/famille/recit/photos/{photo.pk}/").status_code == 200


def test_story_photo_must_be_an_image(granted, home):
    type(home.project).objects.filter(pk=home.project.pk).update(status="returned")
    home.project.refresh_from_db()
    pdf = SimpleUploadedFile("x.pdf", family.PDF, content_type="application/pdf")
    with pytest.raises(DomainError) as exc:
        services.story_save(access=granted.access, project=home.project, text="", share=False, photos=[pdf])
    assert set(exc.value.errors) == {"text", "photos"}


def test_only_the_coordination_publishes_and_only_with_the_agreement(granted, home, worker, coordinator_org):
    type(home.project).objects.filter(pk=home.project.pk).update(status="returned")
    home.project.refresh_from_db()
    story = services.story_save(access=granted.access, project=home.project, text="Super", share=False)
    coordinator = factories.MembershipFactory(organisation=coordinator_org, role="coordinator")
    with pytest.raises(DomainError, match="accord"):
        services.story_moderate(actor=coordinator, story=story, approve=True)
    with pytest.raises(DomainError):
        services.story_moderate(actor=worker, story=story, approve=False)
    services.story_save(access=granted.access, project=home.project, text="Super", share=True)
    assert (
        services.story_moderate(actor=coordinator, story=story, approve=True).moderation
        == Moderation.APPROVED
    )


def test_appointment_as_an_ics_file(family_client, home, worker):
    entry = JournalEntry.objects.create(
        project=home.project,
        kind=JournalKind.APPOINTMENT,
        text="Préparer le budget",
        happens_at=timezone.now() + dt.timedelta(days=3),
        author=worker.user,
        organisation=worker.organisation,
    )
    assert "Mettre dans mon agenda" in family_client.get("/famille/").content.decode()
    response = family_client.get(f"/famille/rendez-vous/{entry.pk}.ics")
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert "BEGIN:VEVENT" in text and "Préparer le budget" not in text  # the note stays the professional's


def test_budget_page_in_plain_figures(family_client, home, worker):
    factories.FinancingPlanFactory(
        project=home.project,
        chosen_by=worker.user,
        cost_cents=80_000,
        total_aid_cents=50_000,
        remaining_cents=30_000,
    )
    body = family_client.get("/famille/budget/").content.decode()
    assert "Il vous reste à payer" in body and "300" in body


def test_staff_invite_page_and_letter(client, worker, home):
    client.force_login(worker.user)
    assert client.get(f"/foyers/{home.pk}/famille/acces/").status_code == 200
    response = client.post(f"/foyers/{home.pk}/famille/acces/", {"channel": "letter"})
    assert response.status_code == 400 and "Cochez la case" in response.content.decode()
    response = client.post(f"/foyers/{home.pk}/famille/acces/", {"channel": "letter", "consent": "on"})
    assert response.status_code == 200 and "/famille/code/" in response.content.decode()
    access = FamilyAccess.objects.get()
    page = client.get(f"/foyers/{home.pk}/").content.decode()
    assert "Retirer l'accès" in page and "pas encore utilisé" in page
    assert client.post(f"/foyers/{home.pk}/famille/acces/{access.pk}/retrait/").status_code == 302
    access.refresh_from_db()
    assert access.revoked_at is not None and access.revoked_by == worker.user


def test_staff_download_is_logged_and_scoped(client, worker, granted, home, other_org):
    document = services.document_upload(access=granted.access, project=home.project, upload=family.jpeg())
    client.force_login(worker.user)
    assert client.get(f"/famille-documents/{document.pk}/").status_code == 200
    assert AccessLog.objects.filter(action="download.family_document", object_id=str(document.pk)).exists()
    outsider = factories.MembershipFactory(organisation=other_org, role="social_worker")
    client.force_login(outsider.user)
    assert client.get(f"/famille-documents/{document.pk}/").status_code == 404


def test_household_page_query_budget_with_family_activity(
    client, worker, granted, home, django_assert_max_num_queries
):
    for _ in range(3):
        services.document_upload(access=granted.access, project=home.project, upload=family.jpeg())
        _propose(worker, home.project)
    client.force_login(worker.user)
    client.get(f"/foyers/{home.pk}/")
    with django_assert_max_num_queries(40) as ctx:
        assert client.get(f"/foyers/{home.pk}/").status_code == 200
    few = len(ctx.captured_queries)
    for _ in range(3):
        services.document_upload(access=granted.access, project=home.project, upload=family.jpeg())
        _propose(worker, home.project)
    with django_assert_max_num_queries(few):
        client.get(f"/foyers/{home.pk}/")


def test_anonymising_deletes_what_the_family_sent(granted, home, coordinator_org):
    from partez.privacy.anonymise import household_anonymise

    document = services.document_upload(access=granted.access, project=home.project, upload=family.jpeg())
    path = document.file.path
    coordinator = factories.MembershipFactory(organisation=coordinator_org, role="coordinator")
    household_anonymise(actor=coordinator, household=home, reason="Demande d'effacement")
    assert not FamilyDocument.objects.exists()
    import os

    assert not os.path.exists(path)
    assert FamilyAccess.objects.get().revoked_at is not None


def test_a_body_larger_than_a_file_is_refused_before_it_is_read(family_client):
    response = family_client.post(
        "/famille/papiers/",
        {"file": family.jpeg()},
        CONTENT_LENGTH=str(services.value("upload_max_bytes") * 2),
    )
    assert response.status_code == 413 and "trop gros" in response.content.decode()
    assert not FamilyDocument.objects.exists()


def test_the_referent_sees_the_familys_actions_in_the_history(family_client, worker, home, client):
    proposal = _propose(worker, home.project)
    family_client.post(f"/famille/choix/{proposal.pk}/", {"answer": "accepted"})
    family_client.post("/famille/papiers/", {"file": family.jpeg()})
    client.force_login(worker.user)
    page = client.get(f"/foyers/{home.pk}/").content.decode()
    for label in (  # the history's sentences (core.audit_text): « Système : réponse de la famille… »
        "réponse de la famille à une proposition",
        "papier envoyé par la famille",
        "la famille est entrée dans son espace",
    ):
        assert label in page


def test_the_coordination_publishes_a_story_and_the_public_page_shows_it(
    family_client, home, granted, coordinator_org, client
):
    type(home.project).objects.filter(pk=home.project.pk).update(status="returned")
    family_client.post(
        "/famille/recit/",
        {"text": "La mer, enfin.", "share": "on", "name_shown": "first_name", "photos": family.png()},
    )
    story = Story.objects.get()
    photo = story.photos.get()
    assert "La mer, enfin." not in client.get("/temoignages/").content.decode()
    assert client.get(f"/temoignages/photos/{photo.pk}/").status_code == 404
    coordinator = factories.MembershipFactory(organisation=coordinator_org, role="coordinator")
    client.force_login(coordinator.user)
    assert "La mer, enfin." in client.get("/familles/recits/").content.decode()
    assert client.post(f"/familles/recits/{story.pk}/", {"decision": "approve"}).status_code == 302
    client.logout()
    page = client.get("/temoignages/").content.decode()
    assert "La mer, enfin." in page and "Claire" in page and "Martin" not in page
    assert client.get(f"/temoignages/photos/{photo.pk}/").status_code == 200
    # the family withdraws its agreement: gone at once
    family_client.post("/famille/recit/", {"text": "La mer, enfin.", "name_shown": "first_name"})
    assert "La mer, enfin." not in client.get("/temoignages/").content.decode()
    assert client.get(f"/temoignages/photos/{photo.pk}/").status_code == 404


def test_testimonies_query_budget(django_assert_max_num_queries, client):
    with django_assert_max_num_queries(4):
        assert client.get("/temoignages/").status_code == 200


@pytest.mark.parametrize("url", ["/famille/choix/", "/famille/papiers/"])
def test_list_pages_cost_the_same_whatever_the_rows(family_client, granted, worker, home, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n):
        for _ in range(n):
            _propose(worker, home.project)
            services.document_upload(access=granted.access, project=home.project, upload=family.jpeg())

    add(1)
    family_client.get(url)
    with CaptureQueriesContext(connection) as few:
        family_client.get(url)
    add(5)
    with CaptureQueriesContext(connection) as many:
        family_client.get(url)
    assert len(many) == len(few) <= 12


def test_the_family_writes_its_ideas_and_the_referent_sees_them(family_client, home, worker, client):
    response = family_client.post(
        "/famille/choix/", {"when": "En juillet", "where": "À la mer", "with_whom": "Avec la famille Durand"}
    )
    assert response.status_code == 302
    client.force_login(worker.user)
    page = client.get(f"/foyers/{home.pk}/").content.decode()
    assert "À la mer" in page and "idées de vacances écrites par la famille" in page
    assert (
        family_client.post("/famille/choix/", {"when": "", "where": "", "with_whom": ""}).status_code == 400
    )


def test_no_ideas_once_the_project_is_decided(family_client, home, granted):
    type(home.project).objects.filter(pk=home.project.pk).update(status="validated")
    home.project.refresh_from_db()
    assert "Mes idées de vacances" not in family_client.get("/famille/choix/").content.decode()
    with pytest.raises(DomainError, match="déjà décidé"):
        services.wish_save(access=granted.access, project=home.project, when="Août", where="", with_whom="")


def test_the_accompaniment_plans_next_step_comes_first_on_the_home_page(family_client, home):
    """A step of the accompaniment plan (partez.accompaniment, issue 20) is the family's next step."""
    from partez.accompaniment.models import Step

    Step.objects.create(
        project=home.project,
        kind="prepare",
        label="Rendez-vous de préparation du séjour",
        due_on=timezone.localdate() + dt.timedelta(days=20),
    )
    page = family_client.get("/famille/").content.decode()
    assert "Votre prochaine étape" in page and "Rendez-vous de préparation du séjour" in page
