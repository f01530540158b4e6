"""What a funder sees of an envelope's ledger: aggregates, never a line.

The coordination reads the ledger line by line (project, commune, amount, who); a funder gets
the same money per commune and per month, with the number of households behind each figure and
small cells suppressed as in the bilan (:func:`partez.reports.stats.suppress`): a commune or a
month with fewer than five households shows its amounts as masked, and a second row is masked
when one alone would be given back by the total. No project reference, no staff name, no
household leaves this module.
"""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import formats

from partez.core.text import normalise
from partez.funding.models import Commitment, CommitmentKind, Envelope

from .stats import Row, Table, suppress

MONEY = {
    "households": "Foyers",
    "committed_cents": "Engagé",
    "consumed_cents": "Consommé",
}
GUARDED = {"committed_cents": "households", "consumed_cents": "households"}


def _measures() -> dict:
    """Reserved − released − consumed (what is committed and not yet spent), consumed, and the
    distinct households behind them."""
    return {
        "households": Count("project__household_id", distinct=True),
        "reserved": Coalesce(Sum("amount_cents", filter=Q(kind=CommitmentKind.RESERVE)), 0),
        "released": Coalesce(Sum("amount_cents", filter=Q(kind=CommitmentKind.RELEASE)), 0),
        "consumed": Coalesce(Sum("amount_cents", filter=Q(kind=CommitmentKind.CONSUME)), 0),
    }


def _sums(qs):
    return qs.annotate(**_measures())


def _values(r) -> dict:
    return {
        "households": r["households"],
        "committed_cents": r["reserved"] - r["released"] - r["consumed"],
        "consumed_cents": r["consumed"],
    }


def _table(key: str, title: str, rows: list[Row], total: dict) -> Table:
    return suppress(Table(key, title, dict(MONEY), rows, total, people=("households",), guarded=GUARDED))


def _by_commune(envelope: Envelope, ledger, total: dict) -> Table:
    """Per commune, with the quota and what is left of it when the envelope has quotas (the
    quota is the envelope's setting, shown; what is left would give the amounts back, so it is
    masked with them)."""
    sums = _sums(ledger.values("commune_id", "commune__insee_code", "commune__name")).order_by()
    rows = {r["commune_id"]: (r["commune__insee_code"] or "?", r["commune__name"], _values(r)) for r in sums}
    quotas = {
        q.commune_id: q
        for q in envelope.quotas.select_related("commune").only(
            "amount_cents", "commune_id", "commune__name", "commune__insee_code"
        )
    }
    for commune_id, q in quotas.items():
        rows.setdefault(commune_id, (q.commune.insee_code, q.commune.name, _values(_empty())))
    measures, guarded = dict(MONEY), dict(GUARDED)
    if quotas:
        measures.update(quota_cents="Quota", available_cents="Disponible")
        guarded["available_cents"] = "households"
        for commune_id, (_code, _name, values) in rows.items():
            quota = quotas.get(commune_id)
            values["quota_cents"] = None if quota is None else quota.amount_cents
            values["available_cents"] = (
                None
                if quota is None
                else quota.amount_cents - values["committed_cents"] - values["consumed_cents"]
            )
        quota_total = sum(q.amount_cents for q in quotas.values())
        total = {**total, "quota_cents": quota_total, "available_cents": None}
    ordered = sorted(rows.values(), key=lambda r: normalise(r[1] or ""))
    table = Table(
        "by_commune",
        "Foyers et montants par commune",
        measures,
        [Row(code, name or "Commune inconnue", values) for code, name, values in ordered],
        total,
        people=("households",),
        guarded=guarded,
    )
    return suppress(table)


def funder_summary(envelope: Envelope) -> dict[str, Table]:
    """The envelope's ledger as two published tables, per commune and per month (four queries)."""
    ledger = Commitment.objects.filter(envelope=envelope)
    total = _values(ledger.aggregate(**_measures()))
    months = _sums(ledger.annotate(month=TruncMonth("at")).values("month")).order_by("month")
    by_month = [
        Row(f"{r['month']:%Y-%m}", formats.date_format(r["month"], "F Y").capitalize(), _values(r))
        for r in months
    ]
    return {
        "by_commune": _by_commune(envelope, ledger, total),
        "by_month": _table("by_month", "Foyers et montants par mois", by_month, total),
    }


def _empty() -> dict:
    return {"households": 0, "reserved": 0, "released": 0, "consumed": 0}
