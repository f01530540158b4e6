"""The sample commune file of the repository (partez/demo/samples): it reads, its planted errors
are found, and its two duplicates are households of the demo."""

import datetime as dt
from pathlib import Path

import pytest

from partez.demo import generator
from partez.imports import services
from partez.territory.data import read_communes

SAMPLE = Path(services.__file__).parents[1] / "demo" / "samples" / "foyers-commune.csv"

pytestmark = pytest.mark.django_db


def test_the_sample_reads_with_its_planted_errors(read, lens_referent):
    batch = read(content=SAMPLE.read_bytes(), name=SAMPLE.name)
    preview = services.preview(batch, lens_referent)
    errors = {(e.row, e.field) for e in preview.errors}
    assert errors == {
        (11, "Date de naissance"),  # 31/02
        (12, "Commune"),
        (12, "Revenus imposables annuels"),
        (13, "Nom"),
        (14, "Lien"),  # a spouse alone: no head
        (15, "Date de naissance"),  # in the future
        (15, "Téléphone"),
    }
    assert preview.count("create") == 7 and preview.count("error") == 5


def test_its_two_duplicates_are_demo_households():
    communes = [(c["insee_code"], c["name"], c["population"]) for c in read_communes()]
    plan = generator.generate(seed=2025, communes=communes, today=dt.date(2026, 12, 7))
    text = SAMPLE.read_bytes().decode("cp1252")
    by_caf = {h.caf_number: h for h in plan.households if h.caf_number}
    for caf, head in (("8271847", "Briand"), ("9208474", "Chartier")):
        assert f";{caf};" in text and by_caf[caf].persons[0].last_name == head
