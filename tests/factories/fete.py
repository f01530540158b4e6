"""Builders shared by the chèques and Fête tests: an edition with granted aid in chèques, an
order in stock, booklets allocated, households prepared, the Fête and its invitations."""

from __future__ import annotations

import datetime as dt

from partez.cheques import services as cheque_services
from partez.cheques.services import BookletSpec
from partez.fete import services as fete_services
from partez.fete.models import CheckinList, Invitation
from partez.funding.models import PlanStatus
from partez.organisations.models import OrganisationKind, Role
from partez.projects.models import Project
from partez.schemes.models import Scheme
from tests import factories


def coordination():
    org = factories.OrganisationFactory(
        kind=OrganisationKind.COORDINATOR, commune=None, slug="coordination-test", name="Coordination"
    )
    return factories.MembershipFactory(
        organisation=org, role=Role.COORDINATOR, user__username="coordinatrice"
    )


def grant(
    household, edition, cents: int, *, scheme_slug: str = "sejour-individuel", status=PlanStatus.RESERVED
):
    """A project of the household with a current financing plan granting ``cents`` in chèques."""
    project = factories.ProjectFactory(household=household, edition=edition, status="aid_granted")
    plan = factories.FinancingPlanFactory(project=project, total_aid_cents=cents, status=status)
    factories.PlanLineFactory(
        plan=plan,
        scheme=Scheme.objects.get(slug=scheme_slug),
        funder="CALL",
        channel="cheques",
        aid_cents=cents,
        base_cents=cents * 2,
    )
    return project


def household_in(commune, org, name="Martin"):
    h = factories.HouseholdFactory(commune=commune, created_by_organisation=org)
    factories.PersonFactory(household=h, relation="head", last_name=name, first_name="Claire")
    return h


def order(actor, edition, funder, *, first=1, specs=((5000, 20), (2000, 20), (1000, 20)), reference="CMD-1"):
    booklets, serial = [], first
    for cents, count in specs:
        booklets.append(
            BookletSpec(first_serial=serial, count=count, denomination_cents=cents, issue_year=edition.year)
        )
        serial += count
    return cheque_services.order_create(
        actor=actor,
        edition=edition,
        funder=funder,
        reference=reference,
        ordered_on=dt.date(edition.year, 4, 1),
        booklets=booklets,
    )


def fete(actor, edition):
    return fete_services.fete_save(
        actor=actor,
        edition=edition,
        data=fete_services.FeteInput(
            date=dt.date(edition.year, 6, 28),
            place="Stade Bollaert-Delelis",
            address="Avenue Alfred-Maës, Lens",
            opens_at=dt.time(10),
            closes_at=dt.time(18),
            contact="03 21 00 00 00",
        ),
    )


def project_of(household) -> Project:
    return Project.objects.filter(household=household).first()


class FeteSetup:
    """Handles on the objects of :func:`build_fete`."""


def build_fete(edition, commune, ccas, other_commune, other_ccas, *, households_per_commune=3):
    """Chèques ordered and allocated to both communes, ``households_per_commune`` prepared
    households in each (granted 100 € in chèques), a camping household, the Fête and its
    invitations, a volunteer of the coordination."""
    s = FeteSetup()
    edition.communes.add(commune, other_commune)
    s.edition = edition
    s.coordination = coordination()
    s.funder = factories.FunderFactory(slug="call", name="CALL")
    cheque_order = order(s.coordination, edition, s.funder, specs=((5000, 60), (2000, 30), (1000, 30)))
    booklets = list(cheque_order.booklets.order_by("first_serial"))
    cheque_services.booklets_allocate(actor=s.coordination, booklets=booklets[:1], commune=commune)
    cheque_services.booklets_allocate(actor=s.coordination, booklets=booklets[1:], commune=other_commune)
    s.households = {commune.pk: [], other_commune.pk: []}
    for c, org in ((commune, ccas), (other_commune, other_ccas)):
        for i in range(households_per_commune):
            h = household_in(c, org, name=f"Nom{i}")
            grant(h, edition, 10000)
            cheque_services.household_prepare(actor=s.coordination, household=h, edition=edition)
            s.households[c.pk].append(h)
    s.camper = household_in(commune, ccas, name="Campeur")
    factories.ProjectFactory(household=s.camper, edition=edition, format="camping", status="validated")
    s.fete = fete(s.coordination, edition)
    fete_services.invitations_generate(actor=s.coordination, fete=s.fete)
    s.gate = CheckinList.objects.get(fete=s.fete, kind="gate")
    s.stand = CheckinList.objects.get(fete=s.fete, stand__commune=commune)
    s.other_stand = CheckinList.objects.get(fete=s.fete, stand__commune=other_commune)
    s.volunteer = factories.MembershipFactory(
        organisation=s.coordination.organisation, role=Role.VOLUNTEER, user__username="benevole-test"
    )
    s.invitation = Invitation.objects.get(household=s.households[commune.pk][0])
    s.other_invitation = Invitation.objects.get(household=s.households[other_commune.pk][0])
    return s
