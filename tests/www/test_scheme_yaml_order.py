"""The YAML editor shows a definition in the same reading order whatever order the database kept
its keys in (PostgreSQL's jsonb reorders them)."""

import pytest

from partez.schemes import catalogue
from partez.www.forms.schemes import definition_to_yaml


def reversed_keys(node):
    if isinstance(node, dict):
        return {k: reversed_keys(node[k]) for k in reversed(list(node))}
    if isinstance(node, list):
        return [reversed_keys(v) for v in node]
    return node


@pytest.mark.parametrize("slug", catalogue.slugs())
def test_same_yaml_whatever_the_key_order(slug):
    raw = catalogue.raw(slug)
    text = definition_to_yaml(raw)
    assert definition_to_yaml(reversed_keys(raw)) == text
    assert text.startswith(f"slug: {slug}\nname: ")
    assert "- {type: " in text  # a criterion starts with its type
