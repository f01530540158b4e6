"""Issue 13, items 3 and 5 on the household pages: the family named beside its reference,
search by a household's or a project's reference, ages beside birth dates, consent boxes
unticked, minima sociaux, mobility and schooling, French phone numbers (E.164), every error of
the form at once, and one QF figure in the header and its explanation."""

import re

import pytest
from django.urls import reverse

from partez.households.models import Household
from tests import factories
from tests.www.test_households import household_post

pytestmark = pytest.mark.django_db


def test_a_bad_phone_is_reported_with_every_other_error_at_once(client, worker, commune):
    client.force_login(worker.user)
    data = household_post(
        commune,
        phone="pas un numéro",
        annual_taxable_income="-10",
        **{"persons-1-birth_date": "2099-01-01", "persons-0-first_name": ""},
    )
    page = client.post(reverse("household_create"), data).content.decode()
    assert "Numéro de téléphone invalide" in page
    assert "Le montant ne peut pas être négatif" in page
    assert "ne peut pas être dans le futur" in page
    assert "Ce champ est obligatoire" in page  # the head's first name
    assert not Household.objects.exists()


def test_situation_phone_and_schooling_are_stored_and_shown(client, worker, commune):
    client.force_login(worker.user)
    data = household_post(
        commune,
        phone="06.12.34.56.78",
        minimum_benefits=["rsa", "aah"],
        mobility="licence_no_car",
        mobility_note="Pas de car le dimanche",
        **{"persons-1-schooling": "at_school", "persons-1-employment": "other"},
    )
    response = client.post(reverse("household_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    household = Household.objects.get()
    assert household.phone == "+33612345678"
    assert household.minimum_benefits == ["rsa", "aah"]
    assert (household.mobility, household.mobility_note) == ("licence_no_car", "Pas de car le dimanche")
    child = household.persons.get(relation="child")
    assert (child.schooling, child.employment) == ("at_school", "other")
    page = client.get(response.url).content.decode()
    assert "06 12 34 56 78" in page and "RSA (revenu de solidarité active)" in page
    assert "Le permis, mais pas de voiture — Pas de car le dimanche" in page
    assert "À l&#x27;école, au collège ou au lycée" in page and "Étudiant·e boursier·e" not in page


def test_the_page_names_the_family_and_shows_ages_and_one_qf(client, worker, household):
    client.force_login(worker.user)
    page = client.get(reverse("household_detail", args=[household.pk])).content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert f"Martin Claire ({household.reference})" in title
    assert re.search(r"<h1>Foyer Martin Claire", page)
    assert re.search(r"01/06/2015 <small>\(\d+ ans\)</small>", page)
    household.refresh_from_db()
    header = re.search(r'<h2 id="qf">Quotient familial CAF : (.*?)</h2>', page).group(1)
    assert household.qf_lines[-1].endswith(f"= {header}.")  # one figure, one rounding


def test_search_finds_a_household_by_its_reference_and_by_a_project_reference(client, worker, household):
    project = factories.ProjectFactory(household=household, reference="P-CDT4N7")
    other = factories.HouseholdFactory(
        commune=household.commune, created_by_organisation=household.created_by_organisation
    )
    factories.PersonFactory(household=other, relation="head", last_name="Autre", first_name="Foyer")
    client.force_login(worker.user)
    for q in (household.reference, household.reference.lower().replace("-", ""), project.reference):
        page = client.get(reverse("household_list"), {"q": q}).content.decode()
        assert "MARTIN Claire" in page and "AUTRE" not in page, q
        assert re.search(r"\d{2}/\d{2}/\d{4} <small>\(\d+ ans\)</small>", page)  # the head's age
    page = client.get(reverse("household_list"), {"q": "Francis"}).content.decode()  # a name like a reference
    assert "Aucun foyer" in page


def test_a_row_missing_its_first_name_still_reports_its_future_birth_date(client, worker, commune):
    """Found by the browser test: a row that did not parse was not checked any further."""
    client.force_login(worker.user)
    data = household_post(commune, **{"persons-0-first_name": "", "persons-0-birth_date": "2099-01-01"})
    page = client.post(reverse("household_create"), data).content.decode()
    assert "Ce champ est obligatoire" in page and "ne peut pas être dans le futur" in page
    assert not Household.objects.exists()
