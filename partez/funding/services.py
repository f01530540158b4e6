"""Writes on envelopes, commune quotas and financing plans.

How overspending is prevented (many professionals may validate projects at the same moment):

1. every service that moves an envelope's counters locks the rows it touches with
   ``SELECT … FOR UPDATE`` in one global order — envelopes by id, then quotas by id — so two
   transactions never wait on each other in a cycle (no deadlock) and each one reads the
   counters as the previous one committed them;
2. under those locks it checks every line first and writes nothing if one does not fit (the
   error names each envelope short and by how much);
3. the counter update itself is conditional (``… WHERE amount − reserved − consumed ≥ x``) and
   its row count is checked, and the database's check constraints (``reserved + consumed ≤
   amount``) refuse an overspent row even if the code above were wrong.

Every move of money appends a :class:`~partez.funding.models.Commitment` to the ledger in the
same transaction, so the counters always equal the ledger's sums.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Q, Sum

from partez.core import audit, french
from partez.core.errors import DomainError, NotAllowed
from partez.core.money import euros
from partez.households.models import Household
from partez.organisations import perms
from partez.organisations.models import Membership
from partez.projects.models import Project
from partez.schemes import situations
from partez.schemes.engine import IN_KIND_CHANNELS
from partez.schemes.models import Scheme
from partez.territory.models import Commune, Edition

from . import selectors
from .models import (
    Commitment,
    CommitmentKind,
    Envelope,
    EnvelopeQuota,
    FinancingPlan,
    PlanLine,
    PlanStatus,
)

MAX_AMOUNT_CENTS = 100_000_000_000  # one billion euros: far above any envelope, fits the column
CHOOSABLE = ("draft", "submitted")  # a plan is chosen before the commission decides


# --- envelopes and quotas ---------------------------------------------------------------------


@dataclass
class EnvelopeInput:
    amount_cents: int
    label: str = ""
    scheme: Scheme | None = None  # creation only: an envelope's scheme and edition never change
    edition: Edition | None = None


def _require_manager(actor: Membership) -> None:
    if not perms.can_manage_envelopes(actor):
        raise NotAllowed("Seule la coordination gère les enveloppes des financeurs.")


def _check_amount(amount_cents: object, field: str = "amount") -> None:
    if not isinstance(amount_cents, int) or isinstance(amount_cents, bool) or amount_cents < 0:
        raise DomainError("Le montant ne peut pas être négatif.", field=field)
    if amount_cents > MAX_AMOUNT_CENTS:
        raise DomainError("Montant trop élevé (un milliard d'euros au plus).", field=field)


def envelope_save(*, actor: Membership, data: EnvelopeInput, envelope: Envelope | None = None) -> Envelope:
    """Create an envelope (``envelope=None``: scheme and edition required; the funder is the
    scheme's) or change its amount and label. An amount never goes below what is already
    reserved and consumed, nor below the sum of its commune quotas."""
    _require_manager(actor)
    _check_amount(data.amount_cents)
    label = (data.label or "").strip()
    if len(label) > 120:
        raise DomainError("Le libellé ne peut pas dépasser 120 caractères.", field="label")
    with transaction.atomic():
        if envelope is None:
            scheme, edition = data.scheme, data.edition
            errors = {}
            if scheme is None:
                errors["scheme"] = "Choisissez le dispositif financé."
            if edition is None:
                errors["edition"] = "Choisissez l'édition."
            if errors or scheme is None or edition is None:
                raise DomainError(errors)
            funder = selectors.scheme_funder(scheme)
            if funder is None:
                slug = (scheme.definition.get("funder") or {}).get("slug", "")
                raise DomainError(
                    f"Le financeur de ce dispositif (« {slug} ») n'a pas d'organisation dans partez : "
                    "créez-la d'abord.",
                    field="scheme",
                )
            if Envelope.objects.filter(funder=funder, scheme=scheme, edition=edition).exists():
                raise DomainError(
                    f"{funder.name} a déjà une enveloppe pour « {scheme.name} » en {edition.year} : "
                    "modifiez-la plutôt.",
                    field="scheme",
                )
            envelope = Envelope.objects.create(
                funder=funder,
                scheme=scheme,
                edition=edition,
                label=label or f"{scheme.name} — {edition.year}",
                amount_cents=data.amount_cents,
            )
            changes: dict[str, Any] = {"funder": funder.pk, "scheme": scheme.slug, "edition": edition.year}
            changes |= {"label": envelope.label, "amount_cents": envelope.amount_cents}
            action = "envelope.create"
        else:
            envelope = Envelope.objects.select_for_update().get(pk=envelope.pk)
            committed = envelope.reserved_cents + envelope.consumed_cents
            if data.amount_cents < committed:
                raise DomainError(
                    f"Impossible de descendre sous {euros(committed)} : c'est ce qui est déjà engagé "
                    f"({euros(envelope.reserved_cents)}) et consommé ({euros(envelope.consumed_cents)}).",
                    field="amount",
                )
            quotas = envelope.quotas.aggregate(total=Sum("amount_cents"))["total"] or 0
            if data.amount_cents < quotas:
                raise DomainError(
                    f"Impossible de descendre sous {euros(quotas)} : c'est la somme des quotas communaux.",
                    field="amount",
                )
            before = audit.snapshot(envelope, ["label", "amount_cents"])
            envelope.label = label or envelope.label
            envelope.amount_cents = data.amount_cents
            envelope.save(update_fields=["label", "amount_cents", "updated_at"])
            changes = audit.diff(before, audit.snapshot(envelope, ["label", "amount_cents"]))
            action = "envelope.update"
        audit.record(
            actor=actor.user, organisation=actor.organisation, action=action, obj=envelope, changes=changes
        )
    return envelope


def quota_save(
    *, actor: Membership, envelope: Envelope, commune: Commune, amount_cents: int
) -> EnvelopeQuota:
    """Set the quota of one commune in an envelope (0 closes it to new commitments). A quota
    never goes below what its commune already committed, and the quotas never add up to more
    than the envelope."""
    _require_manager(actor)
    _check_amount(amount_cents)
    with transaction.atomic():
        envelope = Envelope.objects.select_for_update().get(pk=envelope.pk)  # envelope first: lock order
        quota = EnvelopeQuota.objects.select_for_update().filter(envelope=envelope, commune=commune).first()
        before = 0 if quota is None else quota.amount_cents
        if quota is not None and amount_cents < quota.reserved_cents + quota.consumed_cents:
            raise DomainError(
                f"Impossible de descendre sous {euros(quota.reserved_cents + quota.consumed_cents)} : "
                f"c'est ce que {commune.name} a déjà engagé et consommé.",
                field="amount",
            )
        others = envelope.quotas.exclude(commune=commune).aggregate(total=Sum("amount_cents"))["total"] or 0
        if others + amount_cents > envelope.amount_cents:
            raise DomainError(
                f"Les quotas dépasseraient l'enveloppe : {euros(others)} déjà répartis sur les autres communes, "
                f"{euros(envelope.amount_cents - others)} au plus pour {commune.name}.",
                field="amount",
            )
        if quota is None:
            quota = EnvelopeQuota.objects.create(
                envelope=envelope, commune=commune, amount_cents=amount_cents
            )
        else:
            quota.amount_cents = amount_cents
            quota.save(update_fields=["amount_cents"])
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="envelope.quota",
            obj=envelope,
            changes={"commune": commune.insee_code, "amount_cents": [before, amount_cents]},
        )
    return quota


# --- choosing a plan --------------------------------------------------------------------------


def plan_choose(
    *, actor: Membership, project: Project, index: int, schemes: Sequence[str] | None = None
) -> FinancingPlan:
    """Save the plan the professional chose on the project page: ``index`` into
    ``[evaluation.plan, *evaluation.alternatives]``, recomputed here from the database (amounts
    posted by a browser are never trusted). ``schemes``, the schemes the page showed for that
    plan, guards against a plan that changed in between (a colleague edited the budget).
    The previous current plan, if any, stays in the history."""
    if not perms.can_choose_plan(actor):
        raise NotAllowed("Votre rôle ne permet pas de choisir le plan de financement.")
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if project.status not in CHOOSABLE:
            raise DomainError(
                "Le plan de financement se choisit avant la décision de la commission "
                f"(projet au statut « {project.get_status_display()} »).",
                field="plan",
            )
        if not (project.start_date and project.end_date and project.budget_lines.exists()):
            raise DomainError(
                "Renseignez les dates et le budget du séjour avant de choisir un plan de financement.",
                field="plan",
            )
        evaluation = situations.evaluate_project(project)
        plans = [evaluation.plan, *evaluation.alternatives]
        if not isinstance(index, int) or not 0 <= index < len(plans):
            raise DomainError("Ce plan n'existe plus : rechargez la page.", field="plan")
        plan = plans[index]
        if schemes is not None and tuple(schemes) != plan.schemes:
            raise DomainError(
                "Les plans proposés ont changé depuis l'affichage de la page : vérifiez-les et choisissez à nouveau.",
                field="plan",
            )
        if not plan.lines:
            raise DomainError("Ce plan ne comporte aucune aide : rien à enregistrer.", field="plan")
        scheme_ids = dict(Scheme.objects.filter(slug__in=plan.schemes).values_list("slug", "pk"))
        envelopes = {
            (e.funder.slug, e.scheme_id): e
            for e in Envelope.objects.filter(
                edition=project.edition, scheme_id__in=scheme_ids.values()
            ).select_related("funder")
        }
        FinancingPlan.objects.filter(project=project, is_current=True).update(is_current=False)
        saved = FinancingPlan.objects.create(
            project=project,
            chosen_by=actor.user,
            cost_cents=plan.cost_cents,
            total_aid_cents=plan.total_aid_cents,
            remaining_cents=plan.remaining_cents,
            format=plan.format or "",
            versions=dict(evaluation.versions),
        )
        PlanLine.objects.bulk_create(
            PlanLine(
                plan=saved,
                scheme_id=scheme_ids[line.scheme],
                # a place or a discount is no money: never charged to an envelope of euros
                envelope=None if line.in_kind else envelopes.get((line.funder_slug, scheme_ids[line.scheme])),
                funder=line.funder,
                funder_slug=line.funder_slug,
                channel=line.channel,
                aid_cents=line.aid_cents,
                base_cents=line.base_cents,
                computation=list(line.computation),
                order=i,
            )
            for i, line in enumerate(plan.lines)
        )
        audit.record(
            actor=actor.user,
            organisation=actor.organisation,
            action="financing_plan.choose",
            obj=project,
            changes={
                "plan": saved.pk,
                "schemes": list(plan.schemes),
                "total_aid_cents": plan.total_aid_cents,
                "remaining_cents": plan.remaining_cents,
                "versions": saved.versions,
            },
        )
    return saved


# --- moving money: reserve, release, consume ---------------------------------------------------


def _locked_plan(project: Project) -> FinancingPlan | None:
    """The project's plan in force, locked for the money move that follows (the page's read of
    the plan with its lines is ``selectors.current_plan``)."""
    return FinancingPlan.objects.select_for_update().filter(project=project, is_current=True).first()


# A plan line given in kind (a place, a discount): older lines carry their scheme's channel only.
_IN_KIND = Q(channel__in=IN_KIND_CHANNELS) | Q(channel="", scheme__channel__in=IN_KIND_CHANNELS)


def _lines(plan: FinancingPlan) -> list[PlanLine]:
    return list(
        plan.lines.filter(envelope__isnull=False, aid_cents__gt=0)
        .exclude(_IN_KIND)
        .select_related("quota")
        .order_by("order", "id")
    )


def _lock_envelopes(ids: Iterable[int | None]) -> dict[int, Envelope]:
    return {
        e.pk: e
        for e in Envelope.objects.select_for_update(of=("self",))
        .filter(pk__in=sorted(set(ids)))
        .select_related("funder")
        .order_by("pk")
    }


def _lock_quotas(ids: Iterable[int]) -> dict[int, EnvelopeQuota]:
    return {
        q.pk: q
        for q in EnvelopeQuota.objects.select_for_update(of=("self",))
        .filter(pk__in=sorted(set(ids)))
        .select_related("commune")
        .order_by("pk")
    }


def _lock(
    envelope_ids: Iterable[int | None], quota_ids: Iterable[int]
) -> tuple[dict[int, Envelope], dict[int, EnvelopeQuota]]:
    """Lock the rows in the one global order (envelopes by id, then quotas by id)."""
    return _lock_envelopes(envelope_ids), _lock_quotas(quota_ids)


def _move(model: type[Envelope | EnvelopeQuota], pk: int, *, reserved: int = 0, consumed: int = 0) -> None:
    """Apply a counter change; when it adds to the committed total, only if it still fits."""
    qs = model.objects.filter(pk=pk)
    if reserved + consumed > 0:
        qs = qs.filter(amount_cents__gte=F("reserved_cents") + F("consumed_cents") + reserved + consumed)
    updated = qs.update(
        reserved_cents=F("reserved_cents") + reserved, consumed_cents=F("consumed_cents") + consumed
    )
    if updated != 1:  # unreachable under the locks; a last guard before the check constraints
        raise DomainError("Enveloppe insuffisante : l'engagement a été annulé, réessayez.", field="plan")


def _resolve(plan: FinancingPlan, project: Project) -> None:
    """Lines without an envelope get the one created since the plan was chosen, if any (a place
    or a discount given in kind never does: it is no money)."""
    for line in plan.lines.filter(envelope__isnull=True).exclude(_IN_KIND).select_related("scheme"):
        envelope = selectors.envelope_for(line.funder_slug, line.scheme_id, project.edition_id)
        if envelope is not None:
            line.envelope = envelope
            line.save(update_fields=["envelope"])


def _shortfall(label: str, available: int, needed: int) -> str:
    return (
        f"{label} : {euros(max(available, 0))} disponibles, il en faut {euros(needed)} "
        f"(il manque {euros(needed - max(available, 0))})."
    )


def _check_still_current(plan: FinancingPlan, project: Project) -> None:
    """The saved plan must still be one the rules propose for the project as it is now: a budget,
    travellers or dates changed since the choice, or another project of the household reserved
    meanwhile, make it stale — it is never reserved as it was."""
    evaluation = situations.evaluate_project(project)
    proposed = [
        tuple((line.scheme, line.aid_cents) for line in p.lines)
        for p in (evaluation.plan, *evaluation.alternatives)
    ]
    saved = tuple(
        PlanLine.objects.filter(plan=plan).order_by("order", "id").values_list("scheme__slug", "aid_cents")
    )
    if saved and saved not in proposed:  # a plan without any aid reserves nothing: never stale
        raise DomainError(
            "Le plan de financement choisi ne correspond plus au projet (budget, personnes, dates ou droits "
            "ont changé depuis) : choisissez à nouveau un plan sur la page du projet.",
            field="plan",
        )


def _check_edition(project: Project, envelopes: Iterable[Envelope]) -> None:
    """A project's aids come only from the envelopes of its own edition, and its stay must lie
    within that edition's dates: nothing is reserved otherwise."""
    edition = Edition.objects.get(pk=project.edition_id)
    problems = [
        f"l'enveloppe « {e.label} » appartient à une autre édition que le projet ({edition.year})"
        for e in envelopes
        if e.edition_id != project.edition_id
    ]
    start, end = project.start_date, project.end_date or project.start_date
    if start is None or start < edition.starts_on or (end and end > edition.ends_on):
        problems.append(
            f"le séjour n'a pas lieu pendant l'édition {edition.year} "
            f"(du {edition.starts_on:%d/%m/%Y} au {edition.ends_on:%d/%m/%Y})"
        )
    if problems:
        raise DomainError(
            "Financement impossible, rien n'a été engagé : " + " ; ".join(problems) + ".", field="plan"
        )


def plan_reserve(*, actor: Membership, project: Project) -> FinancingPlan | None:
    """Reserve the current plan's aids on their envelopes (and the household's commune quota
    where the envelope has quotas): all lines or none. Called when the project is validated;
    a project without a plan is left alone (some projects need no money)."""
    with transaction.atomic():
        plan = _locked_plan(project)
        if plan is None or plan.status == PlanStatus.RESERVED:
            return plan
        if plan.status == PlanStatus.CONSUMED:
            raise DomainError("Ce plan de financement a déjà été consommé.", field="plan")
        # One reservation at a time per household (lock order: project, plan, household,
        # envelopes, quotas), so the history rules (first departure, once a year) see the
        # household's other reservations.
        list(Household.objects.select_for_update().filter(pk=project.household_id).values_list("pk"))
        _check_still_current(plan, project)
        household = project.household
        _resolve(plan, project)
        lines = _lines(plan)
        envelopes = _lock_envelopes([li.envelope_id for li in lines])
        _check_edition(project, envelopes.values())
        # Read the quotas under the envelope locks: quota_save locks the envelope before it
        # adds or changes a quota, so this set cannot change before we commit.
        with_quotas, quota_of = set(), {}
        for envelope_id, commune_id, quota_id in EnvelopeQuota.objects.filter(
            envelope_id__in=list(envelopes)
        ).values_list("envelope_id", "commune_id", "pk"):
            with_quotas.add(envelope_id)
            if commune_id == household.commune_id:
                quota_of[envelope_id] = quota_id
        quotas = _lock_quotas(quota_of.values())
        need_env: dict[int, int] = defaultdict(int)
        need_quota: dict[int, int] = defaultdict(int)
        problems = []
        commune_name = Commune.objects.filter(pk=household.commune_id).values_list("name", flat=True).first()
        for line in lines:
            line_envelope = line.envelope_id
            assert line_envelope is not None  # _lines() keeps the lines drawn on an envelope
            need_env[line_envelope] += line.aid_cents
            if line_envelope in with_quotas:
                line_quota = quota_of.get(line_envelope)
                if line_quota is None:
                    envelope = envelopes[line_envelope]
                    problems.append(
                        f"Enveloppe « {envelope.label} » ({envelope.funder.name}) : aucun quota pour "
                        f"{commune_name}, il en faut {euros(line.aid_cents)}."
                    )
                else:
                    need_quota[line_quota] += line.aid_cents
        for pk, needed in sorted(need_env.items()):
            e = envelopes[pk]
            if e.available_cents < needed:
                problems.append(
                    _shortfall(f"Enveloppe « {e.label} » ({e.funder.name})", e.available_cents, needed)
                )
        for pk, needed in sorted(need_quota.items()):
            q = quotas[pk]
            if q.available_cents < needed:
                envelope = envelopes[q.envelope_id]
                problems.append(
                    _shortfall(
                        f"Quota {french.de(q.commune.name)} dans « {envelope.label} »",
                        q.available_cents,
                        needed,
                    )
                )
        if problems:
            raise DomainError(
                "Financement impossible, rien n'a été engagé. " + " ".join(problems), field="plan"
            )
        for pk, amount in sorted(need_env.items()):
            _move(Envelope, pk, reserved=amount)
        for pk, amount in sorted(need_quota.items()):
            _move(EnvelopeQuota, pk, reserved=amount)
        ledger = []
        for line in lines:
            line_envelope = line.envelope_id
            assert line_envelope is not None
            line_quota = quota_of.get(line_envelope) if line_envelope in with_quotas else None
            if line.quota_id != line_quota:
                line.quota_id = line_quota
                line.save(update_fields=["quota"])
            ledger.append(
                Commitment(
                    envelope_id=line_envelope,
                    quota_id=line_quota,
                    commune_id=household.commune_id,
                    project=project,
                    plan_line=line,
                    kind=CommitmentKind.RESERVE,
                    amount_cents=line.aid_cents,
                    actor=actor.user,
                )
            )
        Commitment.objects.bulk_create(ledger)
        return _set_status(actor, project, plan, PlanStatus.RESERVED, "financing_plan.reserve", ledger)


def _unreserve(actor: Membership, project: Project, plan: FinancingPlan, kind: str) -> list[Commitment]:
    """Take a reserved plan's amounts out of ``reserved``; into ``consumed`` for a consumption."""
    lines = _lines(plan)
    _lock([li.envelope_id for li in lines], [li.quota_id for li in lines if li.quota_id])
    consumed = kind == CommitmentKind.CONSUME
    ledger = []
    for line in lines:
        amount = line.aid_cents
        assert line.envelope_id is not None  # _lines() keeps the lines drawn on an envelope
        _move(Envelope, line.envelope_id, reserved=-amount, consumed=amount if consumed else 0)
        if line.quota_id:
            _move(EnvelopeQuota, line.quota_id, reserved=-amount, consumed=amount if consumed else 0)
        ledger.append(
            Commitment(
                envelope_id=line.envelope_id,
                quota_id=line.quota_id,
                commune_id=(
                    line.quota.commune_id if line.quota is not None else project.household.commune_id
                ),
                project=project,
                plan_line=line,
                kind=kind,
                amount_cents=amount,
                actor=actor.user,
            )
        )
    Commitment.objects.bulk_create(ledger)
    return ledger


def plan_release(*, actor: Membership, project: Project) -> FinancingPlan | None:
    """Give a reserved plan's money back to its envelopes (project withdrawn or refused after
    its validation). Nothing happens when nothing was reserved."""
    with transaction.atomic():
        plan = _locked_plan(project)
        if plan is None or plan.status != PlanStatus.RESERVED:
            return plan
        ledger = _unreserve(actor, project, plan, CommitmentKind.RELEASE)
        return _set_status(actor, project, plan, PlanStatus.RELEASED, "financing_plan.release", ledger)


def plan_consume(*, actor: Membership, project: Project) -> FinancingPlan | None:
    """The household has left: the reserved amounts become consumed. A plan that was never
    reserved (chosen before this rule existed) is reserved first, with the same checks."""
    with transaction.atomic():
        plan = _locked_plan(project)
        if plan is None or plan.status == PlanStatus.CONSUMED:
            return plan
        if plan.status != PlanStatus.RESERVED:
            plan = plan_reserve(actor=actor, project=project)
            assert plan is not None  # the plan locked above, now reserved
        ledger = _unreserve(actor, project, plan, CommitmentKind.CONSUME)
        return _set_status(actor, project, plan, PlanStatus.CONSUMED, "financing_plan.consume", ledger)


def _set_status(
    actor: Membership,
    project: Project,
    plan: FinancingPlan,
    status: str,
    action: str,
    ledger: Sequence[Commitment],
) -> FinancingPlan:
    previous = plan.status
    plan.status = status
    plan.save(update_fields=["status"])
    audit.record(
        actor=actor.user,
        organisation=actor.organisation,
        action=action,
        obj=plan,
        changes={
            "project": project.pk,
            "status": [previous, status],
            "lines": [[c.envelope_id, c.quota_id, c.amount_cents] for c in ledger],
        },
    )
    return plan
