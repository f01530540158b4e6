"""The bilan's shared fixtures: the small edition of :func:`tests.factories.bilan.small_edition`
and one reader of each kind (modules that need other data define their own ``data``)."""

import pytest

from tests.factories.bilan import bilan_members, small_edition


@pytest.fixture
def data(db):
    return small_edition()


@pytest.fixture
def members(data):
    return bilan_members(data)
