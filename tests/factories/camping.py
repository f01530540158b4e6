"""A small séjour commun for the tests: two campsites, two weeks, a few households of Lens and
Liévin with validated camping projects (fictitious names from Faker)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from partez.camping import services
from partez.camping.models import AccommodationUnit, CampingWeek, Campsite, Participant
from partez.organisations.models import OrganisationKind, Role
from partez.projects.models import ProjectFormat, ProjectStatus
from tests import factories

W1, W2 = dt.date(2025, 7, 5), dt.date(2025, 7, 12)


@dataclass
class Camp:
    edition: object
    coordination: object
    lens: object
    lievin: object
    mouettes: Campsite
    phare: Campsite
    units: dict[str, AccommodationUnit] = field(default_factory=dict)
    weeks: dict[tuple[str, dt.date], CampingWeek] = field(default_factory=dict)
    participants: dict[str, Participant] = field(default_factory=dict)  # by household reference

    def week(self, campsite: Campsite, start: dt.date) -> CampingWeek:
        return self.weeks[campsite.name, start]


def participant(
    camp: Camp,
    reference: str,
    *,
    commune=None,
    people: int = 2,
    disability: bool = False,
    start=W1,
    destination: str = "",
    status=ProjectStatus.VALIDATED,
) -> Participant:
    commune = commune or camp.lens
    ccas = factories.OrganisationFactory(kind=OrganisationKind.COMMUNE, commune=commune)
    household = factories.HouseholdFactory(reference=reference, commune=commune, created_by_organisation=ccas)
    persons = [factories.PersonFactory(household=household, relation="head", has_disability=disability)]
    persons += [
        factories.PersonFactory(household=household, relation="child", birth_date="2015-06-01")
        for _ in range(people - 1)
    ]
    project = factories.ProjectFactory(
        household=household,
        edition=camp.edition,
        format=ProjectFormat.CAMPING,
        status=status,
        start_date=start,
        end_date=start + dt.timedelta(days=7) if start else None,
        destination=destination,
    )
    project.travellers.set(persons)
    services.participants_sync(actor=camp.coordination, edition=camp.edition)
    p = Participant.objects.filter(project=project).select_related("household__commune", "edition").first()
    if p is not None:
        camp.participants[reference] = p
    return p


def camp(edition, coordinator_org) -> Camp:
    """Les Mouettes (Dieppe): M1 4 beds, M2 6 beds, M3 4 beds accessible; Le Phare (Le Tréport):
    P1 5 beds. Both open the weeks of 5 and 12 July 2025."""
    lens = factories.CommuneFactory(insee_code="62498", name="Lens")
    lievin = factories.CommuneFactory(insee_code="62510", name="Liévin")
    edition.communes.add(lens, lievin)
    coordination = factories.MembershipFactory(organisation=coordinator_org, role=Role.COORDINATOR)
    host = factories.OrganisationFactory(
        name="Camping Les Mouettes", kind=OrganisationKind.HOST, commune=None
    )
    mouettes = factories.CampsiteFactory(
        edition=edition,
        name="Les Mouettes",
        town="Dieppe",
        address="1 rue de la Plage, 76200 Dieppe",
        phone="02 35 00 00 00",
        host=host,
    )
    phare = factories.CampsiteFactory(
        edition=edition, name="Le Phare", town="Le Tréport", address="2 quai du Port, 76470 Le Tréport"
    )
    c = Camp(edition, coordination, lens, lievin, mouettes, phare)
    for campsite, label, beds, accessible in [
        (mouettes, "M1", 4, False),
        (mouettes, "M2", 6, False),
        (mouettes, "M3", 4, True),
        (phare, "P1", 5, False),
    ]:
        c.units[label] = factories.AccommodationUnitFactory(
            campsite=campsite, label=label, beds=beds, accessible=accessible
        )
    for campsite in (mouettes, phare):
        for start in (W1, W2):
            c.weeks[campsite.name, start] = factories.CampingWeekFactory(campsite=campsite, starts_on=start)
    for commune, place, back in [
        (lens, "Parking de la gare", dt.time(18, 0)),
        (lievin, "Place de la République", dt.time(18, 30)),
    ]:
        factories.PickupPointFactory(
            edition=edition, commune=commune, place=place, departure_time=dt.time(8, 0), return_time=back
        )
    return c
