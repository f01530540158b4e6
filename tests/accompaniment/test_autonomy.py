"""Autonomy on built histories: left with help in N and alone in N+1; with help twice; with
less help; did not leave again; and the tables with small cells hidden for funders."""

from partez.accompaniment import autonomy
from partez.accompaniment.autonomy import ALONE, LESS_HELP, NOT_AGAIN, SAME_HELP, Departure
from partez.reports import stats


def d(h, aids=1, accompanied=True, commune="Lens", fmt="Séjour individuel"):
    return Departure(household_id=h, commune=commune, format=fmt, aids=aids, accompanied=accompanied)


def test_outcomes_of_built_histories():
    before = [d(1), d(2), d(3), d(4, aids=2), d(5, aids=0, accompanied=False), d(6)]
    after = [
        d(1, aids=0, accompanied=False),  # left again on its own (a project with no aid, no accompaniment)
        d(2),  # with help twice
        d(4, aids=1),  # fewer aids
        d(5, aids=0, accompanied=False),
    ]
    results = autonomy.outcomes(before, after, alone_after=[6])
    assert {h: r for h, (_d, r) in results.items()} == {
        1: ALONE,
        2: SAME_HELP,
        3: NOT_AGAIN,
        4: LESS_HELP,
        6: ALONE,  # a departure recorded by the referent without a project
    }  # 5 left without help in N: not counted


def test_no_accompaniment_any_more_is_less_help_and_several_departures_take_the_extremes():
    before = [d(1, aids=1, accompanied=False), d(1, aids=2, accompanied=True)]
    after = [d(1, aids=2, accompanied=False), d(1, aids=3, accompanied=True)]
    assert autonomy.outcomes(before, after)[1][1] == LESS_HELP


def test_the_table_counts_per_commune_and_hides_small_cells():
    results = autonomy.outcomes(
        [d(i, commune="Lens") for i in range(10)] + [d(100 + i, commune="Liévin") for i in range(3)],
        [d(i, aids=0, accompanied=False, commune="Lens") for i in range(6)],
    )
    table = autonomy.table(results, by="commune", title="Par commune", suppressed=False)
    lens = next(r for r in table.rows if r.key == "Lens").values
    assert lens["helped"] == 10 and lens[ALONE] == 6 and lens[NOT_AGAIN] == 4 and lens["autonomous"] == 6
    assert table.total["helped"] == 13
    hidden = autonomy.table(results, by="commune", title="Par commune", suppressed=True)
    lievin = next(r for r in hidden.rows if r.key == "Liévin").values
    assert lievin["helped"] == stats.SUPPRESSED and hidden.total["helped"] == 13
    assert hidden.suppressed
