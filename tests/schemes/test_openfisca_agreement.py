"""Départ 18:25: our engine agrees with openfisca-france's depart1825_* variables on 1,200 young
people (answers recorded from openfisca-france 176.1.8; see partez/schemes/crosscheck.py)."""

import json
from pathlib import Path

from partez.schemes import crosscheck

DATA = Path(__file__).parent / "data" / "depart1825_openfisca.json"


def test_agrees_with_openfisca_on_a_generated_population():
    persons = json.loads(DATA.read_text(encoding="utf-8"))["persons"]
    reference = {p["id"]: p["openfisca"] for p in persons}
    result = crosscheck.compare(persons, reference)
    assert result.persons >= 1000
    assert result.unexplained == []
    # openfisca's floor(days / 365.2425) age is the only difference, and it is rare
    assert result.agree + len(result.explained) == result.persons
    assert len(result.explained) <= result.persons * 0.05
    eligible = sum(1 for p in persons if p["openfisca"]["eligible"])
    assert 0.2 * len(persons) < eligible < 0.8 * len(persons)  # the population tests both sides


def test_openfisca_age_rounding_is_what_we_think():
    import datetime as dt

    # born on the 2nd: one year older on the 1st of the birthday month for openfisca
    assert crosscheck.openfisca_age(dt.date(2003, 10, 2), dt.date(2021, 10, 1)) == 18
    assert crosscheck.openfisca_age(dt.date(2003, 10, 15), dt.date(2021, 10, 1)) == 17
