"""The demo's chèques-vacances and Fête: booklets at the communes sized on what their
households were granted, most households' chèques prepared to the cent, and the Fête with a
stand per participating commune and an invitation per entitled household."""

from partez.cheques.models import Cheque, ChequeMovement, ChequeOrder
from partez.cheques.selectors import granted_cheques_cents
from partez.fete.models import Fete, Invitation
from partez.fete.selectors import entitlements_by_household
from partez.territory.models import Edition


def test_the_demo_ledger_and_fete(demo):
    edition = Edition.objects.get(year=2025)
    assert ChequeOrder.objects.filter(edition=edition).count() == 2
    granted = granted_cheques_cents(edition)
    assert granted, "the demo grants aid in chèques"
    prepared: dict[int, int] = {}
    for household_id, cents in Cheque.objects.filter(status="prepared").values_list(
        "household_id", "denomination_cents"
    ):
        prepared[household_id] = prepared.get(household_id, 0) + cents
    assert len(prepared) >= len(granted) // 2
    for household_id, cents in prepared.items():
        assert cents <= granted[household_id] and granted[household_id] - cents < 1000
    assert Cheque.objects.filter(status="in_stock").count() > 0
    assert (
        ChequeMovement.objects.filter(to_status="prepared").count()
        == Cheque.objects.filter(status="prepared").count()
    )
    fete = Fete.objects.get(edition=edition)
    assert fete.stands.filter(kind="commune").count() == edition.communes.count()
    assert Invitation.objects.filter(fete=fete).count() == len(entitlements_by_household(edition))
