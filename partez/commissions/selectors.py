"""Reads of the commission: which projects a commission decides on, the screen's rows (a fixed
number of queries whatever the number of projects), its sessions and their decisions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from partez.core.text import normalise
from partez.funding.models import Envelope, EnvelopeQuota, FinancingPlan, PlanLine
from partez.households.models import Person, Relation
from partez.households.naming import household_name
from partez.organisations import perms
from partez.organisations.models import Membership
from partez.organisations.selectors import commune_scope, own_commune_id
from partez.projects.checks import documents_for_schemes
from partez.projects.models import DEFAULT_CHECKLIST, ChecklistItem, Project, ProjectFormat, ProjectStatus
from partez.projects.selectors import project_scope
from partez.schemes import selectors as scheme_selectors
from partez.territory.models import Commune, Edition

from .models import CommissionDecision, CommissionSession
from .perms import can_run_commission

# the statuses the screen lists: what is to decide, and what the commissions decided
STATUSES = [
    (ProjectStatus.SUBMITTED.value, "À décider (déposés)"),
    (ProjectStatus.VALIDATED.value, "Validés"),
    (ProjectStatus.REFUSED.value, "Refusés"),
]
SORTS = {
    "name": ("Nom de la famille", lambda r: (normalise(r.name), r.project.pk)),
    "commune": ("Commune", lambda r: (normalise(r.commune), normalise(r.name), r.project.pk)),
    "qf": ("Quotient familial", lambda r: (r.qf_cents is None, r.qf_cents or 0, r.project.pk)),
    "start": ("Date de départ", lambda r: (r.project.start_date or dt.date.max, r.project.pk)),
    "remaining": (
        "Reste à charge",
        lambda r: (r.remaining_cents is None, r.remaining_cents or 0, r.project.pk),
    ),
    "missing": ("Pièces manquantes", lambda r: (-len(r.missing), normalise(r.name), r.project.pk)),
}
EnvelopeKey = int | tuple[str, int]  # an envelope's id, or its (funder slug, scheme id)
MISSING = [("incomplete", "Avec pièces manquantes"), ("complete", "Dossier complet")]


def commission_projects(m: Membership | None) -> QuerySet[Project]:
    """The projects ``m``'s commission decides on: those it sees (``project_scope``) of the
    households living in its communes (every commune for the coordination, its own for a
    commune's commission); none for a role that does not decide."""
    if not can_run_commission(m):
        return Project.objects.none()
    return Project.objects.filter(project_scope(m), household__commune__in=commune_scope(m))


def session_commune_id(m: Membership) -> int | None:
    """The commune of the sessions ``m`` holds: its own for a commune, None for the coordination."""
    return None if perms.sees_whole_territory(m) else own_commune_id(m)


def sessions_for(m: Membership | None) -> QuerySet[CommissionSession]:
    """The sessions ``m`` may read (and their minutes): its organisation's, and every commune's
    for the coordination (anything else is a 404)."""
    if m is None or not can_run_commission(m):
        return CommissionSession.objects.none()
    if perms.sees_whole_territory(m):
        return CommissionSession.objects.all()
    return own_sessions(m)


def own_sessions(m: Membership | None) -> QuerySet[CommissionSession]:
    """The sessions ``m``'s commission holds, decides in and closes: its organisation's."""
    if m is None or not can_run_commission(m):
        return CommissionSession.objects.none()
    return CommissionSession.objects.filter(organisation=m.organisation)


def open_session(m: Membership) -> CommissionSession | None:
    return own_sessions(m).filter(closed_at__isnull=True).select_related("commune").first()


def recent_sessions(m: Membership, limit: int = 10) -> list[CommissionSession]:
    """The last sessions ``m`` may read (the coordination sees the communes' too)."""
    return list(
        sessions_for(m)
        .select_related("commune")
        .defer("commune__geometry")
        .annotate(n_decisions=Count("decisions"))
        .order_by("-held_on", "-id")[:limit]
    )


def session_decisions(session: CommissionSession) -> list[CommissionDecision]:
    """The session's decisions in the order taken, with each family's name (three queries)."""
    heads = Prefetch("project__household__persons", queryset=Person.objects.filter(relation=Relation.HEAD))
    return list(
        session.decisions.select_related("project__household__commune", "decided_by")
        .defer("project__household__commune__geometry")
        .prefetch_related(heads)
        .order_by("decided_at", "id")
    )


# --- the screen's rows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Draw:
    """What a project's plan line would take from an envelope, and what remains in it now (in the
    commune's quota when the envelope has quotas)."""

    label: str
    funder: str
    cents: int
    envelope_id: int | None
    available_cents: int | None  # None: no envelope for this aid in the edition
    quota_label: str = ""
    other_edition: bool = False  # chosen on another edition's envelope: the validation will refuse it


@dataclass
class Row:
    project: Project
    name: str
    commune: str
    qf_cents: int | None
    format_label: str
    travellers: int
    plan: FinancingPlan | None
    cost_cents: int | None
    aid_cents: int | None
    remaining_cents: int | None
    draws: list[Draw]
    missing: list[str]

    @property
    def qf_euros(self) -> int | None:
        return None if self.qf_cents is None else round(self.qf_cents / 100)

    @property
    def outside_cents(self) -> int:
        """The plan's aids drawn on no envelope of the edition (paid by their funder directly)."""
        return sum(d.cents for d in self.draws if d.envelope_id is None and not d.other_edition)

    @property
    def decidable(self) -> bool:
        return self.project.status == ProjectStatus.SUBMITTED


@dataclass
class EnvelopeUse:
    """An envelope the listed projects draw on: what remains and what they ask of it together."""

    envelope: Envelope
    asked_cents: int = 0
    projects: int = 0

    @property
    def after_cents(self) -> int:
        return self.envelope.available_cents - self.asked_cents

    @property
    def shortfall_cents(self) -> int:
        return max(0, -self.after_cents)


@dataclass
class Filters:
    commune: str = ""  # INSEE code
    format: str = ""
    status: str = ProjectStatus.SUBMITTED.value
    missing: str = ""  # "", "incomplete", "complete"
    sort: str = "name"


@dataclass
class Screen:
    rows: list[Row]
    envelopes: list[EnvelopeUse] = field(default_factory=list)


def _draws(plan: FinancingPlan | None, commune_id: int, envelopes: dict[EnvelopeKey, Envelope]) -> list[Draw]:
    """``envelopes``: the edition's, by id and by (funder slug, scheme id) for the lines chosen
    before their envelope was created (the reservation resolves them the same way)."""
    if plan is None:
        return []
    draws = []
    for line in plan.lines.all():
        if line.aid_cents <= 0:
            continue
        key: EnvelopeKey = (
            line.envelope_id if line.envelope_id is not None else (line.funder_slug, line.scheme_id)
        )
        envelope = envelopes.get(key)
        if envelope is None:
            other = line.envelope_id is not None
            draws.append(Draw(line.scheme.name, line.funder, line.aid_cents, None, None, other_edition=other))
            continue
        available, quota_label = envelope.available_cents, ""
        quotas = list(envelope.quotas.all())
        if quotas:
            quota = next((q for q in quotas if q.commune_id == commune_id), None)
            available = 0 if quota is None else min(quota.available_cents, available)
            quota_label = "aucun quota pour la commune" if quota is None else "quota de la commune"
        draws.append(
            Draw(envelope.label, envelope.funder.name, line.aid_cents, envelope.pk, available, quota_label)
        )
    return draws


def commission_communes(m: Membership, edition: Edition) -> list[Commune]:
    """The communes the screen filters on: the edition's within the commission's scope."""
    return list(
        commune_scope(m).filter(Q(editions=edition) | Q(pk=own_commune_id(m))).distinct().order_by("name")
    )


def screen(m: Membership, edition: Edition, filters: Filters) -> Screen:
    """The commission's rows for ``edition`` under ``filters``, sorted; eight queries whatever the
    number of projects (projects, heads, checklists, plans, their lines, envelopes, quotas,
    scheme definitions)."""
    qs = commission_projects(m).filter(edition=edition, status=filters.status)
    if filters.commune:
        qs = qs.filter(household__commune__insee_code=filters.commune)
    if filters.format:
        qs = qs.filter(format=filters.format)
    lines = PlanLine.objects.select_related("scheme").order_by("order", "id")
    plans = FinancingPlan.objects.filter(is_current=True).prefetch_related(Prefetch("lines", queryset=lines))
    projects = list(
        qs.select_related("household__commune")
        .defer("household__commune__geometry")
        .annotate(n_travellers=Count("travellers", distinct=True))
        .prefetch_related(
            Prefetch(
                "household__persons",
                queryset=Person.objects.filter(relation=Relation.HEAD).only(
                    "household_id", "first_name", "last_name", "relation"
                ),
            ),
            Prefetch(
                "checklist",
                queryset=ChecklistItem.objects.filter(received_at__isnull=False).only("project_id", "label"),
                to_attr="received",
            ),
            Prefetch("financing_plans", queryset=plans, to_attr="current_plans"),
        )
        .order_by("pk")
    )
    edition_envelopes = list(
        Envelope.objects.filter(edition=edition)
        .select_related("funder")
        .prefetch_related(Prefetch("quotas", queryset=EnvelopeQuota.objects.order_by("pk")))
    )
    by_id = {e.pk: e for e in edition_envelopes}
    envelopes: dict[EnvelopeKey, Envelope] = {e.pk: e for e in edition_envelopes}
    envelopes |= {(e.funder.slug, e.scheme_id): e for e in edition_envelopes}
    slugs = {line.scheme.slug for p in projects for plan in p.current_plans for line in plan.lines.all()}
    definitions = {
        d.slug: d for d in scheme_selectors.definitions(slugs=sorted(slugs), include_inactive=True)
    }
    formats = dict(ProjectFormat.choices)
    rows = []
    for p in projects:
        plan = p.current_plans[0] if p.current_plans else None
        received = {item.label for item in p.received}
        if plan is not None and p.start_date is not None:
            required = documents_for_schemes(
                (line.scheme.slug for line in plan.lines.all()), p.start_date, definitions
            )
        else:
            required = list(DEFAULT_CHECKLIST)
        household = p.household
        rows.append(
            Row(
                project=p,
                name=household_name(household),
                commune=household.commune.name,
                qf_cents=household.qf_cents,
                format_label=formats.get(p.format, p.format),
                travellers=p.n_travellers,
                plan=plan,
                cost_cents=plan.cost_cents if plan else None,
                aid_cents=plan.total_aid_cents if plan else None,
                remaining_cents=plan.remaining_cents if plan else None,
                draws=_draws(plan, household.commune_id, envelopes),
                missing=[d for d in required if d not in received],
            )
        )
    if filters.missing == "incomplete":
        rows = [r for r in rows if r.missing]
    elif filters.missing == "complete":
        rows = [r for r in rows if not r.missing]
    rows.sort(key=SORTS.get(filters.sort, SORTS["name"])[1])
    uses: dict[int, EnvelopeUse] = {}
    asked: dict[int, set[int]] = defaultdict(set)
    for r in rows:
        for d in r.draws:
            if d.envelope_id is None or not r.decidable:
                continue
            use = uses.setdefault(d.envelope_id, EnvelopeUse(by_id[d.envelope_id]))
            use.asked_cents += d.cents
            asked[d.envelope_id].add(r.project.pk)
    for pk, use in uses.items():
        use.projects = len(asked[pk])
    return Screen(rows, sorted(uses.values(), key=lambda u: u.envelope.label))
