"""Checks that hold (issue 13, item 1): each test is a defect a new user hit, failing before the fix."""

import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from partez.core.errors import DomainError
from partez.core.models import AuditLog
from partez.funding import services as funding
from partez.funding.models import Commitment, PlanLine
from partez.projects.services import ProjectInput, project_create, project_transition, project_update
from tests import factories

pytestmark = pytest.mark.django_db


def data(household, **overrides):
    values = {
        "format": "individual",
        "traveller_ids": [p.pk for p in household.persons.all()],
        "destination": "Berck-sur-Mer",
        "destination_department": "62",
        "start_date": dt.date(2025, 7, 14),
        "end_date": dt.date(2025, 7, 21),
        "budget": [("lodging", "Mobil-home", 60_000)],
    }
    values.update(overrides)
    return ProjectInput(**values)


def test_a_file_without_plan_nor_documents_is_not_submitted_and_every_gap_is_named(
    worker, household, edition
):
    project = project_create(actor=worker, household=household, edition=edition, data=data(household))
    project.checklist.filter(label__in=["Pièce d'identité", "Avis d'imposition"]).update(
        received_at=timezone.now()
    )
    with pytest.raises(DomainError) as exc:
        project_transition(actor=worker, project=project, action="submit")
    assert set(exc.value.errors) == {"plan", "checklist"}  # both at once
    assert "Justificatif de domicile" in exc.value.errors["checklist"]
    assert "Pièce d'identité" not in exc.value.errors["checklist"]
    project.refresh_from_db()
    assert project.status == "draft"


def test_required_documents_are_the_schemes_dated_data(worker, household, edition):
    """The chosen plan's schemes say which documents are required (catalogue parameters
    ``requires_*``); the APV and CAF schemes of this plan do not need the tax notice."""
    from partez.projects.checks import required_documents

    edition.communes.add(household.commune)
    project = project_create(actor=worker, household=household, edition=edition, data=data(household))
    plan = funding.plan_choose(actor=worker, project=project, index=0)
    slugs = set(plan.lines.values_list("scheme__slug", flat=True))
    assert slugs and not slugs & {"seniors-en-vacances", "depart-18-25"}
    required = required_documents(plan, project.start_date)
    assert "Avis d'imposition" not in required
    assert "Pièce d'identité" in required
    project.checklist.exclude(label="Avis d'imposition").update(received_at=timezone.now())
    project_transition(actor=worker, project=project, action="submit")
    project.refresh_from_db()
    assert project.status == "submitted"


def test_validation_rechecks_a_file_submitted_before_a_rule_change(worker, referent, household, edition):
    project = project_create(actor=worker, household=household, edition=edition, data=data(household))
    factories.complete_file(project, worker, aid=False)
    project_transition(actor=worker, project=project, action="submit")
    project.checklist.filter(label="Justificatif de domicile").update(received_at=None)  # withdrawn since
    with pytest.raises(DomainError) as exc:
        project_transition(actor=referent, project=project, action="validate")
    assert "Justificatif de domicile" in exc.value.errors["checklist"]
    project.refresh_from_db()
    assert project.status == "submitted"


def test_a_stay_outside_every_edition_is_refused_naming_the_dates(worker, household, edition):
    with pytest.raises(DomainError) as exc:
        project_create(
            actor=worker,
            household=household,
            edition=edition,
            data=data(household, start_date=dt.date(2027, 7, 10), end_date=dt.date(2027, 7, 17)),
        )
    assert "Aucune édition ne couvre ces dates" in exc.value.errors["start_date"]
    assert "2025 : du 01/01/2025 au 31/12/2025" in exc.value.errors["start_date"]


def test_a_project_belongs_to_the_edition_of_its_stay(worker, household, edition):
    later = factories.EditionFactory(year=2026)
    project = project_create(
        actor=worker,
        household=household,
        edition=edition,  # the page's current edition: the dates decide
        data=data(household, start_date=dt.date(2026, 7, 4), end_date=dt.date(2026, 7, 11)),
    )
    assert project.edition == later
    project = project_update(actor=worker, project=project, data=data(household))
    project.refresh_from_db()
    assert project.edition == edition


@pytest.mark.postgres  # also run on PostgreSQL (-m postgres), where the money tests belong
def test_reserve_never_draws_on_an_envelope_of_another_edition(worker, referent, household, edition, commune):
    edition.communes.add(commune)
    ancv = factories.FunderFactory(slug="ancv", name="ANCV")
    other = factories.EditionFactory(year=2027)
    from partez.schemes.models import Scheme

    wrong = factories.EnvelopeFactory(
        funder=ancv, scheme=Scheme.objects.get(slug="apv"), edition=other, amount_cents=1_000_000
    )
    project = project_create(actor=worker, household=household, edition=edition, data=data(household))
    factories.complete_file(project, worker)
    PlanLine.objects.filter(plan__project=project, scheme__slug="apv").update(envelope=wrong)
    project_transition(actor=worker, project=project, action="submit")
    with pytest.raises(DomainError, match="autre édition"):
        project_transition(actor=referent, project=project, action="validate")
    wrong.refresh_from_db()
    assert wrong.reserved_cents == 0
    assert not Commitment.objects.exists()


def test_a_second_open_project_on_the_same_dates_needs_a_reason(worker, household, edition):
    first = project_create(actor=worker, household=household, edition=edition, data=data(household))
    with pytest.raises(DomainError) as exc:
        project_create(actor=worker, household=household, edition=edition, data=data(household))
    assert first.reference in exc.value.errors["overlap_reason"]
    second = project_create(
        actor=worker,
        household=household,
        edition=edition,
        data=data(household, overlap_reason="Le fils part en colonie, les parents ailleurs"),
    )
    log = AuditLog.objects.get(action="project.create", object_id=str(second.pk))
    assert log.changes["overlap_reason"] == "Le fils part en colonie, les parents ailleurs"
    project_update(actor=worker, project=second, data=data(household, destination="Le Touquet"))  # same dates
    with pytest.raises(DomainError, match="déjà un projet en cours"):  # dates moved onto the first again
        project_update(actor=worker, project=second, data=data(household, end_date=dt.date(2025, 7, 22)))
    # other dates: no question asked
    project_create(
        actor=worker,
        household=household,
        edition=edition,
        data=data(household, start_date=dt.date(2025, 8, 20), end_date=dt.date(2025, 8, 27)),
    )


def test_empty_qui_part_is_an_error_never_the_whole_household(client, worker, household, edition):
    client.force_login(worker.user)
    url = reverse("project_create", args=[household.pk])
    page = html.unescape(client.get(url).content.decode())
    assert "checked" not in page.split("Qui part")[1].split("</fieldset>")[0]  # nobody ticked by default
    post = {"format": "individual", "start_date": "2025-07-12", "end_date": "2025-07-19"}
    response = client.post(url, post)
    assert response.status_code == 200
    assert "Choisissez au moins une personne qui part." in html.unescape(response.content.decode())
    assert not household.projects.exists()


def test_project_form_shows_form_and_service_errors_in_one_round(client, worker, household, edition):
    client.force_login(worker.user)
    post = {
        "format": "individual",
        "travellers": [p.pk for p in household.persons.all()],
        "start_date": "2027-07-10",  # outside every edition: a service error
        "end_date": "2027-07-17",
        "destination_department": "?",
        "budget_lodging": "-5",  # a parsing error of the form
    }
    response = client.post(reverse("project_create", args=[household.pk]), post)
    page = html.unescape(response.content.decode())
    assert "Le montant ne peut pas être négatif." in page
    assert "Aucune édition ne couvre ces dates" in page
    assert "Département inconnu" in page


def test_household_form_shows_negative_income_and_future_birth_date_at_once(client, worker, commune):
    from tests.www.test_households import household_post

    client.force_login(worker.user)
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    post = household_post(commune, annual_taxable_income="-100", **{"persons-1-birth_date": future})
    response = client.post(reverse("household_create"), post)
    page = html.unescape(response.content.decode())
    assert "Le montant ne peut pas être négatif." in page
    assert "La date de naissance ne peut pas être dans le futur." in page


def test_the_coordination_makes_a_document_required_from_a_date(worker, household, edition, coordinator_org):
    """The « required » flag is a dated parameter of the scheme: a value added from 1 July 2025
    makes the tax notice required for stays from that day, not before."""
    from partez.organisations.models import Role
    from partez.projects.checks import required_documents
    from partez.schemes.edits import value_added
    from partez.schemes.models import Scheme
    from partez.schemes.services import scheme_update

    coordination = factories.MembershipFactory(organisation=coordinator_org, role=Role.COORDINATOR)
    edition.communes.add(household.commune)
    project = project_create(actor=worker, household=household, edition=edition, data=data(household))
    plan = funding.plan_choose(actor=worker, project=project, index=0)
    for scheme in Scheme.objects.filter(pk__in=plan.lines.values("scheme")):
        definition = value_added(
            scheme.definition,
            "requires_tax_notice",
            start=dt.date(2025, 7, 1),
            value=True,
            source="https://www.horizonactu.fr/",
        )
        scheme_update(actor=coordination, scheme=scheme, definition=definition, comment="Avis exigé")
    assert "Avis d'imposition" in required_documents(plan, dt.date(2025, 7, 14))
    assert "Avis d'imposition" not in required_documents(plan, dt.date(2025, 6, 14))
