"""Envelopes in a real browser: the coordination creates an envelope and a commune quota; a
social worker chooses a financing plan on the project page; the referent's validation reserves
the money and the envelope page shows it. Every page is audited by :func:`check_page`."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partez.funding.models import Envelope
from partez.organisations.models import Role
from partez.projects.services import ProjectInput, project_create
from partez.schemes.models import Scheme
from partez.schemes.services import catalogue_sync
from tests import factories

from .helpers import check_page, go_to, log_in

pytestmark = pytest.mark.browser


def test_envelopes_plan_choice_and_reservation(page, coordinator_org, edition, household, worker, referent):
    catalogue_sync()  # a live-server test starts from a flushed database
    edition.communes.add(household.commune)
    for slug, name in [("ancv", "ANCV"), ("call", "Communauté d'agglomération de Lens-Liévin")]:
        factories.FunderFactory(slug=slug, name=name)
    factories.FunderFactory(slug="caf-pas-de-calais", name="CAF du Pas-de-Calais")
    coordination = factories.MembershipFactory(organisation=coordinator_org, role=Role.COORDINATOR)
    caf = factories.EnvelopeFactory(
        funder=factories.FunderFactory(slug="caf-pas-de-calais"),
        scheme=Scheme.objects.get(slug="caf-vacances"),
        edition=edition,
        label="CAF vacances 2025",
        amount_cents=5_000,  # 50 €: less than the 80 € the plan needs
    )
    project = project_create(
        actor=worker,
        household=household,
        edition=edition,
        data=ProjectInput(
            format="individual",
            traveller_ids=list(household.persons.values_list("pk", flat=True)),
            destination="Berck-sur-Mer",
            start_date=dt.date(2025, 7, 14),
            end_date=dt.date(2025, 7, 21),
            budget=[("lodging", "Mobil-home", 60_000)],
        ),
    )
    project.checklist.update(received_at=timezone.now())  # the documents are in: a complete file

    # The coordination creates the APV envelope and gives Lens a quota.
    log_in(page, coordination.user.username)
    go_to(page, "Financer", "Financements")
    expect(page.get_by_role("heading", name="Financements", level=1)).to_be_visible()
    expect(page.get_by_role("cell", name="50,00 €").first).to_be_visible()
    check_page(page, "funding-01-envelopes")
    page.get_by_role("button", name="Nouvelle enveloppe").click()
    page.get_by_label("Dispositif financé").select_option(label=Scheme.objects.get(slug="apv").name)
    page.get_by_label("Libellé").fill("APV 2025")
    page.get_by_label("Montant de l'enveloppe (€)").fill("2000")
    check_page(page, "funding-02-envelope-form")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name="APV 2025", level=1)).to_be_visible()
    page.get_by_text("Fixer le quota d'une commune").click()
    page.get_by_role("combobox", name="Commune").select_option("62498")
    page.get_by_label("Quota (€)").fill("500")
    page.get_by_role("button", name="Enregistrer le quota").click()
    expect(page.get_by_role("status")).to_contain_text("Quota de Lens enregistré.")
    expect(page.get_by_role("rowheader", name="Lens")).to_be_visible()
    check_page(page, "funding-03-envelope-detail")
    page.get_by_role("button", name="Se déconnecter").click()

    # The social worker sees the proposed plan, the CAF envelope shortfall, and chooses it.
    log_in(page, worker.user.username)
    page.goto(f"/projets/{project.pk}/")
    section = page.locator("#financement")
    expect(page.get_by_role("heading", name="Plan de financement")).to_be_visible()
    expect(
        page.get_by_text("Enveloppe « CAF vacances 2025 » : 50,00 € disponibles, il en faut 80,00 €.")
    ).to_be_visible()
    check_page(page, "funding-04-project-plans")
    page.get_by_role("button", name="Choisir ce plan").first.click()
    expect(page.get_by_role("status")).to_contain_text("Plan de financement enregistré.")
    expect(page.get_by_text("Choisi (non engagé)")).to_be_visible()
    expect(section.get_by_role("cell", name="APV 2025")).to_be_visible()
    check_page(page, "funding-05-project-plan-chosen")
    page.get_by_role("button", name="Déposer le dossier").click()
    page.get_by_role("button", name="Se déconnecter").click()

    # The referent's validation is refused (CAF short), then goes through once it is topped up.
    log_in(page, referent.user.username)
    page.goto(f"/projets/{project.pk}/")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Enveloppe « CAF vacances 2025 » (CAF du Pas-de-Calais) : 50,00 € disponibles, il en faut 80,00 €"
    )
    Envelope.objects.filter(pk=caf.pk).update(amount_cents=10_000)
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("status")).to_contain_text("Statut du projet : Validé.")
    expect(page.get_by_text("Engagé", exact=True)).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()

    # The coordination sees the reservation in the ledger and the quota.
    log_in(page, coordination.user.username)
    page.goto("/financements/")
    row = page.get_by_role("row", name=re.compile("APV 2025"))
    expect(row.get_by_role("cell", name="300,00 €")).to_be_visible()
    expect(row).to_contain_text("15 % utilisé")
    page.get_by_role("link", name="APV 2025").click()
    expect(page.get_by_role("heading", name="Registre des engagements (1)")).to_be_visible()
    expect(page.get_by_role("cell", name="Engagement")).to_be_visible()
    expect(page.get_by_role("cell", name=project.reference)).to_be_visible()
    check_page(page, "funding-06-envelope-ledger")
    project.refresh_from_db()
    assert project.status == "validated"
