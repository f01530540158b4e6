"""Writes of the accompaniment: the screening, the plan of steps, the mobility, the debrief, the
workshops (places and waitlist under the workshop's row lock, tickets on its door's roster) and
the screening's questions. Each validates, checks the role, writes and audits in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from partez.attendance import services as attendance
from partez.attendance.models import Attendance, Roster, Ticket
from partez.core import audit
from partez.core.errors import DomainError, NotAllowed
from partez.households.models import Household, Relation
from partez.households.services import require_open_file
from partez.organisations.models import Membership
from partez.projects import services as project_services
from partez.projects.models import Project
from partez.projects.services import EDITABLE
from partez.projects.workflow import Status
from partez.territory.models import Edition

from . import perms, rules, selectors
from .models import (
    BarrierAnswer,
    Category,
    Debrief,
    Mobility,
    Mode,
    Phase,
    Registration,
    RegistrationStatus,
    Screening,
    ScreeningQuestion,
    Step,
    Theme,
    Who,
    Wish,
    Workshop,
)

WORKSHOP_KIND = "accompaniment_workshop"
MAX_SEATS = 10  # places one household takes at a workshop
MAX_CENTS = 10_000_000
SUBJECT = "accompaniment.registration:"


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def _text(errors: dict[str, str], name: str, value: str, limit: int, label: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        errors[name] = f"{label} : {limit} caractères au plus."
    return value


# --- screening -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    present: bool
    note: str = ""


def screening_save(
    *,
    actor: Membership,
    household: Household,
    project: Project | None,
    phase: str,
    screened_on: dt.date,
    left_to_pay_cents: int | None,
    answers: Mapping[str, Answer],
) -> Screening:
    """Record a screening of the household's barriers: every question of the edition's sheet is
    kept with its wording, ticked or not, with the professional's note."""
    _require(perms.can_edit_accompaniment(actor), "Votre rôle ne permet pas de remplir le repérage.")
    require_open_file(household)
    edition = project.edition if project is not None else None
    questions = selectors.questions_for(edition)
    known = {q.code for q in questions}
    errors: dict[str, str] = {}
    if phase not in Phase.values:
        errors["phase"] = "Moment du repérage inconnu."
    if screened_on > timezone.localdate():
        errors["screened_on"] = "La date du repérage ne peut pas être dans le futur."
    if left_to_pay_cents is not None and not 0 <= left_to_pay_cents <= MAX_CENTS:
        errors["left_to_pay"] = "Le reste à payer doit être entre 0 et 100 000 €."
    for code in answers:
        if code not in known:
            errors[code] = "Question inconnue pour cette édition."
    notes = {
        q.code: _text(errors, f"note_{q.code}", answers.get(q.code, Answer(False)).note, 300, "La note")
        for q in questions
    }
    if project is not None and project.household_id != household.pk:
        errors["project"] = "Ce projet n'est pas celui de ce foyer."
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        screening = Screening.objects.create(
            household=household,
            project=project,
            phase=phase,
            screened_on=screened_on,
            left_to_pay_cents=left_to_pay_cents,
            organisation=actor.organisation,
            by=actor.user,
        )
        BarrierAnswer.objects.bulk_create(
            BarrierAnswer(
                screening=screening,
                code=q.code,
                category=q.category,
                wording=q.wording,
                present=answers.get(q.code, Answer(False)).present,
                note=notes[q.code],
            )
            for q in questions
        )
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="accompaniment.screening",
            obj=screening,
            changes={
                "household": household.pk,
                "phase": phase,
                "barriers": sorted(c for c, a in answers.items() if a.present),
            },
        )
    return screening


# --- the plan of steps -----------------------------------------------------------------------


def _require_plan_editable(actor: Membership, project: Project) -> None:
    _require(perms.can_edit_accompaniment(actor), "Votre rôle ne permet pas de modifier le plan.")
    require_open_file(project.household)
    if project.status == Status.WITHDRAWN:
        raise DomainError("Ce projet est abandonné : son plan n'est plus modifiable.")


def plan_accept(*, actor: Membership, project: Project, kinds: list[str] | None = None) -> list[Step]:
    """Add the proposed steps (all, or those of ``kinds``) to the project's plan."""
    _require_plan_editable(actor, project)
    with transaction.atomic():
        # one acceptance at a time per project, so a double click adds each step once
        project = Project.objects.select_for_update().select_related("household").get(pk=project.pk)
        proposed = selectors.proposed_steps(project)
        if kinds is not None:
            unknown = sorted(set(kinds) - {p.kind for p in proposed})
            if unknown:
                raise DomainError(
                    "Étape déjà au plan ou non proposée : " + ", ".join(unknown) + ".", field="kinds"
                )
            proposed = [p for p in proposed if p.kind in kinds]
        steps = Step.objects.bulk_create(
            Step(project=project, kind=p.kind, label=p.label, due_on=p.due_on, who=p.who, barrier=p.barrier)
            for p in proposed
        )
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="accompaniment.plan_accept",
            obj=project,
            changes={"steps": [p.kind for p in proposed]},
        )
    return steps


def step_save(
    *,
    actor: Membership,
    project: Project,
    label: str,
    due_on: dt.date | None,
    who: str,
    step: Step | None = None,
) -> Step:
    """Add a step of the referent's own to the plan, or change a step's wording, date or who."""
    _require_plan_editable(actor, project)
    errors: dict[str, str] = {}
    label = _text(errors, "label", label, 200, "L'étape")
    if not label:
        errors["label"] = "Décrivez l'étape."
    if who not in Who.values:
        errors["who"] = "Dites qui fait cette étape."
    if step is not None and step.project_id != project.pk:
        errors["step"] = "Cette étape n'est pas de ce projet."
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        if step is None:
            step = Step.objects.create(project=project, kind="custom", label=label, due_on=due_on, who=who)
            changes: dict[str, Any] = {"label": label, "due_on": due_on, "who": who}
        else:
            before = audit.snapshot(step, ["label", "due_on", "who"])
            step.label, step.due_on, step.who = label, due_on, who
            step.save(update_fields=["label", "due_on", "who"])
            changes = audit.diff(before, audit.snapshot(step, ["label", "due_on", "who"]))
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="accompaniment.step_save",
            obj=step,
            changes=changes,
        )
    return step


def step_done(*, actor: Membership, step: Step, done: bool, on: dt.date | None = None) -> Step:
    """Mark a step done (today, or ``on``) or not done again."""
    _require_plan_editable(actor, step.project)
    on = on or timezone.localdate()
    if done and on > timezone.localdate():
        raise DomainError("Une étape ne peut pas être faite dans le futur.", field="done_on")
    with transaction.atomic():
        step = Step.objects.select_for_update().get(pk=step.pk)
        was = step.done_on
        step.done_on = on if done else None
        if was != step.done_on:
            step.save(update_fields=["done_on"])
            audit.record(
                actor=actor.user,
                organisation=actor.organisation,
                action="accompaniment.step_done",
                obj=step,
                changes={"done_on": [was, step.done_on]},
            )
    return step


def transport_errors(project: Project, action: str) -> dict[str, str]:
    """Refuse the validation of a project whose travellers have no means of transport and whose
    plan has no transport step (registered with ``partez.projects.checks``)."""
    if action != "validate" or not selectors.lacks_transport(project):
        return {}
    if Step.objects.filter(project=project, kind=rules.TRANSPORT).exists():
        return {}
    label = rules.rules_on(project.start_date or timezone.localdate()).kinds[rules.TRANSPORT]["label"]
    return {
        "steps": (
            "Le foyer n'a pas de moyen de transport (repérage : pas de voiture ou pas de permis) : ajoutez "
            f"au plan l'étape « {label} » avant de valider."
        )
    }


# --- mobility and debrief --------------------------------------------------------------------


def mobility_save(
    *,
    actor: Membership,
    project: Project,
    mode: str,
    reduced_fares: str = "",
    cost_cents: int = 0,
    note: str = "",
) -> Mobility:
    """How the family travels, the reduced fares it may claim and the trip's cost."""
    _require_plan_editable(actor, project)
    errors: dict[str, str] = {}
    if mode not in Mode.values:
        errors["mode"] = "Choisissez comment la famille voyage."
    reduced_fares = _text(errors, "reduced_fares", reduced_fares, 200, "Les réductions")
    note = _text(errors, "note", note, 300, "Les précisions")
    if not isinstance(cost_cents, int) or not 0 <= cost_cents <= MAX_CENTS:
        errors["cost"] = "Le coût du trajet doit être entre 0 et 100 000 €."
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        mobility, created = Mobility.objects.update_or_create(
            project=project,
            defaults={"mode": mode, "reduced_fares": reduced_fares, "cost_cents": cost_cents, "note": note},
        )
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="accompaniment.mobility",
            obj=mobility,
            changes={"mode": mode, "cost_cents": cost_cents, "created": created},
        )
    return mobility


def debrief_save(
    *,
    actor: Membership,
    project: Project,
    how_it_went: str,
    wish: str,
    what_helped: str = "",
    what_to_change: str = "",
    held_on: dt.date | None = None,
) -> Debrief:
    """The debrief after the stay; its step of the plan is marked done the same day."""
    _require_plan_editable(actor, project)
    held_on = held_on or timezone.localdate()
    errors: dict[str, str] = {}
    if project.status not in (Status.RETURNED, Status.EVALUATED, Status.DEPARTED):
        errors["__all__"] = "Le bilan se fait après le séjour : le projet n'est pas encore parti."
    how_it_went = _text(errors, "how_it_went", how_it_went, 2000, "Le récit")
    if not how_it_went:
        errors["how_it_went"] = "Dites comment le séjour s'est passé."
    what_helped = _text(errors, "what_helped", what_helped, 2000, "Ce qui a aidé")
    what_to_change = _text(errors, "what_to_change", what_to_change, 2000, "Ce qu'il faudrait changer")
    if wish not in Wish.values:
        errors["wish"] = "Dites ce que la famille souhaite pour l'an prochain."
    if held_on > timezone.localdate():
        errors["held_on"] = "La date du bilan ne peut pas être dans le futur."
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        debrief, _ = Debrief.objects.update_or_create(
            project=project,
            defaults={
                "how_it_went": how_it_went,
                "what_helped": what_helped,
                "what_to_change": what_to_change,
                "wish": wish,
                "held_on": held_on,
                "by": actor.user,
            },
        )
        Step.objects.filter(project=project, kind=rules.DEBRIEF, done_on__isnull=True).update(done_on=held_on)
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="accompaniment.debrief",
            obj=debrief,
            changes={"wish": wish},
        )
    return debrief


# --- workshops -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkshopInput:
    theme: str
    title: str
    starts_at: dt.datetime | None
    place: str
    capacity: int | None


def workshop_save(
    *, actor: Membership, edition: Edition, data: WorkshopInput, workshop: Workshop | None = None
) -> Workshop:
    """Create a workshop of the actor's organisation (with its door's roster), or change one; its
    places cannot drop below those already taken."""
    _require(perms.can_manage_workshops(actor), "Votre rôle ne permet pas d'organiser des ateliers.")
    if workshop is not None:
        _require(
            perms.can_manage_workshop(actor, workshop), "Cet atelier est organisé par une autre structure."
        )
    errors: dict[str, str] = {}
    if data.theme not in Theme.values:
        errors["theme"] = "Choisissez le thème de l'atelier."
    title = _text(errors, "title", data.title, 200, "L'intitulé")
    if not title:
        errors["title"] = "Indiquez l'intitulé de l'atelier."
    place = _text(errors, "place", data.place, 200, "Le lieu")
    if not place:
        errors["place"] = "Indiquez le lieu de l'atelier."
    if data.starts_at is None:
        errors["starts_at"] = "Indiquez la date et l'heure de l'atelier."
    if data.capacity is None or not 1 <= data.capacity <= 500:
        errors["capacity"] = "Le nombre de places doit être entre 1 et 500."
    if errors:
        raise DomainError(errors)
    assert data.starts_at is not None and data.capacity is not None
    with transaction.atomic():
        if workshop is None:
            roster = attendance.roster_open(
                actor=actor,
                kind=WORKSHOP_KIND,
                title=title,
                starts_at=data.starts_at,
                organisation=actor.organisation,
                place=place,
            )
            workshop = Workshop.objects.create(
                edition=edition,
                organisation=actor.organisation,
                theme=data.theme,
                title=title,
                starts_at=data.starts_at,
                place=place,
                capacity=data.capacity,
                roster=roster,
            )
            action = "accompaniment.workshop_create"
        else:
            workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
            taken = selectors.taken_seats(workshop)
            if data.capacity < taken:
                raise DomainError(
                    f"{taken} places sont déjà prises : le nombre de places ne peut pas être plus petit.",
                    field="capacity",
                )
            workshop.theme, workshop.title, workshop.starts_at = data.theme, title, data.starts_at
            workshop.place, workshop.capacity = place, data.capacity
            workshop.save(update_fields=["theme", "title", "starts_at", "place", "capacity"])
            if workshop.roster_id:
                Roster.objects.filter(pk=workshop.roster_id).update(
                    title=title, starts_at=data.starts_at, place=place
                )
            _promote(workshop)
            action = "accompaniment.workshop_update"
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action=action,
            obj=workshop,
            changes={"title": title, "capacity": data.capacity, "starts_at": data.starts_at},
        )
    return workshop


def _holder(household: Household) -> str:
    """What the volunteer at the door reads: the head's first name and initial."""
    head = next((p for p in household.persons.all() if p.relation == Relation.HEAD), None)
    if head is None:
        return household.reference
    return f"{head.first_name} {head.last_name[:1]}."


def _issue(workshop: Workshop, registration: Registration) -> None:
    if workshop.roster is not None:
        attendance.ticket_issue(
            roster=workshop.roster, subject=registration.subject, holder=_holder(registration.household)
        )


def _promote(workshop: Workshop) -> list[Registration]:
    """Give the freed places to the waitlist, first come first served (under the workshop's lock)."""
    free = workshop.capacity - selectors.taken_seats(workshop)
    promoted = []
    for r in Registration.objects.filter(workshop=workshop, status=RegistrationStatus.WAITLISTED).order_by(
        "created_at", "pk"
    ):
        if r.seats > free:
            break  # the waitlist's order is kept: nobody jumps the queue with fewer seats
        r.status = RegistrationStatus.REGISTERED
        r.save(update_fields=["status"])
        _issue(workshop, r)
        free -= r.seats
        promoted.append(r)
    return promoted


def workshop_register(
    *,
    actor: Membership,
    workshop: Workshop,
    household: Household,
    project: Project | None = None,
    seats: int = 1,
) -> Registration:
    """A household's place at the workshop, or its turn on the waitlist when the places are taken.
    The workshop's row is locked while the places are counted, so two registrations for the last
    place cannot both get it."""
    _require(perms.can_register_household(actor), "Votre rôle ne permet pas d'inscrire un foyer.")
    require_open_file(household)
    errors: dict[str, str] = {}
    if not isinstance(seats, int) or not 1 <= seats <= MAX_SEATS:
        errors["seats"] = f"Le nombre de places doit être entre 1 et {MAX_SEATS}."
    if project is not None and project.household_id != household.pk:
        errors["project"] = "Ce projet n'est pas celui de ce foyer."
    if workshop.starts_at < timezone.now():
        errors["workshop"] = "Cet atelier a déjà eu lieu."
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        workshop = (
            Workshop.objects.select_for_update(of=("self",)).select_related("roster").get(pk=workshop.pk)
        )
        live = Registration.objects.filter(workshop=workshop, household=household).exclude(
            status=RegistrationStatus.CANCELLED
        )
        if live.exists():
            raise DomainError(
                "Ce foyer est déjà inscrit à cet atelier (ou sur sa liste d'attente).", field="household"
            )
        full = selectors.taken_seats(workshop) + seats > workshop.capacity
        waiting = Registration.objects.filter(
            workshop=workshop, status=RegistrationStatus.WAITLISTED
        ).exists()
        status = RegistrationStatus.WAITLISTED if full or waiting else RegistrationStatus.REGISTERED
        registration = Registration.objects.create(
            workshop=workshop, household=household, project=project, status=status, seats=seats
        )
        if status == RegistrationStatus.REGISTERED:
            _issue(workshop, registration)
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="accompaniment.workshop_register",
            obj=registration,
            changes={"workshop": workshop.pk, "household": household.pk, "status": status, "seats": seats},
        )
    return registration


def registration_cancel(*, actor: Membership, registration: Registration) -> Registration:
    """Cancel a household's place (or its turn on the waitlist); the place goes to the waitlist."""
    _require(perms.can_register_household(actor), "Votre rôle ne permet pas d'annuler une inscription.")
    with transaction.atomic():
        workshop = (
            Workshop.objects.select_for_update(of=("self",))
            .select_related("roster")
            .get(pk=registration.workshop_id)
        )
        registration = Registration.objects.select_related("household").get(pk=registration.pk)
        if registration.status == RegistrationStatus.CANCELLED:
            return registration
        if registration.attended_at is not None:
            raise DomainError("Ce foyer a déjà été pointé présent : l'inscription ne peut plus être annulée.")
        was = registration.status
        registration.status = RegistrationStatus.CANCELLED
        registration.save(update_fields=["status"])
        ticket = (
            Ticket.objects.filter(roster=workshop.roster, subject=registration.subject).first()
            if workshop.roster is not None
            else None
        )
        if ticket is not None:
            attendance.ticket_revoke(ticket=ticket)
        promoted = _promote(workshop)
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="accompaniment.registration_cancel",
            obj=registration,
            changes={"status": [was, registration.status], "promoted": [r.pk for r in promoted]},
        )
    return registration


def workshop_checked_in(ticket: Ticket, attendance_row: Attendance) -> None:
    """The door's hook (``partez.attendance.registry``): the registration is marked present."""
    if not ticket.subject.startswith(SUBJECT):
        return
    Registration.objects.filter(
        pk=int(ticket.subject.removeprefix(SUBJECT)), attended_at__isnull=True
    ).update(attended_at=attendance_row.at or timezone.now())


def workshop_report(*, actor: Membership, workshop: Workshop, covered: str) -> Workshop:
    """What the workshop covered; written in the journal of each project of a family present."""
    _require(perms.can_manage_workshop(actor, workshop), "Cet atelier est organisé par une autre structure.")
    errors: dict[str, str] = {}
    covered = _text(errors, "covered", covered, 2000, "Le compte rendu")
    if not covered:
        errors["covered"] = "Dites ce que l'atelier a abordé."
    if workshop.starts_at > timezone.now():
        errors["__all__"] = "L'atelier n'a pas encore eu lieu."
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
        first = not workshop.covered
        workshop.covered = covered
        workshop.save(update_fields=["covered"])
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="accompaniment.workshop_report",
            obj=workshop,
        )
        if first:  # the journal says it once; a corrected report stays on the workshop
            present = Registration.objects.filter(
                workshop=workshop,
                attended_at__isnull=False,
                project__isnull=False,
                project__status__in=EDITABLE | {Status.DEPARTED, Status.RETURNED},
            ).select_related("project__household")
            for r in present:
                assert r.project is not None
                project_services.journal_add(
                    actor=actor,
                    project=r.project,
                    text=f"Atelier « {workshop.title} » du {timezone.localtime(workshop.starts_at):%d/%m/%Y} : {covered}",
                )
    return workshop


# --- the screening's questions (coordination) ------------------------------------------------


@dataclass(frozen=True)
class QuestionInput:
    code: str
    category: str
    wording: str
    is_active: bool = True


def questions_save(
    *, actor: Membership, edition: Edition, questions: list[QuestionInput]
) -> list[ScreeningQuestion]:
    """The edition's screening sheet: each question's wording, family of barrier, asked or not."""
    _require(perms.can_edit_questions(actor), "Seule la coordination modifie les questions du repérage.")
    errors: dict[str, str] = {}
    codes = [q.code for q in questions]
    if len(set(codes)) != len(codes):
        errors["code"] = "Deux questions ont le même code."
    for i, q in enumerate(questions):
        if not q.code or not q.code.replace("_", "").isalnum() or len(q.code) > 40:
            errors[f"questions[{i}].code"] = "Code : lettres, chiffres et _ (40 au plus)."
        if q.category not in Category.values:
            errors[f"questions[{i}].category"] = "Famille de freins inconnue."
        wording = _text(errors, f"questions[{i}].wording", q.wording, 200, "La question")
        if not wording:
            errors[f"questions[{i}].wording"] = "Écrivez la question."
    if not any(q.is_active for q in questions):
        errors["__all__"] = "Le repérage doit poser au moins une question."
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        ScreeningQuestion.objects.filter(edition=edition).delete()
        rows = ScreeningQuestion.objects.bulk_create(
            ScreeningQuestion(
                edition=edition,
                code=q.code,
                category=q.category,
                wording=q.wording.strip(),
                order=i,
                is_active=q.is_active,
            )
            for i, q in enumerate(questions)
        )
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="accompaniment.questions",
            obj=edition,
            changes={"questions": [q.code for q in questions if q.is_active]},
        )
    return rows
