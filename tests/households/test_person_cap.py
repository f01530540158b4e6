"""A household counts at most ``max_persons`` people (a dated parameter, 20): refused with a French
message naming the field, on creation and on adding a person, in the web app and the API (tests/api/test_households.py)."""

import datetime as dt

import pytest
from django.urls import reverse

from partez.core.errors import DomainError
from partez.households import services
from partez.households.models import Household, Person
from partez.households.services import PersonInput, max_persons
from tests import factories
from tests.www.test_households import household_post

pytestmark = pytest.mark.django_db


def child(i: int) -> dict:
    return {
        "first_name": f"Enfant{i}",
        "last_name": "Durand",
        "birth_date": "2015-01-01",
        "relation": "child",
    }


def test_the_cap_is_a_dated_parameter():
    assert max_persons(dt.date(2025, 6, 1)) == 20


def test_web_refuses_a_household_over_the_cap(client, worker, commune):
    data = household_post(commune, **{"persons-TOTAL_FORMS": "21"})
    for i in range(2, 21):
        data |= {
            f"persons-{i}-first_name": f"Enfant{i}",
            f"persons-{i}-last_name": "Dupont",
            f"persons-{i}-birth_date": "2015-01-01",
            f"persons-{i}-relation": "child",
            f"persons-{i}-employment": "student",
        }
    client.force_login(worker.user)
    response = client.post(reverse("household_create"), data)
    assert response.status_code == 200 and "20 personnes au plus" in response.content.decode()
    assert not Household.objects.exists()


def test_adding_a_person_over_the_cap_is_refused(worker, household):
    for _ in range(18):
        factories.PersonFactory(household=household, relation="child", birth_date="2015-01-01")
    assert household.persons.count() == 20
    with pytest.raises(DomainError) as caught:
        services.person_add(
            actor=worker,
            household=household,
            data=PersonInput(
                first_name="Vingt", last_name="Un", birth_date=dt.date(2016, 1, 1), relation="child"
            ),
        )
    assert "20 personnes au plus" in caught.value.errors["persons"]
    assert Person.objects.filter(household=household).count() == 20
