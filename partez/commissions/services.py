"""Writes of the commission: open and close a session, decide on a project, decide on many.

No new path to money: a decision is ``partez.projects.services.project_transition`` (which
re-checks everything a submission needs — travellers, dates within the project's edition, budget,
a chosen plan, the documents its schemes require — and, for a validation, reserves the plan on
its envelopes under row locks, all or nothing), then a :class:`CommissionDecision` recording it
for the minutes, in the same transaction. A batch is one such transaction per project: a project
that fails leaves nothing behind and does not stop the others; the outcome says which passed and
why the others did not."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from partez.core import audit
from partez.core.errors import DomainError, NotAllowed
from partez.core.money import euros
from partez.funding.models import FinancingPlan, PlanLine
from partez.households.naming import household_name
from partez.organisations import perms
from partez.organisations.models import Membership
from partez.projects.models import Project
from partez.projects.services import project_transition
from partez.territory.models import Edition
from partez.territory.selectors import current_edition

from . import selectors
from .models import CommissionDecision, CommissionSession, DecisionKind
from .perms import can_run_commission

MAX_MEMBERS_CHARS = 2000
MAX_BATCH = 100  # one page of the screen: a batch stays one request of a few seconds per ten files


def _require(actor: Membership) -> None:
    if not can_run_commission(actor):
        raise NotAllowed("Seuls les référent·es communaux et la coordination tiennent une commission.")


def session_open(
    *, actor: Membership, held_on: dt.date | None, members: str, edition: Edition | None = None
) -> CommissionSession:
    """Open a session of the actor's commission (its commune's, or the coordination's for the
    whole territory) on ``held_on`` with the members present (one per line). One session at a
    time per organisation: close the previous one first."""
    _require(actor)
    edition = edition or current_edition()
    errors = {}
    if held_on is None:
        errors["held_on"] = "Indiquez la date de la séance."
    names = [line.strip() for line in (members or "").splitlines() if line.strip()]
    if not names:
        errors["members"] = "Indiquez les membres présents (un nom par ligne)."
    elif len(members) > MAX_MEMBERS_CHARS or any(len(n) > 120 for n in names):
        errors["members"] = "La liste des membres est trop longue (120 caractères par nom, 2 000 en tout)."
    if edition is None:
        errors["__all__"] = "Aucune édition n'est ouverte : la coordination doit d'abord créer l'édition."
    commune_id = selectors.session_commune_id(actor)
    if commune_id is None and not perms.sees_whole_territory(actor):
        errors["__all__"] = (
            "Votre organisation n'est rattachée à aucune commune : elle ne tient pas de commission."
        )
    if errors:
        raise DomainError(errors)
    assert edition is not None and held_on is not None
    try:
        with transaction.atomic():
            session = CommissionSession.objects.create(
                edition=edition,
                organisation=actor.organisation,
                commune_id=commune_id,
                held_on=held_on,
                members="\n".join(names),
                created_by=actor.user,
            )
            audit.record(
                actor=actor.user,
                organisation=actor.organisation,
                action="commission.open",
                obj=session,
                changes={"held_on": held_on.isoformat(), "members": names, "edition": edition.year},
            )
    except IntegrityError as exc:
        if "commission_one_open_session" not in str(exc) and "UNIQUE" not in str(exc).upper():
            raise
        raise DomainError(
            "Une séance est déjà en cours pour votre commission : clôturez-la avant d'en ouvrir une autre."
        ) from exc
    return session


def _locked_session(actor: Membership, session: CommissionSession) -> CommissionSession:
    found = selectors.own_sessions(actor).select_for_update().filter(pk=session.pk).first()
    if found is None:
        raise DomainError("Cette séance n'est pas celle de votre commission.", field="session")
    return found


def session_close(*, actor: Membership, session: CommissionSession) -> CommissionSession:
    """Close a session: no decision is added to it afterwards; its minutes are final."""
    _require(actor)
    with transaction.atomic():
        session = _locked_session(actor, session)
        if not session.is_open:
            raise DomainError("Cette séance est déjà close.")
        session.closed_at = timezone.now()
        session.closed_by = actor.user
        session.save(update_fields=["closed_at", "closed_by"])
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="commission.close",
            obj=session,
            changes={"decisions": session.decisions.count()},
        )
    return session


def _draws(project: Project) -> tuple[int, int | None, list[dict[str, object]]]:
    """(aid reserved, left to pay, the amount on each envelope) of the project's plan in force."""
    plan = FinancingPlan.objects.filter(project=project, is_current=True).first()
    if plan is None:
        return 0, None, []
    lines = PlanLine.objects.filter(plan=plan, envelope__isnull=False, aid_cents__gt=0).select_related(
        "envelope__funder"
    )
    draws: list[dict[str, object]] = [
        {
            "envelope": line.envelope_id,
            "label": line.envelope.label if line.envelope else "",
            "funder": line.envelope.funder.name if line.envelope else line.funder,
            "cents": line.aid_cents,
        }
        for line in lines.order_by("order", "id")
    ]
    return plan.total_aid_cents, plan.remaining_cents, draws


def decision_take(
    *, actor: Membership, session: CommissionSession, project: Project, kind: str, reason: str = ""
) -> CommissionDecision:
    """Decide on one submitted project in an open session: validate (the plan's aids are reserved
    on their envelopes), refuse, or send it back « à compléter »; the reason (required to refuse or
    to ask for more) is the one the family and the referent see on the project."""
    _require(actor)
    reason = (reason or "").strip()
    errors = {}
    if kind not in DecisionKind.values:
        errors["kind"] = "Choisissez une décision : valider, refuser ou à compléter."
    elif kind != DecisionKind.VALIDATE and not reason:
        errors["reason"] = "Indiquez le motif, que la famille et son référent verront."
    if len(reason) > 300:
        errors["reason"] = "Le motif ne peut pas dépasser 300 caractères."
    if errors:
        raise DomainError(errors)
    with transaction.atomic():
        # lock order: session, then what project_transition locks (project, plan, household,
        # envelopes by id, quotas by id) — so a closing session waits for decisions under way
        session = _locked_session(actor, session)
        if not session.is_open:
            raise DomainError("Cette séance est close : ouvrez une nouvelle séance pour décider.")
        found = selectors.commission_projects(actor).filter(pk=project.pk, edition_id=session.edition_id)
        if session.commune_id is not None:
            found = found.filter(household__commune_id=session.commune_id)
        if not found.exists():
            raise DomainError(
                "Ce projet ne relève pas de cette commission (commune ou édition).", field="project"
            )
        project = project_transition(actor=actor, project=project, action=kind, reason=reason)
        aid, remaining, draws = _draws(project) if kind == DecisionKind.VALIDATE else (0, None, [])
        decision = CommissionDecision.objects.create(
            session=session,
            project=project,
            kind=kind,
            reason=reason[:300],
            aid_cents=aid,
            remaining_cents=remaining,
            draws=draws,
            decided_by=actor.user,
        )
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="commission.decide",
            obj=decision,
            changes={
                "session": session.pk,
                "project": project.pk,
                "kind": kind,
                "aid_cents": aid,
                "reason": reason,
            },
        )
    return decision


@dataclass
class BatchOutcome:
    """What a batch did: the decisions taken, and each project that did not pass with why."""

    kind: str
    passed: list[CommissionDecision] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (« P-… (DUPUIS Marie) », why)

    @property
    def headline(self) -> str:
        """What passed: « 18 projets validés (3 600,00 € engagés sur les enveloppes). »"""
        verb = {"validate": "validé", "refuse": "refusé", "ask_completion": "renvoyé à compléter"}[self.kind]
        n = len(self.passed)
        text = f"{n} projet{'s' if n > 1 else ''} {verb}{'s' if n > 1 else ''}"
        engaged = sum(d.engaged_cents for d in self.passed)
        if self.kind == DecisionKind.VALIDATE and engaged:
            text += f" ({euros(engaged)} engagés sur les enveloppes)"
        return text + "."

    @property
    def summary(self) -> str:
        """The French summary of the whole batch: what passed, then each project that did not."""
        text = self.headline
        if self.failed:
            m = len(self.failed)
            text += (
                f" {m} projet{'s' if m > 1 else ''} non traité{'s' if m > 1 else ''}, rien n'a changé pour "
            )
            text += "eux : " if m > 1 else "lui : "
            text += " ".join(f"{label} : {why}" for label, why in self.failed)
        return text


def decisions_batch(
    *, actor: Membership, session: CommissionSession, project_ids: list[int], kind: str, reason: str = ""
) -> BatchOutcome:
    """The same decision on many projects, each in its own transaction (all or nothing per
    project: its status, its money and its decision record together); the others go on."""
    _require(actor)
    ids = list(dict.fromkeys(project_ids))
    if not ids:
        raise DomainError("Cochez au moins un projet.", field="projects")
    if len(ids) > MAX_BATCH:
        raise DomainError(f"{MAX_BATCH} projets au plus par lot.", field="projects")
    if kind not in DecisionKind.values:
        raise DomainError("Choisissez une décision : valider, refuser ou à compléter.", field="kind")
    if kind != DecisionKind.VALIDATE and not (reason or "").strip():
        raise DomainError("Indiquez le motif, que la famille et son référent verront.", field="reason")
    outcome = BatchOutcome(kind)
    projects = {
        p.pk: p
        for p in selectors.commission_projects(actor)
        .filter(pk__in=ids)
        .select_related("household")
        .prefetch_related("household__persons")
    }
    for pk in ids:
        project = projects.get(pk)
        if project is None:
            outcome.failed.append((f"projet n° {pk}", "introuvable pour votre commission."))
            continue
        label = f"{project.reference} ({household_name(project.household)})"
        try:
            outcome.passed.append(
                decision_take(actor=actor, session=session, project=project, kind=kind, reason=reason)
            )
        except DomainError as exc:
            outcome.failed.append((label, exc.message))
    return outcome
