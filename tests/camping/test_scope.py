"""The séjour commun's scope, table-driven: which campsites, participants and household pages each
member sees (``campsites_for`` / ``participants_for`` / ``participant_files_for``), and a board
that reads without writing."""

import pytest
from django.urls import reverse

from partez.camping import selectors, services
from partez.camping.models import CampingPlan
from partez.organisations.models import OrganisationKind, Role
from tests import factories
from tests.factories.camping import W1, camp, participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(edition, coordinator_org):
    c = camp(edition, coordinator_org)
    lens_ccas = factories.OrganisationFactory(kind=OrganisationKind.COMMUNE, commune=c.lens)
    other_host = factories.OrganisationFactory(kind=OrganisationKind.HOST, commune=None)
    c.who = {
        "coordinator": c.coordination,
        "lens_referent": factories.MembershipFactory(organisation=lens_ccas, role=Role.COMMUNE_REFERENT),
        "lens_worker": factories.MembershipFactory(organisation=lens_ccas, role=Role.SOCIAL_WORKER),
        "host": factories.MembershipFactory(organisation=c.mouettes.host, role=Role.HOST),
        "other_host": factories.MembershipFactory(organisation=other_host, role=Role.HOST),
    }
    participant(c, "F-LENS")
    participant(c, "F-LIEV", commune=c.lievin)
    services.placement_move(
        actor=c.coordination,
        participant=c.participants["F-LENS"],
        unit=c.units["M1"],
        week=c.week(c.mouettes, W1),
    )
    return c


SEES = [
    # member, campsites, participants (household references), household pages
    ("coordinator", {"Les Mouettes", "Le Phare"}, {"F-LENS", "F-LIEV"}, {"F-LENS", "F-LIEV"}),
    ("lens_referent", {"Les Mouettes", "Le Phare"}, {"F-LENS"}, {"F-LENS"}),
    ("lens_worker", set(), set(), set()),
    ("host", {"Les Mouettes"}, {"F-LENS"}, set()),  # its campsites' rosters, never a household page
    ("other_host", set(), set(), set()),
]


@pytest.mark.parametrize(("member", "campsites", "participants", "pages"), SEES)
def test_what_each_member_sees(c, member, campsites, participants, pages):
    m = c.who[member]
    assert {s.name for s in selectors.campsites_for(m, c.edition)} == campsites
    refs = selectors.participants_for(m, c.edition).values_list("household__reference", flat=True)
    assert set(refs) == participants
    refs = selectors.participant_files_for(m, c.edition).values_list("household__reference", flat=True)
    assert set(refs) == pages


def test_the_board_reads_without_writing(client, edition, coordinator_org):
    """Before: opening the board created the edition's plan row (a write on a GET)."""
    c = camp(edition, coordinator_org)
    assert not CampingPlan.objects.filter(edition=edition).exists()
    client.force_login(c.coordination.user)
    assert client.get(reverse("camping_board")).status_code == 200
    assert client.get(reverse("camping_settings")).status_code == 200
    assert not CampingPlan.objects.filter(edition=edition).exists()
    assert selectors.camping_plan(edition).bus_seats == 53  # the defaults, until a service writes
