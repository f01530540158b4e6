"""The household services (partez.households.services) called directly: create and update a
household, its members, past departures, follow-ups and consents — what they store, the French
message naming the field when they refuse (nothing written then), the role check, and the one
audit entry each write leaves."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from partez.core.errors import DomainError, NotAllowed
from partez.core.models import AuditLog
from partez.households import quotient, services
from partez.households.models import Consent, FollowUp, Household, PastDeparture, Person
from partez.households.services import HouseholdInput, PersonInput
from partez.organisations.models import OrganisationKind, Role
from partez.projects.models import ProjectStatus
from tests import factories

HEAD = PersonInput("Claire", "Martin", dt.date(1985, 4, 12), "head", employment="employee")
CHILD = PersonInput("Léo", "Martin", dt.date(2015, 6, 1), "child")


def _input(commune, **kw) -> HouseholdInput:
    return HouseholdInput(
        commune_insee=commune.insee_code,
        annual_taxable_income_cents=kw.pop("income", 1_800_000),
        monthly_family_benefits_cents=kw.pop("benefits", 20_000),
        **kw,
    )


def _errors(exc_info) -> dict:
    return exc_info.value.errors


def _audit(action):
    return AuditLog.objects.filter(action=action)


@pytest.fixture
def relay(commune):
    return factories.OrganisationFactory(
        name="Centre social", slug="centre-social", kind=OrganisationKind.RELAY, commune=commune
    )


def test_household_create_stores_members_consent_referent_and_quotient(worker, commune):
    household = services.household_create(
        actor=worker,
        data=_input(commune, phone="06 39 98 00 01"),
        persons=[HEAD, CHILD],
        consent_scopes=["casework", "statistics"],
    )
    household.refresh_from_db()
    assert household.reference.startswith("F-") and household.commune == commune
    assert household.created_by_organisation == worker.organisation
    assert sorted(household.persons.values_list("first_name", flat=True)) == ["Claire", "Léo"]
    assert household.sort_name == Person.search_key("Claire", "Martin")
    consent = household.consents.get()
    assert consent.scopes == ["casework", "statistics"] and consent.collected_by == worker.user
    assert FollowUp.objects.get(household=household).organisation == worker.organisation
    assert FollowUp.objects.get(household=household).is_referent
    expected = quotient.quotient_familial(
        annual_taxable_income_cents=1_800_000,
        monthly_family_benefits_cents=20_000,
        members=[quotient.Member(p.birth_date, p.relation, False) for p in (HEAD, CHILD)],
        on=timezone.localdate(),
    )
    assert (household.qf_cents, household.qf_parts) == (expected.qf_cents, expected.parts)
    log = _audit("household.create").get()
    assert log.actor == worker.user and log.object_id == str(household.pk)
    assert log.changes["persons"] == 2 and log.changes["consent"] == ["casework", "statistics"]


def test_household_create_names_every_faulty_field_and_writes_nothing(worker, commune):
    bad = HouseholdInput(
        commune_insee="00000",
        annual_taxable_income_cents=-1,
        tax_parts=Decimal("0.3"),
        email="pas-une-adresse",
    )
    with pytest.raises(DomainError) as exc:
        services.household_create(actor=worker, data=bad, persons=[HEAD], consent_scopes=["casework"])
    assert _errors(exc) == {
        "commune": "Commune inconnue : choisissez une commune du territoire.",
        "annual_taxable_income_cents": "Les revenus ne peuvent pas être négatifs.",
        "tax_parts": "Le nombre de parts fiscales doit être compris entre 1 et 20 (par quart de part).",
        "email": "Adresse e-mail invalide.",
    }
    future = PersonInput("", "Martin", timezone.localdate() + dt.timedelta(days=1), "cousin")
    with pytest.raises(DomainError) as exc:
        services.household_create(
            actor=worker, data=_input(commune), persons=[HEAD, future], consent_scopes=["casework"]
        )
    assert _errors(exc) == {
        "persons[1].first_name": "Le prénom est obligatoire.",
        "persons[1].birth_date": "La date de naissance ne peut pas être dans le futur.",
        "persons[1].relation": "Lien avec le foyer inconnu.",
    }
    with pytest.raises(DomainError, match="exactement un·e demandeur·se"):
        services.household_create(
            actor=worker, data=_input(commune), persons=[CHILD], consent_scopes=["casework"]
        )
    with pytest.raises(DomainError, match="consentement au traitement du dossier") as exc:
        services.household_create(
            actor=worker, data=_input(commune), persons=[HEAD], consent_scopes=["statistics"]
        )
    assert list(_errors(exc)) == ["consent"]
    assert not Household.objects.exists() and not Person.objects.exists() and not AuditLog.objects.exists()


@pytest.mark.parametrize("role", [Role.FUNDER, Role.VOLUNTEER, Role.HOST])
def test_roles_without_casework_may_not_write(ccas, commune, household, role):
    m = factories.MembershipFactory(organisation=ccas, role=role)
    with pytest.raises(NotAllowed, match="Votre rôle ne permet pas de modifier des foyers."):
        services.household_create(actor=m, data=_input(commune), persons=[HEAD], consent_scopes=["casework"])
    with pytest.raises(NotAllowed):
        services.household_update(actor=m, household=household, data=_input(commune))
    with pytest.raises(NotAllowed):
        services.person_add(actor=m, household=household, data=CHILD)
    assert not AuditLog.objects.exists()


def test_household_update_recomputes_the_quotient_and_audits_the_diff(worker, household, commune):
    before = household.qf_cents
    services.household_update(actor=worker, household=household, data=_input(commune, income=900_000))
    household.refresh_from_db()
    assert household.annual_taxable_income_cents == 900_000 and household.qf_cents < before
    assert _audit("household.update").get().changes["annual_taxable_income_cents"] == [1_800_000, 900_000]
    services.household_update(actor=worker, household=household, data=_input(commune, income=900_000))
    assert _audit("household.update").count() == 1  # nothing changed: no entry


def test_persons_add_and_update_keep_one_head_and_the_stored_quotient(worker, household):
    parts = household.qf_parts
    baby = services.person_add(
        actor=worker, household=household, data=PersonInput("Inès", "Martin", dt.date(2024, 1, 2), "child")
    )
    household.refresh_from_db()
    assert household.persons.count() == 3 and household.qf_parts > parts
    assert _audit("person.add").get().changes["first_name"] == "Inès"
    with pytest.raises(DomainError, match="exactement un·e demandeur·se") as exc:
        services.person_add(
            actor=worker, household=household, data=PersonInput("Paul", "Martin", dt.date(1980, 1, 1), "head")
        )
    assert list(_errors(exc)) == ["persons"]
    with pytest.raises(DomainError) as exc:
        services.person_update(
            actor=worker,
            person=baby,
            data=PersonInput("Inès", "", dt.date(2024, 1, 2), "child", employment="astronaute"),
        )
    assert _errors(exc) == {
        "last_name": "Le nom est obligatoire.",
        "employment": "Situation professionnelle inconnue.",
    }
    services.person_update(
        actor=worker,
        person=baby,
        data=PersonInput("Inès", "Martin", dt.date(2024, 1, 2), "child", has_disability=True),
    )
    assert Person.objects.get(pk=baby.pk).has_disability
    assert _audit("person.update").get().changes == {"has_disability": [False, True]}
    assert household.persons.count() == 3


def test_past_departures_are_checked_and_recorded_once(worker, household):
    person = household.persons.get(first_name="Claire")
    services.past_departure_add(actor=worker, person=person, year=2023, scheme="camping")
    assert PastDeparture.objects.get(person=person).year == 2023
    assert _audit("past_departure.add").get().changes == {
        "person": person.pk,
        "year": 2023,
        "scheme": "camping",
    }
    with pytest.raises(DomainError, match="Ce départ est déjà enregistré.") as exc:
        services.past_departure_add(actor=worker, person=person, year=2023, scheme="camping")
    assert list(_errors(exc)) == ["year"]
    with pytest.raises(DomainError, match="L'année du départ doit être passée ou en cours."):
        services.past_departure_add(
            actor=worker, person=person, year=timezone.localdate().year + 1, scheme="camping"
        )
    with pytest.raises(DomainError, match="Dispositif inconnu."):
        services.past_departure_add(actor=worker, person=person, year=2023, scheme="croisiere")
    assert PastDeparture.objects.count() == 1 and _audit("past_departure.add").count() == 1


def test_a_follow_up_needs_the_sharing_consent_and_a_casework_structure(worker, household, relay):
    with pytest.raises(DomainError, match="n'a pas consenti au partage") as exc:
        services.followup_add(actor=worker, household=household, organisation=relay)
    assert list(_errors(exc)) == ["organisation"]
    household.consents.update(scopes=["casework", "sharing"])
    followup = services.followup_add(actor=worker, household=household, organisation=relay)
    assert not followup.is_referent and followup.ended_on is None
    assert _audit("followup.add").get().changes == {"household": household.pk, "organisation": relay.pk}
    with pytest.raises(DomainError, match="Cette organisation suit déjà le foyer."):
        services.followup_add(actor=worker, household=household, organisation=relay)
    funder = factories.FunderFactory()
    with pytest.raises(DomainError, match="Seules les communes, CCAS et structures relais"):
        services.followup_add(actor=worker, household=household, organisation=funder)


def test_the_referent_role_moves_and_a_follow_up_ends_with_a_reason(worker, household, relay):
    household.consents.update(scopes=["casework", "sharing"])
    followup = services.followup_add(actor=worker, household=household, organisation=relay)
    relay_worker = factories.MembershipFactory(organisation=relay, role=Role.SOCIAL_WORKER)
    with pytest.raises(NotAllowed, match="Seule la structure référente peut confier ce rôle"):
        services.referent_set(actor=relay_worker, followup=followup)
    services.referent_set(actor=worker, followup=followup)
    assert list(household.followups.filter(is_referent=True).values_list("organisation", flat=True)) == [
        relay.pk
    ]
    assert _audit("followup.referent").count() == 1
    ccas_followup = household.followups.get(organisation=worker.organisation)
    with pytest.raises(DomainError, match="Indiquez le motif de fin de suivi.") as exc:
        services.followup_end(actor=worker, followup=ccas_followup, reason="  ")
    assert list(_errors(exc)) == ["end_reason"]
    with pytest.raises(DomainError, match="Désignez d'abord une autre structure référente."):
        services.followup_end(actor=relay_worker, followup=followup, reason="Fin")
    services.followup_end(actor=worker, followup=ccas_followup, reason="Déménagement")
    ccas_followup.refresh_from_db()
    assert ccas_followup.ended_on == timezone.localdate() and ccas_followup.end_reason == "Déménagement"
    with pytest.raises(DomainError, match="Ce suivi est déjà terminé."):
        services.followup_end(actor=worker, followup=ccas_followup, reason="Encore")
    assert _audit("followup.end").count() == 1


def test_withdrawing_the_casework_consent_closes_the_file(worker, household, relay, edition):
    household.consents.update(scopes=["casework", "sharing", "statistics"])
    services.followup_add(actor=worker, household=household, organisation=relay)
    draft = factories.ProjectFactory(household=household, edition=edition, organisation=worker.organisation)
    consent = household.consents.get()
    services.consent_revoke(actor=worker, consent=consent)
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.WITHDRAWN
    assert list(household.followups.filter(ended_on__isnull=True).values_list("organisation", flat=True)) == [
        worker.organisation_id
    ]
    log = _audit("consent.revoke").get()
    assert log.changes["file_closed"] is True and log.changes["followups_ended"] == [relay.pk]
    with pytest.raises(DomainError, match="Ce consentement a déjà été retiré."):
        services.consent_revoke(actor=worker, consent=consent)
    with pytest.raises(DomainError, match="le dossier est clos"):  # read only from now on
        services.person_add(actor=worker, household=household, data=CHILD)
    assert Consent.objects.filter(household=household).count() == 1  # kept, dated, never deleted
