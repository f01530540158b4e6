"""Builders shared by the chèques and Fête tests: an edition with granted aid in chèques, an
order in stock, booklets allocated, households prepared, the Fête and its invitations."""

from __future__ import annotations

import datetime as dt

from partez.cheques import services as cheque_services
from partez.cheques.services import BookletSpec
from partez.fete import services as fete_services
from partez.funding.models import FinancingPlan, PlanLine, PlanStatus
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
    plan = FinancingPlan.objects.create(
        project=project,
        chosen_by=project.created_by,
        cost_cents=cents * 2,
        total_aid_cents=cents,
        remaining_cents=cents,
        status=status,
    )
    PlanLine.objects.create(
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
