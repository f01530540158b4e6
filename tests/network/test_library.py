"""The library (versions, file limits, who sees what, search with accents and case ignored), the
directory (opt-in, chosen contact, trained skills), events (public registration, badge, check-in)
and announcements (segments, read receipts)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from partez.attendance import services as attendance_services
from partez.core.errors import DomainError, NotAllowed
from partez.network import selectors, services
from partez.network.models import Skill, Visibility
from partez.organisations.models import OrganisationKind, Role
from tests import factories

from .conftest import make_session, professionals

pytestmark = pytest.mark.django_db


def _resource(actor, title="Guide", visibility=Visibility.PROFESSIONALS, **extra):
    data = services.ResourceInput(title=title, category="guide", visibility=visibility, **extra)
    upload = (
        None if "url" in extra else SimpleUploadedFile("guide.txt", b"Un guide.", content_type="text/plain")
    )
    return services.resource_publish(actor=actor, data=data, upload=upload)


def test_found_by_a_word_of_its_body_accents_and_case_ignored(coordination):
    _resource(
        coordination,
        title="Partir sans voiture",
        description="Des séjours qui ont marché pour des FAMILLES nombreuses : Bray-Dunes en été.",
    )
    _resource(coordination, title="Budget", description="Une fiche de calcul.")
    for q in ["familles", "FAMILLE nombreuse", "ete", "Été", "sejours", "bray dunes"]:
        assert [r.title for r in selectors.resources_for(coordination, q=q)] == ["Partir sans voiture"], q
    assert selectors.resources_for(coordination, q="montagne").count() == 0


def test_a_text_file_is_searched_too(coordination):
    data = services.ResourceInput(title="Courrier", category="letter", visibility=Visibility.PUBLIC)
    services.resource_publish(
        actor=coordination,
        data=data,
        upload=SimpleUploadedFile("lettre.txt", "Madame, Monsieur, la Fête approche.".encode(), "text/plain"),
    )
    assert selectors.resources_for(None, q="fete").count() == 1


def test_public_or_professionals_only(coordination):
    _resource(coordination, title="Public", visibility=Visibility.PUBLIC)
    _resource(coordination, title="Interne")
    assert [r.title for r in selectors.resources_for(None)] == ["Public"]
    assert {r.title for r in selectors.resources_for(coordination)} == {"Public", "Interne"}


def test_file_limits_and_all_errors_at_once(coordination):
    data = services.ResourceInput(title=" ", category="nope", visibility=Visibility.PUBLIC)
    with pytest.raises(DomainError) as exc:
        services.resource_publish(
            actor=coordination,
            data=data,
            upload=SimpleUploadedFile("virus.exe", b"MZ", "application/x-msdownload"),
        )
    assert set(exc.value.errors) == {"title", "category", "file"}
    big = SimpleUploadedFile("gros.pdf", b"0" * (10 * 1024 * 1024 + 1), "application/pdf")
    with pytest.raises(DomainError, match="trop lourd"):
        services.resource_publish(
            actor=coordination,
            data=services.ResourceInput(title="Gros", category="guide", visibility="public"),
            upload=big,
        )


def test_a_new_version_replaces_the_old_which_stays(coordination):
    resource = _resource(coordination)
    services.resource_validate(actor=coordination, resource=resource)
    resource = services.resource_version_add(
        actor=coordination,
        resource=resource,
        upload=SimpleUploadedFile("guide-2026.txt", b"Nouvelles regles de l'annee.", "text/plain"),
        note="Règles 2026",
    )
    assert resource.current.number == 2
    assert list(resource.versions.values_list("number", flat=True)) == [2, 1]
    assert resource.validated_at is None  # a new text is validated again
    assert selectors.resources_for(coordination, q="regles").get() == resource


def test_only_its_publisher_or_the_coordination_updates_a_resource(coordination):
    ccas = factories.OrganisationFactory(kind=OrganisationKind.COMMUNE)
    worker = factories.MembershipFactory(organisation=ccas, role=Role.SOCIAL_WORKER)
    resource = _resource(coordination)
    with pytest.raises(NotAllowed):
        services.resource_version_add(
            actor=worker, resource=resource, upload=SimpleUploadedFile("a.txt", b"x")
        )
    with pytest.raises(NotAllowed):
        services.resource_validate(actor=worker, resource=resource)
    volunteer = factories.MembershipFactory(organisation=ccas, role=Role.VOLUNTEER)
    with pytest.raises(NotAllowed):
        _resource(volunteer)


def test_the_directory_shows_only_who_agreed_with_the_contact_chosen(coordination, training):
    lens = factories.CommuneFactory(insee_code="62498", name="Lens")
    relay = factories.OrganisationFactory(kind=OrganisationKind.RELAY, name="Secours de Lens", commune=lens)
    agreed, silent = professionals(2, organisation=relay)
    services.profile_update(
        actor=agreed, listed=True, job_title="Éducatrice", show_email=True, show_phone=False
    )
    session = make_session(coordination, training)
    registration = services.registration_create(actor=agreed, session=session)
    ticket = services.ticket_of(registration)
    attendance_services.check_in(
        actor=coordination, code=ticket.code, nonce="nonce-dir-1", roster_id=ticket.roster_id
    )
    (structure,) = selectors.directory(commune="62498")
    assert structure.name == "Secours de Lens"
    assert [p.name for p in structure.people] == [str(agreed.user)]
    person = structure.people[0]
    assert person.email == agreed.user.email and person.phone == ""
    assert person.skills == ("Structure relais Sac Ados",)
    assert [s.name for s in selectors.directory(skill=Skill.SAC_ADOS)] == ["Secours de Lens"]
    assert selectors.directory(skill=Skill.BUDGET) == []
    services.profile_update(actor=agreed, listed=False, show_email=True)
    assert selectors.directory(commune="62498")[0].people == ()


def test_public_event_registration_sends_the_badge_and_the_door_marks_present(
    coordination, django_capture_on_commit_callbacks
):
    start = timezone.now() + dt.timedelta(days=30)
    event = services.event_save(
        actor=coordination,
        data=services.EventInput(
            title="Colloque du droit aux vacances",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=7),
            place="Louvre-Lens",
            is_public=True,
            capacity=2,
        ),
    )
    services.programme_item_add(actor=coordination, event=event, starts_at=start, title="Ouverture")
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.event_register(event=event, name="Alix Public", email="Alix@example.org")
    assert mail.outbox[-1].attachments[0][0] == "badge.png"
    with pytest.raises(DomainError, match="déjà inscrite"):
        services.event_register(event=event, name="Alix", email="alix@example.org")
    services.event_register(event=event, actor=coordination)
    with pytest.raises(DomainError, match="complet"):
        services.event_register(event=event, name="Trois", email="trois@example.org")
    ticket = services.event_ticket(registration)
    attendance_services.check_in(
        actor=coordination, code=ticket.code, nonce="nonce-event-1", roster_id=event.roster_id
    )
    assert selectors.event_figures(event) == {"registered": 2, "present": 1, "professionals": 1}
    private = services.event_save(
        actor=coordination,
        data=services.EventInput(
            title="Réunion", starts_at=start, ends_at=start + dt.timedelta(hours=2), place="Lens"
        ),
    )
    with pytest.raises(NotAllowed):
        services.event_register(event=private, name="X", email="x@example.org")


def test_announcements_reach_their_segment_and_record_reads(coordination):
    lens = factories.CommuneFactory(insee_code="62498", name="Lens")
    lievin = factories.CommuneFactory(insee_code="62510", name="Liévin")
    lens_worker = factories.MembershipFactory(
        organisation=factories.OrganisationFactory(kind=OrganisationKind.COMMUNE, commune=lens),
        role=Role.SOCIAL_WORKER,
    )
    lievin_referent = factories.MembershipFactory(
        organisation=factories.OrganisationFactory(kind=OrganisationKind.COMMUNE, commune=lievin),
        role=Role.COMMUNE_REFERENT,
    )
    everyone = services.announcement_post(actor=coordination, title="Pour tous", body="Bonjour")
    services.announcement_post(actor=coordination, title="Lens", body="…", communes=["62498"])
    services.announcement_post(actor=coordination, title="Référents", body="…", roles=[Role.COMMUNE_REFERENT])
    assert [a.title for a in selectors.announcements_for(lens_worker)] == ["Lens", "Pour tous"]
    assert [a.title for a in selectors.announcements_for(lievin_referent)] == ["Référents", "Pour tous"]
    assert len(selectors.announcements_for(coordination)) == 3
    assert selectors.unread_count(lens_worker) == 2
    services.announcement_read(actor=lens_worker, announcement=everyone)
    services.announcement_read(actor=lens_worker, announcement=everyone)
    assert selectors.unread_count(lens_worker) == 1
    with pytest.raises(NotAllowed):
        services.announcement_post(actor=lens_worker, title="X", body="Y")
    with pytest.raises(DomainError) as exc:
        services.announcement_post(actor=coordination, title="", body="")
    assert set(exc.value.errors) == {"title", "body"}


def test_the_digest_follows_each_persons_choice(coordination, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    from partez.network.models import Digest

    lens_worker, daily = professionals(2)
    services.profile_update(actor=daily, listed=False, digest=Digest.DAILY)
    services.profile_update(actor=coordination, listed=False, digest=Digest.NONE)
    news = services.announcement_post(actor=coordination, title="Fête", body="La Fête approche.")
    services.announcement_read(actor=lens_worker, announcement=news)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_network_reminders", "--weekly", stdout=io.StringIO())
    assert sorted(m.to[0] for m in mail.outbox) == [daily.user.email]  # the reader had read it
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.digest_send(frequency=Digest.DAILY) == 0  # nothing new since


def test_practice_sheets_come_from_large_families_that_left_and_hide_small_groups(coordination):
    import datetime as dt

    from partez.projects.models import BudgetLine

    edition = factories.EditionFactory()
    start = dt.date(edition.year, 7, 6)

    def departed(destination, persons, lodging_cents):
        household = factories.HouseholdFactory()
        for _ in range(persons):
            factories.PersonFactory(household=household)
        project = factories.ProjectFactory(
            household=household,
            edition=edition,
            status="departed",
            destination=destination,
            destination_department="80",
            start_date=start,
            end_date=start + dt.timedelta(days=7),
        )
        BudgetLine.objects.create(project=project, kind="lodging", amount_cents=lodging_cents)
        BudgetLine.objects.create(project=project, kind="transport", amount_cents=10_000)

    for cents in (50_000, 60_000, 70_000):
        departed("Fort-Mahon-Plage", 5, cents)
    departed("Fort-Mahon-Plage", 2, 1_000)  # a small family: not in the sheet
    departed("Berck", 6, 40_000)  # one departure only: no sheet (it could be recognised)
    sheets = services.practice_sheets_publish(actor=coordination, edition=edition)
    assert [s.title for s in sheets] == ["Fiche pratique : familles nombreuses à Fort-Mahon-Plage"]
    text = sheets[0].description
    assert "3 familles de 5 personnes" in text and "7 nuits" in text and "700 €" in text
    assert selectors.resources_for(coordination, q="fort mahon").get() == sheets[0]
    again = services.practice_sheets_publish(actor=coordination, edition=edition)
    assert [s.pk for s in again] == [sheets[0].pk]  # refreshed, not duplicated


def test_a_scheme_segment_reaches_the_structures_that_handle_it_and_the_directory_finds_them(coordination):
    from partez.schemes.models import Scheme

    edition = factories.EditionFactory()
    scheme = Scheme.objects.get(slug="depart-18-25")
    carrier_org = factories.OrganisationFactory(kind=OrganisationKind.RELAY, name="Porteur")
    other_org = factories.OrganisationFactory(kind=OrganisationKind.RELAY, name="Autre")
    carrier = factories.MembershipFactory(organisation=carrier_org, role=Role.SOCIAL_WORKER)
    other = factories.MembershipFactory(organisation=other_org, role=Role.SOCIAL_WORKER)
    project = factories.ProjectFactory(organisation=carrier_org, edition=edition)
    factories.PlanLineFactory(plan=factories.FinancingPlanFactory(project=project), scheme=scheme)
    services.announcement_post(actor=coordination, title="Départ 18:25", body="…", schemes=[scheme.slug])
    assert [a.title for a in selectors.announcements_for(carrier)] == ["Départ 18:25"]
    assert selectors.announcements_for(other) == []
    assert [s.name for s in selectors.directory(scheme=scheme.slug)] == ["Porteur"]
    with pytest.raises(DomainError) as exc:
        services.announcement_post(actor=coordination, title="X", body="Y", schemes=["inconnu"])
    assert "schemes" in exc.value.errors
