"""The commission screen, its decisions and sessions over HTTP; its query budget."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partez.commissions import services
from partez.commissions.models import CommissionDecision
from partez.households.naming import household_name
from partez.organisations.models import Role
from partez.projects.models import Project, ProjectStatus
from tests import factories
from tests.factories.campaign import submitted_projects
from tests.reports.test_views import pdf_text

from .conftest import submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_referent(client, referent):
    client.force_login(referent.user)
    return client


@pytest.fixture
def session(referent, edition):
    return services.session_open(actor=referent, held_on=dt.date(2025, 5, 13), members="Mme Adjointe")


def test_the_screen_names_each_family_with_what_the_commission_needs(
    client_referent, ccas, edition, apv_envelope, other_org, session
):
    projects = submitted(ccas, edition, 3, envelope=apv_envelope, missing_every=2)
    submitted(other_org, edition, 1, envelope=apv_envelope, start=50)  # Liévin's: not this commission's
    html = client_referent.get(reverse("commission_index")).content.decode()
    assert "Famille000 Alix" in html and "Famille002 Alix" in html and "Famille050" not in html
    assert projects[0].reference in html and "Lens" in html
    assert html.count("Devis ou réservation de l&#x27;hébergement") == 2  # missing for 0 and 2
    # the envelope: 500 € left, the three listed projects ask 600 €
    assert re.search(r"APV 2025.*?500,00\W€.*?600,00\W€ \(3 projets\).*?manque 100,00\W€", html, re.S)
    incomplete = client_referent.get(reverse("commission_index"), {"missing": "complete"}).content.decode()
    assert "Famille001" in incomplete and "Famille000" not in incomplete


def test_sorting_and_a_bad_filter_said(client_referent, ccas, edition, apv_envelope):
    submitted(ccas, edition, 3, envelope=apv_envelope)
    html = client_referent.get(reverse("commission_index"), {"sort": "qf"}).content.decode()
    assert html.index("Famille000") < html.index("Famille002")
    html = client_referent.get(reverse("commission_index"), {"format": "yacht"}).content.decode()
    assert "Format : Sélectionnez un choix valide" in html


def test_the_screen_is_a_constant_number_of_queries(client_referent, ccas, edition, apv_envelope, session):
    """2 projects or 200: the same queries (the page shows 100, the envelope summary counts all)."""
    submitted(ccas, edition, 2, envelope=apv_envelope, missing_every=3)
    client_referent.get(reverse("commission_index"))  # the first request fills the caches (edition…)
    with CaptureQueriesContext(connection) as few:
        assert client_referent.get(reverse("commission_index")).status_code == 200
    submitted(ccas, edition, 198, envelope=None, missing_every=3, start=2)  # lines resolved by funder
    with CaptureQueriesContext(connection) as many:
        response = client_referent.get(reverse("commission_index"))
    assert "200 projets" in response.content.decode()
    assert len(many) == len(few) <= 30, [q["sql"][:120] for q in many.captured_queries]


def test_max_queries_with_200_projects(
    client_referent, ccas, edition, apv_envelope, session, django_assert_max_num_queries
):
    submitted(ccas, edition, 200, envelope=apv_envelope)
    with django_assert_max_num_queries(30):
        client_referent.get(reverse("commission_index"), {"sort": "remaining"})


def test_a_batch_validates_what_fits_and_says_why_the_rest_did_not(
    client_referent, worker, commune, edition, session
):
    projects, _envelope = submitted_projects(worker=worker, edition=edition, commune=commune, count=3)
    response = client_referent.post(
        reverse("commission_batch"),
        {"projects": [p.pk for p in projects], "kind": "validate", "reason": "", "filters": "sort=name"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("commission_index") + "?sort=name"
    html = response.content.decode()
    assert "2 projets validés (400,00 € engagés sur les enveloppes)." in html
    name = household_name(projects[2].household)
    assert f"Non traité, rien n&#x27;a changé : {projects[2].reference} ({name})" in html
    assert "il manque 200,00" in html
    assert [Project.objects.get(pk=p.pk).status for p in projects] == ["validated", "validated", "submitted"]


def test_decide_one_project_with_its_reason(client_referent, worker, commune, edition, session):
    (project,), _envelope = submitted_projects(worker=worker, edition=edition, commune=commune, count=1)
    url = reverse("commission_decide", args=[project.pk])
    client_referent.post(url, {"kind": "refuse"})
    assert Project.objects.get(pk=project.pk).status == ProjectStatus.SUBMITTED  # no reason: nothing done
    client_referent.post(url, {"kind": "ask_completion", "reason": "Joindre le devis du camping"})
    project.refresh_from_db()
    assert (project.status, project.status_reason) == (ProjectStatus.DRAFT, "Joindre le devis du camping")
    assert (
        "Joindre le devis du camping"
        in client_referent.get(reverse("project_detail", args=[project.pk])).content.decode()
    )


def test_no_decision_without_a_session(client_referent, ccas, edition, apv_envelope):
    (project,) = submitted(ccas, edition, 1, envelope=apv_envelope)
    response = client_referent.post(
        reverse("commission_batch"), {"projects": [project.pk], "kind": "validate"}, follow=True
    )
    assert "Ouvrez d&#x27;abord la séance" in response.content.decode()
    assert Project.objects.get(pk=project.pk).status == ProjectStatus.SUBMITTED


def test_opening_a_session_shows_every_error_at_once(client_referent, edition):
    response = client_referent.post(reverse("commission_session_open"), {"held_on": "", "members": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("Ce champ est obligatoire") == 2


def test_the_minutes_list_decisions_amounts_per_envelope_and_signatures(
    client_referent, referent, worker, commune, edition, session
):
    (a, b), _envelope = submitted_projects(worker=worker, edition=edition, commune=commune, count=2)
    name = household_name(a.household)
    services.decision_take(actor=referent, session=session, project=a, kind="validate")
    services.decision_take(actor=referent, session=session, project=b, kind="refuse", reason="Hors critères")
    page = client_referent.get(reverse("commission_session", args=[session.pk])).content.decode()
    assert name in page and "Hors critères" in page
    response = client_referent.get(reverse("commission_minutes", args=[session.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (
        "Procès-verbal de la commission",
        "Mme Adjointe",
        name,
        "Validé",
        "Refusé",
        "Hors critères",
        "APV",
        "200,00",
        "Signatures",
        "provisoire",
    ):
        assert expected in text, expected
    client_referent.post(reverse("commission_session_close", args=[session.pk]))
    assert "provisoire" not in pdf_text(
        client_referent.get(reverse("commission_minutes", args=[session.pk])).content
    )
    assert CommissionDecision.objects.filter(session=session).count() == 2


def test_another_communes_session_and_project_are_404(
    client, other_org, ccas, edition, apv_envelope, session
):
    (project,) = submitted(ccas, edition, 1, envelope=apv_envelope)
    outsider = factories.MembershipFactory(organisation=other_org, role=Role.COMMUNE_REFERENT)
    client.force_login(outsider.user)
    assert client.get(reverse("commission_session", args=[session.pk])).status_code == 404
    assert client.get(reverse("commission_minutes", args=[session.pk])).status_code == 404
    assert (
        client.post(reverse("commission_decide", args=[project.pk]), {"kind": "validate"}).status_code == 404
    )


def test_the_session_page_and_minutes_are_a_constant_number_of_queries(
    client_referent, referent, ccas, edition, apv_envelope, session
):
    def decide(projects):
        CommissionDecision.objects.bulk_create(
            CommissionDecision(
                session=session, project=p, kind="validate", decided_by=referent.user, aid_cents=20_000
            )
            for p in projects
        )

    decide(submitted(ccas, edition, 2, envelope=apv_envelope))
    client_referent.get(reverse("commission_session", args=[session.pk]))  # fills the caches
    counts = []
    for more in (0, 60):
        decide(submitted(ccas, edition, more, envelope=apv_envelope, start=10))
        with CaptureQueriesContext(connection) as page:
            assert client_referent.get(reverse("commission_session", args=[session.pk])).status_code == 200
        with CaptureQueriesContext(connection) as pdf:
            assert client_referent.get(reverse("commission_minutes", args=[session.pk])).status_code == 200
        counts.append((len(page), len(pdf)))
    assert counts[0] == counts[1], counts
