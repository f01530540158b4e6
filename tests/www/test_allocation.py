"""Campaign allocation pages: coordination only; start, review against FCFS, apply."""

import pytest
from django.urls import reverse

from partez.funding.models import AllocationRun
from partez.jobs.models import Job

ROLES = ["coordinator", "commune_referent", "social_worker", "funder", "volunteer", "host", "outsider"]


@pytest.fixture
def run(members, edition):
    return AllocationRun.objects.create(
        edition=edition,
        created_by=members["coordinator"].user,
        priorities={"first_departure_bonus": 50, "low_qf_bonus": 30, "respect_quotas": True},
        results={
            "solver": {
                "people_funded": 12,
                "projects_funded": 5,
                "objective": 1500,
                "bound": 1500,
                "gap": 0.0,
                "status": "OPTIMAL",
                "seconds": 0.2,
                "envelope_use": {},
            },
            "fcfs": {
                "people_funded": 9,
                "projects_funded": 5,
                "objective": 1100,
                "bound": 1600,
                "gap": 0.3,
                "status": "FEASIBLE",
                "seconds": 0.0,
                "envelope_use": {},
            },
            "greedy": {
                "people_funded": 11,
                "projects_funded": 5,
                "objective": 1400,
                "bound": 1600,
                "gap": 0.1,
                "status": "FEASIBLE",
                "seconds": 0.0,
                "envelope_use": {},
            },
            "available": {},
            "projects": 8,
            "people": 20,
        },
    )


def test_anonymous_is_sent_to_login(client, run):
    for url in [reverse("allocation_index"), reverse("allocation_detail", args=[run.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", ROLES)
def test_only_the_coordination_sees_and_starts_allocations(client, members, run, role):
    client.force_login(members[role].user)
    expected = 200 if role == "coordinator" else 403
    assert client.get(reverse("allocation_index")).status_code == expected
    assert client.get(reverse("allocation_detail", args=[run.pk])).status_code == expected
    response = client.post(reverse("allocation_apply", args=[run.pk]))
    assert response.status_code == (302 if role == "coordinator" else 403)


def test_review_compares_with_first_come_first_served(client, members, run):
    client.force_login(members["coordinator"].user)
    page = client.get(reverse("allocation_detail", args=[run.pk])).content.decode()
    assert "+3 personnes" in page
    assert "Premier arrivé, premier servi" in page and "Répartition proposée" in page
    assert "la meilleure possible (prouvé)" in page


def test_review_speaks_plainly_and_folds_the_method_details(client, members, run):
    """Issue 13: « Gloutonne », « Borne », « Écart », « OR-Tools » were the page's words."""
    client.force_login(members["coordinator"].user)
    page = client.get(reverse("allocation_detail", args=[run.pk])).content.decode()
    shown, folded = page.split('<details class="method-details">', 1)
    folded = folded.split("</details>", 1)[0]
    for word in ("Gloutonne", "gloutonne", "Borne", "Écart", "OR-Tools", "Optimisée", "solveur"):
        assert word not in shown, word
    assert "Personnes aidées" in shown and "Au moins cher par personne d&#x27;abord" in shown
    assert "OR-Tools" in folded and "Meilleur total possible" in folded
    assert "Appliquer : valider les 0 projets financés" in page


def test_bad_priorities_are_refused_in_french_and_start_nothing(client, members, edition):
    client.force_login(members["coordinator"].user)
    response = client.post(
        reverse("allocation_index"),
        {"first_departure_bonus": "900", "low_qf_bonus": "0", "respect_quotas": "on", "time_limit": "0"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "inférieure ou égale à 500" in page and "supérieure ou égale à 1" in page
    assert not Job.objects.filter(kind="allocation").exists()


def test_starting_runs_the_job_and_links_to_its_review(client, members, edition):
    client.force_login(members["coordinator"].user)
    response = client.post(
        reverse("allocation_index"),
        {"first_departure_bonus": "50", "low_qf_bonus": "30", "respect_quotas": "on", "time_limit": "5"},
    )
    job = Job.objects.get(kind="allocation")
    assert response.status_code == 302 and response.url == reverse("job_detail", args=[job.pk])
    page = client.get(response.url).content.decode()
    assert "Voir le résultat" in page and job.result_url in page
