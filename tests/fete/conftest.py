import base64
import io

import pytest

from partez.cheques import services as cheque_services
from partez.fete import services
from partez.fete.models import CheckinList, Invitation
from partez.organisations.models import Role
from partez.organisations.services import api_token_create
from tests import factories
from tests.api.conftest import ApiClient

from . import builders


def png_bytes() -> bytes:
    """A real (tiny) PNG, as a signature canvas would send (segno writes PNGs without Pillow)."""
    import segno

    out = io.BytesIO()
    segno.make("signature").save(out, kind="png", scale=2)
    return out.getvalue()


@pytest.fixture(scope="session")
def signature_b64():
    return base64.b64encode(png_bytes()).decode()


class FeteSetup:
    pass


def build_fete(edition, commune, ccas, other_commune, other_ccas, *, households_per_commune=3):
    s = FeteSetup()
    edition.communes.add(commune, other_commune)
    s.edition = edition
    s.coordination = builders.coordination()
    s.funder = factories.FunderFactory(slug="call", name="CALL")
    order = builders.order(s.coordination, edition, s.funder, specs=((5000, 60), (2000, 30), (1000, 30)))
    booklets = list(order.booklets.order_by("first_serial"))
    cheque_services.booklets_allocate(actor=s.coordination, booklets=booklets[:1], commune=commune)
    cheque_services.booklets_allocate(actor=s.coordination, booklets=booklets[1:], commune=other_commune)
    s.households = {commune.pk: [], other_commune.pk: []}
    for c, org in ((commune, ccas), (other_commune, other_ccas)):
        for i in range(households_per_commune):
            h = builders.household_in(c, org, name=f"Nom{i}")
            builders.grant(h, edition, 10000)
            cheque_services.household_prepare(actor=s.coordination, household=h, edition=edition)
            s.households[c.pk].append(h)
    s.camper = builders.household_in(commune, ccas, name="Campeur")
    factories.ProjectFactory(household=s.camper, edition=edition, format="camping", status="validated")
    s.fete = builders.fete(s.coordination, edition)
    services.invitations_generate(actor=s.coordination, fete=s.fete)
    s.gate = CheckinList.objects.get(fete=s.fete, kind="gate")
    s.stand = CheckinList.objects.get(fete=s.fete, stand__commune=commune)
    s.other_stand = CheckinList.objects.get(fete=s.fete, stand__commune=other_commune)
    s.volunteer = factories.MembershipFactory(
        organisation=s.coordination.organisation, role=Role.VOLUNTEER, user__username="benevole-test"
    )
    s.invitation = Invitation.objects.get(household=s.households[commune.pk][0])
    s.other_invitation = Invitation.objects.get(household=s.households[other_commune.pk][0])
    return s


@pytest.fixture
def fete_setup(edition, commune, ccas, other_org):
    return build_fete(edition, commune, ccas, other_org.commune, other_org)


@pytest.fixture
def volunteer_api(fete_setup):
    return ApiClient(api_token_create(membership=fete_setup.volunteer, name="tablette")[1])
