"""The accompaniment's writes: screening (answers kept with their wording), the plan accepted
from the barriers, steps done, validation refused without a transport step, mobility, debrief,
workshops' places and waitlist, the door's check-in marking the registration present."""

import datetime as dt

import pytest
from django.utils import timezone

from partez.accompaniment import selectors, services
from partez.accompaniment.models import BarrierAnswer, Step
from partez.attendance import services as attendance
from partez.attendance.models import Ticket
from partez.core.errors import DomainError, NotAllowed
from partez.organisations.models import Role
from partez.projects import checks
from partez.projects.models import JournalEntry
from tests import factories

pytestmark = pytest.mark.django_db


def test_screening_keeps_every_question_with_its_wording(project, screen):
    s = screen(project, "no_car", "never_left", left_to_pay_cents=30_000)
    answers = {a.code: a for a in BarrierAnswer.objects.filter(screening=s)}
    assert len(answers) == len(selectors.default_questions())
    assert answers["no_car"].present and answers["no_car"].note == "note no_car"
    assert not answers["papers"].present and answers["papers"].wording.startswith("Papiers")
    assert selectors.barriers_of(project.household).codes == {"no_car", "never_left"}


def test_screening_errors_are_reported_at_once_and_nothing_is_saved(project, worker):
    with pytest.raises(DomainError) as exc:
        services.screening_save(
            actor=worker,
            household=project.household,
            project=project,
            phase="later",
            screened_on=timezone.localdate() + dt.timedelta(days=1),
            left_to_pay_cents=-5,
            answers={"unknown": services.Answer(True)},
        )
    assert set(exc.value.errors) == {"phase", "screened_on", "left_to_pay", "unknown"}
    assert not BarrierAnswer.objects.exists()


def test_a_volunteer_may_not_screen(project, ccas):
    volunteer = factories.MembershipFactory(organisation=ccas, role=Role.VOLUNTEER)
    with pytest.raises(NotAllowed):
        services.screening_save(
            actor=volunteer,
            household=project.household,
            project=project,
            phase="first",
            screened_on=timezone.localdate(),
            left_to_pay_cents=None,
            answers={},
        )


def test_second_screening_shows_what_was_lifted(project, screen):
    screen(project, "no_car", "never_left", on=timezone.localdate() - dt.timedelta(days=30))
    screen(project, "no_car", phase="after")
    barriers = selectors.barriers_of(project.household)
    assert [a.code for a in barriers.lifted] == ["never_left"] and barriers.codes == {"no_car"}


def test_plan_accepted_from_the_barriers_then_steps_done_and_next_step(project, screen, worker):
    screen(project, "no_car", "never_left", left_to_pay_cents=30_000)
    steps = services.plan_accept(actor=worker, project=project)
    assert {s.kind for s in steps} == {
        "transport",
        "preparation",
        "call_before",
        "budget_workshop",
        "savings_plan",
        "debrief",
    }
    assert selectors.proposed_steps(project) == []
    assert services.plan_accept(actor=worker, project=project) == []  # nothing twice
    first = selectors.steps_of(project)[0]
    assert first.kind in ("budget_workshop", "savings_plan")
    assert selectors.next_step_for(project.household).startswith(first.label + ", d'ici le ")
    for s in Step.objects.filter(project=project):
        services.step_done(actor=worker, step=s, done=True)
    assert selectors.next_step_for(project.household) is None
    with pytest.raises(DomainError):
        services.step_done(
            actor=worker, step=first, done=True, on=timezone.localdate() + dt.timedelta(days=2)
        )


def test_a_late_step_is_flagged(project, worker):
    services.step_save(
        actor=worker,
        project=project,
        label="Appeler l'hébergeur",
        due_on=timezone.localdate() - dt.timedelta(days=1),
        who="family",
    )
    assert selectors.steps_of(project)[0].late


def test_validation_refused_without_a_transport_step_for_a_household_without_transport(
    project, screen, worker
):
    screen(project, "no_car")
    errors = checks.extra_errors(project, "validate")
    assert "Trouver comment voyager" in errors["steps"] and "pas de voiture" in errors["steps"]
    assert checks.extra_errors(project, "submit") == {}  # only the validation asks
    services.mobility_save(actor=worker, project=project, mode="own_car")  # a car lent by family
    assert checks.extra_errors(project, "validate") == {}
    services.mobility_save(
        actor=worker, project=project, mode="train", reduced_fares="Tarif solidaire", cost_cents=8_000
    )
    assert "steps" in checks.extra_errors(project, "validate")
    services.plan_accept(actor=worker, project=project, kinds=["transport"])
    assert checks.extra_errors(project, "validate") == {}


def test_validation_through_the_workflow_names_the_missing_step(project, screen, worker, referent):
    from partez.projects import services as project_services

    screen(project, "no_licence")
    project.status = "submitted"
    project.save()
    with pytest.raises(DomainError) as exc:
        project_services.project_transition(actor=referent, project=project, action="validate")
    assert "Trouver comment voyager" in exc.value.errors["steps"]


def test_mobility_errors_name_their_fields(project, worker):
    with pytest.raises(DomainError) as exc:
        services.mobility_save(
            actor=worker, project=project, mode="plane", cost_cents=-1, reduced_fares="x" * 201
        )
    assert set(exc.value.errors) == {"mode", "cost", "reduced_fares"}


def test_debrief_after_return_marks_its_step_done(project, screen, worker):
    screen(project)
    services.plan_accept(actor=worker, project=project)
    with pytest.raises(DomainError):
        services.debrief_save(actor=worker, project=project, how_it_went="Bien", wish="alone")
    project.status = "returned"
    project.save()
    debrief = services.debrief_save(
        actor=worker, project=project, how_it_went="Très bien", wish="alone", what_helped="Le train"
    )
    assert debrief.wish == "alone"
    assert Step.objects.get(project=project, kind="debrief").done_on == timezone.localdate()


def test_workshop_places_then_waitlist_then_promotion_on_cancel(workshop, worker, ccas, commune, household):
    others = [factories.HouseholdFactory(commune=commune, created_by_organisation=ccas) for _ in range(2)]
    for h in others:
        factories.PersonFactory(household=h)
    a = services.workshop_register(actor=worker, workshop=workshop, household=household)
    b = services.workshop_register(actor=worker, workshop=workshop, household=others[0])
    c = services.workshop_register(actor=worker, workshop=workshop, household=others[1])
    assert [a.status, b.status, c.status] == ["registered", "registered", "waitlisted"]
    assert Ticket.objects.filter(roster=workshop.roster).count() == 2
    with pytest.raises(DomainError):
        services.workshop_register(actor=worker, workshop=workshop, household=household)
    services.registration_cancel(actor=worker, registration=a)
    c.refresh_from_db()
    assert c.status == "registered"
    assert Ticket.objects.get(subject=a.subject).revoked_at is not None
    assert Ticket.objects.get(subject=c.subject, revoked_at__isnull=True)
    with pytest.raises(DomainError) as exc:
        services.workshop_save(
            actor=worker,
            edition=workshop.edition,
            workshop=workshop,
            data=services.WorkshopInput("budget", "Atelier", workshop.starts_at, "Ici", 1),
        )
    assert "capacity" in exc.value.errors


def test_checkin_at_the_door_marks_the_registration_present_and_the_report_goes_to_the_journal(
    workshop, worker, referent, project
):
    r = services.workshop_register(
        actor=worker, workshop=workshop, household=project.household, project=project
    )
    ticket = Ticket.objects.get(subject=r.subject)
    attendance.check_in(
        actor=referent, code=ticket.code, nonce="nonce-atelier-1", roster_id=workshop.roster_id
    )
    r.refresh_from_db()
    assert r.attended_at is not None
    assert selectors.accompaniment_of(project)["workshops"] == [
        {"id": workshop.pk, "title": "Atelier budget", "attended": True}
    ]
    workshop.starts_at = timezone.now() - dt.timedelta(hours=2)
    workshop.save()
    services.workshop_report(
        actor=referent, workshop=workshop, covered="Le budget d'une semaine, les chèques-vacances."
    )
    entry = JournalEntry.objects.get(project=project)
    assert "Atelier « Atelier budget »" in entry.text and "chèques-vacances" in entry.text


def test_workshop_of_another_structure_is_not_managed(workshop, other_org):
    outsider = factories.MembershipFactory(organisation=other_org, role=Role.COMMUNE_REFERENT)
    with pytest.raises(NotAllowed):
        services.workshop_report(actor=outsider, workshop=workshop, covered="x")


def test_questions_per_edition_replace_the_defaults(coordinator_org, edition, project, screen):
    coordination = factories.MembershipFactory(organisation=coordinator_org, role=Role.COORDINATOR)
    services.questions_save(
        actor=coordination,
        edition=edition,
        questions=[
            services.QuestionInput("no_car", "mobility", "Pas de voiture dans le foyer"),
            services.QuestionInput("papers", "methodological", "Papiers", is_active=False),
        ],
    )
    assert [q.wording for q in selectors.questions_for(edition)] == ["Pas de voiture dans le foyer"]
    s = screen(project, "no_car")
    assert list(s.answers.values_list("wording", flat=True)) == ["Pas de voiture dans le foyer"]
    with pytest.raises(DomainError):
        services.questions_save(
            actor=coordination, edition=edition, questions=[services.QuestionInput("a b", "x", "")]
        )
