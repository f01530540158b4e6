"""The scheme pages: every member reads the rules, only the coordination edits them, and nothing
invalid is ever saved (the definition, the version and the audit log stay as they were)."""

import html
import re

import pytest
from django.urls import reverse

from partez.core.models import AuditLog
from partez.schemes import services
from partez.schemes.models import Scheme

pytestmark = pytest.mark.django_db

ROLES = ["coordinator", "commune_referent", "social_worker", "funder", "volunteer", "host", "outsider"]
SLUG = "depart-18-25"
SOURCE = "https://www.ancv.com/depart-18-25-baremes-2027"


@pytest.fixture(autouse=True)
def schemes(db):
    """The shipped catalogue (a browser test elsewhere may have flushed the migration's rows)."""
    services.catalogue_sync()
    return {s.slug: s for s in Scheme.objects.all()}


@pytest.fixture
def coordination(client, members):
    client.force_login(members["coordinator"].user)
    return members["coordinator"]


def text(response) -> str:
    return html.unescape(response.content.decode()).replace("\u202f", " ")


def read_urls():
    return [reverse("scheme_list"), reverse("scheme_detail", args=[SLUG])]


def edit_urls():
    return [
        reverse("scheme_edit", args=[SLUG]),
        reverse("scheme_value_add", args=[SLUG, "max_amount"]),
        reverse("scheme_value_edit", args=[SLUG, "max_amount", "2022-01-01"]),
        reverse("scheme_value_delete", args=[SLUG, "max_amount", "2022-01-01"]),
    ]


def unchanged(scheme: Scheme) -> None:
    """Nothing was saved: same definition and version as before, no new version, no audit entry."""
    before = scheme.definition
    scheme.refresh_from_db()
    assert scheme.version == 1
    assert scheme.definition == before
    assert list(scheme.versions.values_list("number", flat=True)) == [1]
    assert not AuditLog.objects.filter(action__startswith="scheme.").exists()


# --- permissions ------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    for url in [*read_urls(), *edit_urls()]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url
    response = client.post(reverse("scheme_activation", args=[SLUG]), {"active": "0"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", ROLES)
def test_every_member_reads_only_the_coordination_edits(client, members, schemes, role):
    client.force_login(members[role].user)
    for url in read_urls():
        assert client.get(url).status_code == 200, f"{role} on {url}"
    expected = 200 if role == "coordinator" else 403
    for url in edit_urls():
        assert client.get(url).status_code == expected, f"{role} on {url}"
    page = text(client.get(reverse("scheme_detail", args=[SLUG])))
    assert ("Ajouter une valeur datée" in page) is (role == "coordinator")
    assert ("Éditeur avancé" in page) is (role == "coordinator")


@pytest.mark.parametrize("role", ["commune_referent", "social_worker", "funder", "outsider"])
def test_writes_are_refused_to_other_roles(client, members, schemes, role):
    client.force_login(members[role].user)
    scheme = schemes[SLUG]
    data = {"start": "2027-01-01", "value": "300", "source": SOURCE, "comment": "x", "version": 1}
    assert client.post(reverse("scheme_value_add", args=[SLUG, "max_amount"]), data).status_code == 403
    assert client.post(reverse("scheme_activation", args=[SLUG]), {"active": "0"}).status_code == 403
    assert (
        client.post(
            reverse("scheme_edit", args=[SLUG]), {"text": "slug: x", "comment": "x", "version": 1}
        ).status_code
        == 403
    )
    unchanged(scheme)
    assert scheme.is_active


def test_unknown_scheme_parameter_or_date_is_404(client, coordination):
    assert client.get(reverse("scheme_detail", args=["inconnu"])).status_code == 404
    assert client.get(reverse("scheme_value_add", args=[SLUG, "inconnu"])).status_code == 404
    assert client.get(reverse("scheme_value_edit", args=[SLUG, "share", "2030-01-01"])).status_code == 404
    assert client.get(reverse("scheme_value_edit", args=[SLUG, "share", "pas-une-date"])).status_code == 404


# --- reading ----------------------------------------------------------------------------------


def test_list_shows_every_scheme_with_its_badges(client, members):
    client.force_login(members["social_worker"].user)
    page = text(client.get(reverse("scheme_list")))
    # « exemple modifiable » is explained once (issue 13: it badged every scheme, twice the CAF):
    # apv, caf, jepars, both 10 000 départs formats
    assert 'class="badge example"' not in page and "exemple modifiable" not in page
    assert page.count('class="example-mark"') == 5 and page.count("Exemples à adapter") == 1
    for name in ["Départ 18:25", "Seniors en Vacances", "Aide aux vacances de la CAF"]:
        assert name in page
    assert 'href="/dispositifs/"' in page  # the navigation link


def test_detail_explains_the_rules_values_cases_and_history(client, members):
    client.force_login(members["social_worker"].user)
    page = text(client.get(reverse("scheme_detail", args=[SLUG]), {"au": "2026-07-01"}))
    assert "Avoir de 18 à 25 ans le jour du départ (chaque bénéficiaire)" in page
    assert "Revenu fiscal de référence au plus 17 280 € + 4 320 € par demi-part supplémentaire" in page
    assert "80 % du coût, au plus 250 €, en laissant au moins 50 € à charge" in page
    assert "Ne se cumule pas avec : Aide aux projets vacances (ANCV)" in page
    # every dated value of the share, the one in force marked
    for start, value in [("05/09/2014", "50 %"), ("02/06/2021", "90 %"), ("01/01/2022", "80 %")]:
        assert re.search(rf"{start}</td>\s*<td[^>]*>(<strong>)?{value}", page), start
    assert page.count("en vigueur</span>") == 13  # one per parameter (8 rules, 5 required documents)
    assert "12 conformes sur 12" in page
    assert "Première version" in page and "Catalogue livré" in page


def test_rules_on_an_earlier_date(client, members):
    client.force_login(members["funder"].user)
    page = text(client.get(reverse("scheme_detail", args=[SLUG]), {"au": "2021-07-01"}))
    assert "90 % du coût, au plus 300 €" in page
    assert "Revenu fiscal de référence au plus 17 280 €" in page
    page = text(client.get(reverse("scheme_detail", args=[SLUG]), {"au": "2013-01-01"}))
    assert "n'a pas de valeur en vigueur au 01/01/2013" in page


# --- adding, correcting, deleting a dated value -----------------------------------------------


def test_add_a_dated_value_in_euros(client, coordination, schemes):
    scheme = schemes[SLUG]
    url = reverse("scheme_value_add", args=[SLUG, "max_amount"])
    page = text(client.get(url))
    assert "Valeur (€)" in page and "à partir du 01/01/2022 : 250 €" in page
    data = {"start": "2027-01-01", "value": "300", "source": SOURCE, "comment": "Barème 2027", "version": 1}
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url == reverse("scheme_detail", args=[SLUG]) + "#param-max_amount"
    scheme.refresh_from_db()
    assert scheme.version == 2
    assert scheme.definition["parameters"]["max_amount"]["values"][-1] == {
        "from": "2027-01-01",
        "value": 30000,
        "source": SOURCE,
    }
    version = scheme.versions.get(number=2)
    assert version.comment == "Barème 2027" and version.created_by == coordination.user
    assert AuditLog.objects.get(action="scheme.update").changes["version"] == [1, 2]
    page = text(client.get(reverse("scheme_detail", args=[SLUG]), {"au": "2026-07-01"}))
    assert re.search(r"01/01/2027</td>\s*<td[^>]*>300 €</td>", page)
    assert "à venir" in page
    assert "« Montant maximum de l'aide » : nouvelle valeur au 01/01/2027 : 300 €" in page
    page = text(client.get(reverse("scheme_detail", args=[SLUG]), {"au": "2027-07-01"}))
    assert "80 % du coût, au plus 300 €" in page


@pytest.mark.parametrize(
    ("slug", "name", "value", "stored"),
    [
        (SLUG, "share", "85", "0.85"),
        (SLUG, "share", "12.5", "0.125"),
        (SLUG, "age_max", "26", 26),
        ("sac-ados", "group_max", "8", 8),
        (SLUG, "statuses", ["apprentice", "student"], ["apprentice", "student"]),
        ("seniors-en-vacances", "months", ["1", "2", "3", "9"], [1, 2, 3, 9]),
    ],
)
def test_the_value_input_fits_the_unit(client, coordination, schemes, slug, name, value, stored):
    data = {
        "start": "2027-01-01",
        "value": value,
        "source": SOURCE,
        "comment": "Nouveau barème",
        "version": 1,
    }
    response = client.post(reverse("scheme_value_add", args=[slug, name]), data)
    assert response.status_code == 302, text(response)
    scheme = Scheme.objects.get(slug=slug)
    assert scheme.definition["parameters"][name]["values"][-1]["value"] == stored


def test_a_scale_is_edited_in_the_yaml_editor(client, coordination):
    page = text(client.get(reverse("scheme_value_add", args=["seniors-en-vacances", "aid"])))
    assert "éditeur avancé" in page and 'name="value"' not in page


def test_correct_then_delete_a_dated_value(client, coordination, schemes):
    scheme = schemes[SLUG]
    url = reverse("scheme_value_edit", args=[SLUG, "share", "2022-01-01"])
    page = client.get(url).content.decode()
    assert 'value="80"' in page and 'value="2022-01-01"' in page
    data = {
        "start": "2022-01-01",
        "value": "70",
        "source": SOURCE,
        "comment": "Erreur de saisie",
        "version": 1,
    }
    assert client.post(url, data).status_code == 302
    scheme.refresh_from_db()
    values = scheme.definition["parameters"]["share"]["values"]
    assert len(values) == 5 and values[-1] == {"from": "2022-01-01", "value": "0.7", "source": SOURCE}

    url = reverse("scheme_value_delete", args=[SLUG, "share", "2022-01-01"])
    assert "70 %" in text(client.get(url))
    assert client.post(url, {"comment": "Valeur jamais publiée", "version": 2}).status_code == 302
    scheme.refresh_from_db()
    assert scheme.version == 3
    assert [v["from"] for v in scheme.definition["parameters"]["share"]["values"]][-1] == "2021-09-30"
    page = text(client.get(reverse("scheme_detail", args=[SLUG])))
    assert "« Part du coût du séjour prise en charge » au 01/01/2022 : 80 % → 70 %" in page
    assert "« Part du coût du séjour prise en charge » : valeur du 01/01/2022 supprimée (70 %)" in page
    assert "75 % du coût, au plus 250 €" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"start": "2022-01-01"}, "deux valeurs commencent le 01/01/2022."),  # from the definition's check
        ({"comment": ""}, "Ce champ est obligatoire."),
        ({"source": "pas une adresse"}, "Saisissez une URL valide."),
        ({"value": "-5"}, "Le montant ne peut pas être négatif."),
        ({"start": "2027-13-45"}, "Saisissez une date valide."),
        ({"version": "0"}, "Les règles ont été modifiées entre-temps (version 1)"),
    ],
)
def test_bad_value_is_refused_and_nothing_saved(client, coordination, schemes, overrides, message):
    data = {"start": "2027-01-01", "value": "300", "source": SOURCE, "comment": "Barème", "version": 1}
    response = client.post(reverse("scheme_value_add", args=[SLUG, "max_amount"]), {**data, **overrides})
    assert response.status_code == 200
    assert message in text(response)
    unchanged(schemes[SLUG])


def test_deleting_the_only_value_is_refused_with_the_field_named(client, coordination, schemes):
    url = reverse("scheme_value_delete", args=[SLUG, "min_remaining", "2014-09-05"])
    response = client.post(url, {"comment": "Essai", "version": 1})
    assert response.status_code == 200
    page = text(response)
    assert "<code>parameters.min_remaining.values</code> : au moins une valeur datée est nécessaire." in page
    unchanged(schemes[SLUG])


def test_a_rate_above_100_percent_is_refused(client, coordination, schemes):
    data = {"start": "2027-01-01", "value": "120", "source": SOURCE, "comment": "Barème", "version": 1}
    response = client.post(reverse("scheme_value_add", args=[SLUG, "share"]), data)
    assert "Assurez-vous que cette valeur est inférieure ou égale à 100." in text(response)
    unchanged(schemes[SLUG])


# --- the YAML editor --------------------------------------------------------------------------


def _yaml(client) -> str:
    page = client.get(reverse("scheme_edit", args=[SLUG])).content.decode()
    return html.unescape(re.search(r"<textarea[^>]*>\n?(.*?)</textarea>", page, re.S).group(1))


def test_yaml_editor_saves_a_valid_definition(client, coordination, schemes):
    source = _yaml(client)
    assert "- {from: 2022-01-01, value: '0.8'," in source
    edited = source.replace("value: '0.8'", "value: '0.85'").replace(
        "name: Départ 18:25", "name: Départ 18-25"
    )
    data = {"text": edited, "comment": "Taux 2022 corrigé", "version": 1}
    response = client.post(reverse("scheme_edit", args=[SLUG]), data)
    assert response.status_code == 302
    scheme = Scheme.objects.get(slug=SLUG)
    assert scheme.version == 2 and scheme.name == "Départ 18-25"
    assert scheme.definition["parameters"]["share"]["values"][-1]["value"] == "0.85"
    assert scheme.definition["parameters"]["share"]["values"][-1]["from"] == "2022-01-01"  # stored as JSON
    page = text(client.get(reverse("scheme_detail", args=[SLUG])))
    assert "« Part du coût du séjour prise en charge » au 01/01/2022 : 80 % → 85 %" in page
    assert "Nom : « Départ 18:25 » → « Départ 18-25 »" in page


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("value: '0.8'", "value: 0.8", "<code>parameters.share.values[4].value</code> : doit être un nombre"),
        (
            "from: 2022-01-01, value: '0.8'",
            "from: 2022-02-30, value: '0.8'",
            "parameters.share.values[4].from",
        ),
        (
            "cap: max_amount",
            "cap: plafond",
            "<code>formula.cap</code> : le paramètre « plafond » n'existe pas",
        ),
        ("{type: age, min: age_min", "{type: age, min: age_minimum", "<code>criteria[0].min</code>"),
        (
            "slug: depart-18-25",
            "slug: depart-1825",
            "<code>slug</code> : L'identifiant d'un dispositif ne change pas.",
        ),
        (
            "excludes: [apv]",
            "excludes: [inconnu]",
            "<code>excludes</code> : dispositif(s) inconnu(s) : inconnu.",
        ),
        ("channel: cheques", "channel: [cheques", "syntaxe YAML invalide"),
        ("order: 10", "order: *ten", "les alias YAML (*nom) ne sont pas acceptés ici"),
    ],
)
def test_yaml_errors_name_the_field_and_nothing_is_saved(client, coordination, schemes, old, new, message):
    source = _yaml(client)
    assert old in source
    data = {"text": source.replace(old, new, 1), "comment": "Essai", "version": 1}
    response = client.post(reverse("scheme_edit", args=[SLUG]), data)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Rien n'a été enregistré." in page
    assert message in page
    assert new.split(",")[0] in page  # the submitted text is kept for correction
    unchanged(schemes[SLUG])


def test_yaml_syntax_error_names_line_and_column(client, coordination, schemes):
    data = {"text": "slug: depart-18-25\nname: [Départ\nchannel: cheques\n", "comment": "Essai", "version": 1}
    page = html.unescape(client.post(reverse("scheme_edit", args=[SLUG]), data).content.decode())
    assert re.search(r"<code>ligne \d+, colonne \d+</code> : syntaxe YAML invalide", page)
    unchanged(schemes[SLUG])


def test_yaml_without_motive_is_refused(client, coordination, schemes):
    data = {"text": _yaml(client), "comment": "  ", "version": 1}
    response = client.post(reverse("scheme_edit", args=[SLUG]), data)
    assert "Ce champ est obligatoire." in text(response)
    unchanged(schemes[SLUG])


# --- activation and audit trail ---------------------------------------------------------------


def test_suspend_then_reactivate(client, coordination, schemes):
    url = reverse("scheme_activation", args=[SLUG])
    assert client.get(url).status_code == 405
    assert client.post(url, {"active": "0"}).status_code == 302
    scheme = Scheme.objects.get(slug=SLUG)
    assert not scheme.is_active and scheme.version == 1
    assert "suspendu" in text(client.get(reverse("scheme_list")))
    assert "Réactiver le dispositif" in text(client.get(reverse("scheme_detail", args=[SLUG])))
    client.post(url, {"active": "1"})
    scheme.refresh_from_db()
    assert scheme.is_active
    assert list(AuditLog.objects.order_by("id").values_list("action", flat=True)) == [
        "scheme.deactivate",
        "scheme.activate",
    ]


def test_audit_trail_of_one_scheme(client, coordination, schemes):
    client.post(reverse("scheme_activation", args=[SLUG]), {"active": "0"})
    client.post(reverse("scheme_activation", args=["bsv"]), {"active": "0"})
    page = text(client.get(reverse("scheme_detail", args=[SLUG])))
    link = f"/journal-audit/?objet=schemes.scheme&id={schemes[SLUG].pk}"
    assert f'href="{link}"' in page
    audit = text(client.get(link))
    assert f"a suspendu le dispositif {schemes[SLUG].name}" in audit  # a sentence (issue 13)
    assert f"le dispositif {schemes['bsv'].name}" not in audit


def test_query_budget_does_not_grow_with_versions(
    client, coordination, schemes, django_assert_max_num_queries
):
    url = reverse("scheme_detail", args=[SLUG])
    client.get(url)  # warm the parsed-definition cache of selectors
    with django_assert_max_num_queries(6):
        client.get(url)
    for year in range(2027, 2037):
        data = {
            "start": f"{year}-01-01",
            "value": "300",
            "source": SOURCE,
            "comment": "Barème",
            "version": year - 2026,
        }
        assert client.post(reverse("scheme_value_add", args=[SLUG, "max_amount"]), data).status_code == 302
    with django_assert_max_num_queries(6):
        page = text(client.get(url))
    assert "Version</th>" in page and page.count("Barème</td>") == 10
    with django_assert_max_num_queries(4):
        client.get(reverse("scheme_list"))
