"""/api/v1/cheques: the reconciliation of the chèques-vacances stock, per funder or per commune
(ordered, allocated, prepared, handed, left, expiring, expired — counts and amounts in cents),
scoped like the web page: the coordination sees all, a funder its own, a commune its own."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from partez.cheques import selectors
from partez.core.errors import NotAllowed
from partez.organisations import perms

from .auth import membership_of
from .schemas import READ_ERRORS

router = Router(tags=["Chèques-vacances"])


class ReconciliationOut(Schema):
    key: int | None
    label: str
    ordered: int
    ordered_cents: int
    allocated: int
    allocated_cents: int
    prepared: int
    prepared_cents: int
    handed: int
    handed_cents: int
    left: int
    left_cents: int
    expiring: int
    expiring_cents: int
    expired: int
    expired_cents: int


@router.get(
    "/reconciliation",
    response={200: list[ReconciliationOut], **READ_ERRORS},
    operation_id="cheques_reconciliation",
    summary="Rapprochement du stock de chèques-vacances",
)
def reconciliation(
    request: HttpRequest, by: Literal["funder", "commune"] = "funder", edition_year: int | None = None
):
    """Par financeur (`by=funder`) ou par commune (`by=commune`) : commandé, attribué, préparé,
    remis, restant, bientôt périmé (sous 90 jours), périmé — nombre de chèques et montants."""
    m = membership_of(request)
    if not perms.can_view_cheques(m):
        raise NotAllowed("Votre rôle ne donne pas accès au registre des chèques-vacances.")
    qs = selectors.cheques_for(m)
    if edition_year is not None:
        qs = qs.filter(edition__year=edition_year)
    return [
        ReconciliationOut(**vars(r)) for r in selectors.reconciliation(qs, by=by, on=timezone.localdate())
    ]
