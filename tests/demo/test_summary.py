import io
import json

from django.core.management import call_command

from partez.accompaniment.models import Screening, Workshop
from partez.groups.models import Group
from partez.households.models import Household, Person
from partez.network.models import Registration
from partez.organisations.models import Membership
from partez.projects.models import Project, ProjectStatus


def summary(*args) -> str:
    out = io.StringIO()
    call_command("summary", *args, stdout=out)
    return out.getvalue()


def test_summary_json_agrees_with_the_database(demo):
    Membership.objects.filter(user__username="benevole").update(is_active=False)  # no longer counted
    data = json.loads(summary("--json"))
    assert set(data) == {
        "communes",
        "participating_communes",
        "organisations",
        "professionals",
        "households",
        "persons",
        "projects_by_status",
        "groups_by_scheme",
        "offers_by_kind",
        "screenings",
        "workshops",
        "trainings",
        "training_registrations",
        "resources",
    }
    assert data["offers_by_kind"] == {"bsv": 60, "donated": 220}
    assert data["trainings"] == 8 and data["resources"] >= 38
    assert data["training_registrations"] == Registration.objects.exclude(status="cancelled").count() > 60
    assert data["communes"] == 36
    assert data["participating_communes"] == 28
    assert data["households"] == Household.objects.count() == 150
    assert data["persons"] == Person.objects.count()
    active = Membership.objects.active().values("user_id").distinct().count()
    assert data["professionals"] == active == Membership.objects.values("user_id").distinct().count() - 1
    assert list(data["projects_by_status"]) == ProjectStatus.values
    for status, n in data["projects_by_status"].items():
        assert n == Project.objects.filter(status=status).count()
    assert sum(data["projects_by_status"].values()) == Project.objects.count()
    assert set(data["groups_by_scheme"]) == {"sac-ados", "seniors-en-vacances"}
    for scheme, n in data["groups_by_scheme"].items():
        assert n == Group.objects.filter(scheme=scheme).count() > 0
    assert data["screenings"] == Screening.objects.count() > 0
    assert data["workshops"] == Workshop.objects.count() == 10


def test_summary_on_an_empty_database_lists_every_status(db):
    data = json.loads(summary("--json"))
    assert data["participating_communes"] == 0 and data["households"] == 0
    assert data["projects_by_status"] == dict.fromkeys(ProjectStatus.values, 0)
    assert data["offers_by_kind"] == {"bsv": 0, "donated": 0}
    assert data["screenings"] == data["workshops"] == 0


def test_summary_as_a_french_table(demo):
    text = summary()
    assert "Communes du territoire" in text and "Foyers" in text and "Projets – Brouillon" in text
