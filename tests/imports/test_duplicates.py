import datetime as dt
import json

import pytest
from django.core.management import call_command

from partez.core.errors import DomainError
from partez.households.models import Consent, FollowUp, Household, PastDeparture, Person
from partez.imports import duplicates
from partez.imports.models import DuplicatePair, PairStatus
from partez.projects.models import JournalEntry, Project
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(coordinator_org):
    return factories.MembershipFactory(organisation=coordinator_org, role="coordinator")


@pytest.fixture
def twins(ccas, commune, other_org, edition, worker):
    """The same family opened in Lens and in Liévin (a move), each with its history."""
    lens = factories.HouseholdFactory(
        commune=commune, created_by_organisation=ccas, caf_number="7001", address=""
    )
    head = factories.PersonFactory(
        household=lens, relation="head", last_name="Caron", first_name="Inès", birth_date="1986-01-22"
    )
    factories.PersonFactory(
        household=lens, relation="child", last_name="Caron", first_name="Yanis", birth_date="2012-09-14"
    )
    lievin = factories.HouseholdFactory(
        commune=other_org.commune,
        created_by_organisation=other_org,
        caf_number="7001",
        address="3 rue Neuve",
        phone="+33600000009",
    )
    factories.PersonFactory(
        household=lievin, relation="head", last_name="Caron", first_name="Inès", birth_date="1986-01-22"
    )
    factories.PersonFactory(
        household=lievin, relation="child", last_name="Caron", first_name="Lina", birth_date="2017-02-03"
    )
    PastDeparture.objects.create(person=head, year=2024, scheme="camping")
    project = factories.ProjectFactory(household=lievin, organisation=other_org, edition=edition)
    project.travellers.set(lievin.persons.all())
    JournalEntry.objects.create(
        project=project, author=worker.user, organisation=other_org, text="Premier rendez-vous"
    )
    return lens, lievin


def counts():
    return {
        "households": Household.objects.count(),
        "persons": Person.objects.count(),
        "projects": Project.objects.count(),
        "consents": Consent.objects.count(),
        "past": PastDeparture.objects.count(),
        "journal": JournalEntry.objects.count(),
    }


def test_planted_duplicates_are_found_and_queued(twins, capsys):
    lens, lievin = twins
    call_command("find_duplicates")
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    [pair] = [p for p in out["pairs"] if {p["a"], p["b"]} == {lens.pk, lievin.pk}]
    assert pair["score"] == 100 and pair["reasons"]
    assert DuplicatePair.objects.filter(status=PairStatus.OPEN).count() == 1


def test_distinct_is_remembered(twins, coordinator):
    duplicates.candidates_refresh()
    pair = DuplicatePair.objects.get()
    duplicates.pair_distinct(actor=coordinator, pair=pair)
    duplicates.candidates_refresh()
    assert DuplicatePair.objects.get().status == PairStatus.DISTINCT
    with pytest.raises(DomainError, match="déjà été traité"):
        duplicates.pair_distinct(actor=coordinator, pair=pair)


def test_a_commune_sees_pairs_of_its_own_residents_only(twins, referent, coordinator):
    duplicates.candidates_refresh()
    assert duplicates.pairs_for(coordinator).count() == 1
    assert duplicates.pairs_for(referent).count() == 0  # the Liévin file is not Lens's to see


def test_merge_keeps_every_project_and_history_row_and_undo_gives_them_back(twins, coordinator):
    lens, lievin = twins
    duplicates.candidates_refresh()
    pair = DuplicatePair.objects.get()
    before = counts()
    preview = duplicates.merge_preview(pair, keep=lens.pk)
    assert [p.first_name for _k, p in preview.same_persons] == ["Inès"] and [
        p.first_name for p in preview.moved_persons
    ] == ["Lina"]
    assert {v["label"]: v["winner"] for v in preview.values}["adresse"] == "removed"
    merge = duplicates.household_merge(actor=coordinator, pair=pair, keep=lens.pk)
    after = counts()
    assert after == before | {"households": before["households"] - 1, "persons": before["persons"] - 1}
    lens.refresh_from_db()
    assert lens.address == "3 rue Neuve" and lens.persons.count() == 3
    project = Project.objects.get()
    assert project.household == lens and sorted(p.first_name for p in project.travellers.all()) == [
        "Inès",
        "Lina",
    ]
    assert (
        FollowUp.objects.filter(household=lens, ended_on__isnull=True).count() == 2
    )  # Lens and Liévin follow it
    assert not Household.objects.filter(pk=lievin.pk).exists()

    duplicates.merge_undo(actor=coordinator, merge=merge)
    assert counts() == before
    restored = Household.objects.get(pk=lievin.pk)
    assert restored.reference == lievin.reference and Project.objects.get().household == restored
    assert sorted(p.first_name for p in Project.objects.get().travellers.all()) == ["Inès", "Lina"]
    assert sorted(p.first_name for p in restored.persons.all()) == ["Inès", "Lina"]
    lens.refresh_from_db()
    assert lens.address == "" and lens.persons.count() == 2
    assert DuplicatePair.objects.get().status == PairStatus.OPEN
    with pytest.raises(DomainError, match="déjà été annulée"):
        duplicates.merge_undo(actor=coordinator, merge=merge)


def test_an_import_finds_a_family_known_elsewhere(twins, referent):
    from partez.imports import services

    content = "N° foyer;Nom;Prénom;Date de naissance;Lien;Commune;N° allocataire\n1;Caron;Inès;22/01/1986;demandeuse;Lens;7001\n".encode()
    lens, _ = twins
    Household.objects.filter(pk=lens.pk).delete()
    batch = services.batch_read(
        actor=referent,
        name="f.csv",
        content=content,
        consent_scopes=["casework"],
        consent_collected_on=dt.date(2026, 1, 5),
    )
    services.batch_apply(batch, referent)
    assert DuplicatePair.objects.filter(status=PairStatus.OPEN).count() == 1
