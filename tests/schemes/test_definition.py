"""Invalid rule data is refused with the field named, never a crash (the YAML editor and the
services call ``parse``)."""

import copy

import pytest

from partez.schemes import catalogue
from partez.schemes.definition import DefinitionError, parse


def edited(change):
    raw = copy.deepcopy(catalogue.raw("depart-18-25"))
    change(raw)
    return raw


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda r: r.__setitem__("channel", ["cheques"]), "channel"),
        (lambda r: r["criteria"][0].__setitem__("type", ["age"]), "criteria[0].type"),
        (lambda r: r["criteria"][0].__setitem__("who", ["each"]), "criteria[0].who"),
        (lambda r: r["criteria"][0].__setitem__("min", ["age_min"]), "criteria[0].min"),
        (lambda r: r["criteria"][2].__setitem__("rule", {"x": 1}), "criteria[2].rule"),
        (lambda r: r["formula"].__setitem__("cap", ["max_amount"]), "formula.cap"),
        (
            lambda r: r["parameters"]["share"]["values"][0].__setitem__("value", "NaN"),
            "parameters.share.values[0].value",
        ),
        (
            lambda r: r["parameters"]["max_amount"]["values"][0].__setitem__("value", "Infinity"),
            "parameters.max_amount.values[0].value",
        ),
        (
            lambda r: r["parameters"]["max_amount"]["values"][0].__setitem__("value", 10**15),
            "parameters.max_amount.values[0].value",
        ),
        # a rule comparing an age with a list of statuses, or a rate with an amount
        (lambda r: r["criteria"][0].__setitem__("min", "statuses"), "criteria[0].min"),
        (lambda r: r["formula"]["amount"].__setitem__("value", "max_amount"), "formula.amount.value"),
        (lambda r: r["formula"].__setitem__("cap", "share"), "formula.cap"),
        (lambda r: r.__setitem__("name", "x" * 121), "name"),
        (lambda r: r["funder"].__setitem__("slug", ["ancv"]), "funder.slug"),
        # the scheme's source is a link on its page: web addresses only
        (lambda r: r.__setitem__("source", "javascript:alert(document.cookie)"), "source"),
        (lambda r: r.__setitem__("source", " JavaScript:alert(1)"), "source"),
        (lambda r: r.__setitem__("source", "data:text/html,<script>alert(1)</script>"), "source"),
        (lambda r: r.__setitem__("source", "https://"), "source"),
        (lambda r: r.__setitem__("source", ["https://example.org"]), "source"),
        (
            lambda r: r["parameters"]["max_amount"]["values"][0].__setitem__("source", "https://"),
            "parameters.max_amount.values[0].source",
        ),
    ],
)
def test_bad_definitions_name_the_field(change, field):
    with pytest.raises(DefinitionError) as caught:
        parse(edited(change), known_slugs=set(catalogue.slugs()))
    assert field in caught.value.errors, caught.value.errors


def test_every_shipped_definition_is_valid():
    for slug in catalogue.slugs():
        assert parse(catalogue.raw(slug), known_slugs=set(catalogue.slugs())).slug == slug


@pytest.mark.parametrize(
    "source", ["", "https://www.service-public.fr/vosdroits/F1234", "http://example.org/a"]
)
def test_a_web_source_or_none_is_accepted(source):
    assert parse(edited(lambda r: r.__setitem__("source", source))).source == source
