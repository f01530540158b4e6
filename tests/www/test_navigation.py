"""The main navigation as data (partez.www.navigation): each role gets the groups it may use, in
the menu's order, empty groups left out; the page shows them with the organisation and edition."""

import pytest
from django.urls import reverse

from partez.organisations import perms
from partez.organisations.models import Role
from partez.www.navigation import MENU, Entry, Group, edition_shown, menu_for
from tests import factories


def _shape(menu):
    return [(g["label"], [e["label"] for e in g["entries"]]) for g in menu]


@pytest.fixture
def coordinator(coordinator_org):
    return factories.MembershipFactory(organisation=coordinator_org, role=Role.COORDINATOR)


def test_the_coordination_gets_every_group_in_order(coordinator):
    assert _shape(menu_for(coordinator, "/")) == [
        ("Accompagner", ["Foyers", "Ateliers"]),
        ("Décider", ["Commission"]),
        ("Financer", ["Financements", "Dispositifs", "Chèques-vacances"]),
        (
            "Séjours",
            [
                "Séjour commun",
                "Départs en groupe",
                "Jury Sac Ados",
                "Offres d'hébergement",
                "Arrivées",
                "Attribution des offres",
            ],
        ),
        ("Fête", ["Fête des vacances", "Pointage"]),
        ("Réseau", ["Équipe", "Formations", "Événements", "Ressources", "Annuaire", "Annonces"]),
        ("Bilan", ["Bilan de l'édition", "Récits des familles", "Accompagnement"]),
        ("Administration", ["Éditions", "Journal d'audit", "Sécurité", "Questions du repérage"]),
    ]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            Role.SOCIAL_WORKER,
            [
                ("Accompagner", ["Foyers", "Ateliers"]),
                ("Financer", ["Dispositifs"]),
                ("Séjours", ["Départs en groupe", "Offres d'hébergement"]),
                ("Réseau", ["Équipe", "Formations", "Événements", "Ressources", "Annuaire", "Annonces"]),
                ("Bilan", ["Bilan de l'édition", "Accompagnement"]),
            ],
        ),
        (
            Role.COMMUNE_REFERENT,
            [
                ("Accompagner", ["Foyers", "Ateliers"]),
                ("Décider", ["Commission"]),
                ("Financer", ["Dispositifs", "Chèques-vacances"]),
                ("Séjours", ["Séjour commun", "Départs en groupe", "Offres d'hébergement"]),
                ("Fête", ["Pointage"]),
                ("Réseau", ["Équipe", "Formations", "Événements", "Ressources", "Annuaire", "Annonces"]),
                ("Bilan", ["Bilan de l'édition", "Accompagnement"]),
            ],
        ),
    ],
)
def test_commune_roles_get_only_what_they_may_use(ccas, role, expected):
    m = factories.MembershipFactory(organisation=ccas, role=role)
    assert _shape(menu_for(m, "/")) == expected


def test_a_funder_and_a_volunteer_get_no_casework(coordinator_org):
    funder = factories.MembershipFactory(organisation=factories.FunderFactory(), role=Role.FUNDER)
    volunteer = factories.MembershipFactory(organisation=coordinator_org, role=Role.VOLUNTEER)
    assert _shape(menu_for(funder, "/")) == [
        ("Financer", ["Financements", "Dispositifs", "Chèques-vacances"]),
        ("Réseau", ["Équipe", "Formations", "Événements", "Ressources", "Annuaire", "Annonces"]),
        ("Bilan", ["Bilan de l'édition", "Accompagnement"]),
    ]
    assert _shape(menu_for(volunteer, "/")) == [
        ("Financer", ["Dispositifs"]),
        ("Fête", ["Pointage"]),
        ("Réseau", ["Équipe", "Formations", "Événements", "Ressources", "Annuaire", "Annonces"]),
    ]


def test_every_entry_follows_its_permission_function(ccas, coordinator_org):
    """The menu shows an entry exactly when its function allows the membership."""
    roles = [(ccas, r) for r in (Role.SOCIAL_WORKER, Role.COMMUNE_REFERENT)]
    roles += [(coordinator_org, r) for r in (Role.COORDINATOR, Role.VOLUNTEER)]
    for org, role in roles:
        m = factories.MembershipFactory(organisation=org, role=role)
        shown = {e["url"] for g in menu_for(m, "/") for e in g["entries"]}
        for group in MENU:
            for entry in group.entries:
                assert (reverse(entry.url_name) in shown) == entry.allowed(m), (role, entry.label)


def test_a_new_section_is_one_line_and_an_empty_group_is_left_out(coordinator, ccas):
    menu = (
        *MENU,
        Group(
            "sejours-seniors",
            "Seniors",
            (Entry("Séjours seniors", "scheme_list", perms.can_manage_editions),),
        ),
    )
    assert _shape(menu_for(coordinator, "/", menu))[-1] == ("Seniors", ["Séjours seniors"])
    worker = factories.MembershipFactory(organisation=ccas, role=Role.SOCIAL_WORKER)
    assert "Seniors" not in [g["label"] for g in menu_for(worker, "/", menu)]


def test_the_page_shown_and_its_group_are_marked(coordinator):
    menu = menu_for(coordinator, reverse("household_list") + "12/")  # a household, under « Foyers »
    accompagner = menu[0]
    assert accompagner["active"] and accompagner["entries"][0]["active"]
    assert not accompagner["entries"][0]["current"]
    assert not any(g["active"] for g in menu[1:])
    listed = menu_for(coordinator, reverse("household_list"))[0]["entries"][0]
    assert listed["current"] and listed["active"]


def test_the_page_shows_the_menu_the_organisation_and_the_edition(client, worker, edition):
    client.force_login(worker.user)
    html = client.get(reverse("dashboard")).content.decode()
    assert 'aria-label="Navigation principale"' in html
    assert "<summary>Menu</summary>" in html
    for label in ("Accompagner", "Financer", "Séjours", "Réseau", "Bilan"):
        assert f">{label}</summary>" in html
    for hidden in ("Fête", "Administration"):
        assert f">{hidden}</summary>" not in html
    assert "Organisation : <strong>CCAS de Lens</strong>" in html
    assert f"Édition : <strong>{edition.year}</strong>" in html


def test_the_header_names_the_edition_as_soon_as_it_exists_and_costs_no_query(
    client, worker, django_assert_max_num_queries
):
    client.force_login(worker.user)
    assert "Édition : aucune" in client.get(reverse("members")).content.decode()
    with django_assert_max_num_queries(0):
        assert edition_shown() is None  # « none » is remembered
    edition = factories.EditionFactory(year=2031)
    assert "Édition : <strong>2031</strong>" in client.get(reverse("members")).content.decode()
    with django_assert_max_num_queries(0):
        assert edition_shown() == edition


def test_a_staff_account_gets_django_admin_beside_its_name(client, coordinator):
    client.force_login(coordinator.user)
    assert "Administration technique" not in client.get(reverse("dashboard")).content.decode()
    coordinator.user.is_staff = True
    coordinator.user.save()
    assert "Administration technique" in client.get(reverse("dashboard")).content.decode()


def test_anonymous_pages_have_no_menu(client):
    html = client.get(reverse("login")).content.decode()
    assert "data-nav-menu" not in html
    assert "Édition :" not in html
