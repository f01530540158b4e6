"""``manage.py camping_json``: export the edition's séjour commun as the planner's JSON input
(checkable by ``plan_camping``), import campsites, units, weeks, bus and quotas from it."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from partez.camping import planner, services
from partez.camping.models import AccommodationUnit, CampingWeek, Campsite, CommuneQuota
from partez.camping.selectors import camping_plan
from tests import factories
from tests.factories.camping import W1, camp, participant

pytestmark = pytest.mark.django_db


def test_export_then_import_into_another_edition(edition, coordinator_org, tmp_path):
    c = camp(edition, coordinator_org)
    p = participant(c, "F-AAA", people=3)
    placement = services.placement_move(
        actor=c.coordination, participant=p, unit=c.units["M2"], week=c.week(c.mouettes, W1)
    )
    services.placement_lock(actor=c.coordination, placement=placement, locked=True)
    CommuneQuota.objects.create(edition=edition, commune=c.lens, people=40)
    out = tmp_path / "in.json"
    call_command("camping_json", "--edition", "2025", "--export", str(out))
    data = json.loads(out.read_text())
    parsed = planner.parse_input(data)  # what plan_camping reads
    assert [c.id for c in parsed.campsites] == ["Le Phare", "Les Mouettes"]
    assert data["locked"] == [
        {"household": "F-AAA", "campsite": "Les Mouettes", "unit": "M2", "week": "2025-07-05"}
    ]
    assert data["quotas"] == {"62498": 40}

    other = factories.EditionFactory(year=2026)
    call_command("camping_json", "--edition", "2026", "--import", str(out))
    call_command("camping_json", "--edition", "2026", "--import", str(out))  # twice: nothing more
    assert sorted(Campsite.objects.filter(edition=other).values_list("name", flat=True)) == [
        "Le Phare",
        "Les Mouettes",
    ]
    assert AccommodationUnit.objects.filter(campsite__edition=other).count() == 4
    assert CampingWeek.objects.filter(campsite__edition=other).count() == 4
    assert CommuneQuota.objects.get(edition=other).people == 40
    assert camping_plan(other).bus_seats == data["bus"]["seats"]


def test_malformed_import_names_the_field_and_writes_nothing(edition, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            {
                "campsites": [{"id": "A", "units": [{"id": "U1", "beds": 0}], "weeks": []}],
                "bus": {"seats": 50, "max_stops": 3},
                "households": [],
            }
        )
    )
    with pytest.raises(CommandError, match=r"campsites\[0\]\.units\[0\]\.beds: doit être au moins 1") as exc:
        call_command("camping_json", "--edition", "2025", "--import", str(path))
    assert exc.value.returncode == 2
    assert not Campsite.objects.exists()
