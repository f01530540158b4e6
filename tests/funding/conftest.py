"""Fixtures for the funding tests: the schemes' funders, and a project whose best plan is
APV (ANCV) 300 € + séjour individuel (CALL) 200 € + CAF 80 € on a 600 € stay."""

import pytest

from partez.organisations.models import OrganisationKind
from tests import factories

FUNDERS = {
    "call": "Communauté d'agglomération de Lens-Liévin",
    "ancv": "ANCV",
    "caf-pas-de-calais": "CAF du Pas-de-Calais",
}


@pytest.fixture
def funders(db):
    orgs = {slug: factories.FunderFactory(slug=slug, name=name) for slug, name in FUNDERS.items()}
    orgs["fondation-je-pars-tu-pars-il-part"] = factories.OrganisationFactory(
        slug="fondation-je-pars-tu-pars-il-part",
        name="Fondation « Je pars, tu pars, il part »",
        kind=OrganisationKind.HOST,
        commune=None,
    )
    return orgs


@pytest.fixture
def coordination(coordinator_org):
    from partez.organisations.models import Role

    return factories.MembershipFactory(organisation=coordinator_org, role=Role.COORDINATOR)


@pytest.fixture
def project(worker, household, edition, commune):
    edition.communes.add(commune)
    return factories.draft_project(worker, household, edition, checklist_received=True)


@pytest.fixture
def envelopes(funders, edition):
    """One envelope per funder of the plan, 1 000 € each."""
    from partez.schemes.models import Scheme

    schemes = {"call": "sejour-individuel", "ancv": "apv", "caf-pas-de-calais": "caf-vacances"}
    return {
        scheme: factories.EnvelopeFactory(
            funder=funders[slug],
            scheme=Scheme.objects.get(slug=scheme),
            edition=edition,
            label=f"{scheme} {edition.year}",
            amount_cents=100_000,
        )
        for slug, scheme in schemes.items()
    }
