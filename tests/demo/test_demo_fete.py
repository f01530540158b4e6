"""The demo's chèques-vacances and Fête: booklets at the communes sized on what their
households were granted, most households' chèques prepared to the cent, and the Fête with a
stand per participating commune and an invitation per entitled household."""

from partez.cheques.models import Cheque, ChequeMovement, ChequeOrder
from partez.cheques.selectors import granted_cheques_cents
from partez.fete.models import Checkin, Fete, Handover, HandoverLine, Invitation
from partez.fete.selectors import entitlements_by_household
from partez.territory.models import Edition

from .conftest import TODAY


def test_the_demo_ledger_and_fete(demo):
    edition = Edition.objects.get(year=2025)
    assert ChequeOrder.objects.filter(edition=edition).count() == 2
    granted = granted_cheques_cents(edition)
    assert granted, "the demo grants aid in chèques"
    prepared: dict[int, int] = {}
    for household_id, cents in Cheque.objects.filter(status__in=["prepared", "handed_over"]).values_list(
        "household_id", "denomination_cents"
    ):
        prepared[household_id] = prepared.get(household_id, 0) + cents
    assert len(prepared) >= len(granted) // 2
    for household_id, cents in prepared.items():
        assert cents <= granted[household_id] and granted[household_id] - cents < 1000
    assert Cheque.objects.filter(status="in_stock").count() > 0
    assert (
        ChequeMovement.objects.filter(to_status="prepared").count()
        == Cheque.objects.filter(status__in=["prepared", "handed_over"]).count()
    )
    handed = Cheque.objects.filter(status="handed_over")
    assert (
        ChequeMovement.objects.filter(from_status="prepared", to_status="handed_over").count()
        == handed.count()
    )
    fete = Fete.objects.get(edition=edition)
    assert fete.stands.filter(kind="commune").count() == edition.communes.count()
    assert Invitation.objects.filter(fete=fete).count() == len(entitlements_by_household(edition))
    # the Fête (ten days past) went: check-ins at the gate that day, chèques handed over, signed
    checkins = Checkin.objects.filter(checkin_list__fete=fete, checkin_list__kind="gate")
    assert (
        0.5 * Invitation.objects.filter(fete=fete).count()
        < checkins.count()
        < Invitation.objects.filter(fete=fete).count()
    )
    assert not checkins.exclude(at__date=fete.date).exists()
    handovers = Handover.objects.filter(invitation__fete=fete).prefetch_related("lines__cheque")
    assert handovers.exists() and handovers.count() <= checkins.count()
    for h in handovers:
        assert h.at.date() == fete.date and h.signature_png and h.receipt.startswith("R-")
        assert h.amount_cents == sum(line.cheque.denomination_cents for line in h.lines.all())
        assert all(line.cheque.household_id == h.household_id for line in h.lines.all())
        assert checkins.filter(invitation=h.invitation).exists()
    assert HandoverLine.objects.filter(handover__invitation__fete=fete).count() == handed.count()
    assert fete.date < TODAY
