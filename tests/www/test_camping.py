"""The séjour commun pages: permission matrix (anonymous, every role, another organisation),
query budgets on the board, moves by hand with an immediate answer (htmx), locks, downloads."""

import pytest
from django.urls import reverse

from partez.camping import services
from partez.camping.models import Placement
from partez.organisations.models import OrganisationKind, Role
from tests import factories
from tests.factories.camping import W1, camp, participant

pytestmark = pytest.mark.django_db
ROLES = [
    "coordinator",
    "commune_referent",
    "social_worker",
    "funder",
    "volunteer",
    "host",
    "outsider",
    "other_referent",
    "other_host",
]


@pytest.fixture
def c(edition, coordinator_org, members, other_org):
    c = camp(edition, coordinator_org)
    c.mouettes.host = members["host"].organisation
    c.mouettes.save()
    c.lens_household = participant(c, "F-LENS", people=3)
    c.lievin_household = participant(c, "F-LIEV", people=2, commune=c.lievin)
    for p, label in ((c.lens_household, "M1"), (c.lievin_household, "M2")):
        services.placement_move(
            actor=c.coordination, participant=p, unit=c.units[label], week=c.week(c.mouettes, W1)
        )
    members["other_referent"] = factories.MembershipFactory(
        organisation=other_org, role=Role.COMMUNE_REFERENT
    )
    other_host = factories.OrganisationFactory(kind=OrganisationKind.HOST, commune=None)
    members["other_host"] = factories.MembershipFactory(organisation=other_host, role=Role.HOST)
    c.members = members
    return c


def _pages(c):
    week = c.week(c.mouettes, W1)
    trip = Placement.objects.get(participant=c.lens_household).trip
    viewers = {"coordinator", "commune_referent", "host", "other_referent", "other_host"}
    board = {r: 200 if r in viewers else 403 for r in ROLES}
    household = {**board, "host": 404, "other_referent": 404, "other_host": 404}
    roster = {**board, "other_host": 404}
    coordination = {r: 200 if r == "coordinator" else 403 for r in ROLES}
    return [
        ("board", reverse("camping_board"), board),
        ("settings", reverse("camping_settings"), coordination),
        ("participant", reverse("camping_participant", args=[c.lens_household.pk]), household),
        ("letter", reverse("camping_letter", args=[c.lens_household.pk]), household),
        ("roster_pdf", reverse("camping_roster", args=[week.pk, "pdf"]), roster),
        ("roster_xlsx", reverse("camping_roster", args=[week.pk, "xlsx"]), roster),
        ("trip_pdf", reverse("camping_trip", args=[trip.pk, "pdf"]), roster),
    ]


def test_anonymous_is_sent_to_login(client, c):
    for name, url, _expected in _pages(c):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), name


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, c, role):
    client.force_login(c.members[role].user)
    for name, url, expected in _pages(c):
        response = client.get(url)
        assert response.status_code == expected[role], f"{role} on {name}: {response.status_code}"


@pytest.mark.parametrize("role", ["commune_referent", "social_worker", "host", "outsider"])
def test_only_the_coordination_writes(client, c, role):
    client.force_login(c.members[role].user)
    target = f"{c.units['P1'].pk}:{c.week(c.phare, W1).pk}"
    for url, data in [
        (reverse("camping_move", args=[c.lens_household.pk]), {"target": target}),
        (reverse("camping_lock", args=[c.lens_household.pk]), {"locked": "1"}),
        (reverse("camping_cancel", args=[c.lens_household.pk]), {"reason": "x"}),
        (reverse("camping_plan"), {"time_limit": "5", "mode": "plan"}),
        (reverse("camping_sync"), {}),
        (reverse("camping_settings"), {"bus_seats": "10"}),
    ]:
        assert client.post(url, data).status_code == 403, url
    placement = Placement.objects.get(participant=c.lens_household)
    assert (placement.unit.label, placement.locked) == ("M1", False)


def test_a_referent_sees_its_commune_only(client, c):
    client.force_login(c.members["commune_referent"].user)
    page = client.get(reverse("camping_board")).content.decode()
    assert "F-LENS" in page and "F-LIEV" not in page
    assert "Occupé (autre commune)" in page
    assert "Planifier" not in page


def test_board_query_budget_does_not_grow(client, c, django_assert_max_num_queries):
    client.force_login(c.members["coordinator"].user)
    with django_assert_max_num_queries(30) as small:
        assert client.get(reverse("camping_board")).status_code == 200
    for i, label in enumerate(["M3", "P1"]):
        p = participant(c, f"F-MORE{i}", people=2, commune=c.lievin)
        unit = c.units[label]
        services.placement_move(
            actor=c.coordination, participant=p, unit=unit, week=c.week(unit.campsite, W1)
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("camping_board")).status_code == 200


def test_move_answers_at_once_with_the_reason(client, c):
    client.force_login(c.members["coordinator"].user)
    url = reverse("camping_move", args=[c.lievin_household.pk])
    taken = f"{c.units['M1'].pk}:{c.week(c.mouettes, W1).pk}"
    response = client.post(url, {"target": taken, "check": "1"}, HTTP_HX_REQUEST="true")
    assert "Impossible : L&#x27;hébergement M1 (Les Mouettes) est déjà pris" in response.content.decode()
    response = client.post(url, {"target": taken}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "Déplacement refusé" in response.content.decode()
    free = f"{c.units['P1'].pk}:{c.week(c.phare, W1).pk}"
    response = client.post(url, {"target": free}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "placé : Le Phare, P1" in response.content.decode()
    assert Placement.objects.get(participant=c.lievin_household).unit.label == "P1"
    response = client.post(url, {"target": "nope"}, HTTP_HX_REQUEST="true")
    assert "Choisissez une place." in response.content.decode()


def test_lock_toggle_and_downloads(client, c):
    client.force_login(c.members["coordinator"].user)
    response = client.post(
        reverse("camping_lock", args=[c.lens_household.pk]), {"locked": "1", "next": "/sejour-commun/"}
    )
    assert response.status_code == 302 and response.url == "/sejour-commun/"
    assert Placement.objects.get(participant=c.lens_household).locked
    assert "🔒 Verrouillée" in client.get(reverse("camping_board")).content.decode()
    response = client.get(reverse("camping_letter", args=[c.lens_household.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert client.get(reverse("camping_roster", args=[c.week(c.mouettes, W1).pk, "doc"])).status_code == 404


def test_settings_page_saves_and_names_the_field(client, c):
    client.force_login(c.members["coordinator"].user)
    data = {
        "bus_seats": "2",
        "bus_max_stops": "3",
        "minutes_between_stops": "15",
        "what_to_bring": "Draps",
        f"quota_{c.lens.pk}": "10",
    }
    response = client.post(reverse("camping_settings"), data)
    assert response.status_code == 200
    assert "il faut au moins 3 places" in response.content.decode()
    response = client.post(reverse("camping_settings"), data | {"bus_seats": "40"})
    assert response.status_code == 302
    from partez.camping.models import CommuneQuota

    assert CommuneQuota.objects.get(commune=c.lens).people == 10


def test_document_downloads_are_recorded_in_the_access_log(client, c):
    from partez.core.models import AccessLog

    coordinator = c.members["coordinator"]
    client.force_login(coordinator.user)
    participant = c.lens_household
    assert client.get(reverse("camping_letter", args=[participant.pk])).status_code == 200
    week = c.week(c.mouettes, W1)
    assert client.get(reverse("camping_roster", args=[week.pk, "pdf"])).status_code == 200
    assert client.get(reverse("camping_roster", args=[week.pk, "pdf"])).status_code == 200  # every download
    assert sorted(AccessLog.objects.values_list("action", "object_type", "object_id", "actor")) == [
        (
            "download.camping_letter",
            "households.household",
            str(participant.household_id),
            coordinator.user.pk,
        ),
        ("download.camping_roster", "camping.campingweek", str(week.pk), coordinator.user.pk),
        ("download.camping_roster", "camping.campingweek", str(week.pk), coordinator.user.pk),
    ]
    # the household's « who saw this file » page lists the roster it is on, and its letter
    page = client.get(reverse("household_readers", args=[participant.household_id])).content.decode()
    assert page.count("Liste d&#x27;accueil du séjour commun téléchargée") == 2
    assert "Convocation au séjour commun téléchargée" in page


def test_the_board_offers_every_week_and_flags_a_wish_not_honoured(client, c):
    """Issue 13, item 9: « Toutes les semaines » shows every week, each week is one link away, and
    a household placed away from the campsite it asked for is flagged on its line."""
    c.lens_household.preferred_campsites.set([c.phare])  # asked for Le Phare, placed at Les Mouettes
    client.force_login(c.members["coordinator"].user)
    page = client.get(reverse("camping_board")).content.decode()
    assert "Semaine affichée" in page and "Toutes les semaines" in page
    line = page.split("F-LENS", 1)[1].split("</tr>", 1)[0]
    assert "souhait non respecté" in line and c.phare.town in line
    liev = page.split("F-LIEV", 1)[1].split("</tr>", 1)[0]
    assert "souhait non respecté" not in liev  # no wish: nothing to flag
    every = client.get(reverse("camping_board"), {"semaine": ""}).content.decode()
    assert every.count("Semaine du ") == 2 and "<strong>Toutes les semaines</strong> sont affichées" in every
