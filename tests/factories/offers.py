"""A small catalogue of hosting offers: a host's two sites (one reachable by train, one by car
only), two summer periods, BSV and donated offers, and two porteurs (the Lens and Liévin CCAS)
with households of 2 to 5 people."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from partez.offers.models import Offer, OfferKind, Period, Site, UnitKind
from partez.organisations.models import Membership, Organisation, OrganisationKind, Role
from partez.projects.models import Project, ProjectFormat, ProjectStatus
from tests import factories

AUG = dt.date(2025, 8, 2)


@dataclass
class Catalogue:
    edition: object
    coordination: Membership
    host: Membership
    host_org: Organisation
    dune: Site  # reachable without a car, accessible
    bocage: Site  # by car only
    august: Period
    july: Period
    lens: Membership  # a social worker of the Lens CCAS
    lievin: Membership  # a social worker of the Liévin CCAS
    offers: dict[str, Offer] = field(default_factory=dict)

    def household(self, porteur: Membership, people: int = 3, disability: bool = False):
        h = factories.HouseholdFactory(
            commune=porteur.organisation.commune, created_by_organisation=porteur.organisation
        )
        for i in range(people):
            factories.PersonFactory(
                household=h, relation="head" if i == 0 else "child", has_disability=disability and i == 1
            )
        return h


def offer(
    site: Site, period: Period, ref: str, *, kind=OfferKind.DONATED, beds=5, accessible=False, price=None
):
    return Offer.objects.create(
        reference=ref,
        kind=kind,
        site=site,
        period=period,
        unit_kind=UnitKind.MOBILE_HOME,
        beds=beds,
        accessible=accessible,
        public_price_cents=60_000,
        solidarity_price_cents=price if kind == OfferKind.BSV else None,
    )


def catalogue() -> Catalogue:
    edition = factories.EditionFactory()
    coordination_org = factories.OrganisationFactory(kind=OrganisationKind.COORDINATOR, commune=None)
    coordination = factories.MembershipFactory(organisation=coordination_org, role=Role.COORDINATOR)
    host_org = factories.OrganisationFactory(
        name="Villages Vacances Côte d'Opale", kind=OrganisationKind.HOST, commune=None
    )
    host = factories.MembershipFactory(organisation=host_org, role=Role.HOST)
    dune = Site.objects.create(
        host=host_org,
        name="Village de la Dune",
        commune="Berck",
        department="62",
        accessible=True,
        reachable_without_car=True,
    )
    bocage = Site.objects.create(
        host=host_org, name="Gîtes du Bocage", commune="Hesdin", department="62", reachable_without_car=False
    )
    august = Period.objects.create(
        edition=edition,
        code="ete-aout",
        label="Été : semaine du 2 août",
        start_date=AUG,
        end_date=AUG + dt.timedelta(days=7),
        school_holidays=True,
    )
    july = Period.objects.create(
        edition=edition,
        code="ete-juillet",
        label="Été : semaine du 12 juillet",
        start_date=dt.date(2025, 7, 12),
        end_date=dt.date(2025, 7, 19),
        school_holidays=True,
    )
    lens_commune = factories.CommuneFactory(insee_code="62498", name="Lens")
    lievin_commune = factories.CommuneFactory(insee_code="62510", name="Liévin")
    lens = factories.MembershipFactory(
        organisation=factories.OrganisationFactory(name="CCAS de Lens", commune=lens_commune),
        role=Role.SOCIAL_WORKER,
    )
    lievin = factories.MembershipFactory(
        organisation=factories.OrganisationFactory(name="CCAS de Liévin", commune=lievin_commune),
        role=Role.SOCIAL_WORKER,
    )
    c = Catalogue(edition, coordination, host, host_org, dune, bocage, august, july, lens, lievin)
    c.offers = {
        "D1": offer(dune, august, "H-D1", beds=5, accessible=True),
        "D2": offer(dune, august, "H-D2", beds=6),
        "D3": offer(dune, august, "H-D3", beds=4),
        "B1": offer(bocage, august, "H-B1", beds=6),
        "J1": offer(dune, july, "H-J1", kind=OfferKind.BSV, beds=4, price=25_000),
    }
    return c


def asking_project(c: Catalogue, porteur: Membership, people: int = 3, fmt=ProjectFormat.HOSTING) -> Project:
    """A validated « Je pars… » project of a new household of ``people``, all travelling."""
    household = c.household(porteur, people)
    project = factories.ProjectFactory(
        household=household,
        organisation=porteur.organisation,
        edition=c.edition,
        format=fmt,
        status=ProjectStatus.VALIDATED,
    )
    project.travellers.set(household.persons.all())
    return project
