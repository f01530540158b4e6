"""Aids in kind and seasons (issue 13, item 6): a donated week or a BSV discount is a place or a
discount, never euros paid nor taken off the left to pay beyond the lodging; a format's season
is checked on the stay's dates; ranges read as French does (« 7 nuits »)."""

import datetime as dt

import pytest

from partez.schemes import engine
from tests.schemes.test_engine import DEFINITIONS

YOUNG = engine.MemberIn(id="a", birth_date=dt.date(2007, 3, 1), relation="adult", status="employee")


def young_stay(**changes) -> engine.Situation:
    """The new user's case: a 19-year-old, 350 € for five nights in July, low resources."""
    values = {
        "date": dt.date(2026, 7, 6),
        "nights": 5,
        "cost_cents": 35_000,
        "members": (YOUNG,),
        "commune_participates": True,
        "rfr_cents": 900_000,
        "tax_parts": None,
        "taxable": False,
    }
    return engine.Situation(**{**values, **changes})


def line(plan, slug):
    return next(line for line in plan.lines if line.scheme == slug)


def test_a_donated_week_is_not_euros_paid_and_leaves_the_stay_to_pay():
    evaluation = engine.evaluate(young_stay(), DEFINITIONS)
    plan = evaluation.plan
    week = line(plan, "je-pars-tu-pars-il-part")
    assert week.in_kind and not week.deducted  # the lodging's cost is not known: nothing taken off
    # the aids in money are computed as if nothing were given, and the stay is still to pay
    assert plan.cash_aid_cents == sum(x.aid_cents for x in plan.lines if x.channel != "in_kind") > 0
    assert plan.total_aid_cents == plan.cash_aid_cents
    assert plan.remaining_cents == 35_000 - plan.cash_aid_cents > 0  # not 0 €
    for other in evaluation.alternatives:  # no plan counts a place given as money
        assert other.remaining_cents == 35_000 - other.cash_aid_cents


def test_a_donated_week_covers_the_lodging_only_when_its_cost_is_known():
    plan = engine.evaluate(young_stay(lodging_cents=15_000), DEFINITIONS).plan
    week = line(plan, "je-pars-tu-pars-il-part")
    assert week.in_kind and week.deducted and week.aid_cents == 15_000  # the lodging, not 350 €
    assert plan.remaining_cents == 35_000 - 15_000 - plan.cash_aid_cents


def test_a_bsv_discount_is_computed_on_the_lodging_not_on_the_whole_stay():
    stay = young_stay(format="bsv", lodging_cents=20_000)
    plan = engine.evaluate(stay, DEFINITIONS).plan
    discount = line(plan, "bsv")
    assert discount.channel == "reduced_price" and discount.in_kind
    assert discount.aid_cents == 6_000  # 30 % of the 200 € lodging, not of the 350 € stay


@pytest.mark.parametrize(
    ("start", "eligible"),
    [(dt.date(2026, 6, 9), False), (dt.date(2026, 7, 11), True), (dt.date(2026, 8, 22), True)],
)
def test_the_camping_weeks_run_in_july_and_august(start, eligible):
    family = (
        engine.MemberIn(id="a", birth_date=dt.date(1985, 1, 1), relation="adult", status="employee"),
        engine.MemberIn(id="c", birth_date=dt.date(2015, 1, 1), relation="child"),
    )
    stay = engine.Situation(
        date=start,
        nights=7,
        cost_cents=40_000,
        members=family,
        commune_participates=True,
        annual_taxable_income_cents=1_200_000,
        format="camping",
    )
    evaluation = engine.evaluate(stay, DEFINITIONS)
    camping = next(s for s in evaluation.schemes if s.slug == "sejour-commun")
    assert camping.eligible is eligible
    assert ("sejour-commun" in evaluation.plan.schemes) is eligible
    season = next(c for c in camping.criteria if c.label == "Période du séjour")
    assert season.passed is eligible and "juillet" in season.threshold


@pytest.mark.parametrize(("start", "eligible"), [(dt.date(2026, 8, 3), False), (dt.date(2026, 9, 7), True)])
def test_seniors_en_vacances_outside_july_and_august(start, eligible):
    senior = engine.MemberIn(id="s", birth_date=dt.date(1955, 1, 1), relation="adult", status="retired")
    stay = engine.Situation(
        date=start, nights=7, cost_cents=44_200, members=(senior,), commune_participates=True, taxable=False
    )
    sev = next(s for s in engine.evaluate(stay, DEFINITIONS).schemes if s.slug == "seniors-en-vacances")
    assert sev.eligible is eligible


def test_a_range_with_equal_bounds_reads_as_one_number():
    assert engine.span(4, 4, "nuit", "nuits") == "4 nuits"
    assert engine.span(1, 1, "nuit", "nuits") == "1 nuit"
    assert engine.span(2, 6, "personne", "personnes") == "de 2 à 6 personnes"
    assert engine.span(4, None, "nuit", "nuits") == "au moins 4 nuits"
    assert engine.span(None, 7, "nuit", "nuits") == "au plus 7 nuits"
    stay = engine.Situation(
        date=dt.date(2026, 7, 11), nights=7, cost_cents=40_000, members=(YOUNG,), commune_participates=True
    )
    camping = next(s for s in engine.evaluate(stay, DEFINITIONS).schemes if s.slug == "sejour-commun")
    nights = next(c for c in camping.criteria if c.label == "Durée du séjour")
    assert nights.threshold == "7 nuits"
