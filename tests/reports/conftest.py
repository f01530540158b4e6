"""The bilan's shared fixtures: the small edition of :func:`.factories.small_edition` and one
reader of each kind (modules that need other data define their own ``data``)."""

import pytest

from .factories import bilan_members, small_edition


@pytest.fixture
def data(db):
    return small_edition()


@pytest.fixture
def members(data):
    return bilan_members(data)
