"""Reads on envelopes, the ledger and financing plans, with a query count that does not grow
with the number of rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet, Sum

from partez.core.collation import french_order
from partez.core.money import euros
from partez.organisations import perms
from partez.organisations.models import Membership, Organisation, OrganisationKind
from partez.schemes import engine
from partez.schemes.models import Scheme
from partez.schemes.selectors import history_codes

from .models import Commitment, CommitmentKind, Envelope, EnvelopeQuota, FinancingPlan, PlanLine, PlanStatus

if TYPE_CHECKING:
    from partez.projects.models import Project

FUNDER_KINDS = (OrganisationKind.FUNDER, OrganisationKind.HOST)


def scheme_funder(scheme: Scheme) -> Organisation | None:
    """The organisation that funds a scheme: the one whose identifier is the definition's funder
    (a funder, or a host such as the foundation that gives holiday weeks)."""
    slug = (scheme.definition.get("funder") or {}).get("slug", "")
    funder = Organisation.objects.filter(slug=slug, kind__in=FUNDER_KINDS).first() if slug else None
    return funder or scheme.funder


def envelope_for(funder_slug: str, scheme_id: int, edition_id: int) -> Envelope | None:
    return Envelope.objects.filter(
        funder__slug=funder_slug, scheme_id=scheme_id, edition_id=edition_id
    ).first()


def envelopes_for(m: Membership) -> QuerySet[Envelope]:
    """The envelopes a membership may see: all for the coordination, its own for a funder."""
    if perms.sees_whole_territory(m):
        return Envelope.objects.all()
    if perms.can_view_envelopes(m):
        return Envelope.objects.filter(funder=m.organisation)
    return Envelope.objects.none()


def with_quotas(qs: QuerySet[Envelope]) -> QuerySet[Envelope]:
    """Rows for the envelope table: funder, scheme and edition joined, quotas (with their
    commune's name) prefetched — three queries whatever the number of envelopes."""
    quotas = EnvelopeQuota.objects.select_related("commune").only(
        "envelope_id",
        "amount_cents",
        "reserved_cents",
        "consumed_cents",
        "commune__name",
        "commune__insee_code",
    )
    return (
        qs.select_related("funder", "scheme", "edition")
        .only(
            "label",
            "amount_cents",
            "reserved_cents",
            "consumed_cents",
            "funder__name",
            "funder__slug",
            "scheme__name",
            "scheme__slug",
            "edition__year",
        )
        .prefetch_related(Prefetch("quotas", queryset=quotas.order_by(french_order("commune__name"))))
        .order_by("-edition__year", "funder__name", "label", "pk")
    )


@dataclass(frozen=True)
class Totals:
    amount_cents: int
    reserved_cents: int
    consumed_cents: int

    @property
    def available_cents(self) -> int:
        return self.amount_cents - self.reserved_cents - self.consumed_cents


def totals(envelopes: Iterable[Envelope]) -> Totals:
    rows = list(envelopes)
    return Totals(
        sum(e.amount_cents for e in rows),
        sum(e.reserved_cents for e in rows),
        sum(e.consumed_cents for e in rows),
    )


def ledger(envelope: Envelope) -> QuerySet[Commitment]:
    return (
        Commitment.objects.filter(envelope=envelope)
        .select_related("project", "actor", "commune", "plan_line__scheme")
        .only(
            "kind",
            "amount_cents",
            "at",
            "project__reference",
            "actor__username",
            "actor__first_name",
            "actor__last_name",
            "commune__name",
            "plan_line__scheme__name",
        )
        .order_by("-at", "-id")
    )


def commune_breakdown(envelope: Envelope) -> list[dict[str, Any]]:
    """Per commune: reserved and consumed from the ledger, with the quota and what is left of it
    where there is one (one query for the ledger, one for the quotas)."""
    rows: dict[int | None, dict[str, Any]] = {}

    def row(commune_id: int | None, name: str | None) -> dict[str, Any]:
        return rows.setdefault(
            commune_id, {"commune": name or "Commune inconnue", "reserved": 0, "consumed": 0, "quota": None}
        )

    sums = (
        Commitment.objects.filter(envelope=envelope)
        .values_list("commune_id", "commune__name", "kind")
        .annotate(total=Sum("amount_cents"))
        .order_by()
    )
    for commune_id, name, kind, total in sums:
        r = row(commune_id, name)
        if kind == CommitmentKind.RESERVE:
            r["reserved"] += total
        else:  # a release or a consumption takes the amount out of the reservation
            r["reserved"] -= total
            if kind == CommitmentKind.CONSUME:
                r["consumed"] += total
    for q in envelope.quotas.select_related("commune").only("amount_cents", "commune_id", "commune__name"):
        row(q.commune_id, q.commune.name)["quota"] = q.amount_cents
    for r in rows.values():
        r["available"] = None if r["quota"] is None else r["quota"] - r["reserved"] - r["consumed"]
    return sorted(rows.values(), key=lambda r: r["commune"])


def ledger_sums(envelope_id: int, quota_id: int | None = None) -> tuple[int, int]:
    """(reserved, consumed) as the ledger says: Σreserve − Σrelease − Σconsume, Σconsume."""
    qs = Commitment.objects.filter(envelope_id=envelope_id)
    if quota_id is not None:
        qs = qs.filter(quota_id=quota_id)
    by_kind = dict(qs.values_list("kind").annotate(total=Sum("amount_cents")).order_by())
    reserve = by_kind.get(CommitmentKind.RESERVE, 0)
    release = by_kind.get(CommitmentKind.RELEASE, 0)
    consume = by_kind.get(CommitmentKind.CONSUME, 0)
    return reserve - release - consume, consume


# --- plans on the project page ------------------------------------------------------------------


def current_plan(project: Project) -> FinancingPlan | None:
    """The project's plan in force with its lines, their scheme and envelope (two queries)."""
    lines = PlanLine.objects.select_related("scheme", "envelope", "quota__commune").order_by("order", "id")
    return (
        FinancingPlan.objects.filter(project=project, is_current=True)
        .select_related("chosen_by")
        .prefetch_related(Prefetch("lines", queryset=lines))
        .first()
    )


@dataclass(frozen=True)
class Shortage:
    """A line of a proposed plan its envelope (or commune quota) cannot pay today."""

    label: str
    available_cents: int
    needed_cents: int

    @property
    def text(self) -> str:
        return f"{self.label} : {euros(max(self.available_cents, 0))} disponibles, il en faut {euros(self.needed_cents)}."


def shortages(plans: list[engine.Plan], *, edition_id: int, commune_id: int) -> list[list[Shortage]]:
    """For each proposed plan, the lines whose envelope (or the household's commune quota) has
    less available than the aid; lines without an envelope are not checked (two queries)."""
    slugs = {line.scheme for plan in plans for line in plan.lines}
    envelopes = {
        (e.funder.slug, e.scheme.slug): e
        for e in Envelope.objects.filter(edition_id=edition_id, scheme__slug__in=slugs)
        .select_related("funder", "scheme")
        .prefetch_related("quotas")
    }
    result = []
    for plan in plans:
        found = []
        for line in plan.lines:
            e = envelopes.get((line.funder_slug, line.scheme))
            if e is None:
                continue
            if e.available_cents < line.aid_cents:
                found.append(Shortage(f"Enveloppe « {e.label} »", e.available_cents, line.aid_cents))
            quotas = list(e.quotas.all())
            if quotas:
                quota = next((q for q in quotas if q.commune_id == commune_id), None)
                available = 0 if quota is None else quota.available_cents
                if available < line.aid_cents:
                    label = "pas de quota pour la commune" if quota is None else "quota de la commune"
                    found.append(Shortage(f"Enveloppe « {e.label} », {label}", available, line.aid_cents))
        result.append(found)
    return result


def departure_codes(plan: FinancingPlan | None) -> set[str]:
    """The past-departure codes (``PastDeparture.scheme``) of the schemes of a plan."""
    if plan is None:
        return set()
    code_of = {slug: code for code, slug in history_codes().items()}
    slugs = plan.lines.values_list("scheme__slug", flat=True)
    return {code_of[s] for s in slugs if s in code_of}


def has_commitments(project: Project) -> bool:
    """Whether money of an envelope is reserved or consumed for the project right now."""
    return FinancingPlan.objects.filter(
        project=project, is_current=True, status__in=[PlanStatus.RESERVED, PlanStatus.CONSUMED]
    ).exists()
