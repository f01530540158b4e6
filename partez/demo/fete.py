"""The demo edition's chèques-vacances and Fête des vacances, after its financing plans.

- One order of chèques-vacances from the CALL (the funder of the « séjour individuel » quotas)
  whose booklets are allocated to the participating communes, sized on what their households
  were granted in chèques, plus a smaller ANCV order still in stock (the reconciliation then has
  two funders, stock left and chèques at the communes);
- the chèques of most granted households prepared (composed by the same pure module as the
  service); the rest are left for the preparation page;
- the Fête (a Saturday ten days before the demo's « today », stade Bollaert-Delelis) with its gate, a stand per participating commune,
  arrival slots, and one invitation per entitled household (chèques or « séjour commun »);
- the Fête day done: gate check-ins for most households, the chèques of most of those handed
  over (signed) at their commune's stand.

Written in bulk like the rest of the demo (one audit entry for the whole load), with the same
movement rows the services write; deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
from collections import defaultdict

import segno
from django.db.models import Q

from partez.cheques.composition import DENOMINATIONS_CENTS, compose
from partez.cheques.models import Booklet, Cheque, ChequeMovement, ChequeOrder, ChequeStatus, validity_end
from partez.cheques.selectors import granted_cheques_cents
from partez.cheques.services import serial_text
from partez.core.codes import new_reference
from partez.fete import services as fete_services
from partez.fete.models import (
    Checkin,
    CheckinList,
    Fete,
    Handover,
    HandoverLine,
    Invitation,
    ListKind,
    Stand,
    TimeSlot,
)
from partez.households.models import Household
from partez.organisations.models import Organisation, OrganisationKind
from partez.territory.models import Edition

from .calendar import TEMPLATE_YEAR, DemoCalendar
from .generator import COORDINATOR_SLUG, EDITION_NAME, TZ

BOOKLET = 20  # chèques per carnet
PREPARED_SHARE = 0.85  # households whose chèques are already prepared
CAME_SHARE = 0.7  # invited households who came to the Fête
HANDED_SHARE = 0.9  # of those with prepared chèques, the share who left with them
PLENTY = dict.fromkeys(DENOMINATIONS_CENTS, 10_000)
FIRST_SERIAL = 4_120_000_001


def _funder(slug: str, *fallbacks: str) -> Organisation | None:
    for candidate in (slug, *fallbacks):
        org = Organisation.objects.filter(slug=candidate, kind=OrganisationKind.FUNDER).first()
        if org is not None:
            return org
    return Organisation.objects.filter(kind=OrganisationKind.FUNDER).order_by("pk").first()


def load(
    edition: Edition, calendar: DemoCalendar, *, seed: int, user_id: int, volunteer_id: int
) -> dict[str, int]:
    rng = random.Random(seed)
    funder = _funder("call")
    stock_funder = _funder("ancv")
    if funder is None:
        return {}
    granted = granted_cheques_cents(edition)
    communes = dict(Household.objects.filter(pk__in=list(granted)).values_list("pk", "commune_id"))
    plans: dict[int, dict[int, int]] = {}
    need: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for household_id, cents in sorted(granted.items()):
        composition = compose(cents, PLENTY)
        counts = composition.counts if composition.exact else composition.nearest_lower_counts
        plans[household_id] = counts
        for denomination, n in counts.items():
            need[communes[household_id]][denomination] += n

    orders = [
        ChequeOrder(
            edition=edition,
            funder=funder,
            reference=f"CV-{edition.year}-{funder.slug.upper()}-01",
            ordered_on=calendar.date(dt.date(TEMPLATE_YEAR, 4, 22)),
            amount_cents=1,
            created_by_id=user_id,
        )
    ]
    if stock_funder is not None and stock_funder != funder:
        orders.append(
            ChequeOrder(
                edition=edition,
                funder=stock_funder,
                reference=f"CV-{edition.year}-{stock_funder.slug.upper()}-01",
                ordered_on=calendar.date(dt.date(TEMPLATE_YEAR, 5, 20)),
                amount_cents=1,
                created_by_id=user_id,
            )
        )
    ChequeOrder.objects.bulk_create(orders)
    booklets: list[tuple[Booklet, int | None]] = []  # (booklet, commune it is allocated to)
    serial = FIRST_SERIAL
    for commune_id in sorted(need):
        for denomination in DENOMINATIONS_CENTS:
            n = need[commune_id][denomination]
            for _ in range(-(-n // BOOKLET) if n else 0):
                booklets.append((_booklet(orders[0], serial, denomination, edition.year), commune_id))
                serial += BOOKLET
    for denomination in DENOMINATIONS_CENTS:  # the second order waits in stock
        for _ in range(3):
            booklets.append((_booklet(orders[-1], serial, denomination, edition.year - 1), None))
            serial += BOOKLET
    Booklet.objects.bulk_create([b for b, _ in booklets], batch_size=2000)
    for order in orders:
        order.amount_cents = sum(b.count * b.denomination_cents for b, _ in booklets if b.order is order)
    ChequeOrder.objects.bulk_update(orders, ["amount_cents"])

    cheques: list[Cheque] = []
    pools: dict[tuple[int, int], list[Cheque]] = defaultdict(list)
    for booklet, allocated_to in booklets:
        for k in range(booklet.count):
            c = Cheque(
                booklet=booklet,
                edition=edition,
                funder_id=booklet.order.funder_id,
                serial=serial_text(booklet.first_serial + k),
                denomination_cents=booklet.denomination_cents,
                issue_year=booklet.issue_year,
                valid_until=booklet.valid_until,
                format=booklet.format,
                status=ChequeStatus.ALLOCATED if allocated_to else ChequeStatus.IN_STOCK,
                commune_id=allocated_to,
            )
            cheques.append(c)
            if allocated_to:
                pools[(allocated_to, booklet.denomination_cents)].append(c)
    prepared = 0
    for household_id, counts in plans.items():
        if rng.random() >= PREPARED_SHARE or not counts:
            continue
        for denomination, n in counts.items():
            pool = pools[(communes[household_id], denomination)]
            for c in pool[:n]:
                c.status, c.household_id = ChequeStatus.PREPARED, household_id
            del pool[:n]
        prepared += 1
    Cheque.objects.bulk_create(cheques, batch_size=2000)
    steps: dict[str, list[ChequeStatus]] = {
        ChequeStatus.IN_STOCK: [ChequeStatus.IN_STOCK],
        ChequeStatus.ALLOCATED: [ChequeStatus.IN_STOCK, ChequeStatus.ALLOCATED],
        ChequeStatus.PREPARED: [ChequeStatus.IN_STOCK, ChequeStatus.ALLOCATED, ChequeStatus.PREPARED],
    }
    moves = []
    for c in cheques:
        previous = ""
        for status in steps[c.status]:
            moves.append(
                ChequeMovement(
                    cheque=c,
                    from_status=previous,
                    to_status=status,
                    commune_id=c.commune_id if status != ChequeStatus.IN_STOCK else None,
                    household_id=c.household_id if status == ChequeStatus.PREPARED else None,
                    actor_id=user_id,
                    note="démonstration",
                )
            )
            previous = status
    ChequeMovement.objects.bulk_create(moves, batch_size=5000)

    fete = Fete.objects.create(
        edition=edition,
        date=calendar.date(dt.date(TEMPLATE_YEAR, 6, 28)),
        place="Stade Bollaert-Delelis",
        address="avenue Alfred-Maës, 62300 Lens",
        opens_at=dt.time(10),
        closes_at=dt.time(18),
        contact="Vacances Ouvertes : 03 21 00 00 00 (démonstration)",
    )
    fete_services.fete_structure_sync(fete, 60)
    invitations = fete_services.invitations_build(fete, rng=rng)
    checkins, handovers = _fete_day(fete, rng, volunteer_id)
    return {
        "chèques-vacances": len(cheques),
        "foyers aux chèques préparés": prepared,
        "invitations à la Fête": invitations.created,
        "entrées à la Fête": checkins,
        "remises de chèques à la Fête": handovers,
    }


def _signature_png() -> bytes:
    out = io.BytesIO()
    segno.make("signature (démonstration)").save(out, kind="png", scale=2)
    return out.getvalue()


def _fete_day(fete: Fete, rng: random.Random, volunteer_id: int) -> tuple[int, int]:
    """The Fête as it went (it is ten days past): most invited households came in at the gate
    and most of those with prepared chèques left with them, signed for at their commune's
    stand — the rows and ledger movements the check-in and hand-over services write."""
    gate = CheckinList.objects.get(fete=fete, kind=ListKind.GATE)
    stands = {s.commune_id: s for s in Stand.objects.filter(fete=fete, commune__isnull=False)}
    coordination = Organisation.objects.get(kind=OrganisationKind.COORDINATOR, slug=COORDINATOR_SLUG)
    opens = dt.datetime.combine(fete.date, fete.opens_at, tzinfo=TZ)
    minutes = (dt.datetime.combine(fete.date, fete.closes_at) - opens.replace(tzinfo=None)).seconds // 60
    prepared = defaultdict(list)
    for c in Cheque.objects.filter(status=ChequeStatus.PREPARED, edition=fete.edition).order_by("serial"):
        prepared[c.household_id].append(c)
    checkins, arrivals, handovers, lines, moves, handed = [], [], [], [], [], []
    signature = _signature_png()
    for inv in Invitation.objects.filter(fete=fete).order_by("code"):
        if rng.random() >= CAME_SHARE:
            continue
        arrived = opens + dt.timedelta(minutes=rng.randrange(minutes - 30))
        checkins.append(
            Checkin(
                invitation=inv,
                checkin_list=gate,
                nonce=f"demo-{rng.getrandbits(96):024x}",
                by_id=volunteer_id,
            )
        )
        arrivals.append(arrived)
        cheques = prepared.get(inv.household_id)
        if not cheques or inv.commune_id not in stands or rng.random() >= HANDED_SHARE:
            continue
        at = arrived + dt.timedelta(minutes=rng.randint(5, 25))
        handover = Handover(
            invitation=inv,
            household_id=inv.household_id,
            stand=stands[inv.commune_id],
            receipt=new_reference("R", 8, rng=rng),
            nonce=f"demo-{rng.getrandbits(96):024x}",
            amount_cents=sum(c.denomination_cents for c in cheques),
            signature_png=signature,
            signature_sha256=hashlib.sha256(signature).hexdigest(),
            by_id=volunteer_id,
            organisation=coordination,
        )
        handovers.append((handover, at))
        for c in cheques:
            c.status, c.handed_over_at = ChequeStatus.HANDED_OVER, at
            handed.append(c)
            lines.append(HandoverLine(handover=handover, cheque=c))
            moves.append(
                ChequeMovement(
                    cheque=c,
                    from_status=ChequeStatus.PREPARED,
                    to_status=ChequeStatus.HANDED_OVER,
                    commune_id=c.commune_id,
                    household_id=c.household_id,
                    actor_id=volunteer_id,
                    organisation=coordination,
                    note="démonstration",
                )
            )
    Checkin.objects.bulk_create(checkins, batch_size=2000)
    for checkin, arrived in zip(checkins, arrivals, strict=True):
        checkin.at = checkin.scanned_at = arrived
    Checkin.objects.bulk_update(checkins, ["at", "scanned_at"], batch_size=2000)
    Handover.objects.bulk_create([h for h, _ in handovers], batch_size=1000)
    for handover, at in handovers:
        handover.at = at
    Handover.objects.bulk_update([h for h, _ in handovers], ["at"], batch_size=1000)
    HandoverLine.objects.bulk_create(lines, batch_size=2000)
    Cheque.objects.bulk_update(handed, ["status", "handed_over_at"], batch_size=2000)
    ChequeMovement.objects.bulk_create(moves, batch_size=5000)
    return len(checkins), len(handovers)


def _booklet(order: ChequeOrder, first: int, denomination: int, issue_year: int) -> Booklet:
    return Booklet(
        order=order,
        number=serial_text(first),
        first_serial=first,
        count=BOOKLET,
        denomination_cents=denomination,
        issue_year=issue_year,
        valid_until=validity_end(issue_year),
        format="classic",
    )


def delete(orgs, households) -> None:
    """The demo's ledger and Fête rows, before the households and editions they point at."""
    fetes = list(
        Fete.objects.filter(
            Q(invitations__household__in=households) | Q(edition__name__startswith=EDITION_NAME)
        ).distinct()
    )
    HandoverLine.objects.filter(handover__household__in=households).delete()
    Handover.objects.filter(household__in=households).delete()
    Checkin.objects.filter(invitation__household__in=households).delete()
    Invitation.objects.filter(household__in=households).delete()
    orders = ChequeOrder.objects.filter(funder__in=orgs)
    ChequeMovement.objects.filter(cheque__booklet__order__in=orders).delete()
    Cheque.objects.filter(booklet__order__in=orders).delete()
    Booklet.objects.filter(order__in=orders).delete()
    orders.delete()
    for fete in fetes:
        if not fete.invitations.exists():
            CheckinList.objects.filter(fete=fete).delete()
            Stand.objects.filter(fete=fete).delete()
            TimeSlot.objects.filter(fete=fete).delete()
            fete.delete()
