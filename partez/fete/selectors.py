"""Reads of the Fête: the scope (which stands and check-in lists a member may serve), the current
event, who is entitled to what, what a scan answers, a stand's roster (preloaded by the scan page
so it keeps working offline) and the live counters."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from partez.cheques.models import Cheque, ChequeStatus
from partez.cheques.selectors import granted_cheques_cents
from partez.core.money import euros
from partez.organisations import perms
from partez.organisations.models import Membership, OrganisationKind
from partez.organisations.selectors import own_commune_id
from partez.projects.models import Project, ProjectFormat, ProjectStatus
from partez.territory.models import Edition
from partez.territory.selectors import current_edition

from .codes import display_code
from .models import Checkin, CheckinList, Fete, Handover, Invitation, ListKind, Rsvp, Stand

CAMPING_STATUSES = [ProjectStatus.VALIDATED, ProjectStatus.AID_GRANTED]

# --- scope -----------------------------------------------------------------------------------
#
# A commune's stand is served by that commune's own members (its CCAS: referents, volunteers)
# and by the coordination (its coordinators and volunteers, who may stand in anywhere). A relay
# structure's volunteer may scan at the gate, never at a commune's stand: the stand hands over
# the commune's chèques and shows its households' roster.


def serves_every_stand(m: Membership | None) -> bool:
    """The coordinating association's members (coordinators and volunteers) serve any stand."""
    return m is not None and perms.can_check_in(m) and m.organisation.kind == OrganisationKind.COORDINATOR


def stands_for(m: Membership | None) -> QuerySet[Stand]:
    """The stands ``m`` may serve (scan on, hand over at, read the receipts and the counter of)."""
    stands = Stand.objects.all()
    if serves_every_stand(m):
        return stands
    commune_id = own_commune_id(m)
    if not perms.can_check_in(m) or commune_id is None:
        return stands.none()
    return stands.filter(commune_id=commune_id)


def lists_for(m: Membership | None, fete: Fete | None = None) -> QuerySet[CheckinList]:
    """The check-in lists ``m`` may scan on: the gate for whoever may check in, and the lists of
    the stands it serves (``stands_for``); of one Fête when given."""
    lists = CheckinList.objects.all()
    if fete is not None:
        lists = lists.filter(fete=fete)
    if not perms.can_check_in(m):
        return lists.none()
    if serves_every_stand(m):
        return lists
    return lists.filter(Q(kind=ListKind.GATE) | Q(stand__in=stands_for(m)))


def handovers_for(m: Membership | None) -> QuerySet[Handover]:
    """The hand-overs (receipts) ``m`` may read: those of the stands it serves."""
    if serves_every_stand(m):
        return Handover.objects.all()
    return Handover.objects.filter(stand__in=stands_for(m))


# --- the event and the entitlements -----------------------------------------------------------


def current_fete() -> Fete | None:
    edition = current_edition()
    if edition is None:
        return None
    return Fete.objects.select_related("edition").filter(edition_id=edition.pk).first()


def camping_households(edition: Edition) -> set[int]:
    return set(
        Project.objects.filter(
            edition=edition, format=ProjectFormat.CAMPING, status__in=CAMPING_STATUSES
        ).values_list("household_id", flat=True)
    )


def entitlements_by_household(edition: Edition) -> dict[int, list[dict[str, Any]]]:
    """Household id → what it collects at the Fête: its chèques-vacances (the amount granted)
    and/or its collective-stay papers. Two queries."""
    out: dict[int, list[dict[str, Any]]] = {}
    for household_id, cents in granted_cheques_cents(edition).items():
        out.setdefault(household_id, []).append(
            {"kind": "cheques", "label": f"Chèques-vacances : {euros(cents)}", "amount_cents": cents}
        )
    for household_id in camping_households(edition):
        out.setdefault(household_id, []).append(
            {"kind": "camping", "label": "Séjour commun : convocation et documents", "amount_cents": None}
        )
    return out


def to_hand_over(
    cheques: list[Any], receipt: str | None, entitlements: list[dict[str, Any]]
) -> dict[str, str]:
    """What a stand has to hand this household, with the reason the volunteer reads when it is
    nothing: ``status`` ``ready`` (chèques prepared), ``done`` (already handed, the receipt) or
    ``nothing`` (why, and what else the household collects)."""
    kinds = {e.get("kind") for e in entitlements}
    if receipt:
        return {
            "status": "done",
            "reason": f"Chèques déjà remis à ce foyer (reçu {receipt}) : rien de plus à remettre.",
        }
    if cheques:
        return {"status": "ready", "reason": ""}
    if "cheques" in kinds:
        reason = (
            "Rien à remettre ici pour l'instant : les chèques-vacances de ce foyer ne sont pas encore "
            "préparés. Appelez le ou la responsable du stand."
        )
    else:
        reason = "Rien à remettre à ce stand : ce foyer n'a pas de chèques-vacances attribués."
    if "camping" in kinds:
        reason += " Séjour commun : remettez sa convocation et ses documents."
    return {"status": "nothing", "reason": reason}


def checkin_body(checkin: Checkin, checkin_list: CheckinList) -> dict[str, Any]:
    """The JSON a scan answers (the same for a first scan and a re-sent one)."""
    inv = checkin.invitation
    body: dict[str, Any] = {
        "id": checkin.pk,
        "nonce": checkin.nonce,
        "code": inv.code,
        "list": checkin_list.pk,
        "household": inv.label,
        "people": inv.people,
        "commune": inv.commune.insee_code,
        "commune_name": inv.commune.name,
        "checked_in_at": checkin.at.isoformat(),
        "entitlements": inv.entitlements,
    }
    if checkin_list.kind == ListKind.STAND:
        body["cheques"] = [
            {"serial": c.serial, "denomination_cents": c.denomination_cents}
            for c in Cheque.objects.filter(
                household_id=inv.household_id,
                edition_id=checkin_list.fete.edition_id,
                status=ChequeStatus.PREPARED,
            ).order_by("-denomination_cents", "serial")
        ]
        handover = Handover.objects.filter(invitation_id=inv.pk).only("receipt", "at").first()
        body["handover"] = (
            {"receipt": handover.receipt, "at": handover.at.isoformat()} if handover is not None else None
        )
        body["to_hand_over"] = to_hand_over(
            body["cheques"], handover.receipt if handover else None, inv.entitlements
        )
    return body


def handover_body(handover: Handover) -> dict[str, Any]:
    lines = handover.lines.select_related("cheque").order_by("-cheque__denomination_cents", "cheque__serial")
    return {
        "id": handover.pk,
        "nonce": handover.nonce,
        "receipt": handover.receipt,
        "code": handover.invitation.code,
        "household": handover.invitation.label,
        "stand": handover.stand.name,
        "booklets": [line.cheque.serial for line in lines],
        "amount_cents": handover.amount_cents,
        "signature_sha256": handover.signature_sha256,
        "handed_over_at": handover.at.isoformat(),
    }


def stand_roster(checkin_list: CheckinList) -> list[dict[str, Any]]:
    """Every invitation of a stand's commune with its prepared chèques: what the scan page needs
    to identify a household and hand over its chèques with no network. Three queries."""
    if checkin_list.kind != ListKind.STAND:
        return []
    commune_id = checkin_list.stand_commune_id
    if commune_id is None:  # a stand for everyone: no commune's roster
        return []
    fete = checkin_list.fete
    invitations = list(
        Invitation.objects.filter(fete=fete, commune_id=commune_id)
        .select_related("commune")
        .only(
            "code", "label", "people", "entitlements", "household_id", "commune__insee_code", "commune__name"
        )
        .order_by("code")
    )
    cheques: dict[int, list[Any]] = {}
    for household_id, serial, cents in (
        Cheque.objects.filter(
            edition_id=fete.edition_id,
            status=ChequeStatus.PREPARED,
            household_id__in=[i.household_id for i in invitations],
        )
        .order_by("-denomination_cents", "serial")
        .values_list("household_id", "serial", "denomination_cents")
    ):
        cheques.setdefault(household_id, []).append({"serial": serial, "denomination_cents": cents})
    handed = dict(Handover.objects.filter(invitation__in=invitations).values_list("invitation_id", "receipt"))
    return [
        {
            "code": inv.code,
            "display_code": display_code(inv.code),
            "household": inv.label,
            "people": inv.people,
            "commune": inv.commune.insee_code,
            "entitlements": inv.entitlements,
            "cheques": cheques.get(inv.household_id, []),
            "receipt": handed.get(inv.pk),
            "to_hand_over": to_hand_over(
                cheques.get(inv.household_id, []), handed.get(inv.pk), inv.entitlements
            ),
        }
        for inv in invitations
    ]


def counters(fete: Fete) -> dict[str, Any]:
    """The live figures: invited, present (gate), per list check-ins, hand-overs and amounts."""
    invited = Invitation.objects.filter(fete=fete).aggregate(
        households=Count("id"),
        people=Sum("people"),
        yes=Count("id", filter=Q(rsvp=Rsvp.YES)),
        no=Count("id", filter=Q(rsvp=Rsvp.NO)),
    )
    lists = list(
        CheckinList.objects.filter(fete=fete)
        .select_related("stand__commune")
        .defer("stand__commune__geometry")
        .annotate(n=Count("checkins"))
        .order_by("kind", "name")
    )
    expected = dict(
        Invitation.objects.filter(fete=fete)
        .values("commune_id")
        .annotate(n=Count("id"))
        .values_list("commune_id", "n")
    )
    by_stand = list(
        Handover.objects.filter(invitation__fete=fete)
        .values("stand_id")
        .annotate(n=Count("id"), cents=Sum("amount_cents"))
        .values_list("stand_id", "n", "cents")
    )
    handovers = {stand: n for stand, n, _cents in by_stand}
    # every hand-over has its stand: the groups add up to the whole
    handed = {"n": sum(n for _s, n, _c in by_stand), "cents": sum(c or 0 for _s, _n, c in by_stand)}
    gate = next((cl for cl in lists if cl.kind == ListKind.GATE), None)
    rows = [
        {
            "list": cl,
            "checkins": cl.n,
            "expected": expected.get(cl.stand_commune_id or 0, 0) if cl.stand_id else invited["households"],
            "handovers": handovers.get(cl.stand_id, 0) if cl.stand_id else None,
        }
        for cl in lists
    ]
    return {
        "at": timezone.localtime(),
        "invited": invited["households"] or 0,
        "invited_people": invited["people"] or 0,
        "rsvp_yes": invited["yes"],
        "rsvp_no": invited["no"],
        "present": gate.n if gate else 0,
        "handovers": handed["n"] or 0,
        "handed_cents": handed["cents"] or 0,
        "rows": rows,
    }


def edition_attendance(edition: Edition) -> int | None:
    """Households checked in at the gate of the edition's Fête (the live counter's « présents »,
    read by the bilan); None when the edition has no Fête."""
    fete = Fete.objects.filter(edition_id=edition.pk).first()
    if fete is None:
        return None
    return Checkin.objects.filter(checkin_list__fete=fete, checkin_list__kind=ListKind.GATE).count()
