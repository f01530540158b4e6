import datetime as dt

import pytest

from partez.imports import parse

TODAY = dt.date(2026, 12, 7)


@pytest.mark.parametrize(
    "header, field",
    [
        ("NOM", "last_name"),
        ("Prénom", "first_name"),
        ("PRENOM", "first_name"),
        ("Date de naissance", "birth_date"),
        ("N° allocataire", "caf_number"),
        ("N° Allocataire CAF", "caf_number"),
        ("N° foyer", "household_key"),
        ("Tél.", "phone"),
        ("E-mail", "email"),
        ("Courriel", "email"),
        ("Revenus imposables annuels", "income"),
        ("Commune", "commune"),
        ("Couleur préférée", None),
    ],
)
def test_headers_are_recognised_as_people_type_them(header, field):
    assert parse.recognise(header) == field


def test_a_saved_mapping_wins():
    assert parse.recognise("Ville natale", {"ville natale": ""}) is None
    assert parse.recognise("Nom JF", {"nom jf": "last_name"}) == "last_name"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("03/05/1987", dt.date(1987, 5, 3)),
        ("3/5/1987", dt.date(1987, 5, 3)),
        ("1987-05-03", dt.date(1987, 5, 3)),
        ("03.05.1987", dt.date(1987, 5, 3)),
        ("03/05/87", dt.date(1987, 5, 3)),
        ("03/05/15", dt.date(2015, 5, 3)),
        (31900, dt.date(1987, 5, 3)),  # an Excel serial number
        ("31900", dt.date(1987, 5, 3)),
        (dt.datetime(1987, 5, 3), dt.date(1987, 5, 3)),  # noqa: DTZ001 (as openpyxl reads it)
    ],
)
def test_dates_as_excel_dates_or_text(value, expected):
    assert parse.parse_date(value, today=TODAY) == expected


@pytest.mark.parametrize(
    "value, message",
    [
        ("31/02/1990", "Date impossible"),
        ("12/12/2030", "dans le futur"),
        ("bientôt", "illisible"),
        ("", "obligatoire"),
        ("01/01/1850", "impossible"),
    ],
)
def test_bad_dates_say_why_in_french(value, message):
    with pytest.raises(parse.CellError, match=message):
        parse.parse_date(value, today=TODAY)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("06 12 34 56 78", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"),
        ("06-12-34-56-78", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        (612345678, "+33612345678"),  # Excel dropped the leading 0
        ("03 21 00 00 00", "+33321000000"),
        ("", ""),
    ],
)
def test_phones_in_any_french_format(value, expected):
    assert parse.parse_phone(value) == expected


@pytest.mark.parametrize("value", ["pas un numéro", "06 12 34", "00 12 34 56 78", "+44 20 7946 0000"])
def test_bad_phones_are_refused(value):
    with pytest.raises(parse.CellError, match="téléphone invalide"):
        parse.parse_phone(value)


@pytest.mark.parametrize(
    "value, cents",
    [
        ("14 500", 1_450_000),
        ("210,50", 21_050),
        ("1.234,56 €", 123_456),
        (11200, 1_120_000),
        ("", 0),
        (None, 0),
    ],
)
def test_euros_to_cents(value, cents):
    assert parse.parse_euros(value, what="Les revenus") == cents


def test_negative_income_is_refused():
    with pytest.raises(parse.CellError, match="négatifs"):
        parse.parse_euros("-50", what="Les revenus")


@pytest.mark.parametrize(
    "value, relation",
    [
        ("Demandeuse", "head"),
        ("DEMANDEUR", "head"),
        ("conjointe", "spouse"),
        ("Époux", "spouse"),
        ("enfant", "child"),
        ("Fille", "child"),
        ("autre", "other"),
    ],
)
def test_relations_case_and_gender_ignored(value, relation):
    assert parse.parse_relation(value) == relation


def test_communes_by_name_accents_case_or_insee():
    index = parse.CommuneIndex(
        by_insee={"62510": "Liévin", "62291": "Éleu-dit-Leauwette"},
        by_name={parse.commune_key("Liévin"): "62510", parse.commune_key("Éleu-dit-Leauwette"): "62291"},
    )
    assert index.resolve("LIEVIN") == "62510"
    assert index.resolve("eleu dit leauwette") == "62291"
    assert index.resolve("62510") == "62510"
    with pytest.raises(parse.CellError, match="Commune inconnue"):
        index.resolve("Atlantis")
