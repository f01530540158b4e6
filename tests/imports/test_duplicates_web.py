import pytest
from django.urls import reverse

from partez.households.models import Household
from partez.imports import duplicates
from partez.imports.models import DuplicatePair, HouseholdMerge, PairStatus
from tests import factories

pytestmark = pytest.mark.django_db


def lens_twins(ccas, commune, n=1):
    pairs = []
    for i in range(n):
        hs = [
            factories.HouseholdFactory(commune=commune, created_by_organisation=ccas, caf_number=f"8{i:05d}")
            for _ in range(2)
        ]
        for h in hs:
            factories.PersonFactory(
                household=h,
                relation="head",
                last_name=f"Jumeau{i}",
                first_name="Alix",
                birth_date="1980-01-01",
            )
        pairs.append(hs)
    duplicates.candidates_refresh()
    return pairs


def test_the_queue_costs_a_constant_number_of_queries(
    client, referent, ccas, commune, django_assert_max_num_queries
):
    lens_twins(ccas, commune, n=30)
    client.force_login(referent.user)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("duplicate_list"))
    page = response.content.decode()
    assert response.status_code == 200 and page.count("Très probable") == 25 and "Page 1 sur 2" in page


def test_review_preview_merge_and_undo(client, referent, ccas, commune):
    [(a, b)] = lens_twins(ccas, commune)
    b.address = "5 rue du Puits"
    b.save()
    pair = DuplicatePair.objects.get()
    client.force_login(referent.user)
    page = client.get(reverse("duplicate_detail", args=[pair.pk]) + f"?garder={a.pk}").content.decode()
    assert "Même famille ?" in page and "5 rue du Puits" in page and f"fusionner dans {a.reference}" in page
    response = client.post(reverse("duplicate_merge", args=[pair.pk]), {"keep": a.pk})
    assert response.status_code == 302 and response.url == reverse("household_detail", args=[a.pk])
    assert not Household.objects.filter(pk=b.pk).exists()
    merge = HouseholdMerge.objects.get()
    client.post(reverse("duplicate_merge_undo", args=[merge.pk]))
    assert Household.objects.filter(pk=b.pk).exists()


def test_distinct_from_the_page(client, referent, ccas, commune):
    lens_twins(ccas, commune)
    pair = DuplicatePair.objects.get()
    client.force_login(referent.user)
    client.post(reverse("duplicate_distinct", args=[pair.pk]))
    assert DuplicatePair.objects.get().status == PairStatus.DISTINCT
    assert "Aucun doublon" in client.get(reverse("duplicate_list")).content.decode()


def test_a_pair_outside_the_commune_is_404(client, ccas, commune, other_org):
    lens_twins(ccas, commune)
    pair = DuplicatePair.objects.get()
    stranger = factories.MembershipFactory(organisation=other_org, role="commune_referent")
    client.force_login(stranger.user)
    assert client.get(reverse("duplicate_detail", args=[pair.pk])).status_code == 404
    assert client.post(reverse("duplicate_merge", args=[pair.pk]), {"keep": pair.a_id}).status_code == 404
