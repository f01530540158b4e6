"""The rules in plain French (describe.py), the diff between versions, the dated-value edits and
the table-driven cases run for the scheme page (cases.py). All pure: no database."""

import copy
import datetime as dt

import pytest

from partez.schemes import catalogue, edits
from partez.schemes.cases import run_case, run_cases
from partez.schemes.definition import parse
from partez.schemes.describe import (
    describe,
    diff_definitions,
    format_value,
    money,
    percent,
)
from partez.schemes.months import months_text

ON = dt.date(2026, 7, 1)
ALL = catalogue.load_all()
BY_SLUG = {d.slug: d for d in ALL}


def flat(lines, depth=0):
    """The criteria tree as « - text » lines, indented by level."""
    out = []
    for line in lines:
        out.append("  " * depth + "- " + line.text.replace("\u202f", " "))
        out.extend(flat(line.children, depth + 1))
    return out


def sentences(slug, on=ON):
    d = describe(BY_SLUG[slug], on, ALL)
    return (
        flat(d.criteria),
        [s.replace("\u202f", " ") for s in d.formula],
        [s.replace("\u202f", " ") for s in d.combination],
    )


EXPECTED = {
    "depart-18-25": (
        [
            "- Avoir de 18 à 25 ans le jour du départ (chaque bénéficiaire)",
            "- Ressources ou situation : au moins une des conditions suivantes",
            "  - Revenu fiscal de référence au plus 17 280 € + 4 320 € par demi-part supplémentaire",
            "  - Être dans l'une de ces situations : apprenti·e ou alternant·e ; étudiant·e boursier·e ou "
            "scolaire ; service civique, CEJ (chaque bénéficiaire)",
            "- Pas plus d'une fois par an par personne",
        ],
        "80 % du coût, au plus 250 €, en laissant au moins 50 € à charge",
        ["Ne se cumule pas avec : Aide aux projets vacances (ANCV)"],
    ),
    "seniors-en-vacances": (
        [
            "- Format du séjour : Seniors en Vacances",
            "- Une personne de 60 ans ou plus (55 ans en situation de handicap), retraitée ou sans "
            "activité : toutes les conditions suivantes, pour une même personne (au moins une personne qui part)",
            "  - Avoir 60 ans ou plus le jour du départ, 55 ans en situation de handicap",
            "  - Être dans l'une de ces situations : retraité·e ; sans activité ; demandeur·se d'emploi",
            "- Être adulte (chaque bénéficiaire)",
            "- Ne pas être imposable (avis d'imposition)",
            "- Séjour de 5 jours / 4 nuits ou de 8 jours / 7 nuits : au moins une des conditions suivantes",
            "  - Séjour de 4 nuits",
            "  - Séjour de 7 nuits",
            "- Séjour hors juillet et août",
            "- Pas plus d'une fois par an par personne",
        ],
        "Selon la durée du séjour : 161 € à partir de 4 nuits, 194 € à partir de 7 nuits",
        [
            "Ne se cumule pas avec : Aide aux projets vacances (ANCV) ; Bourse Solidarité Vacances ; "
            "Je pars, tu pars, il part ; Sac Ados ; Séjour commun en camping (10 000 départs)"
        ],
    ),
    "apv": (
        [
            "- Format du séjour : séjour individuel, offre d'hébergement ou Bourse Solidarité Vacances",
            "- Quotient familial CAF inférieur à 900 €",
            "- Premier départ en vacances : aucun départ passé déclaré dans le foyer",
        ],
        "50 % du coût, au plus 400 €, arrondi au multiple de 10 € inférieur",
        ["Ne se cumule pas avec : Départ 18:25 ; Seniors en Vacances"],
    ),
    "bsv": (
        ["- Format du séjour : Bourse Solidarité Vacances", "- Séjour de 7 nuits au plus"],
        "30 % du coût",
        [],
    ),
    "caf-vacances": (
        [
            "- Format du séjour : séjour individuel, séjour commun, offre d'hébergement ou Bourse "
            "Solidarité Vacances",
            "- Quotient familial CAF au plus 700 €",
            "- Séjour de 2 à 13 nuits",
            "- Séjour de juin à septembre",
        ],
        "Forfait de 410 € + 50 € par enfant au-delà du premier, au plus 80 % du reste à payer",
        [
            "Calculé sur le reste à payer après les aides précédentes",
            "Se cumule avec les autres dispositifs du même format de séjour",
        ],
    ),
    "sac-ados": (
        [
            "- Format du séjour : Sac Ados",
            "- Avoir de 16 à 25 ans le jour du départ (chaque bénéficiaire)",
            "- Partir en groupe de 2 à 6 personnes",
            "- Séjour d'au moins 4 nuits",
            "- Une seule fois par personne",
            "- Toutes les personnes qui partent remplissent les conditions personnelles",
        ],
        "Forfait de 150 €",
        [],
    ),
    "sejour-commun": (
        [
            "- Habiter une commune qui participe à l'édition",
            "- Format du séjour : séjour commun",
            "- Quotient familial CAF au plus 900 €",
            "- Séjour de 7 nuits",
            "- Séjour en juillet et août",
            "- Pas plus d'une fois par an par foyer, pour l'ensemble de ces dispositifs : "
            "Séjour commun en camping (10 000 départs) ; Séjour individuel (10 000 départs)",
        ],
        "Prise en charge du reste à payer, en laissant au moins 20 € à charge",
        [],
    ),
    "sejour-individuel": (
        [
            "- Habiter une commune qui participe à l'édition",
            "- Format du séjour : séjour individuel, offre d'hébergement ou Bourse Solidarité Vacances",
            "- Quotient familial CAF au plus 900 €",
            "- Séjour d'au moins 7 nuits",
            "- Séjour de mai à octobre",
            "- Pas plus d'une fois par an par foyer, pour l'ensemble de ces dispositifs : "
            "Séjour commun en camping (10 000 départs) ; Séjour individuel (10 000 départs)",
        ],
        "Forfait de 100 €, au plus 80 % du reste à payer, arrondi au multiple de 10 € inférieur",
        [],
    ),
    "je-pars-tu-pars-il-part": (
        [
            "- Format du séjour : offre d'hébergement",
            "- Séjour de 7 nuits au plus",
            "- Séjour hors janvier à mars, juin et septembre",
        ],
        "Forfait de 400 €",
        [],
    ),
}


def test_every_shipped_scheme_is_described():
    assert set(EXPECTED) == set(catalogue.slugs())


@pytest.mark.parametrize("slug", sorted(EXPECTED))
def test_shipped_scheme_in_french(slug):
    criteria, formula, combination = sentences(slug)
    expected_criteria, expected_amount, expected_combination = EXPECTED[slug]
    assert criteria == expected_criteria
    assert formula[0] == expected_amount
    for line in expected_combination:
        assert line in combination


def test_basis_and_order_sentences():
    _, formula, combination = sentences("depart-18-25")
    assert formula[1].startswith("Calculé pour chaque bénéficiaire sur sa part du coût")
    assert combination[0] == "Calculé sur le coût du séjour, sans tenir compte des autres aides"
    assert combination[1].startswith("Ordre de calcul dans le plan de financement : 10")
    _, formula, _ = sentences("apv")
    assert formula[1] == "Calculé une fois pour le foyer"


def test_exclusions_are_mutual():
    """Sac Ados excludes Seniors en Vacances, not the other way round; the engine never combines
    them either way, so the Seniors page names Sac Ados too."""
    assert "sac-ados" not in BY_SLUG["seniors-en-vacances"].excludes
    assert "seniors-en-vacances" in BY_SLUG["sac-ados"].excludes
    _, _, combination = sentences("seniors-en-vacances")
    assert "Sac Ados" in combination[-1].split(" ; ")


def test_values_of_an_earlier_date():
    criteria, formula, _ = sentences("depart-18-25", dt.date(2021, 7, 1))
    assert formula[0] == "90 % du coût, au plus 300 €, en laissant au moins 50 € à charge"
    _, formula, _ = sentences("depart-18-25", dt.date(2017, 7, 1))
    assert formula[0] == "50 % du coût, au plus 150 €, en laissant au moins 50 € à charge"
    criteria, _, _ = sentences("depart-18-25", dt.date(2017, 7, 1))
    assert "Revenu fiscal de référence au plus 17 000 €" in criteria[2]


def test_no_value_in_force_is_said_not_hidden():
    criteria, formula, _ = sentences("caf-vacances", dt.date(2024, 7, 1))
    assert (
        "- Quotient familial CAF : « Quotient familial CAF maximum » n'a pas de valeur en vigueur au 01/07/2024"
        in criteria
    )
    assert formula[0] == "Montant de l'aide : « Aide par famille » n'a pas de valeur en vigueur au 01/07/2024"


# --- values -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("months", "text"),
    [
        ([7, 8], "juillet et août"),
        ([5, 6, 7, 8, 9, 10], "mai à octobre"),
        ([1, 2, 3, 4, 5, 6, 9, 10, 11, 12], "septembre à juin"),
        ([11, 12, 1, 2], "novembre à février"),
        ([6], "juin"),
    ],
)
def test_months_text(months, text):
    assert months_text(months) == text


def test_money_and_percent():
    assert money(1728000) == "17\u202f280 €"
    assert money(12345) == "123,45 €"
    assert money(5) == "0,05 €"
    assert percent("0.8") == "80 %"
    assert percent("0.125") == "12,5 %"
    assert percent("1") == "100 %"


@pytest.mark.parametrize(
    ("unit", "value", "text"),
    [
        ("cents", 25000, "250 €"),
        ("rate", "0.75", "75 %"),
        ("years", 18, "18 ans"),
        ("years", 1, "1 an"),
        ("nights", 7, "7 nuits"),
        ("count", 6, "6"),
        ("months", [6, 7, 8, 9], "de juin à septembre"),
        ("months", [1, 2, 3, 4, 5, 6, 9, 10, 11, 12], "hors juillet et août"),
        ("statuses", ["retired", "inactive"], "retraité·e ; sans activité"),
        ("bool", True, "oui"),
        (
            "table",
            [{"from": 4, "amount": 15000}, {"from": 7, "amount": 17000}],
            "150 € à partir de 4 ; 170 € à partir de 7",
        ),
        ("cents", "n'importe quoi", "n'importe quoi"),
    ],
)
def test_format_value(unit, value, text):
    assert format_value(unit, value) == text


def test_format_value_of_a_scale_by_nights_and_by_qf():
    rows = [{"upto": 50000, "rate": "0.7"}, {"upto": 70000, "rate": "0.5"}]
    assert (
        format_value("table", rows, "qf") == "70 % du coût QF jusqu'à 500 € ; 50 % du coût QF jusqu'à 700 €"
    )
    assert format_value("table", [{"from": 7, "amount": 19400}], "nights") == "194 € à partir de 7 nuits"


# --- diff -------------------------------------------------------------------------------------


def test_diff_names_every_changed_value():
    old = catalogue.raw("depart-18-25")
    new = copy.deepcopy(old)
    values = new["parameters"]["max_amount"]["values"]
    values.append({"from": "2027-01-01", "value": 30000, "source": "https://www.ancv.com/"})
    new["parameters"]["share"]["values"][-1]["value"] = "0.85"
    del new["parameters"]["ceiling_base"]["values"][0]
    new["parameters"]["min_remaining"]["values"][0]["source"] = "https://www.ancv.com/"
    new["name"] = "Départ 18-25"
    new["excludes"] = ["apv", "bsv"]
    new["criteria"] = new["criteria"][:1]
    lines = [line.replace("\u202f", " ") for line in diff_definitions(old, new)]
    assert lines == [
        "« Plafond de revenu fiscal de référence pour une part » : valeur du 05/09/2014 supprimée (17 000 €)",
        "« Part du coût du séjour prise en charge » au 01/01/2022 : 80 % → 85 %",
        "« Montant maximum de l'aide » : nouvelle valeur au 01/01/2027 : 300 €",
        "« Reste à charge minimal » au 05/09/2014 : source modifiée",
        "Nom : « Départ 18:25 » → « Départ 18-25 »",
        "Exclusions de cumul : ajout de bsv",
        "Critères : modifié(e)",
    ]


def test_diff_of_parameters_added_removed_renamed():
    old = catalogue.raw("bsv")
    new = copy.deepcopy(old)
    new["parameters"]["nights_max"]["label"] = "Nuits au plus"
    new["parameters"]["extra"] = {
        "label": "Nouveau",
        "unit": "count",
        "values": [{"from": "2026-01-01", "value": 1, "source": "https://x.fr"}],
    }
    del new["parameters"]["discount"]
    lines = diff_definitions(old, new)
    assert "Paramètre « Durée maximale (nuits) » renommé « Nuits au plus »" in lines
    assert "Paramètre « Réduction sur le prix public (minimum publié) » retiré" in lines
    assert "Paramètre « Nouveau » ajouté" in lines
    assert "« Nouveau » : nouvelle valeur au 01/01/2026 : 1" in lines
    assert diff_definitions(old, copy.deepcopy(old)) == []


# --- edits of one dated value -----------------------------------------------------------------


def test_edits_return_a_new_sorted_definition_and_leave_the_input_alone():
    raw = catalogue.raw("depart-18-25")
    before = copy.deepcopy(raw)
    added = edits.value_added(raw, "share", start=dt.date(2019, 1, 1), value="0.6", source="https://x.fr")
    assert [v["from"] for v in added["parameters"]["share"]["values"]] == [
        "2014-09-05",
        "2019-01-01",
        "2020-01-01",
        "2021-06-02",
        "2021-09-30",
        "2022-01-01",
    ]
    replaced = edits.value_replaced(
        added, "share", dt.date(2019, 1, 1), start=dt.date(2023, 1, 1), value="0.7", source="https://y.fr"
    )
    assert replaced["parameters"]["share"]["values"][-1] == {
        "from": "2023-01-01",
        "value": "0.7",
        "source": "https://y.fr",
    }
    removed = edits.value_removed(replaced, "share", dt.date(2023, 1, 1))
    assert removed == raw == before
    parse(added)  # still a valid definition
    with pytest.raises(edits.UnknownValue):
        edits.value_removed(raw, "share", dt.date(2030, 1, 1))
    with pytest.raises(edits.UnknownValue):
        edits.find_value(raw, "inconnu", dt.date(2022, 1, 1))


# --- the cases of the scheme page -------------------------------------------------------------


@pytest.mark.parametrize("slug", catalogue.slugs())
def test_every_shipped_case_passes_on_the_shipped_definition(slug):
    runs = run_cases(BY_SLUG[slug], catalogue.cases(slug))
    assert runs and all(r.passed for r in runs), [r.name for r in runs if not r.passed]


def test_a_changed_rule_shows_which_case_breaks():
    raw = catalogue.raw("depart-18-25")
    changed = edits.value_replaced(
        raw, "max_amount", dt.date(2022, 1, 1), start=dt.date(2022, 1, 1), value=30000, source="https://x.fr"
    )
    case = catalogue.cases("depart-18-25")[0]
    run = run_case(parse(changed), case, {"depart-18-25": "Départ 18:25"})
    assert not run.passed
    assert run.expected == "éligible, 250 €"
    assert run.actual == "éligible, 300 €"
    assert run.situation.replace("\u202f", " ") == (
        "Départ le 01/07/2026, 5 nuits, coût 400 € ; 1 personne : a : 20 ans (salarié·e) ; "
        "revenu fiscal de référence 15 000 € (1 part fiscale)"
    )
    assert run_case(parse(raw), case).passed


def test_situation_of_a_refused_case_is_told_in_french():
    case = catalogue.cases("depart-18-25")[9]  # already helped this year
    run = run_case(BY_SLUG["depart-18-25"], case, {"depart-18-25": "Départ 18:25"})
    assert run.passed
    assert "départ passé de a en 2026 (Départ 18:25)" in run.situation
    assert run.expected == "non éligible (Une fois par an)"
    assert run.actual.startswith("non éligible (Une fois par an")


@pytest.mark.parametrize("slug", catalogue.slugs())
def test_shipped_funder_is_a_name_and_a_slug(slug):
    """An unquoted comma in a YAML flow mapping once cut « Je pars, tu pars, il part » in three."""
    assert set(catalogue.raw(slug)["funder"]) == {"name", "slug"}
