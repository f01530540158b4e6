"""A small edition with every status, written row by row (plans and ledger rows as the services
would leave them), so the bilan's figures can be checked by hand."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from partez.funding.models import CommitmentKind, PlanStatus
from partez.households.models import EmploymentSituation as Job
from partez.households.models import Relation
from partez.organisations.models import OrganisationKind, Role
from partez.schemes.models import Scheme
from tests import factories

RESERVED = {"validated", "aid_granted"}
CONSUMED = {"departed", "returned", "evaluated"}


def add_project(
    edition,
    household,
    *,
    status: str,
    travellers=None,
    format: str = "individual",
    start: dt.date | None = None,
    nights: int = 7,
    department: str = "62",
    aids=(),
):
    """A project in ``status`` with its current plan and ledger rows for ``aids`` ((envelope,
    cents) pairs): reserved when validated, consumed once left, released when withdrawn."""
    start = start or dt.date(edition.year, 7, 5)
    project = factories.ProjectFactory(
        household=household,
        edition=edition,
        status=status,
        format=format,
        destination="Berck",
        destination_department=department,
        start_date=start,
        end_date=start + dt.timedelta(days=nights),
    )
    project.travellers.set(travellers if travellers is not None else household.persons.all())
    if aids:
        plan_status = {
            **dict.fromkeys(RESERVED, PlanStatus.RESERVED),
            **dict.fromkeys(CONSUMED, PlanStatus.CONSUMED),
        }.get(status, PlanStatus.RELEASED)
        total = sum(cents for _e, cents in aids)
        plan = factories.FinancingPlanFactory(project=project, total_aid_cents=total, status=plan_status)
        for order, (envelope, cents) in enumerate(aids):
            line = factories.PlanLineFactory(
                plan=plan,
                scheme=envelope.scheme,
                envelope=envelope,
                funder=envelope.funder.name,
                funder_slug=envelope.funder.slug,
                aid_cents=cents,
                base_cents=cents,
                order=order,
            )
            kinds = [CommitmentKind.RESERVE]
            kinds += [CommitmentKind.CONSUME] if plan_status == PlanStatus.CONSUMED else []
            kinds += [CommitmentKind.RELEASE] if plan_status == PlanStatus.RELEASED else []
            for kind in kinds:
                factories.CommitmentFactory(
                    envelope=envelope, commune=household.commune, project=project, plan_line=line, kind=kind
                )
    return project


_names = itertools.count(1)


def person(household, relation=Relation.HEAD, born=dt.date(1985, 1, 1), employment=Job.EMPLOYEE):
    # A last name that no page text can contain by chance (a Faker name such as « Martin » may also
    # be the logged-in member's), so « no name on a funder's page » is tested without luck.
    return factories.PersonFactory(
        household=household,
        relation=relation,
        birth_date=born,
        employment=employment,
        last_name=f"Nomdefoyer{next(_names)}x",
    )


@dataclass
class Edition:
    """Handles on the objects of :func:`small_edition`."""

    edition: object
    communes: dict
    funders: dict
    envelopes: dict
    households: dict = field(default_factory=dict)
    projects: dict = field(default_factory=dict)


def small_edition(year: int = 2025) -> Edition:
    """Five households in two communes (A: 10 000 inhabitants, B: 2 000):

    ==  ======  =======================================  ==========  ===============================
    h   commune  people (age on 1 July)                  status      aids (€)
    ==  ======  =======================================  ==========  ===============================
    h1  A       couple 40/39, children 10 and 3; QF 500  evaluated   CALL 200, CAF 100 — 7 nights, 62
    h2  A       parent 30, child 15 (left in 2023); 800  departed    CALL 150 — 10 nights, 80
    h3  B       single retiree 70; QF unknown            validated   CALL 100
    h4  B       couple 65/62; QF 1 300                   withdrawn   CALL 80 (released)
    h5  A       single jobseeker 22; QF 400              submitted   —
    ==  ======  =======================================  ==========  ===============================
    """
    edition = factories.EditionFactory(year=year)
    a = factories.CommuneFactory(insee_code="62901", name="Commune A", population=10_000)
    b = factories.CommuneFactory(insee_code="62902", name="Commune B", population=2_000)
    edition.communes.add(a, b)
    call = factories.FunderFactory(slug="call", name="Communauté d'agglomération de Lens-Liévin")
    caf = factories.FunderFactory(slug="caf-pas-de-calais", name="CAF du Pas-de-Calais")
    individual = factories.EnvelopeFactory(
        funder=call,
        edition=edition,
        scheme=Scheme.objects.get(slug="sejour-individuel"),
        amount_cents=10_000_00,
    )
    caf_envelope = factories.EnvelopeFactory(
        funder=caf, edition=edition, scheme=Scheme.objects.get(slug="caf-vacances"), amount_cents=10_000_00
    )
    ccas = factories.OrganisationFactory(kind=OrganisationKind.COMMUNE, commune=a)
    e = Edition(
        edition, {"A": a, "B": b}, {"call": call, "caf": caf}, {"call": individual, "caf": caf_envelope}
    )

    def household(key, commune, qf):
        h = factories.HouseholdFactory(commune=commune, created_by_organisation=ccas, qf_cents=qf)
        e.households[key] = h
        return h

    h1 = household("h1", a, 500_00)
    person(h1, born=dt.date(1985, 1, 1))
    person(h1, Relation.SPOUSE, dt.date(1986, 1, 1))
    person(h1, Relation.CHILD, dt.date(2015, 3, 1), Job.OTHER)
    person(h1, Relation.CHILD, dt.date(2022, 1, 1), Job.OTHER)
    e.projects["p1"] = add_project(
        edition, h1, status="evaluated", aids=[(individual, 200_00), (caf_envelope, 100_00)]
    )
    h2 = household("h2", a, 800_00)
    person(h2, born=dt.date(1995, 1, 1))
    child = person(h2, Relation.CHILD, dt.date(2010, 1, 1), Job.STUDENT)
    factories.PastDepartureFactory(person=child, year=2023, scheme="sac_ados")
    e.projects["p2"] = add_project(
        edition, h2, status="departed", nights=10, department="80", aids=[(individual, 150_00)]
    )
    h3 = household("h3", b, None)
    person(h3, born=dt.date(1955, 1, 1), employment=Job.RETIRED)
    e.projects["p3"] = add_project(
        edition, h3, status="validated", format="seniors", aids=[(individual, 100_00)]
    )
    h4 = household("h4", b, 1300_00)
    person(h4, born=dt.date(1960, 1, 1), employment=Job.RETIRED)
    person(h4, Relation.SPOUSE, dt.date(1963, 1, 1), Job.RETIRED)
    e.projects["p4"] = add_project(edition, h4, status="withdrawn", aids=[(individual, 80_00)])
    h5 = household("h5", a, 400_00)
    person(h5, born=dt.date(2003, 1, 1), employment=Job.JOBSEEKER)
    e.projects["p5"] = add_project(edition, h5, status="submitted")
    return e


def more_households(e: Edition, n: int) -> None:
    """``n`` more departed families of three in commune A (for the query-count tests)."""
    for _ in range(n):
        h = factories.HouseholdFactory(commune=e.communes["A"], qf_cents=600_00)
        person(h)
        person(h, Relation.SPOUSE)
        person(h, Relation.CHILD, dt.date(2012, 5, 5), Job.OTHER)
        add_project(e.edition, h, status="returned", department="76", aids=[(e.envelopes["call"], 50_00)])


def bilan_members(data: Edition) -> dict:
    """One membership per kind of bilan reader of :func:`small_edition`: the coordination, commune
    B's referent, the two funders, a host and a volunteer."""
    coordination = factories.OrganisationFactory(kind=OrganisationKind.COORDINATOR, commune=None)
    ccas_b = factories.OrganisationFactory(kind=OrganisationKind.COMMUNE, commune=data.communes["B"])
    host = factories.OrganisationFactory(kind=OrganisationKind.HOST, commune=None)
    return {
        "coordinator": factories.MembershipFactory(organisation=coordination, role=Role.COORDINATOR),
        "referent_b": factories.MembershipFactory(organisation=ccas_b, role=Role.COMMUNE_REFERENT),
        "caf": factories.MembershipFactory(organisation=data.funders["caf"], role=Role.FUNDER),
        "call": factories.MembershipFactory(organisation=data.funders["call"], role=Role.FUNDER),
        "host": factories.MembershipFactory(organisation=host, role=Role.HOST),
        "volunteer": factories.MembershipFactory(organisation=coordination, role=Role.VOLUNTEER),
    }
