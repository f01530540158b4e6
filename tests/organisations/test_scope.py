"""The commune scope every domain builds on (bilan, chèques, Fête stands), and the bilan's and
the chèques' scopes on top of it, table-driven."""

import pytest

from partez.cheques import selectors as cheques
from partez.organisations.models import OrganisationKind, Role
from partez.organisations.selectors import commune_scope, own_commune_id
from partez.reports import selectors as reports
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def who(ccas, commune, other_org, coordinator_org, edition):
    edition.communes.add(commune, other_org.commune)
    relay = factories.OrganisationFactory(kind=OrganisationKind.RELAY, commune=commune)
    funder = factories.FunderFactory(slug="caf", name="CAF")
    factories.EnvelopeFactory(funder=funder, edition=edition)
    member = factories.MembershipFactory
    return {
        "coordinator": member(organisation=coordinator_org, role=Role.COORDINATOR),
        "referent": member(organisation=ccas, role=Role.COMMUNE_REFERENT),
        "worker": member(organisation=ccas, role=Role.SOCIAL_WORKER),
        "relay": member(organisation=relay, role=Role.SOCIAL_WORKER),
        "funder": member(organisation=funder, role=Role.FUNDER),
        "host": member(
            organisation=factories.OrganisationFactory(kind=OrganisationKind.HOST, commune=None),
            role=Role.HOST,
        ),
    }


SCOPES = [
    # member, communes (names), bilan bound to (commune, funder, suppressed), funders' reports, preparation communes
    ("coordinator", "all", (None, None, False), {"caf"}, {"Lens", "Liévin"}),
    ("referent", {"Lens"}, ("Lens", None, False), set(), {"Lens"}),
    ("worker", {"Lens"}, ("Lens", None, False), set(), {"Lens"}),
    ("relay", set(), None, set(), set()),  # a relay structure in Lens does not act for Lens
    ("funder", set(), (None, "caf", True), {"caf"}, set()),
    ("host", set(), None, set(), set()),
]


@pytest.mark.parametrize(("member", "communes", "bilan", "reports_of", "preparation"), SCOPES)
def test_scopes(who, edition, member, communes, bilan, reports_of, preparation):
    m = who[member]
    names = {c.name for c in commune_scope(m)}
    if communes == "all":
        assert {"Lens", "Liévin"} <= names
    else:
        assert names == communes
        assert (own_commune_id(m) is not None) == bool(communes)
    scope = reports.bilan_scope(m)
    got = (
        None
        if scope is None
        else (
            scope.commune.name if scope.commune else None,
            scope.funder.slug if scope.funder else None,
            scope.suppressed,
        )
    )
    assert got == bilan
    assert {f.slug for f in reports.report_funders_for(m, edition)} == reports_of
    assert {c.name for c in cheques.preparation_communes(m, edition)} == preparation


def test_the_coordination_prepares_the_commune_it_asks_for(who, edition):
    assert cheques.preparation_commune(who["coordinator"], edition, "62510").name == "Liévin"
    assert cheques.preparation_commune(who["coordinator"], edition) is None
    assert cheques.preparation_commune(who["referent"], edition, "62510").name == "Lens"
