"""Which stands a member may serve at the Fête (``stands_for`` / ``lists_for``, used by the web
scan page, the API and the hand-over service), table-driven."""

import pytest
from django.urls import reverse

from partez.fete import selectors, services
from partez.organisations.models import OrganisationKind, Role
from tests import factories

from .conftest import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def who(fete_setup, ccas, commune):
    relay = factories.OrganisationFactory(
        name="Secours de Lens", slug="relais-lens", kind=OrganisationKind.RELAY, commune=commune
    )
    funder = factories.FunderFactory(slug="caf", name="CAF")
    return {
        "coordinator": fete_setup.coordination,
        "coordination_volunteer": fete_setup.volunteer,
        "lens_referent": factories.MembershipFactory(organisation=ccas, role=Role.COMMUNE_REFERENT),
        "lens_volunteer": factories.MembershipFactory(organisation=ccas, role=Role.VOLUNTEER),
        "lens_worker": factories.MembershipFactory(organisation=ccas, role=Role.SOCIAL_WORKER),
        "relay_volunteer": factories.MembershipFactory(organisation=relay, role=Role.VOLUNTEER),
        "funder": factories.MembershipFactory(organisation=funder, role=Role.FUNDER),
    }


SERVES = [
    # member, the lists it may scan on (names)
    ("coordinator", {"Entrée", "Stand de Lens", "Stand de Liévin"}),
    ("coordination_volunteer", {"Entrée", "Stand de Lens", "Stand de Liévin"}),
    ("lens_referent", {"Entrée", "Stand de Lens"}),
    ("lens_volunteer", {"Entrée", "Stand de Lens"}),
    ("lens_worker", set()),  # a social worker does not scan
    ("relay_volunteer", {"Entrée"}),  # a relay structure's volunteer: the gate, never a commune's stand
    ("funder", set()),
]


@pytest.mark.parametrize(("member", "lists"), SERVES)
def test_the_lists_each_member_may_scan_on(fete_setup, who, member, lists):
    assert {cl.name for cl in selectors.lists_for(who[member], fete_setup.fete)} == lists
    stands = {f"Stand de {s.commune.name}" for s in selectors.stands_for(who[member]) if s.commune_id}
    assert stands == lists - {"Entrée"}


def test_a_relay_volunteer_cannot_serve_the_stand_of_the_commune_it_sits_in(client, fete_setup, who):
    """Before: a relay structure with a commune saw that commune's stand, its roster, and could
    hand its households' chèques over."""
    m = who["relay_volunteer"]
    client.force_login(m.user)
    assert client.get(reverse("scan", args=[fete_setup.stand.pk])).status_code == 404
    assert client.get(reverse("scan", args=[fete_setup.gate.pk])).status_code == 200
    with pytest.raises(services.WrongStand):
        services.handover_record(
            actor=m, code=fete_setup.invitation.code, serials=[], signature_png=png_bytes(), nonce="r" * 16
        )
    assert not fete_setup.invitation.household.cheques.filter(status="handed_over").exists()
