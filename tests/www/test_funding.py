"""The funding pages: envelopes list (live), detail with the ledger, export, forms, the plan
chosen on a project page — permission matrix, query budgets, behaviour."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from partez.funding import services
from partez.funding.models import Envelope, EnvelopeQuota, FinancingPlan
from partez.projects.services import ProjectInput, project_create, project_transition
from partez.schemes.models import Scheme
from tests import factories
from tests.core.test_spreadsheet import EVIL, assert_neutralised

pytestmark = pytest.mark.django_db

ROLES = ["coordinator", "commune_referent", "social_worker", "funder", "volunteer", "host", "outsider"]


@pytest.fixture
def caf_envelope(members, edition):
    """An envelope of the ``members`` fixture's funder (slug ``caf``)."""
    return factories.EnvelopeFactory(
        funder=members["funder"].organisation,
        scheme=Scheme.objects.get(slug="caf-vacances"),
        edition=edition,
        label="CAF vacances 2025",
        amount_cents=500_000,
    )


@pytest.fixture
def other_envelope(edition):
    """An envelope of another funder (the funder member must not see it)."""
    return factories.EnvelopeFactory(
        funder=factories.FunderFactory(slug="ancv", name="ANCV"),
        scheme=Scheme.objects.get(slug="apv"),
        edition=edition,
        label="APV 2025",
        amount_cents=300_000,
    )


def _pages(envelope):
    view = {r: (200 if r in ("coordinator", "funder") else 403) for r in ROLES}
    manage = {r: (200 if r == "coordinator" else 403) for r in ROLES}
    return [
        ("envelope_list", reverse("envelope_list"), view),
        ("envelope_export", reverse("envelope_export") + "?format=csv", view),
        ("envelope_detail", reverse("envelope_detail", args=[envelope.pk]), view),
        ("envelope_create", reverse("envelope_create"), manage),
        ("envelope_edit", reverse("envelope_edit", args=[envelope.pk]), manage),
    ]


def test_anonymous_is_sent_to_login(client, caf_envelope):
    for name, url, _expected in _pages(caf_envelope):
        response = client.get(url)
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login")), name
    for url in [reverse("quota_save", args=[caf_envelope.pk]), reverse("plan_choose", args=[1])]:
        assert client.post(url).status_code == 302


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, members, caf_envelope, other_envelope, role):
    client.force_login(members[role].user)
    for name, url, expected in _pages(caf_envelope):
        response = client.get(url)
        assert response.status_code == expected[role], f"{role} on {name}: {response.status_code}"
    # another funder's envelope: 404 for a funder (it does not exist for them), 403 for roles
    # that never see envelopes, 200 for the coordination
    expected = {"coordinator": 200, "funder": 404}.get(role, 403)
    assert client.get(reverse("envelope_detail", args=[other_envelope.pk])).status_code == expected
    # writes
    post_expected = {"coordinator": 302}.get(role, 403)  # the role is refused before any lookup
    response = client.post(
        reverse("quota_save", args=[other_envelope.pk]), {"commune": "62498", "amount": "10"}
    )
    assert response.status_code == post_expected
    response = client.post(reverse("envelope_edit", args=[other_envelope.pk]), {"amount": "1000"})
    assert response.status_code == {"coordinator": 302}.get(role, 403)


def test_the_nav_shows_financements_to_coordination_and_funders(client, members):
    for role in ROLES:
        client.force_login(members[role].user)
        shown = "Financements</a>" in client.get(reverse("dashboard")).content.decode()
        assert shown == (role in ("coordinator", "funder")), role


def test_a_funder_sees_only_its_envelopes(client, members, caf_envelope, other_envelope):
    client.force_login(members["funder"].user)
    html = client.get(reverse("envelope_list")).content.decode()
    assert "CAF vacances 2025" in html and "APV 2025" not in html
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("envelope_export") + "?format=csv").content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert [r[3] for r in rows[1:]] == ["CAF vacances 2025"]
    client.force_login(members["coordinator"].user)
    html = client.get(reverse("envelope_list")).content.decode()
    assert "CAF vacances 2025" in html and "APV 2025" in html


def test_envelope_list_shows_the_figures_and_quotas(client, members, caf_envelope, commune):
    EnvelopeQuota.objects.create(
        envelope=caf_envelope, commune=commune, amount_cents=200_000, reserved_cents=50_000
    )
    Envelope.objects.filter(pk=caf_envelope.pk).update(reserved_cents=120_000, consumed_cents=30_000)
    client.force_login(members["funder"].user)
    html = client.get(reverse("envelope_list")).content.decode()
    for text in [
        "5\u202f000,00 €",
        "1\u202f200,00 €",
        "300,00 €",
        "3\u202f500,00 €",
        "30 % utilisé",
        "Quotas par commune",
        "Lens",
        "25 % utilisé",
    ]:
        assert text in html, text
    # the htmx refresh answers the table only
    partial = client.get(reverse("envelope_list"), headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="enveloppes"')
    assert "<html" not in partial


def test_envelope_list_query_count_is_constant(client, members, edition, django_assert_max_num_queries):
    communes = [factories.CommuneFactory() for _ in range(3)]
    for i, slug in enumerate(["apv", "bsv", "caf-vacances", "sac-ados", "sejour-individuel"]):
        envelope = factories.EnvelopeFactory(
            funder=factories.FunderFactory(slug=f"financeur-{i}"),
            scheme=Scheme.objects.get(slug=slug),
            edition=edition,
        )
        for c in communes:
            EnvelopeQuota.objects.create(envelope=envelope, commune=c, amount_cents=1000)
    client.force_login(members["coordinator"].user)
    client.get(reverse("envelope_list"))  # warm the caches (current edition)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("envelope_list"))
    assert response.content.decode().count("% utilisé") == 5 + 15
    with django_assert_max_num_queries(10):
        assert client.get(reverse("envelope_export") + "?format=xlsx").status_code == 200


def test_xlsx_export_has_envelopes_and_quotas(client, members, caf_envelope, commune):
    EnvelopeQuota.objects.create(envelope=caf_envelope, commune=commune, amount_cents=100_000)
    client.force_login(members["coordinator"].user)
    response = client.get(reverse("envelope_export") + "?format=xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="enveloppes-2025.xlsx"'
    wb = load_workbook(io.BytesIO(response.content))
    envelopes = list(wb["Enveloppes"].values)
    assert envelopes[0][:4] == ("Édition", "Financeur", "Dispositif", "Enveloppe")
    assert envelopes[1][3:] == ("CAF vacances 2025", 5000, 0, 0, 5000)
    quotas = list(wb["Quotas communaux"].values)
    assert quotas[1][:5] == (2025, "CAF vacances 2025", "Lens", "62498", 1000)


def test_the_coordination_creates_and_edits_an_envelope(client, members, edition):
    factories.FunderFactory(slug="ancv", name="ANCV")
    client.force_login(members["coordinator"].user)
    apv = Scheme.objects.get(slug="apv")
    response = client.post(
        reverse("envelope_create"),
        {"scheme": apv.pk, "edition": edition.pk, "label": "", "amount": "12000.50"},
    )
    envelope = Envelope.objects.get()
    assert response.status_code == 302 and response.url == reverse("envelope_detail", args=[envelope.pk])
    assert (envelope.amount_cents, envelope.funder.slug, envelope.label) == (
        1_200_050,
        "ancv",
        f"{apv.name} — 2025",
    )
    # the same again: a French error on the form, nothing created
    response = client.post(
        reverse("envelope_create"), {"scheme": apv.pk, "edition": edition.pk, "amount": "1"}
    )
    assert response.status_code == 200
    assert "déjà une enveloppe" in response.content.decode()
    # edit: no scheme nor edition fields; below what is committed is refused
    Envelope.objects.filter(pk=envelope.pk).update(reserved_cents=500_000)
    page = client.get(reverse("envelope_edit", args=[envelope.pk])).content.decode()
    assert 'name="scheme"' not in page and 'name="amount"' in page
    response = client.post(
        reverse("envelope_edit", args=[envelope.pk]), {"label": "APV", "amount": "4999.99"}
    )
    assert response.status_code == 200
    assert "Impossible de descendre sous 5\u202f000,00 €" in response.content.decode()
    response = client.post(reverse("envelope_edit", args=[envelope.pk]), {"label": "APV", "amount": "-1"})
    assert "Le montant ne peut pas être négatif." in response.content.decode()
    response = client.post(reverse("envelope_edit", args=[envelope.pk]), {"label": "APV", "amount": "6000"})
    assert response.status_code == 302
    envelope.refresh_from_db()
    assert (envelope.label, envelope.amount_cents) == ("APV", 600_000)


def test_quota_form_and_detail_page(client, members, caf_envelope, commune, other_org):
    client.force_login(members["coordinator"].user)
    url = reverse("quota_save", args=[caf_envelope.pk])
    client.post(url, {"commune": "62498", "amount": "3000"})
    response = client.post(url, {"commune": other_org.commune.insee_code, "amount": "2500"}, follow=True)
    assert "Les quotas dépasseraient l&#x27;enveloppe" in response.content.decode()
    assert list(caf_envelope.quotas.values_list("commune__insee_code", "amount_cents")) == [
        ("62498", 300_000)
    ]
    html = client.get(reverse("envelope_detail", args=[caf_envelope.pk])).content.decode()
    assert "Quotas communaux" in html and "3\u202f000,00 €" in html
    assert "Fixer le quota d'une commune" in html
    client.force_login(members["funder"].user)
    html = client.get(reverse("envelope_detail", args=[caf_envelope.pk])).content.decode()
    assert "Fixer le quota d'une commune" not in html and "Modifier" not in html


# --- the plan on the project page ---------------------------------------------------------------


@pytest.fixture
def funded_project(members, household, edition, commune):
    """A complete draft project (APV + séjour individuel + CAF), with the three funders' envelopes."""
    edition.communes.add(commune)
    worker = members["social_worker"]
    persons = list(household.persons.all())
    project = project_create(
        actor=worker,
        household=household,
        edition=edition,
        data=ProjectInput(
            format="individual",
            traveller_ids=[p.pk for p in persons],
            destination="Berck-sur-Mer",
            start_date=dt.date(2025, 7, 14),
            end_date=dt.date(2025, 7, 21),
            budget=[("lodging", "Mobil-home", 60_000)],
        ),
    )
    for slug, scheme, amount in [
        ("ancv", "apv", 100_000),
        ("call", "sejour-individuel", 100_000),
        ("caf-pas-de-calais", "caf-vacances", 5_000),
    ]:
        factories.EnvelopeFactory(
            funder=factories.FunderFactory(slug=slug, name=slug.upper()),
            scheme=Scheme.objects.get(slug=scheme),
            edition=edition,
            label=f"Enveloppe {scheme}",
            amount_cents=amount,
        )
    return project


@pytest.mark.parametrize("role", ROLES)
def test_plan_choose_permissions(client, members, funded_project, role):
    client.force_login(members[role].user)
    response = client.post(reverse("plan_choose", args=[funded_project.pk]), {"index": "0", "schemes": ""})
    expected = {"coordinator": 302, "commune_referent": 302, "social_worker": 302, "outsider": 404}.get(
        role, 403
    )
    assert response.status_code == expected
    assert FinancingPlan.objects.filter(project=funded_project).exists() == (expected == 302)


def test_the_project_page_proposes_plans_with_warnings_then_shows_the_chosen_one(
    client, members, funded_project
):
    client.force_login(members["social_worker"].user)
    url = reverse("project_detail", args=[funded_project.pk])
    html = client.get(url).content.decode()
    assert "Plan de financement" in html and "Aucun plan de financement choisi." in html
    assert "Choisir ce plan" in html
    assert "Enveloppe « Enveloppe caf-vacances » : 50,00 € disponibles, il en faut 80,00 €." in html
    # posted amounts are ignored: only the index and the schemes shown are read
    response = client.post(
        reverse("plan_choose", args=[funded_project.pk]),
        {"index": "0", "schemes": "apv,sejour-individuel,caf-vacances", "total_aid_cents": "1"},
    )
    assert response.url == url + "#financement"
    plan = FinancingPlan.objects.get(project=funded_project)
    assert plan.total_aid_cents == 58_000
    html = client.get(url).content.decode()
    assert "Choisi (non engagé)" in html and "Enveloppe apv" in html and "plan actuel" in html
    assert "apv v1" in html
    # the page changed meanwhile: the stale choice is refused with a French message
    response = client.post(
        reverse("plan_choose", args=[funded_project.pk]), {"index": "0", "schemes": "bsv"}, follow=True
    )
    assert "Les plans proposés ont changé" in response.content.decode()


def test_validation_short_of_money_is_refused_with_the_envelope_named(client, members, funded_project):
    worker, referent = members["social_worker"], members["commune_referent"]
    services.plan_choose(actor=worker, project=funded_project, index=0)
    factories.complete_file(funded_project, worker)  # the documents: a complete file
    project_transition(actor=worker, project=funded_project, action="submit")
    client.force_login(referent.user)
    response = client.post(
        reverse("project_transition", args=[funded_project.pk]), {"action": "validate"}, follow=True
    )
    html = response.content.decode()
    assert "Financement impossible, rien n&#x27;a été engagé." in html
    assert (
        "Enveloppe « Enveloppe caf-vacances » (CAF-PAS-DE-CALAIS) : 50,00 € disponibles, il en faut 80,00 €"
        in html
    )
    funded_project.refresh_from_db()
    assert funded_project.status == "submitted"
    # once the envelope is topped up, the validation reserves and the page says so
    Envelope.objects.filter(label="Enveloppe caf-vacances").update(amount_cents=10_000)
    client.post(reverse("project_transition", args=[funded_project.pk]), {"action": "validate"})
    html = client.get(reverse("project_detail", args=[funded_project.pk])).content.decode()
    assert "Engagé" in html and "Choisir ce plan" not in html


def _ledger_rows(envelope, n):
    from partez.funding.models import Commitment, PlanLine

    for _ in range(n):
        project = factories.ProjectFactory(edition=envelope.edition)
        plan = FinancingPlan.objects.create(
            project=project,
            chosen_by=project.created_by,
            cost_cents=100,
            total_aid_cents=10,
            remaining_cents=90,
        )
        line = PlanLine.objects.create(
            plan=plan, scheme=envelope.scheme, envelope=envelope, funder="CAF", aid_cents=10, base_cents=100
        )
        Commitment.objects.create(
            envelope=envelope,
            project=project,
            plan_line=line,
            commune=project.household.commune,
            kind="reserve",
            amount_cents=10,
            actor=project.created_by,
        )


def test_envelope_detail_query_count_does_not_grow_with_the_ledger(
    client, members, caf_envelope, django_assert_max_num_queries
):
    client.force_login(members["coordinator"].user)
    url = reverse("envelope_detail", args=[caf_envelope.pk])
    _ledger_rows(caf_envelope, 2)
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    _ledger_rows(caf_envelope, 60)  # more than a page (50)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    html = response.content.decode()
    assert "Registre des engagements (62)" in html and "Page 1 sur 2" in html
    assert html.count("+ 0,10 €") == 50


# --- a funder sees aggregates only (issue 13 item 7) ----------------------------------------------


def _funder_page(client, members, envelope):
    client.force_login(members["funder"].user)
    response = client.get(reverse("envelope_detail", args=[envelope.pk]))
    assert response.status_code == 200
    return response


def test_a_funders_envelope_page_has_no_commitment_line_no_project_no_staff_name(
    client, members, caf_envelope
):
    _ledger_rows(caf_envelope, 7)
    from partez.funding.models import Commitment

    lines = list(
        Commitment.objects.filter(envelope=caf_envelope).select_related("project__household", "actor")
    )
    for i, c in enumerate(lines):  # names no page can contain by chance (Faker's could be the funder's)
        c.actor.first_name, c.actor.last_name, c.actor.username = (
            f"Agentprenom{i}",
            f"Agentnom{i}",
            f"agent{i}x",
        )
        c.actor.save()
    html = _funder_page(client, members, caf_envelope).content.decode()
    assert "Registre des engagements" not in html
    for c in lines:
        assert c.project.reference not in html
        assert c.project.household.reference not in html
        assert c.actor.last_name not in html and c.actor.username not in html
        assert f"/projets/{c.project_id}/" not in html
    assert "Par commune" in html and "Par mois" in html
    # the coordination still reads the ledger line by line
    client.force_login(members["coordinator"].user)
    html = client.get(reverse("envelope_detail", args=[caf_envelope.pk])).content.decode()
    assert "Registre des engagements (7)" in html and lines[0].project.reference in html


def test_a_funders_envelope_figures_are_masked_under_five_households(client, members, caf_envelope):
    _ledger_rows(caf_envelope, 3)  # three households, each in its own commune
    response = _funder_page(client, members, caf_envelope)
    tables = {t["key"]: t for t in response.context["tables"]}
    for label, values in tables["by_commune"]["rows"]:
        assert values == ["masqué", "masqué", "masqué"], label
    assert tables["by_month"]["total"] == ["masqué", "masqué", "masqué"]
    html = response.content.decode()
    assert "&lt; 5" not in html and "moins de 5 personnes" in html


def test_a_funders_envelope_figures_are_shown_from_five_households(client, members, caf_envelope):
    _ledger_rows(caf_envelope, 6)
    response = _funder_page(client, members, caf_envelope)
    by_month = {t["key"]: t for t in response.context["tables"]}["by_month"]
    assert by_month["total"] == ["6", "0,60 €", "0,00 €"]


def test_a_funders_envelope_page_query_count_does_not_grow_with_the_ledger(
    client, members, caf_envelope, django_assert_max_num_queries
):
    _ledger_rows(caf_envelope, 2)
    _funder_page(client, members, caf_envelope)  # logs in (outside the count)
    url = reverse("envelope_detail", args=[caf_envelope.pk])
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).status_code == 200
    _ledger_rows(caf_envelope, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_envelope_exports_neutralise_formulas(client, members, caf_envelope):
    Envelope.objects.filter(pk=caf_envelope.pk).update(label=EVIL)
    client.force_login(members["coordinator"].user)
    text = client.get(reverse("envelope_export") + "?format=csv").content.decode("utf-8-sig")
    assert_neutralised([v for row in csv.reader(io.StringIO(text), delimiter=";") for v in row], EVIL)
    wb = load_workbook(io.BytesIO(client.get(reverse("envelope_export") + "?format=xlsx").content))
    assert_neutralised([v for ws in wb for row in ws.iter_rows(values_only=True) for v in row], EVIL)
