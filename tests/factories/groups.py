"""A world for group departures: a relay structure approved for Sac Ados with young people it
follows, a CCAS with its Seniors en Vacances convention, a stay option and seniors it follows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from partez.groups import services
from partez.groups.models import Group, RelayApproval, Scheme, Stay
from partez.households.models import Person
from partez.organisations.models import Membership, Organisation, OrganisationKind, Role
from partez.schemes.models import Scheme as SchemeRow
from partez.schemes.services import catalogue_sync
from tests import factories

SUMMER = dt.date(2026, 7, 10)
SEPTEMBER = dt.date(2026, 9, 7)


@dataclass
class GroupsWorld:
    coordination: Membership
    relay: Organisation
    relay_worker: Membership
    ccas: Organisation
    ccas_worker: Membership
    young: list[Person] = field(default_factory=list)
    seniors: list[Person] = field(default_factory=list)
    stay: Stay | None = None


def young_people(
    organisation: Organisation, commune, n: int, *, born: dt.date = dt.date(2007, 3, 1)
) -> list[Person]:
    """``n`` young people, each of their own household followed by ``organisation``."""
    people = []
    for _ in range(n):
        h = factories.HouseholdFactory(commune=commune, created_by_organisation=organisation)
        people.append(factories.PersonFactory(household=h, birth_date=born, employment="student"))
    return people


def seniors(organisation: Organisation, commune, n: int, *, taxable: bool = False) -> list[Person]:
    people = []
    for _ in range(n):
        h = factories.HouseholdFactory(
            commune=commune, created_by_organisation=organisation, is_taxable=taxable
        )
        people.append(
            factories.PersonFactory(household=h, birth_date=dt.date(1955, 2, 1), employment="retired")
        )
    return people


def approve(relay: Organisation, *, trained_on: dt.date | None = dt.date(2025, 11, 4)) -> RelayApproval:
    return RelayApproval.objects.create(
        organisation=relay,
        scheme=Scheme.SAC_ADOS,
        approved_on=dt.date(2025, 12, 1),
        trained_professional="Camille Formée",
        trained_on=trained_on,
    )


def build(*, young: int = 4, senior_count: int = 4, places: int = 30, capacity: int = 30) -> GroupsWorld:
    if not SchemeRow.objects.exists():  # a transactional test starts from a flushed database
        catalogue_sync()
    commune = factories.CommuneFactory(insee_code="62498", name="Lens")
    coordination_org = factories.OrganisationFactory(
        name="Coordination", kind=OrganisationKind.COORDINATOR, commune=None
    )
    relay = factories.OrganisationFactory(
        name="Mission locale de Lens", kind=OrganisationKind.RELAY, commune=commune
    )
    ccas = factories.OrganisationFactory(name="CCAS de Lens", kind=OrganisationKind.COMMUNE, commune=commune)
    w = GroupsWorld(
        coordination=factories.MembershipFactory(organisation=coordination_org, role=Role.COORDINATOR),
        relay=relay,
        relay_worker=factories.MembershipFactory(organisation=relay, role=Role.SOCIAL_WORKER),
        ccas=ccas,
        ccas_worker=factories.MembershipFactory(organisation=ccas, role=Role.SOCIAL_WORKER),
    )
    approve(relay)
    w.young = young_people(relay, commune, young)
    w.seniors = seniors(ccas, commune, senior_count)
    services.convention_save(
        actor=w.ccas_worker, year=SEPTEMBER.year, places_granted=places, reference="CONV-62"
    )
    w.stay = services.stay_create(
        actor=w.ccas_worker,
        provider="Vacances pour tous",
        place="Le Crotoy",
        starts_on=SEPTEMBER,
        nights=4,
        price_cents=36900,
        capacity=capacity,
        option_expires_on=timezone.localdate() + dt.timedelta(days=30),
    )
    return w


def sac_group(w: GroupsWorld, people: list[Person] | None = None, **overrides) -> Group:
    data = services.GroupInput(
        scheme=Scheme.SAC_ADOS,
        name=overrides.pop("name", "Les Baroudeurs"),
        members=[p.pk for p in (people if people is not None else w.young[:3])],
        destination=overrides.pop("destination", "Marseille"),
        starts_on=overrides.pop("starts_on", SUMMER),
        ends_on=overrides.pop("ends_on", SUMMER + dt.timedelta(days=5)),
    )
    return services.group_create(actor=w.relay_worker, data=data)[0]


def seniors_group(w: GroupsWorld, people: list[Person] | None = None) -> Group:
    data = services.GroupInput(
        scheme=Scheme.SENIORS,
        name="Les Amis du Crotoy",
        members=[p.pk for p in (people if people is not None else w.seniors[:2])],
        destination="Le Crotoy",
        starts_on=SEPTEMBER,
        ends_on=SEPTEMBER + dt.timedelta(days=4),
        stay_id=w.stay.pk if w.stay else None,
    )
    return services.group_create(actor=w.ccas_worker, data=data)[0]
