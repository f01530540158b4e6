"""The public page: no login, figures computed from the data with small cells suppressed."""

import pytest
from django.urls import reverse

from tests import factories
from tests.factories.bilan import more_households, small_edition

pytestmark = pytest.mark.django_db


def test_public_page_needs_no_login_and_hides_small_cells(client):
    data = small_edition()
    more_households(data, 3)  # 9 more people left from commune A
    response = client.get(reverse("bilan_public", args=[2025]))
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["bilan"].suppressed
    assert response.context["bilan"].key["persons_left"] == 15
    assert "Communauté d&#x27;agglomération de Lens-Liévin" in html  # partners, from the envelopes
    assert "Frise chronologique 2025" in html and 'role="img"' in html
    for p in data.households["h1"].persons.all():
        assert p.last_name not in html
    communes = dict(response.context["communes"]["rows"])
    assert communes["Commune B"][1] == "masqué"  # nobody left from B: hidden, and A's figure with it
    assert communes["Commune A"][1] == "masqué"


def test_operation_redirects_to_the_current_edition(client):
    factories.EditionFactory(year=2025)
    response = client.get(reverse("bilan_public_current"))
    assert response.status_code == 302 and response["Location"] == reverse("bilan_public", args=[2025])
    assert client.get(reverse("bilan_public", args=[1999])).status_code == 404


def test_public_page_is_cached_and_query_count_is_flat(client, django_assert_max_num_queries):
    data = small_edition()
    url = reverse("bilan_public", args=[2025])
    with django_assert_max_num_queries(40):
        client.get(url)
    more_households(data, 10)
    with django_assert_max_num_queries(3):  # cached: only the editions list and the session-less render
        client.get(url)


def test_the_public_page_tells_a_family_where_to_sign_up_and_shows_the_years(client):
    """Issue 13, item 10: the frise across years (departures, communes, aids per edition), and in
    each participating commune where to sign up (its CCAS, its town hall's public address and
    phone); the login page links to this page."""
    from partez.reports import selectors
    from partez.territory.models import Commune

    data = small_edition()
    more_households(data, 3)
    earlier = factories.EditionFactory(year=2024)
    earlier.communes.add(data.communes["A"])
    Commune.objects.filter(pk=data.communes["A"].pk).update(
        town_hall_address="17 bis place Jean-Jaurès 62300 Lens", town_hall_phone="03 21 69 86 86"
    )
    html = client.get(reverse("bilan_public", args=[2025])).content.decode()
    assert "comment s&#x27;inscrire" in html or "comment s'inscrire" in html
    assert "17 bis place Jean-Jaurès 62300 Lens" in html and 'href="tel:0321698686"' in html
    assert "Commune B" in html.split("Où s")[1]  # every participating commune is listed
    assert "L&#x27;opération d&#x27;année en année" in html or "L'opération d'année en année" in html
    rows = {r["year"]: r for r in selectors.history()}
    assert set(rows) == {2024, 2025}
    assert rows[2025]["left"] == 15 and rows[2025]["communes"] == 2  # as the edition's bilan counts
    assert rows[2024]["left"] == "masqué" and rows[2024]["communes"] == 1
    assert rows[2025]["granted_cents"] > 0
    login = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("bilan_public_current")}"' in login


def test_the_history_reads_in_three_queries_whatever_the_editions(django_assert_num_queries):
    from partez.reports import selectors

    small_edition()
    for year in (2021, 2022, 2023):
        factories.EditionFactory(year=year)
    with django_assert_num_queries(4):  # editions, people who left, communes, the ledger
        assert len(selectors.history()) == 4
