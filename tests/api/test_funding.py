"""GET /api/v1/envelopes: scope by role, figures overall and per quota, query budget."""

import pytest

from partez.funding.models import Envelope, EnvelopeQuota
from partez.schemes.models import Scheme
from tests import factories

from .conftest import ROLES, UNAUTHENTICATED

pytestmark = pytest.mark.django_db


@pytest.fixture
def envelopes(members, edition, commune):
    own = factories.EnvelopeFactory(
        funder=members["funder"].organisation,
        scheme=Scheme.objects.get(slug="caf-vacances"),
        edition=edition,
        label="CAF 2025",
        amount_cents=500_000,
    )
    EnvelopeQuota.objects.create(
        envelope=own, commune=commune, amount_cents=200_000, reserved_cents=30_000, consumed_cents=20_000
    )
    Envelope.objects.filter(pk=own.pk).update(reserved_cents=100_000, consumed_cents=50_000)
    other = factories.EnvelopeFactory(
        funder=factories.FunderFactory(slug="ancv", name="ANCV"),
        scheme=Scheme.objects.get(slug="apv"),
        edition=factories.EditionFactory(year=2024),
        label="APV 2024",
        amount_cents=300_000,
    )
    return own, other


@pytest.mark.parametrize("who", [*UNAUTHENTICATED, *ROLES])
def test_envelopes_scope(api_as, who, envelopes):
    response = api_as(who).get("/envelopes")
    expected = 401 if who in UNAUTHENTICATED else 200 if who in ("coordinator", "funder") else 403
    assert response.status_code == expected, response.content
    if expected != 200:
        assert response.json()["detail"]
        return
    labels = [e["label"] for e in response.json()]
    assert labels == (["CAF 2025", "APV 2024"] if who == "coordinator" else ["CAF 2025"])


def test_envelope_figures_and_quotas(api_as, envelopes, members):
    response = api_as("funder").get("/envelopes", {"edition_year": 2025})
    assert response.status_code == 200
    (envelope,) = response.json()
    assert envelope == {
        "id": envelopes[0].pk,
        "label": "CAF 2025",
        "funder": {"id": members["funder"].organisation_id, "name": "Fondation"},
        "scheme": {"slug": "caf-vacances", "name": Scheme.objects.get(slug="caf-vacances").name},
        "edition_year": 2025,
        "amount_cents": 500_000,
        "reserved_cents": 100_000,
        "consumed_cents": 50_000,
        "available_cents": 350_000,
        "quotas": [
            {
                "commune": {"insee_code": "62498", "name": "Lens"},
                "amount_cents": 200_000,
                "reserved_cents": 30_000,
                "consumed_cents": 20_000,
                "available_cents": 150_000,
            }
        ],
    }
    assert api_as("coordinator").get("/envelopes", {"edition_year": 2024}).json()[0]["label"] == "APV 2024"


def test_envelopes_query_count_is_constant(api_as, envelopes, edition, django_assert_max_num_queries):
    client = api_as("coordinator")
    for i in range(6):
        e = factories.EnvelopeFactory(funder=factories.FunderFactory(slug=f"f-{i}"), edition=edition)
        for _ in range(3):
            EnvelopeQuota.objects.create(envelope=e, commune=factories.CommuneFactory(), amount_cents=10)
    with django_assert_max_num_queries(8):
        response = client.get("/envelopes")
    assert len(response.json()) == 8
