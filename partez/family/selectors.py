"""Reads of the families' space. A family's scope is one household: every query here starts
from the access's household, so another household's project, document or proposal is a 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Case, Count, Q, QuerySet, When
from django.utils import timezone

from partez.cheques.selectors import granted_cheques_cents
from partez.fete.models import Invitation, Stand
from partez.funding.models import FinancingPlan
from partez.households.models import ConsentScope
from partez.households.selectors import consent_given
from partez.projects.models import ChecklistItem, JournalEntry, JournalKind, Project
from partez.projects.workflow import Status

from . import plain
from .models import Answer, FamilyAccess, FamilyDocument, Moderation, NameShown, Proposal, Story

SESSION_KEY = "family_access"


def live_access(pk: int | None) -> FamilyAccess | None:
    """The access a family session holds, if it still opens the space: not withdrawn, not
    expired, the household not anonymised and its « espace famille » consent active (one query,
    on every request: withdrawing the access or the consent ends the session at once)."""
    if not pk:
        return None
    return (
        FamilyAccess.objects.select_related("household", "person", "created_by", "organisation")
        .filter(
            pk=pk,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            household__anonymised_at__isnull=True,
        )
        .filter(consent_given(ConsentScope.FAMILY_SPACE, ref="household_id"))
        .first()
    )


def family_projects(access: FamilyAccess) -> QuerySet[Project]:
    return Project.objects.filter(household_id=access.household_id).select_related("edition", "organisation")


def current_project(access: FamilyAccess) -> Project | None:
    """The household's project of the latest edition (its most recent one), withdrawn ones last."""
    return (
        family_projects(access)
        .annotate(stopped=Q(status=Status.WITHDRAWN))
        .order_by("stopped", "-edition__year", "-created_at")
        .first()
    )


def documents(access: FamilyAccess) -> QuerySet[FamilyDocument]:
    return FamilyDocument.objects.filter(household_id=access.household_id)


def proposals(access: FamilyAccess) -> QuerySet[Proposal]:
    return Proposal.objects.filter(project__household_id=access.household_id).select_related("project")


def checklist(project: Project) -> list[ChecklistItem]:
    """The checklist with how many documents the family sent for each item (one query)."""
    return list(ChecklistItem.objects.filter(project=project).annotate(sent=Count("family_documents")))


@dataclass(frozen=True)
class Contact:
    name: str
    organisation: str
    phone: str


def contact(access: FamilyAccess) -> Contact:
    """Who to call: the professional who gave the access, their structure and the number they
    wrote down for the family."""
    user = access.created_by
    if user is None:  # an access given by the operations: the structure only
        return Contact("votre référent", access.organisation.name, access.contact_phone)
    first, last = user.first_name, user.last_name
    name = f"{first} {last[:1]}." if first and last else (first or user.get_username())
    return Contact(name, access.organisation.name, access.contact_phone or user.phone)


def appointments(project: Project) -> QuerySet[JournalEntry]:
    """The project's appointments to come (the journal's notes stay the professionals')."""
    return JournalEntry.objects.filter(
        project=project, kind=JournalKind.APPOINTMENT, happens_at__gte=timezone.now() - dt.timedelta(hours=2)
    ).order_by("happens_at")


def budget(project: Project) -> plain.Budget | None:
    """The plan in force's figures in plain words; None before a plan is chosen."""
    plan = FinancingPlan.objects.filter(project=project, is_current=True).first()
    if plan is None:
        return None
    cheques = granted_cheques_cents(project.edition, [project.household_id]).get(project.household_id, 0)
    return plain.budget(
        cost_cents=plan.cost_cents,
        aid_cents=plan.total_aid_cents,
        cheques_cents=cheques,
        today=timezone.localdate(),
        departure=project.start_date,
    )


def invitation(access: FamilyAccess) -> tuple[Invitation, Stand | None] | None:
    """The household's invitation to the latest Fête, with its commune's stand."""
    inv = (
        Invitation.objects.filter(household_id=access.household_id)
        .select_related("fete__edition", "slot", "commune")
        .defer("commune__geometry")
        .order_by("-fete__date")
        .first()
    )
    if inv is None:
        return None
    return inv, Stand.objects.filter(fete_id=inv.fete_id, commune_id=inv.commune_id).first()


def story(project: Project) -> Story | None:
    return Story.objects.filter(project=project).prefetch_related("photos").first()


# --- the next step ------------------------------------------------------------------------------
# A seam for other apps: the accompaniment (partez.accompaniment, issue 20) can register a
# provider that returns the next step of its own plan for a project; the first provider that
# answers wins, else the step comes from the project's status and checklist (plain.next_step).

NextStepProvider = Callable[[Project], "plain.NextStep | None"]
NEXT_STEP_PROVIDERS: list[NextStepProvider] = []


def register_next_step(provider: NextStepProvider) -> None:
    if provider not in NEXT_STEP_PROVIDERS:
        NEXT_STEP_PROVIDERS.append(provider)


def next_step(project: Project, items: list[ChecklistItem], access: FamilyAccess) -> plain.NextStep:
    for provider in NEXT_STEP_PROVIDERS:
        step = provider(project)
        if step is not None:
            return step
    open_proposals = proposals(access).filter(answer=Answer.NONE, answer_by__gte=timezone.localdate()).count()
    has_cheques = bool(
        project.status == Status.AID_GRANTED
        and granted_cheques_cents(project.edition, [project.household_id]).get(project.household_id)
    )
    facts = plain.ProjectFacts(
        status=project.status,
        missing_documents=len([i for i in items if i.received_at is None and not getattr(i, "sent", 0)]),
        open_proposals=open_proposals,
        has_cheques=has_cheques,
        has_story=Story.objects.filter(project=project).exists(),
    )
    return plain.next_step(facts)


# --- stories: the coordination's reading, the public testimonies ---------------------------------


def stories_to_read() -> QuerySet[Story]:
    """Every story whose family agreed to publish it, the ones to read first."""
    return (
        Story.objects.filter(share_agreed_at__isnull=False, share_withdrawn_at__isnull=True)
        .select_related("project__household__commune", "project__edition")
        .defer("project__household__commune__geometry")
        .prefetch_related("photos")
        .annotate(first=Case(When(moderation=Moderation.PENDING, then=0), default=1))
        .order_by("first", "-updated_at")
    )


def published_stories(year: int | None = None) -> QuerySet[Story]:
    """The testimonies: read and approved by the coordination, while the family still agrees."""
    stories = Story.objects.filter(
        moderation=Moderation.APPROVED, share_agreed_at__isnull=False, share_withdrawn_at__isnull=True
    )
    if year is not None:
        stories = stories.filter(project__edition__year=year)
    return stories.select_related("project__household", "project__edition").prefetch_related(
        "photos", "project__household__persons"
    )


def shown_name(story: Story) -> str:
    """The first name of the household's head when the family chose it, else nothing."""
    if story.name_shown != NameShown.FIRST_NAME:
        return ""
    head = story.project.household.head
    return head.first_name if head else ""
