"""The engine's properties on generated situations, and the plan's rules on crafted ones."""

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partez.schemes import catalogue, engine
from partez.schemes.definition import parse

KNOWN = set(catalogue.slugs())
DEFINITIONS = [parse(catalogue.raw(slug), known_slugs=KNOWN) for slug in catalogue.slugs()]
BY_SLUG = {d.slug: d for d in DEFINITIONS}
STATUSES = ["employee", "retired", "inactive", "jobseeker", "student", "apprentice", "civic_service", "other"]
FORMATS = [None, "individual", "camping", "sac_ados", "seniors", "bsv", "hosting"]


@st.composite
def situations(draw):
    date = draw(st.dates(min_value=dt.date(2013, 1, 1), max_value=dt.date(2027, 12, 31)))
    n = draw(st.integers(min_value=1, max_value=6))
    members = tuple(
        engine.MemberIn(
            id=f"m{i}",
            birth_date=draw(st.dates(min_value=dt.date(1930, 1, 1), max_value=date)),
            relation=draw(st.sampled_from(["adult", "child"])) if i else "adult",
            status=draw(st.sampled_from(STATUSES)),
            disabled=draw(st.booleans()),
        )
        for i in range(n)
    )
    travellers = draw(st.lists(st.sampled_from([m.id for m in members]), min_size=1, unique=True))
    past = tuple(
        engine.PastDepartureIn(
            person=draw(st.sampled_from([m.id for m in members])), year=year, scheme=scheme
        )
        for year, scheme in draw(
            st.lists(
                st.tuples(st.integers(min_value=2010, max_value=2027), st.sampled_from(sorted(KNOWN) + [""])),
                max_size=3,
            )
        )
    )
    return engine.Situation(
        date=date,
        nights=draw(st.integers(min_value=0, max_value=21)),
        cost_cents=draw(st.integers(min_value=0, max_value=400_000)),
        members=members,
        commune_participates=draw(st.sampled_from([True, False, None])),
        travellers=tuple(travellers),
        annual_taxable_income_cents=draw(st.integers(min_value=0, max_value=6_000_000)),
        monthly_family_benefits_cents=draw(st.integers(min_value=0, max_value=150_000)),
        rfr_cents=draw(st.none() | st.integers(min_value=0, max_value=6_000_000)),
        tax_parts=draw(st.none() | st.sampled_from([Decimal(x) / 2 for x in range(2, 11)])),
        taxable=draw(st.sampled_from([True, False, None])),
        past_departures=past,
        format=draw(st.sampled_from(FORMATS)),
        lodging_cents=draw(st.none() | st.integers(min_value=0, max_value=400_000)),
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(situations())
def test_plans_respect_every_rule(s):
    evaluation = engine.evaluate(s, DEFINITIONS)
    eligible = {r.slug for r in evaluation.schemes if r.eligible}
    for plan in (evaluation.plan, *evaluation.alternatives):
        assert plan.total_aid_cents == sum(line.aid_cents for line in plan.lines if line.deducted)
        assert 0 <= plan.total_aid_cents <= s.cost_cents
        # a place or a discount is no money: it covers the lodging at most, and only a known one
        covered = sum(line.aid_cents for line in plan.in_kind_lines if line.deducted)
        assert covered <= (s.lodging_cents or 0)
        assert all(line.in_kind for line in plan.lines if not line.deducted)
        assert plan.remaining_cents == s.cost_cents - plan.total_aid_cents
        slugs = set(plan.schemes)
        assert slugs <= eligible  # only eligible schemes
        for slug in slugs:
            assert not (BY_SLUG[slug].excludes & slugs)  # never combined with an excluded scheme
        formats = {f for slug in slugs for f in [BY_SLUG[slug]] and _formats(BY_SLUG[slug])}
        tied = [set(_formats(BY_SLUG[slug])) for slug in slugs if _formats(BY_SLUG[slug])]
        assert not tied or set.intersection(*tied), formats  # one format for the stay
        orders = [(BY_SLUG[slug].order, slug) for slug in plan.schemes]
        assert orders == sorted(orders)  # computed in their order
        assert all(line.aid_cents > 0 and line.computation for line in plan.lines)
    assert all(evaluation.plan.total_aid_cents >= p.total_aid_cents for p in evaluation.alternatives)
    for result in evaluation.schemes:
        assert result.eligible == all(c.passed for c in result.criteria)
        assert (result.aid_cents > 0) == result.eligible


def _formats(d):
    return next((c.options["allowed"] for c in d.criteria if c.type == "format"), ())


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(situations())
def test_batch_mode_gives_the_same_verdicts_and_amounts(s):
    full = engine.evaluate(s, DEFINITIONS)
    quick = engine.evaluate(s, DEFINITIONS, explain=False)
    for a, b in zip(full.schemes, quick.schemes, strict=True):
        assert (a.slug, a.eligible, a.aid_cents) == (b.slug, b.eligible, b.aid_cents)
        if not b.eligible:
            assert b.failed and b.failed[0] in a.failed  # the batch verdict keeps a true reason
    assert [(x.scheme, x.aid_cents) for x in full.plan.lines] == [
        (x.scheme, x.aid_cents) for x in quick.plan.lines
    ]


def family(**overrides):
    data = {
        "date": dt.date(2026, 7, 4),
        "nights": 7,
        "cost_cents": 100_000,
        "format": "individual",
        "commune_participates": True,
        "annual_taxable_income_cents": 1_200_000,
        "members": [
            {"id": "a", "birth_date": "1988-01-01", "relation": "adult", "status": "employee"},
            {"id": "b", "birth_date": "2015-01-01", "relation": "child"},
            {"id": "c", "birth_date": "2018-01-01", "relation": "child"},
        ],
    }
    data.update(overrides)
    return engine.situation_from_dict(data)


def test_remaining_based_aids_are_computed_after_the_others():
    evaluation = engine.evaluate(family(), DEFINITIONS)
    lines = {line.scheme: line for line in evaluation.plan.lines}
    # APV (order 20, on the cost), then séjour individuel and CAF on what is left
    assert list(lines) == ["apv", "sejour-individuel", "caf-vacances"]
    assert lines["apv"].base_cents == 100_000
    assert lines["sejour-individuel"].base_cents == 100_000 - lines["apv"].aid_cents
    assert (
        lines["caf-vacances"].base_cents
        == lines["sejour-individuel"].base_cents - lines["sejour-individuel"].aid_cents
    )
    assert evaluation.plan.remaining_cents == 100_000 - sum(line.aid_cents for line in lines.values())


def test_excluded_schemes_are_offered_as_alternatives_not_combined():
    young = engine.situation_from_dict(
        {
            "date": "2026-07-04",
            "nights": 7,
            "cost_cents": 60_000,
            "format": "individual",
            "commune_participates": True,
            "annual_taxable_income_cents": 600_000,
            "rfr_cents": 600_000,
            "tax_parts": "1",
            "members": [{"id": "a", "birth_date": "2005-01-01", "relation": "adult", "status": "employee"}],
        }
    )
    evaluation = engine.evaluate(young, DEFINITIONS)
    eligible = {r.slug for r in evaluation.schemes if r.eligible}
    assert {"apv", "depart-18-25"} <= eligible
    shown = [set(p.schemes) for p in (evaluation.plan, *evaluation.alternatives)]
    assert all(not {"apv", "depart-18-25"} <= s for s in shown)
    assert any("apv" in s for s in shown) and any("depart-18-25" in s for s in shown)


def test_without_a_format_the_plan_stays_within_one_format():
    evaluation = engine.evaluate(family(format=None), DEFINITIONS)
    assert evaluation.plan.format in {"individual", "hosting", "bsv", "camping"}
    formats = {p.format for p in (evaluation.plan, *evaluation.alternatives)}
    assert len(formats) >= 2  # the alternatives show what other kinds of stay would give


def test_a_scheme_without_values_on_the_date_says_so():
    result = next(
        r
        for r in engine.evaluate(family(date=dt.date(2024, 7, 6)), DEFINITIONS).schemes
        if r.slug == "caf-vacances"
    )
    assert not result.eligible
    assert result.failed[0].label == "Règles en vigueur au 06/07/2024"
    assert "01/01/2025" in result.failed[0].value


def test_explanations_are_french_and_name_the_values():
    result = next(r for r in engine.evaluate(family(), DEFINITIONS).schemes if r.slug == "sejour-individuel")
    assert result.eligible
    labels = [c.label for c in result.criteria]
    assert "Quotient familial CAF" in labels and "Durée du séjour" in labels
    qf = next(c for c in result.criteria if c.label == "Quotient familial CAF")
    assert qf.value == "333,33 €" and qf.threshold == "au plus 900,00 €"
    assert any("bénéficiaires" in line for line in result.computation)


def test_euros_formatting():
    assert engine.euros(123456) == "1\u202f234,56 €"
    assert engine.euros(5) == "0,05 €"
    assert engine.euros(-250) == "-2,50 €"


def test_a_minimum_left_to_pay_is_not_undone_by_later_aids():
    """Départ 18:25 leaves 50 € to pay; séjour individuel and the CAF, computed after it, must
    not take the young person below those 50 €."""
    young = engine.situation_from_dict(
        {
            "date": "2025-07-05",
            "nights": 7,
            "cost_cents": 30_000,
            "format": "individual",
            "commune_participates": True,
            "annual_taxable_income_cents": 300_000,
            "rfr_cents": 300_000,
            "tax_parts": "1",
            "past_departures": [{"person": "a", "year": 2023, "scheme": ""}],
            "members": [{"id": "a", "birth_date": "2005-01-01", "relation": "adult", "status": "student"}],
        }
    )
    evaluation = engine.evaluate(young, DEFINITIONS)
    with_1825 = [p for p in (evaluation.plan, *evaluation.alternatives) if "depart-18-25" in p.schemes]
    assert with_1825 and all(len(p.lines) > 1 for p in with_1825)
    assert all(p.remaining_cents >= 5_000 for p in with_1825)
    # the best plan is then the one without Départ 18:25 (more aid in all)
    assert "depart-18-25" not in evaluation.plan.schemes
