import datetime as dt

from partez.imports import parse, plan

INDEX = parse.CommuneIndex(by_insee={"62498": "Lens"}, by_name={"lens": "62498"})


def rows(*items):
    return [(i + 2, values) for i, values in enumerate(items)]


def person(key, last, first, born, relation, **extra):
    return {
        "household_key": key,
        "last_name": last,
        "first_name": first,
        "birth_date": born,
        "relation": relation,
        **extra,
    }


def group(*items):
    return plan.group(rows(*items), communes=INDEX, today=dt.date(2026, 12, 7), max_persons=12)


def test_persons_grouped_by_household_and_values_on_any_row():
    households = group(
        person("1", "Dupont", "Sylvie", "03/05/1987", "demandeuse"),
        person("1", "Dupont", "Enzo", "12/09/2015", "enfant", commune="Lens", income="14 500"),
        person("2", "Marc", "Léon", "21/11/1958", "demandeur", commune="62498"),
    )
    assert [h.key for h in households] == ["1", "2"]
    first = households[0]
    assert first.rows == [2, 3] and len(first.persons) == 2 and not first.errors
    assert first.values == {"commune_insee": "62498", "annual_taxable_income_cents": 1_450_000}


def test_every_error_named_by_row_and_field_at_once():
    [h] = group(
        person(
            "1",
            "",
            "Sylvie",
            "31/02/1990",
            "demandeuse",
            commune="Atlantis",
            phone="pas un numéro",
            income="-5",
        ),
    )
    found = {(e.row, e.field) for e in h.errors}
    assert found == {
        (2, "Nom"),
        (2, "Date de naissance"),
        (2, "Commune"),
        (2, "Téléphone"),
        (2, "Revenus imposables annuels"),
    }


def test_a_household_without_a_head():
    [h] = group(person("9", "Petit", "Nadia", "12/12/1992", "conjointe", commune="Lens"))
    assert [(e.row, e.field) for e in h.errors] == [(2, "Lien")]
    assert "n'a pas de demandeur" in h.errors[0].message


def test_two_heads_and_conflicting_values():
    [h] = group(
        person("3", "A", "B", "01/01/1980", "demandeur", commune="Lens"),
        person("3", "A", "C", "01/01/1981", "demandeur", address="ici"),
        person("3", "A", "D", "01/01/1982", "autre", address="ailleurs"),
    )
    messages = {(e.row, e.field): e.message for e in h.errors}
    assert "plusieurs demandeur" in messages[(3, "Lien")]
    assert "ligne 3" in messages[(4, "Adresse")]


def test_rows_without_a_household_number_stand_alone():
    households = group(
        person("", "A", "B", "01/01/1980", "demandeur", commune="Lens"),
        person("", "C", "D", "01/01/1981", "demandeur", commune="Lens"),
    )
    assert [h.key for h in households] == ["ligne 2", "ligne 3"]
