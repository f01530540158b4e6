"""The demo edition comes with survey answers (deterministic), so its bilan shows satisfaction."""

import pytest

from partez.reports import selectors
from partez.reports.models import SurveyInvitation, SurveyResponse
from partez.territory.models import Edition
from tests.demo.conftest import load_demo

pytestmark = pytest.mark.django_db


def test_demo_survey_answers_are_drawn_from_the_seed_and_reach_the_bilan():
    load_demo()
    first = sorted(SurveyResponse.objects.values_list("project__reference", "satisfaction", "again"))
    assert first and SurveyInvitation.objects.count() >= len(first)
    b = selectors.bilan(selectors.Filters(Edition.objects.get(year=2025)))
    assert b.satisfaction["responses"] == len(first) and b.satisfaction["satisfied_percent"] is not None
    load_demo("--reset")
    assert sorted(SurveyResponse.objects.values_list("project__reference", "satisfaction", "again")) == first
