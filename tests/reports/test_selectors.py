"""The bilan's figures on a small edition checked by hand (see tests/factories/bilan.py)."""

import datetime as dt

import pytest

from partez.reports import selectors
from partez.reports.selectors import Filters
from partez.reports.stats import SUPPRESSED
from partez.territory.models import Edition
from tests.factories.bilan import add_project, more_households, small_edition

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(db):
    return small_edition()


def rows(table, measure):
    return {r.key: r.values[measure] for r in table.rows}


def test_key_figures(data):
    b = selectors.bilan(Filters(data.edition))
    assert b.key == {
        "households_registered": 5,
        "households_accepted": 3,
        "households_left": 2,
        "persons_registered": 10,
        "persons_accepted": 7,
        "persons_left": 6,
        "persons_returned": 4,
        "first_departures": 5,  # h2's child left in 2023
        "person_nights": 4 * 7 + 2 * 10,
        "granted_cents": 450_00 + 100_00,  # (200 + 150 + 100 + 80) − 80 released, + CAF 100
        "consumed_cents": 350_00 + 100_00,
    }
    assert b.fete_attendance is None  # this edition has no Fête


def test_breakdowns(data):
    b = selectors.bilan(Filters(data.edition))
    t = b.tables
    assert rows(t["by_age"], "registered") == {
        "0-5": 1,
        "6-11": 1,
        "12-17": 1,
        "18-25": 1,
        "26-59": 3,
        "60+": 3,
    }
    assert rows(t["by_household_type"], "registered") == {
        "single": 2,
        "couple": 2,
        "single_parent": 2,
        "couple_children": 4,
        "other": 0,
    }
    assert rows(t["by_qf"], "left") == {
        "lt450": 0,
        "450-699": 4,
        "700-899": 2,
        "900-1199": 0,
        "ge1200": 0,
        "unknown": 0,
    }
    assert rows(t["by_qf"], "registered")["unknown"] == 1 and rows(t["by_qf"], "registered")["lt450"] == 1
    assert rows(t["by_employment"], "registered")["retired"] == 3
    assert rows(t["by_format"], "accepted") == {
        "individual": 6,
        "camping": 0,
        "sac_ados": 0,
        "seniors": 1,
        "bsv": 0,
        "hosting": 0,
    }
    assert rows(t["by_commune"], "left") == {"62901": 6, "62902": 0}
    assert rows(t["by_commune"], "rate") == {"62901": 0.6, "62902": 0.0}
    assert rows(t["by_commune"], "households") == {"62901": 3, "62902": 2}
    assert rows(t["by_region"], "stays") == {"HDF": 6}
    assert rows(t["by_department"], "nights") == {"62": 28, "80": 20}
    assert rows(t["by_scheme"], "accepted") == {
        "caf-vacances": 4,
        "sejour-individuel": 7,
    }
    budget = {r.key: r.values for r in t["budget"].rows}
    assert budget["call/sejour-individuel"] == {
        "persons": 7,
        "granted_cents": 450_00,
        "consumed_cents": 350_00,
        "per_person_cents": round(450_00 / 7),
    }
    assert budget["caf-pas-de-calais/caf-vacances"]["persons"] == 4
    assert t["budget"].total["persons"] == 7
    assert [c["insee"] for c in b.communes] == ["62901", "62902"]


def test_filters(data):
    by_commune = selectors.bilan(Filters(data.edition, commune=data.communes["B"]))
    assert by_commune.key["persons_registered"] == 3 and by_commune.key["persons_left"] == 0
    assert [c["insee"] for c in by_commune.communes] == ["62902"]
    caf = selectors.bilan(Filters(data.edition, funder=data.funders["caf"]))
    assert caf.key["persons_registered"] == 4  # only what the CAF's envelope paid: h1
    assert [r.key for r in caf.tables["budget"].rows] == ["caf-pas-de-calais/caf-vacances"]
    scheme = data.envelopes["call"].scheme
    individual = selectors.bilan(Filters(data.edition, scheme=scheme))
    assert individual.key["households_registered"] == 3  # the withdrawn plan was released
    assert individual.key["granted_cents"] == 450_00


def test_published_figures_suppress_small_cells(data):
    b = selectors.published(selectors.bilan(Filters(data.edition)))
    assert b.key["persons_left"] == 6 and b.key["households_left"] == SUPPRESSED
    # B's 0 is hidden, and A's 6 with it: the total (6) would give B back
    assert rows(b.tables["by_commune"], "left") == {"62901": SUPPRESSED, "62902": SUPPRESSED}
    assert b.tables["by_commune"].total["left"] == 6
    assert rows(b.tables["by_commune"], "rate")["62902"] == SUPPRESSED
    assert rows(b.tables["by_age"], "registered") == dict.fromkeys(
        ["0-5", "6-11", "12-17", "18-25", "26-59", "60+"], SUPPRESSED
    )
    assert "by_department" not in b.tables  # its régions would give hidden départements back
    budget = {r.key: r.values for r in b.tables["budget"].rows}
    assert budget["caf-pas-de-calais/caf-vacances"]["granted_cents"] == SUPPRESSED
    assert budget["call/sejour-individuel"]["granted_cents"] == SUPPRESSED  # secondary suppression


def test_year_over_year_comparison_of_two_editions(data):
    """The demo has projects in one edition only: the comparison is built with factories."""
    previous = Edition.objects.create(year=2024, name="2024", starts_on="2024-01-01", ends_on="2024-12-31")
    h = data.households["h1"]
    add_project(previous, h, status="returned", start=dt.date(2024, 7, 6))
    rows_ = selectors.comparison(selectors.bilan(Filters(data.edition)), selectors.bilan(Filters(previous)))
    left = next(r for r in rows_ if r["key"] == "persons_left")
    assert (left["current"], left["previous"], left["change"]) == (6, 4, 50.0)
    assert next(r for r in rows_ if r["key"] == "households_registered")["change"] == 400.0


def test_query_count_does_not_grow_with_rows(data, django_assert_max_num_queries):
    with django_assert_max_num_queries(21) as small:  # 20, and one for the group departures
        selectors.bilan(Filters(data.edition))
    more_households(data, 25)
    with django_assert_max_num_queries(len(small.captured_queries)):
        b = selectors.bilan(Filters(data.edition))
    assert b.key["persons_left"] == 6 + 75


def test_a_person_in_two_projects_counts_once_in_the_total(data):
    h = data.households["h2"]
    teen = h.persons.get(relation="child")
    add_project(data.edition, h, status="returned", format="sac_ados", travellers=[teen])
    b = selectors.bilan(Filters(data.edition))
    assert b.key["persons_left"] == 6
    assert rows(b.tables["by_format"], "left")["sac_ados"] == 1
    assert b.tables["by_region"].total["stays"] == 7  # person-stays
