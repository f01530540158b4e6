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
