import html

import pytest
from django.urls import reverse

from partez.core.models import AuditLog
from partez.territory.models import Commune, Edition
from partez.territory.selectors import current_edition

pytestmark = pytest.mark.django_db

ROLES = ["coordinator", "commune_referent", "social_worker", "funder", "volunteer", "host", "outsider"]


def _communes(n):
    from partez.territory.data import load_communes

    if Commune.objects.count() < n:
        load_communes()
    return list(Commune.objects.order_by("-population").values_list("insee_code", flat=True)[:n])


@pytest.mark.parametrize("role", ROLES)
def test_only_the_coordination_manages_editions(client, members, edition, role):
    client.force_login(members[role].user)
    expected = 200 if role == "coordinator" else 403
    for url in [
        reverse("edition_list"),
        reverse("edition_create"),
        reverse("edition_detail", args=[edition.year]),
    ]:
        assert client.get(url).status_code == expected, url


def test_create_an_edition_with_28_communes_then_a_milestone(client, members):
    coordination = members["coordinator"]
    client.force_login(coordination.user)
    codes = _communes(28)
    data = {"year": 2026, "name": "10 000 départs 2026", "starts_on": "2026-01-05", "ends_on": "2026-12-18"}
    response = client.post(reverse("edition_create"), {**data, "communes": codes})
    assert response.status_code == 302
    edition = Edition.objects.get(year=2026)
    assert edition.communes.count() == 28
    assert current_edition() == edition
    client.post(
        reverse("milestone_add", args=[2026]),
        {"kind": "fete", "label": "Fête des vacances", "planned_on": "2026-06-27"},
    )
    assert edition.milestones.get().kind == "fete"
    page = html.unescape(client.get(reverse("edition_detail", args=[2026])).content.decode())
    assert "Fête des vacances" in page and "Communes participantes (28)" in page
    assert set(AuditLog.objects.values_list("action", flat=True)) == {"edition.create", "milestone.save"}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"ends_on": "2025-12-01", "starts_on": "2026-01-01"},
            "La fin de l'édition doit être après son début.",
        ),
        ({"year": 2025}, "L'édition 2025 existe déjà."),
        ({"communes": ["99999"]}, "Commune inconnue"),
    ],
)
def test_bad_edition_input_is_refused_and_nothing_saved(client, members, edition, overrides, message):
    client.force_login(members["coordinator"].user)
    data = {
        "year": 2026,
        "name": "2026",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "communes": _communes(3),
    }
    response = client.post(reverse("edition_create"), {**data, **overrides})
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert not Edition.objects.filter(year=2026).exists()
    assert not AuditLog.objects.exists()


def test_edit_an_edition_logs_the_diff(client, members, edition):
    client.force_login(members["coordinator"].user)
    codes = _communes(2)
    data = {
        "year": edition.year,
        "name": "Édition renommée",
        "starts_on": "2025-01-01",
        "ends_on": "2025-12-31",
    }
    assert (
        client.post(reverse("edition_edit", args=[edition.year]), {**data, "communes": codes}).status_code
        == 302
    )
    edition.refresh_from_db()
    assert edition.name == "Édition renommée"
    log = AuditLog.objects.get(action="edition.update")
    assert log.changes["name"][1] == "Édition renommée"
    assert sorted(log.changes["communes"][1]) == sorted(codes)
