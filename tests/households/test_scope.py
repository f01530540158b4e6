"""The scope of case files, table-driven: which households and projects each membership sees
(``households_for`` / ``projects_for``, used by the web pages, the API, the counts and the
exports), the « sharing » consent, and what withdrawing the « case work » consent does."""

import pytest
from django.urls import reverse

from partez.core.errors import DomainError
from partez.households import selectors, services
from partez.households.models import ConsentScope
from partez.organisations.models import OrganisationKind, Role
from partez.projects import services as project_services
from partez.projects.selectors import projects_for
from partez.projects.services import ProjectInput
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(ccas, commune, other_org, coordinator_org):
    """Households of Lens opened by its CCAS, by a relay structure (shared or not), one of Liévin,
    and a Lens file closed by the withdrawal of its case-work consent; one project each."""
    relay = factories.OrganisationFactory(
        name="Secours de Lens", slug="relais-lens", kind=OrganisationKind.RELAY, commune=commune
    )
    m = {
        "coordinator": factories.MembershipFactory(organisation=coordinator_org, role=Role.COORDINATOR),
        "referent": factories.MembershipFactory(organisation=ccas, role=Role.COMMUNE_REFERENT),
        "worker": factories.MembershipFactory(organisation=ccas, role=Role.SOCIAL_WORKER),
        "relay": factories.MembershipFactory(organisation=relay, role=Role.SOCIAL_WORKER),
        "other": factories.MembershipFactory(organisation=other_org, role=Role.SOCIAL_WORKER),
        "funder": factories.MembershipFactory(
            organisation=factories.FunderFactory(slug="caf", name="CAF"), role=Role.FUNDER
        ),
        "host": factories.MembershipFactory(
            organisation=factories.OrganisationFactory(kind=OrganisationKind.HOST, commune=None),
            role=Role.HOST,
        ),
    }

    def household(key, org, commune_, scopes=(ConsentScope.CASEWORK,)):
        h = factories.HouseholdFactory(commune=commune_, created_by_organisation=org)
        h.consents.update(scopes=list(scopes))
        factories.PersonFactory(household=h, first_name=key, last_name="Test")
        factories.ProjectFactory(household=h, organisation=org)
        return h

    h = {
        "ccas": household("ccas", ccas, commune),
        "relay": household("relay", relay, commune),
        "relay_shared": household(
            "relay_shared", relay, commune, (ConsentScope.CASEWORK, ConsentScope.SHARING)
        ),
        "other": household("other", other_org, other_org.commune),
        "closed": household("closed", ccas, commune, (ConsentScope.CASEWORK, ConsentScope.SHARING)),
    }
    services.followup_add(actor=m["referent"], household=h["closed"], organisation=relay)
    services.consent_revoke(actor=m["referent"], consent=h["closed"].consents.get())
    return m, h


SEES = [
    # membership, the households (and so the projects) whose file it sees
    ("coordinator", {"ccas", "relay", "relay_shared", "other"}),
    ("referent", {"ccas", "relay_shared", "closed"}),
    ("worker", {"ccas", "relay_shared", "closed"}),
    ("relay", {"relay", "relay_shared"}),
    ("other", {"other"}),
    ("funder", set()),
    ("host", set()),
]


@pytest.mark.parametrize(("who", "expected"), SEES)
def test_households_and_projects_each_membership_sees(world, who, expected):
    m, h = world
    names = {v.pk: k for k, v in h.items()}
    assert {names[pk] for pk in selectors.households_for(m[who]).values_list("pk", flat=True)} == expected
    seen_projects = projects_for(m[who]).values_list("household_id", flat=True)
    assert {names[pk] for pk in seen_projects} == expected


def test_a_ccas_does_not_list_count_or_search_a_relay_file_the_household_did_not_share(client, world):
    """Before: every member of the commune's CCAS saw every resident's full file."""
    m, h = world
    client.force_login(m["worker"].user)
    listed = client.get(reverse("household_list")).content.decode()
    assert h["relay_shared"].reference in listed and h["relay"].reference not in listed
    assert client.get(reverse("household_list"), {"q": "relay"}).context["page"].paginator.count == 1
    assert client.get(reverse("household_detail", args=[h["relay"].pk])).status_code == 404
    assert client.get(reverse("project_detail", args=[h["relay"].projects.get().pk])).status_code == 404
    assert client.get(reverse("dashboard")).context["households_count"] == 3


def test_withdrawing_case_work_closes_the_file(world, edition):
    """Open projects are withdrawn (departed ones stay), other structures' follow-ups end, only the
    referent structure still sees the file, read only."""
    m, h = world
    closed = h["closed"]
    assert closed.projects.get().status == "withdrawn"
    assert closed.projects.get().status_changes.get().reason.startswith("Retrait du consentement")
    assert set(closed.followups.filter(ended_on__isnull=True).values_list("organisation", flat=True)) == {
        m["referent"].organisation_id
    }
    assert not selectors.file_is_open(closed)
    with pytest.raises(DomainError, match="dossier est clos"):
        services.household_update(
            actor=m["referent"], household=closed, data=services.HouseholdInput(commune_insee="62498")
        )
    with pytest.raises(DomainError, match="retiré son consentement"):
        project_services.project_create(
            actor=m["referent"],
            household=closed,
            edition=edition,
            data=ProjectInput(format="individual", traveller_ids=[closed.persons.get().pk]),
        )


def test_departed_projects_stay_when_the_file_closes(ccas, commune, referent):
    h = factories.HouseholdFactory(commune=commune, created_by_organisation=ccas)
    gone = factories.ProjectFactory(household=h, status="departed")
    draft = factories.ProjectFactory(household=h, status="submitted")
    services.consent_revoke(actor=referent, consent=h.consents.get())
    gone.refresh_from_db()
    draft.refresh_from_db()
    assert (gone.status, draft.status) == ("departed", "withdrawn")


def test_withdrawing_another_scope_keeps_the_file_open(ccas, commune, referent):
    h = factories.HouseholdFactory(commune=commune, created_by_organisation=ccas)
    h.consents.create(
        scopes=[ConsentScope.CONTACT],
        collected_by=referent.user,
        organisation=ccas,
        collected_at=h.consents.get().collected_at,
    )
    project = factories.ProjectFactory(household=h)
    services.consent_revoke(actor=referent, consent=h.consents.get(scopes=[ConsentScope.CONTACT]))
    project.refresh_from_db()
    assert project.status == "draft" and selectors.file_is_open(h)


def test_the_bilan_export_names_only_the_files_the_reader_sees(world, commune):
    """The export lists people by name: a commune gets the residents' lines of the files it sees."""
    from partez.reports import exports
    from partez.reports.selectors import Filters

    m, h = world
    for household in h.values():
        project = household.projects.get()
        project.travellers.set(household.persons.all())
    edition = h["ccas"].projects.get().edition
    filters = Filters(edition, commune=commune)
    first_names = {row[exports.HEADERS.index("Prénom")] for row in exports.rows(filters, m["referent"])}
    # not the relay's unshared file; the closed one stays with the CCAS that holds its follow-up
    assert first_names == {"ccas", "relay_shared", "closed"}
    assert exports.count(filters, m["referent"]) == 3
    assert exports.count(filters) == 4  # without a reader (the bilan's own figures): every resident


def test_a_closed_file_reads_as_closed_with_no_edit_action(client, world):
    m, h = world
    client.force_login(m["referent"].user)
    page = client.get(reverse("household_detail", args=[h["closed"].pk])).content.decode()
    assert "Dossier clos" in page
    assert reverse("household_edit", args=[h["closed"].pk]) not in page
    assert reverse("project_create", args=[h["closed"].pk]) not in page
    page = client.get(reverse("household_detail", args=[h["ccas"].pk])).content.decode()
    assert "Dossier clos" not in page and reverse("household_edit", args=[h["ccas"].pk]) in page
