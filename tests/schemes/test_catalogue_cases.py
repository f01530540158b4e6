"""The table-driven cases shipped beside each scheme (catalogue/<slug>.cases.yaml)."""

import pytest

from partez.schemes import catalogue, engine
from partez.schemes.definition import parse

CASES = [(slug, case) for slug in catalogue.slugs() for case in catalogue.cases(slug)]


def definition(slug):
    return parse(catalogue.raw(slug), known_slugs=set(catalogue.slugs()))


@pytest.mark.parametrize("slug", catalogue.slugs())
def test_every_scheme_has_cases(slug):
    cases = catalogue.cases(slug)
    assert len(cases) >= 3
    assert any(c["expect"]["eligible"] for c in cases)
    assert any(not c["expect"]["eligible"] for c in cases)


@pytest.mark.parametrize(("slug", "case"), CASES, ids=[f"{s}: {c['name']}" for s, c in CASES])
def test_case(slug, case):
    situation = engine.situation_from_dict(case["situation"])
    result = engine.evaluate(situation, [definition(slug)]).schemes[0]
    expect = case["expect"]
    failed = [c.label for c in result.failed]
    assert result.eligible is expect["eligible"], failed
    if "aid_cents" in expect:
        assert result.aid_cents == expect["aid_cents"], result.computation
    for label in expect.get("failed", []):
        assert label in failed
    if result.eligible:
        assert result.computation and not failed
    else:
        assert failed and result.aid_cents == 0


def test_every_shipped_value_has_a_source_and_a_date():
    for slug in catalogue.slugs():
        d = definition(slug)
        for name, parameter in d.parameters.items():
            assert parameter.values, (slug, name)
            for value in parameter.values:
                assert value.source.startswith("https://") or value.source.startswith("http://"), (slug, name)
