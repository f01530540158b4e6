"""Reads of the network, in a fixed number of queries per page.

:func:`trained_professionals` is the door other apps' rules use (a Sac Ados relay needs a trained
professional): the active memberships of an organisation whose person was present at a session of
a training with that skill within ``training_validity_years``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from partez.organisations import perms as org_perms
from partez.organisations.models import Membership, Organisation

from . import perms
from .models import (
    Announcement,
    AnnouncementRead,
    Event,
    EventRegistration,
    Profile,
    Registration,
    RegistrationStatus,
    Resource,
    Skill,
    TrainingSession,
    Visibility,
)
from .search import words
from .services import parameter


def _trained_since(on: dt.date | None = None) -> dt.datetime:
    on = on or timezone.localdate()
    years = int(str(parameter("training_validity_years", on)))
    start = (
        on.replace(year=on.year - years)
        if not (on.month == 2 and on.day == 29)
        else on.replace(year=on.year - years, day=28)
    )
    return timezone.make_aware(dt.datetime.combine(start, dt.time.min))


def trained_registrations(skill: str | Skill, on: dt.date | None = None) -> QuerySet[Registration]:
    return Registration.objects.filter(
        session__training__skill=str(skill),
        present_at__isnull=False,
        session__starts_at__gte=_trained_since(on),
    )


def trained_professionals(
    organisation: Organisation, skill: str | Skill, on: dt.date | None = None
) -> QuerySet[Membership]:
    """The active memberships of ``organisation`` whose person is trained in ``skill`` (present at a
    session of a training with that skill, no longer ago than ``training_validity_years``)."""
    trained = trained_registrations(skill, on).filter(user_id=OuterRef("user_id"))
    return (
        Membership.objects.active()
        .filter(organisation=organisation)
        .filter(Exists(trained))
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def latest_training_on(
    organisation: Organisation, skill: str | Skill, on: dt.date | None = None
) -> dt.date | None:
    """The day of the latest still-valid session of ``skill`` one of the organisation's active
    members attended (the Sac Ados rule « the relay has a trained professional » reads it)."""
    members = Membership.objects.active().filter(organisation=organisation).values("user_id")
    last = (
        trained_registrations(skill, on).filter(user_id__in=members).aggregate(last=Max("session__starts_at"))
    )
    return timezone.localdate(last["last"]) if last["last"] else None


def is_trained(organisation: Organisation, skill: str | Skill) -> bool:
    return trained_professionals(organisation, skill).exists()


# --- trainings ---------------------------------------------------------------------------------


def sessions_for(m: Membership | None, *, upcoming: bool | None = None) -> QuerySet[TrainingSession]:
    """Every session of the catalogue (trainings are open to the whole network), with the counts
    of confirmed and waitlisted as annotations."""
    qs = (
        TrainingSession.objects.filter(cancelled_at__isnull=True)
        .select_related("training")
        .annotate(
            confirmed=Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)),
            waitlisted=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)),
        )
        .order_by("starts_at", "pk")
    )
    now = timezone.now()
    if upcoming is True:
        qs = qs.filter(starts_at__gt=now)
    elif upcoming is False:
        qs = qs.filter(starts_at__lte=now).order_by("-starts_at", "-pk")
    return qs


def places_left(session: TrainingSession) -> int:
    confirmed = getattr(session, "confirmed", None)
    if confirmed is None:
        confirmed = session.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    return max(0, session.capacity - int(confirmed))


def registrations_of(m: Membership) -> QuerySet[Registration]:
    """The actor's own registrations (any organisation they worked for)."""
    return Registration.objects.filter(user_id=m.user_id).select_related("session__training")


def registration_for(m: Membership, pk: int) -> Registration | None:
    """A registration ``m`` may act on: its own, or any for the coordination (else None → 404)."""
    qs = Registration.objects.select_related("session__training", "session__roster", "user", "membership")
    if not perms.can_view_registrations(m):
        qs = qs.filter(user_id=m.user_id)
    return qs.filter(pk=pk).first()


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    return Registration.objects.filter(
        session_id=registration.session_id, status=RegistrationStatus.WAITLISTED, pk__lte=registration.pk
    ).count()


def session_registrations(session: TrainingSession) -> list[Registration]:
    return list(
        session.registrations.exclude(status=RegistrationStatus.CANCELLED)
        .select_related("user", "membership__organisation")
        .order_by("status", "pk")
    )


@dataclass(frozen=True)
class TrainedRow:
    organisation: str
    commune: str
    person: str
    skill: str
    last_session: dt.datetime


def trained_overview(skill: str = "") -> list[TrainedRow]:
    """Who is trained, per organisation (the coordination's view), one query."""
    qs = (
        trained_registrations(skill)
        if skill
        else Registration.objects.filter(
            present_at__isnull=False, session__starts_at__gte=_trained_since()
        ).exclude(session__training__skill="")
    )
    qs = qs.select_related("user", "membership__organisation__commune", "session__training").order_by(
        "membership__organisation__name", "user__last_name", "-session__starts_at"
    )
    seen: set[tuple[int, int, str]] = set()
    rows = []
    for r in qs:
        key = (r.membership.organisation_id, r.user_id, r.session.training.skill)
        if key in seen:
            continue
        seen.add(key)
        org = r.membership.organisation
        rows.append(
            TrainedRow(
                organisation=org.name,
                commune=org.commune.name if org.commune else "",
                person=str(r.user),
                skill=Skill(r.session.training.skill).label,
                last_session=r.session.starts_at,
            )
        )
    return rows


# --- events ------------------------------------------------------------------------------------


def events_for(m: Membership | None) -> QuerySet[Event]:
    qs = Event.objects.annotate(
        registered=Count("registrations", filter=Q(registrations__cancelled_at__isnull=True)),
        present=Count("registrations", filter=Q(registrations__present_at__isnull=False)),
    ).order_by("-starts_at", "pk")
    return qs if m is not None else qs.filter(is_public=True)


def event_figures(event: Event) -> dict[str, int]:
    row = EventRegistration.objects.filter(event=event, cancelled_at__isnull=True).aggregate(
        registered=Count("pk"),
        present=Count("pk", filter=Q(present_at__isnull=False)),
        professionals=Count("pk", filter=Q(user__isnull=False)),
    )
    return {k: int(v) for k, v in row.items()}


def own_event_registration(m: Membership, event: Event) -> EventRegistration | None:
    return EventRegistration.objects.filter(event=event, user_id=m.user_id, cancelled_at__isnull=True).first()


# --- the library -------------------------------------------------------------------------------


def resources_for(m: Membership | None, q: str = "", category: str = "") -> QuerySet[Resource]:
    """The resources ``m`` may see (an anonymous visitor: the public ones), searched by ``q``:
    PostgreSQL's full-text search on the folded text (French stemming), or every word contained
    on SQLite. Accents and case never matter (the text and the query are folded alike)."""
    qs = Resource.objects.select_related("current", "published_by", "organisation", "edition", "validated_by")
    if m is None:
        qs = qs.filter(visibility=Visibility.PUBLIC)
    if category:
        qs = qs.filter(category=category)
    terms = words(q)
    if terms:
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchVector

            query = SearchQuery(" ".join(terms), config="french", search_type="plain")
            qs = qs.annotate(_doc=SearchVector("search_text", config="french")).filter(_doc=query)
        else:
            for term in terms:
                qs = qs.filter(search_text__contains=term)
    return qs.order_by("-validated_at", "-published_at", "-pk") if not terms else qs.order_by("title", "pk")


def resource_for(m: Membership | None, pk: int) -> Resource | None:
    return resources_for(m).filter(pk=pk).first()


# --- the directory -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    job_title: str
    role: str
    email: str
    phone: str
    skills: tuple[str, ...]


@dataclass(frozen=True)
class Structure:
    pk: int
    name: str
    kind: str
    commune: str
    people: tuple[Person, ...]
    skills: tuple[str, ...]


def scheme_organisation_ids(scheme_slugs: list[str], edition_id: int | None) -> set[int]:
    """The organisations that *handle* these schemes: they carry a project of the edition whose
    plan in force has a line of one of them. One query."""
    from partez.funding.models import PlanLine

    if not scheme_slugs or edition_id is None:
        return set()
    return set(
        PlanLine.objects.filter(
            scheme__slug__in=scheme_slugs, plan__is_current=True, plan__project__edition_id=edition_id
        )
        .values_list("plan__project__organisation_id", flat=True)
        .distinct()
    )


def _current_edition_id() -> int | None:
    from partez.territory.selectors import current_edition

    edition = current_edition()
    return edition.pk if edition else None


def directory(commune: str = "", skill: str = "", kind: str = "", scheme: str = "") -> list[Structure]:
    """The structures of the network (built from the organisations and memberships, not typed
    again) with the people who chose to appear, their chosen contact and their trained skills.
    ``skill`` keeps the structures with a person trained in it, ``scheme`` those that handle it
    (:func:`scheme_organisation_ids`). Four queries at most."""
    orgs = Organisation.objects.filter(is_active=True).select_related("commune").defer("commune__geometry")
    if commune:
        orgs = orgs.filter(commune__insee_code=commune)
    if kind:
        orgs = orgs.filter(kind=kind)
    if scheme:
        orgs = orgs.filter(pk__in=scheme_organisation_ids([scheme], _current_edition_id()))
    listed = (
        Membership.objects.active()
        .filter(user__network_profile__listed=True)
        .select_related("user__network_profile")
        .order_by("user__last_name", "user__first_name")
    )
    orgs = orgs.prefetch_related(Prefetch("memberships", queryset=listed, to_attr="listed"))
    trained: dict[tuple[int, int], set[str]] = {}
    for org_id, user_id, s in (
        Registration.objects.filter(present_at__isnull=False, session__starts_at__gte=_trained_since())
        .exclude(session__training__skill="")
        .values_list("membership__organisation_id", "user_id", "session__training__skill")
    ):
        trained.setdefault((org_id, user_id), set()).add(s)
    org_skills: dict[int, set[str]] = {}
    for (org_id, _), skills in trained.items():
        org_skills.setdefault(org_id, set()).update(skills)
    out = []
    for org in orgs.order_by("commune__name", "name"):
        skills = org_skills.get(org.pk, set())
        if skill and skill not in skills:
            continue
        people = []
        for ms in getattr(org, "listed", []):
            profile: Profile = ms.user.network_profile
            people.append(
                Person(
                    name=str(ms.user),
                    job_title=profile.job_title,
                    role=ms.get_role_display(),
                    email=ms.user.email if profile.show_email else "",
                    phone=ms.user.phone if profile.show_phone else "",
                    skills=tuple(Skill(s).label for s in sorted(trained.get((org.pk, ms.user_id), set()))),
                )
            )
        out.append(
            Structure(
                pk=org.pk,
                name=org.name,
                kind=org.get_kind_display(),
                commune=org.commune.name if org.commune else "",
                people=tuple(people),
                skills=tuple(Skill(s).label for s in sorted(skills)),
            )
        )
    return out


def profile_of(m: Membership) -> Profile:
    """The person's choices as stored, or the defaults (unlisted, weekly digest) not yet saved."""
    return Profile.objects.filter(user_id=m.user_id).first() or Profile(user=m.user)


# --- announcements -----------------------------------------------------------------------------


def announcements_for(m: Membership) -> list[Announcement]:
    """The latest announcements sent to ``m``'s segment, each with ``is_read``; one query. The
    segment (roles, communes) is read here rather than in SQL: JSON containment differs between
    PostgreSQL and SQLite, and a year's announcements are a few dozen."""
    qs = Announcement.objects.select_related("posted_by").annotate(
        is_read=Exists(AnnouncementRead.objects.filter(announcement=OuterRef("pk"), user_id=m.user_id))
    )
    items = list(qs[:300])
    slugs = sorted({slug for a in items for slug in a.schemes})
    handled = scheme_organisation_ids(slugs, _current_edition_id()) if slugs else set()
    return [a for a in items if reaches(a, m, handled)]


def reaches(announcement: Announcement, m: Membership, handled: set[int] | None = None) -> bool:
    """Whether ``announcement`` is for ``m``: its roles, its communes, and the organisations
    that handle its schemes (``handled``: their ids, computed once by the caller)."""
    if org_perms.sees_whole_territory(m):
        return True
    if announcement.roles and m.role not in announcement.roles:
        return False
    commune = m.organisation.commune.insee_code if m.organisation.commune else None
    if announcement.communes and commune not in announcement.communes:
        return False
    if announcement.schemes:
        if handled is None:
            handled = scheme_organisation_ids(list(announcement.schemes), _current_edition_id())
        return m.organisation_id in handled
    return True


def announcement_for(m: Membership, pk: int) -> Announcement | None:
    announcement = Announcement.objects.filter(pk=pk).first()
    return announcement if announcement is not None and reaches(announcement, m) else None


def unread_count(m: Membership) -> int:
    return sum(1 for a in announcements_for(m) if not getattr(a, "is_read", False))


# --- practice sheets drawn from the year's projects ----------------------------------------------


@dataclass(frozen=True)
class PracticeRow:
    destination: str
    department: str
    projects: int
    travellers_median: int
    nights_median: int
    budget_median_cents: int
    per_person_night_cents: int
    by_kind_median_cents: dict[str, int]


def _median(values: list[int]) -> int:
    ordered = sorted(values)
    n = len(ordered)
    if not n:
        return 0
    return ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) // 2


def practice_rows(edition_id: int) -> list[PracticeRow]:
    """The destinations that worked for large families this edition (projects that left), with
    their medians; only destinations with enough departures that no family can be recognised
    (``practice_sheet`` parameter). Two queries, whatever the number of projects."""
    from partez.projects.models import BudgetLine, Project, ProjectStatus

    rule = parameter("practice_sheet")
    assert isinstance(rule, dict)
    gone = [ProjectStatus.DEPARTED, ProjectStatus.RETURNED, ProjectStatus.EVALUATED]
    projects = list(
        Project.objects.filter(edition_id=edition_id, status__in=gone)
        .exclude(destination="")
        .annotate(size=Count("household__persons", distinct=True))
        .filter(size__gte=int(rule["persons"]))
        .values_list("pk", "destination", "destination_department", "size", "start_date", "end_date")
    )
    lines: dict[int, dict[str, int]] = {}
    for project_id, kind, amount in BudgetLine.objects.filter(
        project_id__in=[p[0] for p in projects]
    ).values_list("project_id", "kind", "amount_cents"):
        lines.setdefault(project_id, {}).setdefault(kind, 0)
        lines[project_id][kind] += amount
    groups: dict[tuple[str, str], list[tuple[int, int, int, dict[str, int]]]] = {}
    for pk, destination, department, size, start, end in projects:
        nights = (end - start).days if start and end else 0
        groups.setdefault((destination.strip(), department), []).append((size, nights, pk, lines.get(pk, {})))
    rows = []
    for (destination, department), items in sorted(groups.items()):
        if len(items) < int(rule["min_projects"]):
            continue
        totals = [sum(b.values()) for *_, b in items]
        per_pn = [sum(b.values()) // max(1, size * nights) for size, nights, _, b in items if nights]
        kinds = sorted({k for *_, b in items for k in b})
        rows.append(
            PracticeRow(
                destination=destination,
                department=department,
                projects=len(items),
                travellers_median=_median([i[0] for i in items]),
                nights_median=_median([i[1] for i in items]),
                budget_median_cents=_median(totals),
                per_person_night_cents=_median(per_pn),
                by_kind_median_cents={k: _median([b.get(k, 0) for *_, b in items]) for k in kinds},
            )
        )
    return rows


def edition_figures(edition_year: int) -> dict[str, int]:
    """The network's figures for the bilan of an edition (its calendar year): sessions held,
    registrations, professionals present (distinct), events' registrations and attendance."""
    sessions = TrainingSession.objects.filter(
        cancelled_at__isnull=True, starts_at__year=edition_year, starts_at__lte=timezone.now()
    )
    regs = Registration.objects.filter(session__in=sessions).exclude(status=RegistrationStatus.CANCELLED)
    row = regs.aggregate(
        registrations=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        trained=Count("user_id", filter=Q(present_at__isnull=False), distinct=True),
    )
    events = EventRegistration.objects.filter(
        event__starts_at__year=edition_year, cancelled_at__isnull=True
    ).aggregate(registered=Count("pk"), present=Count("pk", filter=Q(present_at__isnull=False)))
    return {
        "sessions": sessions.count(),
        "registrations": int(row["registrations"]),
        "trained": int(row["trained"]),
        "event_registered": int(events["registered"]),
        "event_present": int(events["present"]),
    }
