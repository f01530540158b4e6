"""The chèques-vacances ledger: orders, allocation to communes, preparation per household,
hand-over (never twice), what becomes of the chèques, and the reconciliation."""

import datetime as dt

import pytest

from partez.cheques import selectors, services
from partez.cheques.models import Booklet, Cheque, ChequeMovement, ChequeStatus
from partez.core.errors import DomainError, NotAllowed
from partez.core.models import AuditLog
from partez.organisations.models import Role
from tests import factories
from tests.factories import fete as builders


@pytest.fixture
def setup(edition, commune, ccas, other_org):
    edition.communes.add(commune, other_org.commune)
    coordination = builders.coordination()
    funder = factories.FunderFactory(slug="call", name="CALL")
    referent = factories.MembershipFactory(organisation=ccas, role=Role.COMMUNE_REFERENT)
    return coordination, funder, referent


def test_an_order_puts_its_booklets_in_stock_with_validity_and_movements(setup, edition):
    coordination, funder, _ = setup
    order = builders.order(coordination, edition, funder)
    assert order.amount_cents == 20 * 5000 + 20 * 2000 + 20 * 1000
    assert Booklet.objects.filter(order=order).count() == 3
    cheques = Cheque.objects.filter(booklet__order=order)
    assert cheques.count() == 60
    first = cheques.order_by("serial").first()
    assert first.serial == "0000000001" and first.status == ChequeStatus.IN_STOCK
    assert first.valid_until == dt.date(edition.year + 2, 12, 31)
    assert ChequeMovement.objects.filter(cheque__booklet__order=order, to_status="in_stock").count() == 60
    assert AuditLog.objects.filter(action="cheque_order.create", object_id=str(order.pk)).exists()


def test_orders_refuse_overlapping_serials_bad_denominations_and_other_roles(setup, edition, worker):
    coordination, funder, referent = setup
    builders.order(coordination, edition, funder)
    with pytest.raises(DomainError) as exc:
        builders.order(coordination, edition, funder, first=50, reference="CMD-2")
    assert "déjà enregistrés" in exc.value.message
    with pytest.raises(DomainError) as exc:
        builders.order(coordination, edition, funder, first=1000, specs=((1500, 2),), reference="CMD-3")
    assert exc.value.errors == {
        "booklets[0].denomination_cents": "Valeur faciale inconnue : 10, 20, 25 ou 50 €."
    }
    with pytest.raises(NotAllowed):
        builders.order(referent, edition, funder, first=5000, reference="CMD-4")
    assert Cheque.objects.count() == 60  # nothing half-saved


def test_allocation_of_whole_booklets_to_a_participating_commune(setup, edition, commune):
    coordination, funder, _ = setup
    order = builders.order(coordination, edition, funder)
    booklets = list(order.booklets.all())
    assert services.booklets_allocate(actor=coordination, booklets=booklets[:1], commune=commune) == 20
    assert Cheque.objects.filter(commune=commune, status="allocated").count() == 20
    with pytest.raises(DomainError, match="plus entièrement en stock"):
        services.booklets_allocate(actor=coordination, booklets=booklets[:2], commune=commune)
    outsider = factories.CommuneFactory(insee_code="62001", name="Ablain")
    with pytest.raises(DomainError, match="ne participe pas"):
        services.booklets_allocate(actor=coordination, booklets=booklets[1:], commune=outsider)


def _stocked(setup, edition, commune, specs=((5000, 20), (2000, 20), (1000, 20))):
    coordination, funder, referent = setup
    order = builders.order(coordination, edition, funder, specs=specs)
    services.booklets_allocate(actor=coordination, booklets=list(order.booklets.all()), commune=commune)
    return coordination, referent


def test_preparation_composes_the_granted_amount_from_the_commune_stock(setup, edition, commune, ccas):
    coordination, referent = _stocked(setup, edition, commune)
    household = builders.household_in(commune, ccas)
    builders.grant(household, edition, 31000)
    cheques, composition = services.household_prepare(actor=referent, household=household, edition=edition)
    assert composition.exact
    assert sorted(c.denomination_cents for c in cheques) == [1000] + [5000] * 6
    assert all(c.status == "prepared" and c.household_id == household.pk for c in cheques)
    with pytest.raises(DomainError, match="déjà préparés"):
        services.household_prepare(actor=referent, household=household, edition=edition)
    assert services.preparation_cancel(actor=referent, household=household, edition=edition) == 7
    assert Cheque.objects.filter(household=household).count() == 0


def test_an_amount_that_cannot_be_composed_is_refused_unless_the_lower_one_is_accepted(
    setup, edition, commune, ccas
):
    _coordination, referent = _stocked(setup, edition, commune, specs=((5000, 2), (2000, 1)))
    household = builders.household_in(commune, ccas)
    builders.grant(household, edition, 15000)
    with pytest.raises(DomainError) as exc:
        services.household_prepare(actor=referent, household=household, edition=edition)
    assert "Montant le plus proche en dessous : 120,00 €" in exc.value.message
    assert Cheque.objects.filter(status="prepared").count() == 0
    cheques, _ = services.household_prepare(
        actor=referent, household=household, edition=edition, accept_lower=True
    )
    assert sum(c.denomination_cents for c in cheques) == 12000


def test_preparation_is_refused_without_granted_aid_or_outside_the_commune(
    setup, edition, commune, ccas, other_org
):
    _coordination, referent = _stocked(setup, edition, commune)
    household = builders.household_in(commune, ccas)
    with pytest.raises(DomainError, match="pas d'aide attribuée en chèques-vacances"):
        services.household_prepare(actor=referent, household=household, edition=edition)
    elsewhere = builders.household_in(other_org.commune, other_org)
    builders.grant(elsewhere, edition, 5000)
    with pytest.raises(NotAllowed):
        services.household_prepare(actor=referent, household=elsewhere, edition=edition)


def test_a_released_plan_grants_nothing(setup, edition, commune, ccas):
    household = builders.household_in(commune, ccas)
    builders.grant(household, edition, 5000, status="released")
    assert selectors.granted_cheques_cents(edition) == {}


def test_a_serial_is_handed_over_once_and_the_lifecycle_is_enforced(setup, edition, commune, ccas):
    coordination, referent = _stocked(setup, edition, commune)
    household = builders.household_in(commune, ccas)
    builders.grant(household, edition, 6000)
    cheques, _ = services.household_prepare(actor=referent, household=household, edition=edition)
    serials = [c.serial for c in cheques]
    handed = services.cheques_hand_over(actor=referent, household=household, serials=serials)
    assert {c.status for c in handed} == {"handed_over"}
    with pytest.raises(services.AlreadyHandedOver) as exc:
        services.cheques_hand_over(actor=referent, household=household, serials=serials)
    assert exc.value.serials == sorted(serials)
    assert services.cheques_set_status(actor=coordination, serials=serials[:1], to_status="used") == 1
    with pytest.raises(DomainError, match="il ne peut pas passer à « rendu »"):
        services.cheques_set_status(actor=coordination, serials=serials[:1], to_status="returned")
    moves = list(ChequeMovement.objects.filter(cheque__serial=serials[0]).values_list("to_status", flat=True))
    assert moves == ["in_stock", "allocated", "prepared", "handed_over", "used"]


def test_expiry_marks_what_is_still_held_past_its_validity(setup, edition, commune):
    _stocked(setup, edition, commune, specs=((5000, 3),))
    assert services.cheques_expire(on=dt.date(edition.year + 3, 1, 1)) == 3
    assert set(Cheque.objects.values_list("status", flat=True)) == {"expired"}


def test_reconciliation_per_funder_and_per_commune(
    setup, edition, commune, ccas, django_assert_max_num_queries
):
    coordination, referent = _stocked(setup, edition, commune, specs=((5000, 10),))
    _c, funder, _r = setup
    builders.order(coordination, edition, funder, first=100, specs=((2000, 5),), reference="CMD-2")
    household = builders.household_in(commune, ccas)
    builders.grant(household, edition, 10000)
    cheques, _ = services.household_prepare(actor=referent, household=household, edition=edition)
    services.cheques_hand_over(actor=referent, household=household, serials=[cheques[0].serial])
    with django_assert_max_num_queries(1):
        rows = selectors.reconciliation(Cheque.objects.all(), by="funder", on=dt.date(edition.year, 6, 1))
    (row,) = rows
    assert (row.ordered, row.ordered_cents) == (15, 60000)
    assert (row.allocated, row.prepared, row.handed, row.left) == (10, 1, 1, 14)
    by_commune = {
        r.label: r
        for r in selectors.reconciliation(Cheque.objects.all(), by="commune", on=dt.date(edition.year, 6, 1))
    }
    assert by_commune["Lens"].allocated_cents == 50000
    assert by_commune["Stock non attribué"].left == 5
    expiring = selectors.reconciliation(
        Cheque.objects.all(), by="funder", on=dt.date(edition.year + 2, 11, 1)
    )
    assert expiring[0].expiring == 14
    assert selectors.cheques_for(referent).count() == 10  # its commune only


def test_the_expire_command(setup, edition, commune):
    import io

    from django.core.management import call_command

    _stocked(setup, edition, commune, specs=((1000, 2),))
    Cheque.objects.update(valid_until=dt.date(2000, 12, 31))
    out = io.StringIO()
    call_command("expire_cheques", stdout=out)
    assert out.getvalue().strip() == "2 chèque(s)-vacances marqué(s) périmé(s)."
    assert set(Cheque.objects.values_list("status", flat=True)) == {"expired"}
