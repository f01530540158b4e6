"""Fixtures for the API tests: one membership per role, their tokens, a client that sends them,
and a household with a project that is complete enough to be submitted."""

import pytest
from django.test import Client

from partez.organisations.models import OrganisationKind, Role
from partez.organisations.services import api_token_create, api_token_revoke
from tests import factories

# Every caller of the permission matrix: the three case-work roles, the three roles that never
# see case files, and a social worker of ANOTHER commune's CCAS.
CASEWORK = ["coordinator", "commune_referent", "social_worker"]
NO_CASEWORK = ["funder", "volunteer", "host"]
OTHER_ORG = "other_org_worker"
ROLES = [*CASEWORK, *NO_CASEWORK, OTHER_ORG]
UNAUTHENTICATED = ["no_token", "bad_token", "revoked_token"]


class ApiClient:
    """A Django test client speaking JSON with an optional bearer token."""

    def __init__(self, token: str | None = None, authorization: str | None = None):
        self.client = Client()
        self.authorization = (
            authorization if authorization is not None else (f"Bearer {token}" if token else None)
        )

    def _headers(self):
        return {"Authorization": self.authorization} if self.authorization else {}

    def get(self, path, params=None):
        return self.client.get(f"/api/v1{path}", params or {}, headers=self._headers())

    def post(self, path, payload):
        return self.client.post(
            f"/api/v1{path}", payload, content_type="application/json", headers=self._headers()
        )


def token_for(membership) -> str:
    return api_token_create(membership=membership, name="tests")[1]


@pytest.fixture
def members(ccas, other_org, coordinator_org, worker, referent):
    funder_org = factories.OrganisationFactory(name="Fondation", kind=OrganisationKind.FUNDER, commune=None)
    host_org = factories.OrganisationFactory(
        name="Camping des Dunes", kind=OrganisationKind.HOST, commune=None
    )
    return {
        "coordinator": factories.MembershipFactory(organisation=coordinator_org, role=Role.COORDINATOR),
        "commune_referent": referent,
        "social_worker": worker,
        "funder": factories.MembershipFactory(organisation=funder_org, role=Role.FUNDER),
        # A volunteer of the very CCAS that follows the household: only the role keeps them out.
        "volunteer": factories.MembershipFactory(organisation=ccas, role=Role.VOLUNTEER),
        "host": factories.MembershipFactory(organisation=host_org, role=Role.HOST),
        OTHER_ORG: factories.MembershipFactory(organisation=other_org, role=Role.SOCIAL_WORKER),
    }


@pytest.fixture
def api_as(members):
    """``api_as("social_worker")`` → a client with a fresh token of that role;
    ``api_as("no_token" | "bad_token" | "revoked_token")`` for the unauthenticated cases."""

    def make(who: str) -> ApiClient:
        if who == "no_token":
            return ApiClient()
        if who == "bad_token":
            return ApiClient("ptz_ceci-n-est-pas-un-jeton")
        if who == "revoked_token":
            membership = members["social_worker"]
            token, raw = api_token_create(membership=membership, name="révoqué")
            api_token_revoke(membership=membership, token=token)
            return ApiClient(raw)
        return ApiClient(token_for(members[who]))

    return make


@pytest.fixture
def worker_api(worker):
    return ApiClient(token_for(worker))


@pytest.fixture
def project(worker, household, edition):
    """A draft project of the Lens household, complete enough to be submitted."""
    return factories.draft_project(
        worker, household, edition, budget=[("lodging", "Mobil-home", 42_000), ("transport", "Train", 8_550)]
    )


@pytest.fixture
def complete_project(project, worker):
    """The draft project with what the commission needs: documents received, a plan chosen (one
    drawing on no envelope, so the workflow tests move no money)."""
    return factories.complete_file(project, worker, aid=False)
