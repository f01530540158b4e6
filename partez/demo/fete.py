"""The demo edition's chèques-vacances and Fête des vacances, after its financing plans.

- One order of chèques-vacances from the CALL (the funder of the « séjour individuel » quotas)
  whose booklets are allocated to the participating communes, sized on what their households
  were granted in chèques, plus a smaller ANCV order still in stock (the reconciliation then has
  two funders, stock left and chèques at the communes);
- the chèques of most granted households prepared (composed by the same pure module as the
  service); the rest are left for the preparation page;
- the Fête (28 June, stade Bollaert-Delelis) with its gate, a stand per participating commune,
  arrival slots, and one invitation per entitled household (chèques or « séjour commun »).

Written in bulk like the rest of the demo (one audit entry for the whole load), with the same
movement rows the services write; deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.db.models import Q

from partez.cheques.composition import DENOMINATIONS_CENTS, compose
from partez.cheques.models import Booklet, Cheque, ChequeMovement, ChequeOrder, ChequeStatus, validity_end
from partez.cheques.selectors import granted_cheques_cents
from partez.cheques.services import serial_text
from partez.fete import services as fete_services
from partez.fete.models import Checkin, CheckinList, Fete, Handover, HandoverLine, Invitation, Stand, TimeSlot
from partez.households.models import Household
from partez.organisations.models import Organisation, OrganisationKind
from partez.territory.models import Edition

from .generator import EDITION_YEARS

BOOKLET = 20  # chèques per carnet
PREPARED_SHARE = 0.85  # households whose chèques are already prepared
PLENTY = dict.fromkeys(DENOMINATIONS_CENTS, 10_000)
FIRST_SERIAL = 4_120_000_001


def _funder(slug: str, *fallbacks: str) -> Organisation | None:
    for candidate in (slug, *fallbacks):
        org = Organisation.objects.filter(slug=candidate, kind=OrganisationKind.FUNDER).first()
        if org is not None:
            return org
    return Organisation.objects.filter(kind=OrganisationKind.FUNDER).order_by("pk").first()


def load(edition: Edition, *, seed: int, user_id: int) -> dict[str, int]:
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
            ordered_on=dt.date(edition.year, 4, 22),
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
                ordered_on=dt.date(edition.year, 5, 20),
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
        date=dt.date(edition.year, 6, 28),
        place="Stade Bollaert-Delelis",
        address="avenue Alfred-Maës, 62300 Lens",
        opens_at=dt.time(10),
        closes_at=dt.time(18),
        contact="Vacances Ouvertes : 03 21 00 00 00 (démonstration)",
    )
    fete_services.fete_structure_sync(fete, 60)
    invitations = fete_services.invitations_build(fete, rng=rng)
    return {
        "chèques-vacances": len(cheques),
        "foyers aux chèques préparés": prepared,
        "invitations à la Fête": invitations.created,
    }


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
            Q(invitations__household__in=households)
            | Q(edition__year__in=EDITION_YEARS, edition__name__startswith="10 000 départs")
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
