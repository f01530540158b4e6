import datetime as dt
import hashlib
import io

import pytest
from django.core.management import call_command

from partez.households.models import Household, Person
from partez.projects.models import Project

SEED = 7
HOUSEHOLDS = 150
TODAY = dt.date(2025, 7, 10)  # in the template season's week (partez.demo.calendar): dates as drawn


def load_demo(*args: str) -> str:
    out = io.StringIO()
    if "--today" not in args:
        args = (*args, "--today", TODAY.isoformat())
    call_command("load_demo", "--seed", str(SEED), "--households", str(HOUSEHOLDS), *args, stdout=out)
    return out.getvalue()


def fingerprint() -> str:
    """What a seed must reproduce: references, names, birth dates, statuses, formats, travellers."""
    h = hashlib.sha256()
    for row in Household.objects.order_by("reference").values_list(
        "reference", "commune__insee_code", "qf_cents"
    ):
        h.update(repr(row).encode())
    for row in Person.objects.order_by("household__reference", "first_name", "birth_date").values_list(
        "household__reference", "first_name", "last_name", "birth_date", "relation", "employment"
    ):
        h.update(repr(row).encode())
    for project in Project.objects.order_by("reference").prefetch_related("travellers"):
        travellers = sorted((p.first_name, str(p.birth_date)) for p in project.travellers.all())
        row = (
            project.reference,
            project.household.reference,
            project.status,
            project.format,
            project.destination,
        )
        h.update(repr((row, travellers, str(project.start_date))).encode())
    return h.hexdigest()


@pytest.fixture
def demo(db):
    return load_demo()
