import pytest

from partez.organisations.models import OrganisationKind, Role
from tests import factories


@pytest.fixture
def members(ccas, coordinator_org, other_org):
    """One membership per role (in the organisation kind where that role lives) plus an outsider."""
    funder_org = factories.OrganisationFactory(
        name="CAF", slug="caf", kind=OrganisationKind.FUNDER, commune=None
    )
    host_org = factories.OrganisationFactory(
        name="Camping", slug="camping", kind=OrganisationKind.HOST, commune=None
    )
    return {
        "coordinator": factories.MembershipFactory(organisation=coordinator_org, role=Role.COORDINATOR),
        "commune_referent": factories.MembershipFactory(organisation=ccas, role=Role.COMMUNE_REFERENT),
        "social_worker": factories.MembershipFactory(organisation=ccas, role=Role.SOCIAL_WORKER),
        "funder": factories.MembershipFactory(organisation=funder_org, role=Role.FUNDER),
        "volunteer": factories.MembershipFactory(organisation=ccas, role=Role.VOLUNTEER),
        "host": factories.MembershipFactory(organisation=host_org, role=Role.HOST),
        "outsider": factories.MembershipFactory(organisation=other_org, role=Role.SOCIAL_WORKER),
    }


@pytest.fixture
def project(household, worker, edition):
    return factories.ProjectFactory(household=household, organisation=worker.organisation, edition=edition)
