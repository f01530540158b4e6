"""Small-cell suppression and bands (pure)."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from partez.reports import stats
from partez.reports.stats import SUPPRESSED, Row, Table


def table(values, total=None, guarded=None):
    rows = [Row(str(i), f"r{i}", v) for i, v in enumerate(values)]
    measures = sorted({k for v in values for k in v})
    total = total or {m: sum(v.get(m, 0) for v in values) for m in measures}
    return Table("t", "T", {m: m for m in measures}, rows, total, people=("n",), guarded=guarded or {})


def test_small_cells_are_suppressed_and_big_ones_shown():
    t = stats.suppress(table([{"n": 12}, {"n": 3}, {"n": 4}, {"n": 40}]))
    assert t.column("n") == [12, SUPPRESSED, SUPPRESSED, 40]
    assert t.total["n"] == 59  # two cells hidden: the total gives only their sum


def test_a_single_suppressed_cell_hides_the_next_smallest_so_the_total_cannot_give_it_back():
    t = stats.suppress(table([{"n": 12}, {"n": 3}, {"n": 9}, {"n": 40}]))
    assert t.column("n") == [12, SUPPRESSED, SUPPRESSED, 40]


def test_zero_is_under_five_too():
    t = stats.suppress(table([{"n": 0}, {"n": 20}, {"n": 30}]))
    assert t.column("n") == [SUPPRESSED, SUPPRESSED, 30]


def test_amounts_are_suppressed_with_the_people_they_describe_and_never_alone():
    t = stats.suppress(
        table(
            [{"n": 2, "eur": 500}, {"n": 50, "eur": 9000}, {"n": 60, "eur": 7000}, {"n": 70, "eur": 8000}],
            guarded={"eur": "n"},
        )
    )
    assert t.column("n") == [SUPPRESSED, SUPPRESSED, 60, 70]
    assert t.column("eur") == [SUPPRESSED, SUPPRESSED, 7000, 8000]
    assert t.total == {"n": 182, "eur": 24500}


def test_a_small_total_is_suppressed():
    t = stats.suppress(table([{"n": 1, "eur": 10}, {"n": 2, "eur": 20}], guarded={"eur": "n"}))
    assert t.total == {"n": SUPPRESSED, "eur": SUPPRESSED}


@given(st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=12))
def test_no_published_column_lets_one_hidden_cell_be_recovered(values):
    t = stats.suppress(table([{"n": v} for v in values]))
    shown = t.column("n")
    hidden = [i for i, v in enumerate(shown) if v == SUPPRESSED]
    assert all(v == SUPPRESSED for v, raw in zip(shown, values, strict=True) if raw < 5)
    if len(values) > 1:
        assert len(hidden) != 1  # one unknown in « total − shown » would be that cell


def test_bands():
    reference = stats.age_reference(2025)
    assert reference == dt.date(2025, 7, 1)
    assert stats.born_after(dt.date(2024, 2, 29), 1) == dt.date(2023, 2, 28)
    assert stats.household_type(spouse=True, children=True, others=False) == "couple_children"
    assert stats.household_type(spouse=False, children=True, others=False) == "single_parent"
    assert stats.household_type(spouse=True, children=False, others=True) == "other"
    assert stats.region_of("62") == "HDF" and stats.region_of("2a") == "COR" and stats.region_of("") is None
    assert len(stats.DEPARTMENT_REGION) == 101  # 96 metropolitan départements + 5 overseas
    assert stats.rate_per_thousand(6, 10_000) == 0.6 and stats.rate_per_thousand(1, 0) is None


def test_departement_names_and_distinct_chart_labels():
    from partez.reports import stats, svg

    assert stats.department_label("62") == "Pas-de-Calais (62)"
    assert stats.department_label("2A") == "Corse-du-Sud (2A)"
    assert stats.department_label("99") == "Département 99"
    long = "Agence nationale pour les chèques-vacances (ANCV) — "
    labels = [long + "Aide aux projets vacances (ANCV)", long + "Départ 18:25", long + "Seniors en Vacances"]
    shown = svg.distinct_labels(labels, 28)
    assert len(set(shown)) == 3 and all(len(s) <= 28 for s in shown)
    assert shown[1] == "Départ 18:25"
    assert svg.distinct_labels(["Lens", "Liévin"], 28) == ["Lens", "Liévin"]


def test_progress_towards_the_editions_target():
    from partez.reports import stats

    p = stats.target_progress(1293, 10_000)
    assert p["percent"] == 12 and p["gauge"] == 12
    assert p["text"] == "1\u202f293 départs sur l'objectif de 10\u202f000, soit 12 %."
    assert "une famille de quatre compte quatre départs" in p["explanation"]
    assert stats.target_progress(12_000, 10_000)["gauge"] == 100
    assert stats.target_progress("masqué", 10_000) is None and stats.target_progress(5, None) is None
