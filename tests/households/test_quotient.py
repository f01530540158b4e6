import datetime as dt
from decimal import Decimal

import pytest

from partez.households.quotient import Member, count_parts, quotient_familial

ON = dt.date(2025, 3, 1)
ADULT = dt.date(1985, 1, 1)
KID = dt.date(2015, 1, 1)


def members(adults: int, children: int, disabled_children: int = 0) -> list[Member]:
    out = [Member(ADULT, "head")]
    if adults == 2:
        out.append(Member(ADULT, "spouse"))
    out += [Member(KID, "child", i < disabled_children) for i in range(children)]
    return out


@pytest.mark.parametrize(
    ("adults", "children", "disabled", "expected"),
    [
        (1, 0, 0, "1"),
        (2, 0, 0, "2"),
        (1, 1, 0, "2.5"),  # single parent 2 + 1st child 0.5
        (2, 1, 0, "2.5"),
        (2, 2, 0, "3"),
        (2, 3, 0, "4"),  # 3rd child counts a whole part
        (2, 4, 0, "4.5"),
        (2, 5, 0, "5"),
        (2, 2, 1, "3.5"),  # +0.5 per disabled child
    ],
)
def test_parts_follow_the_caf_scale(adults, children, disabled, expected):
    parts, lines = count_parts(
        members(adults, children, disabled), ON, single_parent_bonus=False, child_max_age=20
    )
    assert parts == Decimal(expected)
    assert lines


def test_single_parent_half_part_is_a_parameter():
    with_bonus, lines = count_parts(members(1, 1), ON, single_parent_bonus=True, child_max_age=20)
    assert with_bonus == Decimal("3")
    assert any("parent isolé" in line for line in lines)


def test_grown_children_do_not_count():
    family = [Member(ADULT, "head"), Member(dt.date(2000, 1, 1), "child")]
    parts, lines = count_parts(family, ON, single_parent_bonus=False, child_max_age=20)
    assert parts == Decimal("1")
    assert any("non compté" in line for line in lines)


def test_quotient_is_computed_and_explained():
    # 18,000 €/year → 1,500 €/month, + 200 € benefits, couple with 2 children = 3 parts → 566.67 €
    result = quotient_familial(
        annual_taxable_income_cents=1_800_000,
        monthly_family_benefits_cents=20_000,
        members=members(2, 2),
        on=ON,
    )
    assert result.parts == Decimal("3")
    assert result.qf_cents == 56667
    assert result.lines[-1].startswith("QF = (1\u202f500,00 € + 200,00 €) ÷ 3")


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(
    income=st.integers(min_value=0, max_value=20_000_000),
    extra=st.integers(min_value=1, max_value=5_000_000),
    benefits=st.integers(min_value=0, max_value=300_000),
    children=st.integers(min_value=0, max_value=8),
    couple=st.booleans(),
)
def test_qf_grows_with_income_and_parts_never_drop_below_one(income, extra, benefits, children, couple):
    family = members(2 if couple else 1, children)
    low = quotient_familial(
        annual_taxable_income_cents=income, monthly_family_benefits_cents=benefits, members=family, on=ON
    )
    high = quotient_familial(
        annual_taxable_income_cents=income + extra,
        monthly_family_benefits_cents=benefits,
        members=family,
        on=ON,
    )
    assert low.parts >= 1
    assert high.qf_cents >= low.qf_cents >= 0


def test_the_explanation_and_the_qf_share_one_rounding():
    """Issue 13: 14 000 € a year showed « 1 166,66 € par mois » (truncated) beside a QF of
    1 166,67 € computed on 1 166,666… — every figure now follows from the one before it."""
    result = quotient_familial(
        annual_taxable_income_cents=1_400_000, monthly_family_benefits_cents=0, members=members(1, 0), on=ON
    )
    assert "soit 1\u202f166,67 € par mois" in result.lines[0]
    assert result.lines[-1] == "QF = (1\u202f166,67 € + 0,00 €) ÷ 1 = 1\u202f166,67 €."
    assert result.qf_cents == 116667
