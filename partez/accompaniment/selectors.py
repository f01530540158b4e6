"""Reads of the accompaniment: the screening's questions, a household's barriers at a glance,
the plan proposed and in force, the next step (for the project page, the dashboard and the
families' space), the workshops, and the bilan's figures (barriers lifted, attendance, autonomy).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.formats import date_format

from partez.funding.models import PlanLine
from partez.households.models import Household, PastDeparture
from partez.organisations import perms
from partez.organisations.models import Membership
from partez.projects.models import Project, ProjectFormat
from partez.projects.workflow import Status
from partez.reports import stats
from partez.reports.selectors import BilanScope
from partez.territory.models import Edition

from . import autonomy, rules
from .models import (
    BarrierAnswer,
    Category,
    Mobility,
    Phase,
    Registration,
    RegistrationStatus,
    Screening,
    ScreeningQuestion,
    Step,
    Workshop,
)

QUESTIONS = Path(__file__).with_name("questions.yaml")
LEFT = [Status.DEPARTED, Status.RETURNED, Status.EVALUATED]
SOONEST = (F("due_on").asc(nulls_last=True), "pk")
ACTIVE = [
    Status.DRAFT,
    Status.SUBMITTED,
    Status.VALIDATED,
    Status.AID_GRANTED,
    Status.DEPARTED,
    Status.RETURNED,
]


@dataclass(frozen=True)
class Question:
    code: str
    category: str
    wording: str
    order: int

    @property
    def category_label(self) -> str:
        return str(Category(self.category).label)


@cache
def default_questions() -> tuple[Question, ...]:
    raw = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    return tuple(
        Question(code=q["code"], category=q["category"], wording=q["wording"], order=i)
        for i, q in enumerate(raw)
    )


def questions_for(edition: Edition | None) -> list[Question]:
    """The edition's screening questions (its own, or the defaults when it has none)."""
    if edition is not None:
        own = ScreeningQuestion.objects.filter(edition=edition).order_by("order", "pk")
        rows = list(own)
        if rows:
            return [Question(q.code, q.category, q.wording, q.order) for q in rows if q.is_active]
    return list(default_questions())


def has_own_questions(edition: Edition) -> bool:
    return ScreeningQuestion.objects.filter(edition=edition).exists()


# --- screenings and barriers -----------------------------------------------------------------


def screenings_of(household: Household) -> list[Screening]:
    """The household's screenings, newest first, with their answers (two queries)."""
    return list(
        Screening.objects.filter(household=household)
        .select_related("by", "organisation")
        .prefetch_related(Prefetch("answers", queryset=BarrierAnswer.objects.order_by("pk")))
        .order_by("-screened_on", "-pk")
    )


@dataclass
class Barriers:
    """A household's barriers at a glance: the latest first screening, the latest one after
    return, what was there at first and what has been lifted since."""

    first: Screening | None = None
    after: Screening | None = None
    present: list[BarrierAnswer] = field(default_factory=list)  # of the latest screening
    lifted: list[BarrierAnswer] = field(default_factory=list)  # there at first, gone after return

    @property
    def codes(self) -> set[str]:
        return {a.code for a in self.present}

    @property
    def latest(self) -> Screening | None:
        return self.after or self.first


def barriers_of(household: Household, screenings: list[Screening] | None = None) -> Barriers:
    screenings = screenings_of(household) if screenings is None else screenings
    first = next((s for s in screenings if s.phase == Phase.FIRST), None)
    after = next(
        (
            s
            for s in screenings
            if s.phase == Phase.AFTER and (first is None or s.screened_on >= first.screened_on)
        ),
        None,
    )
    latest = after or first
    present = [a for a in latest.answers.all() if a.present] if latest else []
    lifted: list[BarrierAnswer] = []
    if first is not None and after is not None:
        gone = {a.code for a in after.answers.all() if not a.present}
        lifted = [a for a in first.answers.all() if a.present and a.code in gone]
    return Barriers(first=first, after=after, present=present, lifted=lifted)


def first_barriers(household: Household) -> tuple[set[str], int | None]:
    """The barriers of the latest first screening and its left-to-pay, which the plan is built on."""
    screening = (
        Screening.objects.filter(household=household, phase=Phase.FIRST)
        .order_by("-screened_on", "-pk")
        .first()
    )
    if screening is None:
        return set(), None
    codes = set(screening.answers.filter(present=True).values_list("code", flat=True))
    return codes, screening.left_to_pay_cents


# --- the plan of steps -----------------------------------------------------------------------


def steps_of(project: Project) -> list[Step]:
    today = timezone.localdate()
    steps = list(Step.objects.filter(project=project).order_by("done_on", "due_on", "pk"))
    for s in steps:
        s.late = rules.is_late(s.due_on, s.done_on, today)  # type: ignore[attr-defined]
    # the open steps first, by date (undated last), then those done
    return sorted(
        steps, key=lambda s: (s.done_on is not None, s.due_on is None, s.due_on or dt.date.min, s.pk)
    )


def proposed_steps(project: Project, existing: list[Step] | None = None) -> list[rules.ProposedStep]:
    """What the barriers call for that the plan does not have yet."""
    barriers, left_to_pay = first_barriers(project.household)
    kinds = [s.kind for s in (existing if existing is not None else Step.objects.filter(project=project))]
    return rules.propose(
        rules.rules_on(project.start_date or timezone.localdate()),
        barriers=sorted(barriers),
        left_to_pay_cents=left_to_pay,
        start=project.start_date,
        end=project.end_date,
        existing=kinds,
    )


def _due_text(step: Step) -> str:
    if step.due_on is None:
        return step.label
    return f"{step.label}, d'ici le {date_format(step.due_on, 'j F Y')}"


def next_step(project: Project) -> Step | None:
    return Step.objects.filter(project=project, done_on__isnull=True).order_by(*SOONEST).first()


def next_step_for(household: Household) -> str | None:
    """The family's next step in plain words (« Rendez-vous de préparation du séjour, d'ici le
    3 juin 2026 »), of its projects under way, or None when nothing is planned. For the
    families' own space."""
    step = (
        Step.objects.filter(project__household=household, project__status__in=ACTIVE, done_on__isnull=True)
        .order_by(*SOONEST)
        .first()
    )
    return None if step is None else _due_text(step)


def next_steps(scope: Q, edition: Edition | None, limit: int = 8) -> list[Step]:
    """The open steps of the projects in ``scope`` (a ``project_scope(prefix="project__")``), the
    soonest first (late ones flagged), for the dashboard."""
    steps = Step.objects.filter(done_on__isnull=True, due_on__isnull=False, project__status__in=ACTIVE)
    if edition is not None:
        steps = steps.filter(project__edition=edition)
    rows = list(steps.filter(scope).select_related("project").order_by("due_on", "pk")[:limit])
    today = timezone.localdate()
    for s in rows:
        s.late = rules.is_late(s.due_on, s.done_on, today)  # type: ignore[attr-defined]
    return rows


def mobility_of(project: Project) -> Mobility | None:
    return Mobility.objects.filter(project=project).first()


def lacks_transport(project: Project) -> bool:
    barriers, _ = first_barriers(project.household)
    mobility = mobility_of(project)
    return rules.lacks_transport(barriers, mobility.mode if mobility else None)


# --- workshops -------------------------------------------------------------------------------


def workshops_for(m: Membership | None, edition: Edition | None = None) -> QuerySet[Workshop]:
    """The workshops of the edition a case worker may see (every structure's: their date and
    place are no secret), with their counts of places taken, waitlist and presences."""
    if not perms.can_view_households(m):
        return Workshop.objects.none()
    qs = Workshop.objects.all()
    if edition is not None:
        qs = qs.filter(edition=edition)
    return qs.select_related("organisation").annotate(
        taken=Sum(
            "registrations__seats", filter=Q(registrations__status=RegistrationStatus.REGISTERED), default=0
        ),
        waiting=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)),
        present=Count("registrations", filter=Q(registrations__attended_at__isnull=False)),
    )


def counts_of(workshop: Workshop) -> tuple[int, int, int]:
    """(places taken, waitlisted, present) of a workshop read through :func:`workshops_for`."""
    return (
        int(getattr(workshop, "taken", 0)),
        int(getattr(workshop, "waiting", 0)),
        int(getattr(workshop, "present", 0)),
    )


def registrations_seen(
    m: Membership, workshop: Workshop, households: QuerySet[Household]
) -> list[Registration]:
    """The workshop's live registrations of the households ``m`` sees (``households_for(m)``)."""
    return list(
        Registration.objects.filter(workshop=workshop, household__in=households)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("household", "project")
        .prefetch_related("household__persons")
        .order_by("status", "created_at", "pk")
    )


def taken_seats(workshop: Workshop) -> int:
    row = Registration.objects.filter(workshop=workshop, status=RegistrationStatus.REGISTERED).aggregate(
        n=Sum("seats", default=0)
    )
    return int(row["n"])


def project_registrations(project: Project) -> list[Registration]:
    """The household's live registrations to the workshops of the project's edition."""
    return list(
        Registration.objects.filter(
            household_id=project.household_id, workshop__edition_id=project.edition_id
        )
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("workshop")
        .order_by("workshop__starts_at", "pk")
    )


def accompaniment_of(project: Project) -> dict[str, Any]:
    """The API's view of a project's accompaniment (barriers, steps, workshops)."""
    barriers = barriers_of(project.household)
    return {
        "barriers": [{"kind": a.code, "note": a.note} for a in barriers.present],
        "steps": [
            {"kind": s.kind, "label": s.label, "due_on": s.due_on, "done_on": s.done_on}
            for s in steps_of(project)
        ],
        "workshops": [
            {"id": r.workshop_id, "title": r.workshop.title, "attended": r.attended_at is not None}
            for r in project_registrations(project)
        ],
    }


# --- the bilan -------------------------------------------------------------------------------


@dataclass
class BilanFigures:
    screened: stats.Figure  # households screened in the edition
    screened_twice: stats.Figure  # ... and again after return
    barriers_first: stats.Figure  # barriers at the first screening of those screened twice
    barriers_lifted: stats.Figure
    workshops: int
    registered: stats.Figure
    attended: stats.Figure
    by_commune: stats.Table
    by_format: stats.Table
    previous_year: int


def _in_edition(edition: Edition) -> Q:
    return Q(project__edition=edition) | Q(
        project__isnull=True, screened_on__gte=edition.starts_on, screened_on__lte=edition.ends_on
    )


def _bounded(qs: QuerySet[Any], scope: BilanScope, household: str) -> QuerySet[Any]:
    if scope.commune is not None:
        qs = qs.filter(**{f"{household}__commune": scope.commune})
    return qs


def _departures(edition: Edition, scope: BilanScope, *, funded_only: bool) -> list[autonomy.Departure]:
    projects = _bounded(Project.objects.filter(edition=edition, status__in=LEFT), scope, "household")
    if funded_only and scope.funder is not None:
        paid = PlanLine.objects.filter(plan__is_current=True, envelope__funder=scope.funder)
        projects = projects.filter(pk__in=paid.values("plan__project_id"))
    rows = list(projects.values_list("pk", "household_id", "household__commune__name", "format"))
    aids = dict(
        PlanLine.objects.filter(plan__is_current=True, plan__project__in=projects)
        .values("plan__project_id")
        .annotate(n=Count("pk"))
        .values_list("plan__project_id", "n")
    )
    accompanied = set(Step.objects.filter(project__in=projects).values_list("project_id", flat=True))
    accompanied |= set(
        Registration.objects.filter(project__in=projects, attended_at__isnull=False).values_list(
            "project_id", flat=True
        )
    )
    formats = dict(ProjectFormat.choices)
    return [
        autonomy.Departure(
            household_id=h,
            commune=commune,
            format=str(formats.get(fmt, fmt)),
            aids=aids.get(pk, 0),
            accompanied=pk in accompanied,
        )
        for pk, h, commune, fmt in rows
    ]


def autonomy_results(edition: Edition, scope: BilanScope) -> dict[int, tuple[autonomy.Departure, str]]:
    """The households helped in the edition before ``edition`` and what became of them in it."""
    previous = Edition.objects.filter(year=edition.year - 1).first()
    if previous is None:
        return {}
    before = _departures(previous, scope, funded_only=True)
    after = _departures(edition, scope, funded_only=False)
    helped = {d.household_id for d in before}
    alone = set(
        PastDeparture.objects.filter(
            year=edition.year, project__isnull=True, person__household_id__in=sorted(helped)
        ).values_list("person__household_id", flat=True)
    )
    return autonomy.outcomes(before, after, alone)


def bilan_figures(edition: Edition, scope: BilanScope) -> BilanFigures:
    screenings = _bounded(Screening.objects.filter(_in_edition(edition)), scope, "household")
    paid = PlanLine.objects.filter(plan__is_current=True, envelope__funder=scope.funder)
    if scope.funder is not None:
        screenings = screenings.filter(project_id__in=paid.values("plan__project_id"))
    firsts = dict(
        screenings.filter(phase=Phase.FIRST).order_by("screened_on", "pk").values_list("household_id", "pk")
    )
    afters = dict(
        screenings.filter(phase=Phase.AFTER).order_by("screened_on", "pk").values_list("household_id", "pk")
    )
    twice = sorted(set(firsts) & set(afters))
    answers = BarrierAnswer.objects.filter(
        screening_id__in=[firsts[h] for h in twice] + [afters[h] for h in twice]
    )
    present: dict[int, set[str]] = {}
    for screening_id, code in answers.filter(present=True).values_list("screening_id", "code"):
        present.setdefault(screening_id, set()).add(code)
    at_first = sum(len(present.get(firsts[h], set())) for h in twice)
    lifted = sum(len(present.get(firsts[h], set()) - present.get(afters[h], set())) for h in twice)
    registrations = _bounded(
        Registration.objects.filter(workshop__edition=edition).exclude(status=RegistrationStatus.CANCELLED),
        scope,
        "household",
    )
    if scope.funder is not None:  # the households of the projects its envelopes paid
        registrations = registrations.filter(project_id__in=paid.values("plan__project_id"))
    counts = registrations.aggregate(
        registered=Count("household", distinct=True),
        attended=Count("household", distinct=True, filter=Q(attended_at__isnull=False)),
    )
    results = autonomy_results(edition, scope)
    hide = scope.suppressed

    def figure(value: int) -> stats.Figure:
        return stats.suppress_figure(value) if hide else value

    return BilanFigures(
        screened=figure(len(firsts)),
        screened_twice=figure(len(twice)),
        barriers_first=figure(at_first),
        barriers_lifted=figure(lifted),
        workshops=Workshop.objects.filter(edition=edition).count(),
        registered=figure(int(counts["registered"])),
        attended=figure(int(counts["attended"])),
        by_commune=autonomy.table(results, by="commune", title="Par commune", suppressed=hide),
        by_format=autonomy.table(results, by="format", title="Par format du séjour", suppressed=hide),
        previous_year=edition.year - 1,
    )


def counts() -> dict[str, int]:
    """For ``manage.py summary``."""
    return {"screenings": Screening.objects.count(), "workshops": Workshop.objects.count()}
