import datetime as dt

import pytest
from django.core.management.base import CommandError
from django.db.models import Count, F, Q

from partez.core.models import AuditLog
from partez.demo import generator
from partez.demo.generator import DEMO_LOGINS, DEMO_PASSWORD
from partez.households import quotient
from partez.households.models import Consent, FollowUp, Household, PastDeparture, Person
from partez.organisations.models import Membership, Organisation, OrganisationKind
from partez.projects.models import JournalEntry, Project, ProjectFormat, ProjectStatus, StatusChange
from partez.projects.workflow import TRANSITIONS
from partez.territory.data import read_communes
from partez.territory.models import Commune, Edition
from partez.users.models import User

from .conftest import HOUSEHOLDS, SEED, TODAY, fingerprint, load_demo

COMMUNES = [(c["insee_code"], c["name"], c["population"]) for c in read_communes()]


def test_the_plan_is_a_pure_function_of_the_seed():
    first = generator.generate(seed=SEED, communes=COMMUNES, households=HOUSEHOLDS, today=TODAY)
    again = generator.generate(
        seed=SEED, communes=list(reversed(COMMUNES)), households=HOUSEHOLDS, today=TODAY
    )
    other = generator.generate(seed=SEED + 1, communes=COMMUNES, households=HOUSEHOLDS, today=TODAY)
    assert first == again
    later = generator.generate(
        seed=SEED, communes=COMMUNES, households=HOUSEHOLDS, today=TODAY + dt.timedelta(days=3)
    )
    assert [(p.reference, p.status, p.start_date) for p in later.projects] == [
        (p.reference, p.status, p.start_date) for p in first.projects
    ]  # only the upcoming appointments move with the day of loading
    assert [h.reference for h in first.households] != [h.reference for h in other.households]


def test_same_seed_same_data_after_a_reset(demo):
    before = fingerprint()
    output = load_demo("--reset")
    assert "supprimées" in output and "chargée" in output
    assert fingerprint() == before
    assert Organisation.objects.filter(slug=generator.COORDINATOR_SLUG).count() == 1
    assert Edition.objects.filter(year=2025).count() == 1


def test_a_second_run_changes_nothing_and_prints_the_logins(demo):
    counts = (
        Household.objects.count(),
        Person.objects.count(),
        Project.objects.count(),
        User.objects.count(),
    )
    output = load_demo()
    assert "déjà chargée" in output
    assert (
        Household.objects.count(),
        Person.objects.count(),
        Project.objects.count(),
        User.objects.count(),
    ) == counts
    for username, *_ in DEMO_LOGINS:
        assert username in output
    assert DEMO_PASSWORD in output


def test_one_login_per_role_with_the_demo_password(demo):
    for username, role, slug, _label in DEMO_LOGINS:
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert Membership.objects.active().filter(user=user, organisation__slug=slug, role=role).exists()
    coordination = User.objects.get(username="coordination")
    assert coordination.is_staff and coordination.has_perm("households.view_household")
    assert not User.objects.get(username="travailleur.lens").is_staff


def test_the_edition_and_its_organisations(demo):
    edition = Edition.objects.get(year=2025)
    assert edition.name == "10 000 départs – Ne rêvez plus, partez ! 2025"
    participating = set(edition.communes.values_list("insee_code", flat=True))
    assert len(participating) == generator.PARTICIPATING_COMMUNES
    biggest = Commune.objects.order_by("-population").values_list("insee_code", flat=True)[:28]
    assert participating == set(biggest)
    assert {"registration_opens", "registration_closes", "commission", "fete", "departures_start"} <= set(
        edition.milestones.values_list("kind", flat=True)
    )
    assert edition.milestones.get(kind="fete").planned_on == dt.date(2025, 6, 28)
    assert Edition.objects.get(year=2024).communes.count() < len(participating)
    kinds = dict(Organisation.objects.values_list("kind").annotate(n=Count("pk")))
    assert kinds[OrganisationKind.COORDINATOR] == 1
    assert kinds[OrganisationKind.COMMUNE] == 28
    assert (
        kinds[OrganisationKind.RELAY] >= 8
        and kinds[OrganisationKind.FUNDER] >= 8
        and kinds[OrganisationKind.HOST] >= 4
    )
    ccas = Organisation.objects.filter(kind=OrganisationKind.COMMUNE)
    assert set(ccas.values_list("commune__insee_code", flat=True)) == participating
    assert 90 <= User.objects.filter(memberships__is_active=True).distinct().count() <= 130


def test_households_live_in_participating_communes_with_their_ccas_as_referent(demo):
    participating = Edition.objects.get(year=2025).communes.all()
    assert not Household.objects.exclude(commune__in=participating).exists()
    assert Household.objects.count() == HOUSEHOLDS
    referents = FollowUp.objects.filter(is_referent=True, ended_on__isnull=True)
    assert referents.count() == HOUSEHOLDS
    assert not referents.exclude(organisation__commune=F("household__commune")).exists()
    assert FollowUp.objects.filter(is_referent=False, organisation__kind=OrganisationKind.RELAY).exists()
    assert Consent.objects.count() == HOUSEHOLDS
    assert all({"casework", "statistics"} <= set(s) for s in Consent.objects.values_list("scopes", flat=True))
    # one head per household, a realistic size, every kind of situation
    assert not Household.objects.annotate(heads=Count("persons", filter=Q(persons__relation="head"))).exclude(
        heads=1
    )
    assert 2.0 <= Person.objects.count() / HOUSEHOLDS <= 3.0
    assert set(Person.objects.values_list("employment", flat=True)) >= {
        "employee",
        "retired",
        "inactive",
        "student",
    }
    assert Person.objects.filter(has_disability=True).exists()
    assert PastDeparture.objects.filter(year=2024).exists()
    assert PastDeparture.objects.filter(year=2025, project__isnull=False).exists()
    # last year's departures with the operation are last year's edition's projects
    last_year = PastDeparture.objects.filter(year=2024, project__isnull=False)
    assert last_year.exists() and not last_year.exclude(project__edition__year=2024).exists()
    assert not last_year.exclude(project__travellers=F("person")).exists()
    assert Project.objects.filter(edition__year=2024, status="evaluated").count() == (
        Project.objects.filter(edition__year=2024).count()
    )


def test_the_quotient_is_the_one_the_rules_compute(demo):
    households = Household.objects.prefetch_related("persons")
    qfs = []
    for household in households:
        result = quotient.quotient_familial(
            annual_taxable_income_cents=household.annual_taxable_income_cents,
            monthly_family_benefits_cents=household.monthly_family_benefits_cents,
            members=[
                quotient.Member(p.birth_date, p.relation, p.has_disability) for p in household.persons.all()
            ],
            on=generator.REFERENCE_DATE,
        )
        assert (household.qf_cents, household.qf_parts) == (result.qf_cents, result.parts)
        qfs.append(household.qf_cents / 100)
    assert sum(300 <= q <= 1200 for q in qfs) / len(qfs) > 0.6


def test_projects_in_every_status_and_format(demo):
    assert set(Project.objects.values_list("status", flat=True)) == set(ProjectStatus.values)
    assert set(Project.objects.values_list("format", flat=True)) == set(ProjectFormat.values)
    assert len(set(Project.objects.values_list("reference", flat=True))) == Project.objects.count()


def test_travellers_belong_to_their_household(demo):
    through = Project.travellers.through.objects
    assert through.exists()
    assert not through.exclude(person__household_id=F("project__household_id")).exists()
    assert not Project.objects.annotate(n=Count("travellers")).filter(n=0).exists()


def test_projects_follow_the_workflow_and_the_calendar(demo):
    allowed = {(source, t.target) for t in TRANSITIONS.values() for source in t.sources}
    for change in StatusChange.objects.all():
        assert (change.from_status, change.to_status) in allowed
    for project in (
        Project.objects.exclude(status="draft").select_related("edition").prefetch_related("status_changes")
    ):
        assert project.status_changes.all().reverse()[0].to_status == project.status
        assert project.budget_lines.exists() and project.start_date and project.destination_department
        year = project.edition.year  # this year's edition, and last year's for the year-over-year figures
        assert dt.date(year, 5, 1) <= project.start_date and project.end_date <= dt.date(year, 10, 31)
        assert project.checklist.count() == 5
    seniors = Project.objects.filter(format="seniors", start_date__isnull=False)
    assert not seniors.filter(Q(start_date__month__in=[7, 8]) | Q(end_date__month__in=[7, 8])).exists()


def test_upcoming_appointments_and_a_single_audit_entry(demo):
    upcoming = JournalEntry.objects.filter(kind="appointment", happens_at__date__gt=TODAY)
    assert upcoming.exists()
    logs = AuditLog.objects.filter(action="demo.load")
    assert logs.count() == 1 == AuditLog.objects.count()
    assert logs.get().changes["seed"] == SEED and logs.get().changes["households"] == HOUSEHOLDS


def test_the_demo_refuses_to_load_over_real_organisations_and_accounts(ccas):
    with pytest.raises(CommandError, match="Des organisations existantes .*ccas-lens"):
        load_demo()
    assert (
        not Household.objects.exists() and not Organisation.objects.filter(slug="vacances-ouvertes").exists()
    )
    with pytest.raises(CommandError, match="entre 1 et"):
        load_demo("--households", "0")
    with pytest.raises(CommandError, match="Des organisations existantes"):
        load_demo("--reset")  # no demo loaded: the reset touches nothing
    assert Organisation.objects.filter(slug="ccas-lens").exists()
