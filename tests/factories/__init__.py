"""factory_boy factories: the one way to build test data. Names come from Faker: never real
people's data.

One factory per model here; the scenario builders that assemble a whole world out of them live
beside, one module per world: :mod:`tests.factories.camping` (a séjour commun),
:mod:`tests.factories.bilan` (an edition with every status, for the bilan),
:mod:`tests.factories.fete` (chèques in stock, a Fête with its stands and invitations) and
:mod:`tests.factories.campaign` (submitted projects for the campaign allocation)."""

import datetime as dt

import factory
from django.utils import timezone

from partez.households.models import ConsentScope, FollowUp, Household, PastDeparture, Person, Relation
from partez.organisations.models import Membership, Organisation, OrganisationKind, Role
from partez.projects.models import Project
from partez.schemes.models import Scheme
from partez.territory.models import Commune, Edition
from partez.users.models import User


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["insee_code"]

    insee_code = factory.Sequence(lambda n: f"62{n % 1000:03d}")  # five characters, however many tests ran
    name = factory.Sequence(lambda n: f"Commune {n}")
    population = 5000


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition
        django_get_or_create = ["year"]

    year = 2025
    name = factory.LazyAttribute(lambda o: f"10 000 départs {o.year}")
    starts_on = factory.LazyAttribute(lambda o: dt.date(o.year, 1, 1))
    ends_on = factory.LazyAttribute(lambda o: dt.date(o.year, 12, 31))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password("motdepasse-test")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    kind = OrganisationKind.COMMUNE
    commune = factory.SubFactory(CommuneFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.SOCIAL_WORKER


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"F-T{n:05d}")
    commune = factory.SubFactory(CommuneFactory)
    created_by_organisation = factory.SubFactory(OrganisationFactory)
    annual_taxable_income_cents = 1_800_000
    monthly_family_benefits_cents = 20_000

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        household = super()._create(model_class, *args, **kwargs)
        household.qf_given = "qf_cents" in kwargs  # a QF given by hand: PersonFactory leaves it
        return household

    @factory.post_generation
    def followed_by(self, create, extracted, **kwargs):
        if create:
            FollowUp.objects.create(
                household=self,
                organisation=extracted or self.created_by_organisation,
                is_referent=True,
                started_on=timezone.localdate(),
            )
            self.consents.create(
                scopes=[ConsentScope.CASEWORK],
                collected_by=UserFactory(),
                organisation=self.created_by_organisation,
                collected_at=timezone.now(),
            )


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    household = factory.SubFactory(HouseholdFactory)
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    birth_date = dt.date(1985, 4, 12)
    relation = Relation.HEAD
    search_name = factory.LazyAttribute(lambda o: Person.search_key(o.first_name, o.last_name))

    @factory.post_generation
    def stored_quotient(self, create, extracted, **kwargs):
        """Keep the household's stored QF as the services do (a QF given by hand is left alone:
        some tests need a given QF band, or none)."""
        household = self.household
        if create and not getattr(household, "qf_given", False):
            from partez.households.services import recompute_quotient

            recompute_quotient(household)
            household.save(update_fields=["qf_cents", "qf_parts", "qf_lines"])


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    reference = factory.Sequence(lambda n: f"P-T{n:05d}")
    household = factory.SubFactory(HouseholdFactory)
    organisation = factory.LazyAttribute(lambda o: o.household.created_by_organisation)
    edition = factory.SubFactory(EditionFactory)
    format = "individual"
    created_by = factory.SubFactory(UserFactory)


# --- funding --------------------------------------------------------------------------------


class FunderFactory(OrganisationFactory):
    """A funder organisation; give it the slug of a scheme's funder (``call``, ``ancv``…)."""

    class Meta:
        django_get_or_create = ["slug"]

    kind = OrganisationKind.FUNDER
    commune = None


class EnvelopeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "funding.Envelope"

    funder = factory.SubFactory(FunderFactory, slug="call", name="Communauté d'agglomération de Lens-Liévin")
    scheme = factory.LazyFunction(lambda: Scheme.objects.get(slug="sejour-individuel"))
    edition = factory.SubFactory(EditionFactory)
    label = factory.Sequence(lambda n: f"Enveloppe {n}")
    amount_cents = 1_000_000


class EnvelopeQuotaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "funding.EnvelopeQuota"

    envelope = factory.SubFactory(EnvelopeFactory)
    commune = factory.SubFactory(CommuneFactory)
    amount_cents = 100_000


class FinancingPlanFactory(factory.django.DjangoModelFactory):
    """A current financing plan as the services leave it once chosen (give the amounts)."""

    class Meta:
        model = "funding.FinancingPlan"

    project = factory.SubFactory(ProjectFactory)
    chosen_by = factory.LazyAttribute(lambda o: o.project.created_by)
    total_aid_cents = 20_000
    cost_cents = factory.LazyAttribute(lambda o: o.total_aid_cents * 2)
    remaining_cents = factory.LazyAttribute(lambda o: o.total_aid_cents)


class PlanLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "funding.PlanLine"

    plan = factory.SubFactory(FinancingPlanFactory)
    scheme = factory.LazyFunction(lambda: Scheme.objects.get(slug="sejour-individuel"))
    funder = "CALL"
    aid_cents = factory.LazyAttribute(lambda o: o.plan.total_aid_cents)
    base_cents = factory.LazyAttribute(lambda o: o.aid_cents)


class CommitmentFactory(factory.django.DjangoModelFactory):
    """A ledger row of a plan line on its envelope (reserve, consume or release)."""

    class Meta:
        model = "funding.Commitment"

    plan_line = factory.SubFactory(PlanLineFactory)
    envelope = factory.LazyAttribute(lambda o: o.plan_line.envelope)
    project = factory.LazyAttribute(lambda o: o.plan_line.plan.project)
    commune = factory.LazyAttribute(lambda o: o.project.household.commune)
    kind = "reserve"
    amount_cents = factory.LazyAttribute(lambda o: o.plan_line.aid_cents)


class PastDepartureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PastDeparture

    person = factory.SubFactory(PersonFactory)
    year = 2023
    scheme = "sac_ados"


# --- camping (séjour commun) ----------------------------------------------------------------


class CampsiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "camping.Campsite"

    edition = factory.SubFactory(EditionFactory)
    name = factory.Sequence(lambda n: f"Camping {n}")
    town = "Dieppe"


class AccommodationUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "camping.AccommodationUnit"

    campsite = factory.SubFactory(CampsiteFactory)
    label = factory.Sequence(lambda n: f"U{n}")
    beds = 4


class CampingWeekFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "camping.CampingWeek"

    campsite = factory.SubFactory(CampsiteFactory)
    starts_on = dt.date(2025, 7, 5)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + dt.timedelta(days=7))


class PickupPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "camping.PickupPoint"

    edition = factory.SubFactory(EditionFactory)
    commune = factory.SubFactory(CommuneFactory)
    place = "Parking de la gare"
    departure_time = dt.time(8, 0)
    return_time = dt.time(18, 0)


# --- a complete file ------------------------------------------------------------------------


def complete_file(project: Project, actor: Membership, *, aid: bool = True) -> Project:
    """What the commission needs before a submission, for tests that walk the workflow: every
    document of the checklist received, and a financing plan chosen — the first one the rules
    propose (through the service, ``aid=True``), or an empty plan (no aid from any envelope:
    ``aid=False``, or when no scheme helps the household)."""
    from partez.core.errors import DomainError
    from partez.funding.models import FinancingPlan
    from partez.funding.services import plan_choose

    project.checklist.update(received_at=timezone.now())
    if not FinancingPlan.objects.filter(project=project, is_current=True).exists():
        try:
            if not aid:
                raise DomainError("no aid wanted")
            plan_choose(actor=actor, project=project, index=0)
        except DomainError:
            FinancingPlanFactory(project=project, chosen_by=actor.user, total_aid_cents=0)
    return project


def draft_project(
    actor,
    household,
    edition,
    *,
    format="individual",
    budget=(("lodging", "Mobil-home", 60_000),),
    overlap_reason="",
    checklist_received=False,
):
    """A draft project of every person of the household, created through the service: a week in
    Berck from 14 July; ``checklist_received=True`` marks every document of its checklist received
    (a complete file)."""
    from partez.projects.services import ProjectInput, project_create

    project = project_create(
        actor=actor,
        household=household,
        edition=edition,
        data=ProjectInput(
            format=format,
            traveller_ids=[p.pk for p in household.persons.all()],
            destination="Berck-sur-Mer",
            destination_department="62",
            start_date=dt.date(2025, 7, 14),
            end_date=dt.date(2025, 7, 21),
            budget=list(budget),
            overlap_reason=overlap_reason,
        ),
    )
    if checklist_received:
        project.checklist.update(received_at=timezone.now())
    return project


# The scenario builders (they use the factories above, so they are imported last): reach them as
# ``factories.camping.camp(...)`` or ``from tests.factories.camping import camp``.
from . import bilan, campaign, camping, fete  # noqa: E402, F401
