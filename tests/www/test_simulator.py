"""The public simulator page /simulateur/: anonymous, French, nothing stored, same rules as the API."""

import html
import re

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partez.core.models import AuditLog
from partez.households.models import Household, Person
from partez.territory.models import Commune
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/simulateur/"


@pytest.fixture
def edition_2026(db):
    edition = factories.EditionFactory(year=2026)
    edition.communes.add(Commune.objects.get(insee_code="62498"))
    return edition


def form_data(**overrides):
    """A mother and her 20-year-old apprentice son leave for a week in July 2026; 6 rows, 4 blank."""
    data = {
        "commune": "62498",
        "start_date": "2026-07-11",
        "nights": "7",
        "end_date": "",
        "cost": "900,50",
        "format": "",
        "annual_taxable_income": "16 800",
        "monthly_family_benefits": "310",
        "rfr": "16500",
        "tax_parts": "2,5",
        "taxable": "non",
        "membres-TOTAL_FORMS": "6",
        "membres-INITIAL_FORMS": "0",
        "membres-MIN_NUM_FORMS": "0",
        "membres-MAX_NUM_FORMS": "12",
    }
    for i in range(6):  # what the browser sends for an untouched row
        data[f"membres-{i}-relation"] = "adult" if i == 0 else "child"
        data[f"membres-{i}-status"] = "other"
        data[f"membres-{i}-travels"] = "on"
    data.update(
        {
            "membres-0-first_name": "Nadia",
            "membres-0-birth_date": "1986-03-14",
            "membres-0-status": "employee",
            "membres-1-first_name": "Yanis",
            "membres-1-birth_date": "2005-09-02",
            "membres-1-status": "apprentice",
        }
    )
    data.update(overrides)
    return data


def text(response) -> str:
    """The page's visible text, spaces folded (the euros filter uses narrow no-break spaces)."""
    body = re.sub(r"<(script|template)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    body = re.sub(r"<option\b.*?</option>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).replace("\u202f", " ")


def counts():
    return {m.__name__: m.objects.count() for m in (Household, Person, AuditLog, Session)}


def test_anonymous_visitor_gets_the_form_without_the_professional_navigation(client):
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>À quelles aides ai-je droit ?</h1>" in page
    assert "Rien n'est enregistré" in page
    # Six person rows without JavaScript, and the template the script clones beyond them.
    assert 'name="membres-5-birth_date"' in page and 'name="membres-6-birth_date"' not in page
    assert 'name="membres-__prefix__-birth_date"' in page
    assert '<option value="62498">Lens</option>' in page
    assert "Tableau de bord" not in page and "Se déconnecter" not in page
    assert 'hx-post="/simulateur/"' in page


def test_the_empty_form_costs_two_queries_and_no_session(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # the schemes (for "already helped by"), the communes
        response = client.get(URL)
    assert response.status_code == 200
    assert not response.cookies.get("sessionid") and not Session.objects.exists()


def test_a_logged_in_professional_can_use_it_too(client, worker):
    client.force_login(worker.user)
    response = client.get(URL)
    assert response.status_code == 200
    assert "Se déconnecter" in response.content.decode()


def test_the_login_page_links_to_the_simulator(client):
    assert f'href="{reverse("simulator")}"' in client.get(reverse("login")).content.decode()


def test_a_simulation_explains_each_aid_and_the_plan_and_stores_nothing(client, edition_2026):
    before = counts()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, form_data())
    assert response.status_code == 200
    statements = {q["sql"].lstrip().split()[0].upper() for q in queries.captured_queries}
    assert statements == {"SELECT"}
    assert len(queries.captured_queries) <= 6
    assert counts() == before
    assert not response.cookies.get("sessionid")
    page = text(response)
    assert "Résultat de la simulation" in page
    assert "Séjour de 7 nuits à partir du 11/07/2026, pour un coût de 900,50 €" in page
    assert "Commune : Lens — participe à l'édition 2026." in page
    # QF: 16,800 € / 12 + 310 € = 1,710 € over 2 parts (single parent; Yanis, 20, is an adult here).
    assert "Votre quotient familial CAF :" in page and "QF = " in page
    assert "Le meilleur plan de financement" in page
    assert "Aides versées en argent" in page and "Reste à votre charge" in page
    # Départ 18:25 for Yanis, by his status, explained criterion by criterion (words, not colours).
    assert "Départ 18:25 ✓ Possible pour ce séjour" in page
    assert (
        "✓ Rempli — Âge le jour du départ : Nadia : 40 ans, Yanis : 20 ans. Condition : de 18 à 25 ans."
        in page
    )
    assert "✗ Non rempli — Une personne de 60 ans ou plus" in page  # Seniors en Vacances
    assert "Seniors en Vacances ✗ Pas possible pour ce séjour" in page
    assert "Exemple modifiable" in page  # the CAF example and the operation's own stays
    # The aids the household can get come first.
    possible, impossible = page.index("Aides possibles pour ce séjour ("), page.index("Aides non accessibles")
    assert possible < page.index("Départ 18:25 ✓") < impossible < page.index("Seniors en Vacances ✗")
    assert "Calcul de l'aide" in page
    # The four blank rows were ignored.
    assert "Personne 3" not in page.split("Modifier la simulation")[0]


def test_htmx_gets_the_form_and_result_only(client, edition_2026):
    response = client.post(URL, form_data(), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="simulateur">')
    assert "<html" not in page and "Résultat de la simulation" in page


def test_invalid_fields_are_listed_in_french_and_nothing_is_computed(client, edition_2026):
    before = counts()
    data = form_data(start_date="", cost="-3", **{"membres-2-status": "student"})
    response = client.post(URL, data)
    assert response.status_code == 200
    page = text(response)
    assert "Résultat de la simulation" not in page
    assert "La simulation n'a pas pu être faite. Corrigez ces 3 points" in page
    assert "Date de départ : Ce champ est obligatoire." in page
    assert "Coût total du séjour (€) : Le montant ne peut pas être négatif." in page
    # A row the user started to fill is not blank: its birth date is required.
    assert "Personne 3 — Date de naissance : Ce champ est obligatoire." in page
    assert 'href="#id_membres-2-birth_date"' in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"membres-1-birth_date": "2026-08-01"}, "La personne n'est pas encore née à la date du départ."),
        (
            {"membres-0-travels": "", "membres-1-travels": ""},
            "Au moins une personne du foyer part en vacances.",
        ),
        ({"nights": "", "end_date": "2026-07-10"}, "La date de retour doit suivre la date de départ."),
        ({"nights": "400"}, "Un séjour compte au plus 365 nuits."),
        ({"nights": "0"}, "Un séjour compte au moins une nuit."),
        ({"cost": "20 000 000"}, "Montant trop élevé : 10 000 000,00 € au plus."),
        ({"tax_parts": "0,3"}, "Le nombre de parts fiscales doit être compris entre 1 et 20"),
        ({"commune": "99999"}, "Commune de résidence : Sélectionnez un choix valide."),
        ({"start_date": "1999-07-01"}, "La date de départ doit être comprise entre 2000 et 2100."),
    ],
)
def test_the_simulators_rules_show_on_the_right_field(client, edition_2026, overrides, message):
    data = form_data(**overrides)
    for key, value in overrides.items():
        if value == "":
            data.pop(key)  # an unchecked box is not sent
    page = text(client.post(URL, data))
    assert "Résultat de la simulation" not in page
    assert message in page


def test_no_person_at_all(client, edition_2026):
    data = form_data()
    for key in [k for k in data if k.startswith(("membres-0-", "membres-1-"))]:
        data.pop(key)
    data.update({"membres-0-relation": "adult", "membres-0-status": "other", "membres-0-travels": "on"})
    data.update({"membres-1-relation": "child", "membres-1-status": "other", "membres-1-travels": "on"})
    page = text(client.post(URL, data))
    assert "Les personnes du foyer : Ajoutez au moins une personne au foyer." in page


def test_return_date_instead_of_nights(client, edition_2026):
    page = text(client.post(URL, form_data(nights="", end_date="2026-07-15")))
    assert "Séjour de 4 nuits à partir du 11/07/2026" in page


def test_a_commune_outside_the_edition(client, edition_2026):
    page = text(client.post(URL, form_data(commune="62510")))
    assert "Commune : Liévin — ne participe pas à l'édition 2026" in page
    assert "Séjour individuel (10 000 départs) ✗ Pas possible pour ce séjour" in page
    assert (
        "✗ Non rempli — Commune de résidence : Liévin. Condition : commune participant à l'édition 2026."
        in page
    )


def test_past_departures_per_person(client, edition_2026):
    page = text(client.post(URL, form_data()))
    assert "✓ Rempli — Premier départ (foyer)" in page
    helped = form_data(**{"membres-0-departed_before": "on", "membres-1-helped_by": "depart-18-25"})
    page = text(client.post(URL, helped))
    assert "✗ Non rempli — Premier départ (foyer) : 2025" in page
    # Once a year, per person: Yanis, helped this year, is no longer a beneficiary; Nadia is too old.
    assert "Une fois par an : départs passés — Nadia : aucun; Yanis : 2026" in page
    assert "✗ Non rempli — Personnes qui remplissent toutes les conditions personnelles : aucune" in page
    assert "Départ 18:25 ✗ Pas possible pour ce séjour" in page


def test_a_chosen_format_is_kept(client, edition_2026):
    page = text(client.post(URL, form_data(format="individual")))
    assert "Ce plan suppose un séjour de type séjour individuel" in page


def test_get_and_post_only(client):
    assert client.put(URL).status_code == 405


def test_a_donated_week_reads_as_a_place_never_as_euros_paid(client, edition_2026):
    """The new user's case: 350 € for five nights in July, offered « Je pars, tu pars, il part »:
    a place given (its value estimated), not « 350 € » taken off the left to pay."""
    data = form_data(cost="350", nights="5", format="hosting")
    page = text(client.post(URL, data))
    assert "Je pars, tu pars, il part" in page
    plan = page.split("Le meilleur plan de financement")[1].split("Votre quotient familial")[0]
    assert "place donnée (valeur estimée" in plan
    assert "Reste à votre charge 0,00 €" not in plan
    assert "le reste à votre charge n'en tient pas compte" in plan
    # with the lodging's cost, the place covers that cost, and only that
    data["lodging"] = "120"
    plan = text(client.post(URL, data)).split("Le meilleur plan de financement")[1]
    assert "place donnée (valeur estimée 120,00 €)" in plan
