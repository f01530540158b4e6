"""Reads of the chèques-vacances ledger: what each household was granted in chèques, the stock a
commune holds, and the reconciliation per funder and per commune (one aggregate query each)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Aggregate, Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from partez.funding.models import PlanLine, PlanStatus
from partez.households.models import Household
from partez.organisations import perms
from partez.organisations.models import Membership
from partez.organisations.selectors import commune_scope, own_commune_id
from partez.schemes.models import Channel
from partez.territory.models import Commune, Edition

from .models import Cheque, ChequeStatus

EXPIRING_DAYS = 90  # « expiring »: still held and no longer valid in three months
HANDED = (ChequeStatus.HANDED_OVER, ChequeStatus.USED, ChequeStatus.RETURNED)


def granted_cheques_cents(edition: Edition, household_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Household id → the aid granted in chèques-vacances for ``edition``: the lines paid in
    chèques of every project's current financing plan once engaged (reserved on validation, or
    consumed on departure). A released plan (withdrawn project) grants nothing."""
    lines = PlanLine.objects.filter(
        plan__is_current=True,
        plan__status__in=[PlanStatus.RESERVED, PlanStatus.CONSUMED],
        plan__project__edition=edition,
        aid_cents__gt=0,
    ).filter(Q(channel=Channel.CHEQUES) | Q(channel="", scheme__channel=Channel.CHEQUES))
    if household_ids is not None:
        lines = lines.filter(plan__project__household_id__in=list(household_ids))
    rows = lines.values("plan__project__household_id").annotate(total=Sum("aid_cents"))
    return {r["plan__project__household_id"]: r["total"] for r in rows}


def stock_by_denomination(commune_id: int, edition: Edition, *, on: dt.date) -> dict[int, int]:
    """Denomination → chèques allocated to the commune, not yet prepared, still valid on ``on``."""
    rows = (
        Cheque.objects.filter(
            commune_id=commune_id, edition=edition, status=ChequeStatus.ALLOCATED, valid_until__gte=on
        )
        .values("denomination_cents")
        .annotate(n=Count("id"))
    )
    return {r["denomination_cents"]: r["n"] for r in rows}


def preparation_status(household: Household, edition: Edition) -> tuple[int, int]:
    """(granted in chèques, already prepared or handed) for the household, in cents."""
    granted = granted_cheques_cents(edition, [household.pk]).get(household.pk, 0)
    done = (
        Cheque.objects.filter(
            household=household,
            edition=edition,
            status__in=[ChequeStatus.PREPARED, ChequeStatus.HANDED_OVER, ChequeStatus.USED],
        ).aggregate(total=Sum("denomination_cents"))["total"]
        or 0
    )
    return granted, done


def cheques_for(m: Membership) -> QuerySet[Cheque]:
    """The chèques a membership may see: all for the coordination, a funder's own, a commune's own."""
    qs = Cheque.objects.all()
    if perms.sees_whole_territory(m):
        return qs
    if perms.is_funder(m):
        return qs.filter(funder=m.organisation)
    commune_id = own_commune_id(m)
    if commune_id is not None:
        return qs.filter(commune_id=commune_id)
    return qs.none()


def preparation_commune(m: Membership, edition: Edition, wanted: str = "") -> Commune | None:
    """The commune whose households' chèques ``m`` prepares: the one asked for (INSEE code) among
    the edition's for the coordination (none until asked), its own for a commune's members."""
    communes = preparation_communes(m, edition)
    if perms.sees_whole_territory(m):
        return communes.filter(insee_code=wanted).first() if wanted else None
    return communes.first()


def preparation_communes(m: Membership, edition: Edition) -> QuerySet[Commune]:
    """The communes whose households' chèques ``m`` may prepare: every commune of the edition
    for the coordination, its own for a commune's members (``organisations.selectors.commune_scope``)."""
    communes = commune_scope(m)
    if perms.sees_whole_territory(m):
        communes = communes.filter(pk__in=edition.communes.values("pk"))
    return communes


@dataclass
class ReconciliationRow:
    key: int | None
    label: str
    ordered: int = 0
    ordered_cents: int = 0
    allocated: int = 0
    allocated_cents: int = 0
    prepared: int = 0
    prepared_cents: int = 0
    handed: int = 0
    handed_cents: int = 0
    left: int = 0
    left_cents: int = 0
    expiring: int = 0
    expiring_cents: int = 0
    expired: int = 0
    expired_cents: int = 0


COLUMNS = ["ordered", "allocated", "prepared", "handed", "left", "expiring", "expired"]


def _aggregates(on: dt.date) -> dict[str, Aggregate | Coalesce]:
    soon = on + dt.timedelta(days=EXPIRING_DAYS)
    conditions = {
        "ordered": Q(),
        "allocated": Q(commune__isnull=False),
        "prepared": Q(status=ChequeStatus.PREPARED),
        "handed": Q(status__in=HANDED),
        "left": Q(status__in=[ChequeStatus.IN_STOCK, ChequeStatus.ALLOCATED, ChequeStatus.PREPARED]),
        "expiring": Q(
            status__in=[ChequeStatus.IN_STOCK, ChequeStatus.ALLOCATED, ChequeStatus.PREPARED],
            valid_until__lte=soon,
        ),
        "expired": Q(status=ChequeStatus.EXPIRED),
    }
    out: dict[str, Aggregate | Coalesce] = {}
    for name, condition in conditions.items():
        out[name] = Count("id", filter=condition)
        out[f"{name}_cents"] = Coalesce(Sum("denomination_cents", filter=condition), 0)
    return out


def reconciliation(qs: QuerySet[Cheque], *, by: str, on: dt.date) -> list[ReconciliationRow]:
    """Ordered, allocated, prepared, handed, left (still held), expiring (held, invalid within
    90 days) and expired — counts and amounts — per funder (``by="funder"``) or per commune
    (``by="commune"``; ``None`` = not allocated yet). One query."""
    field = {"funder": "funder", "commune": "commune"}[by]
    rows = qs.values(f"{field}_id", f"{field}__name").annotate(**_aggregates(on)).order_by(f"{field}__name")
    out = []
    for r in rows:
        label = r[f"{field}__name"] or ("Stock non attribué" if by == "commune" else "—")
        row = ReconciliationRow(key=r[f"{field}_id"], label=label)
        for column in COLUMNS:
            setattr(row, column, r[column])
            setattr(row, f"{column}_cents", r[f"{column}_cents"])
        out.append(row)
    return out


def totals(rows: list[ReconciliationRow]) -> ReconciliationRow:
    total = ReconciliationRow(key=None, label="Total")
    for row in rows:
        for column in COLUMNS:
            setattr(total, column, getattr(total, column) + getattr(row, column))
            setattr(
                total, f"{column}_cents", getattr(total, f"{column}_cents") + getattr(row, f"{column}_cents")
            )
    return total
