"""``manage.py match_offers``: the issue's file formats, errors naming the field, exit code 2."""

import json
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]

INPUT = {
    "max_families_per_site_period": 1,
    "offers": [
        {"id": "O1", "site": "dune", "period": "ete", "beds": 6, "accessible": True, "car_needed": False},
        {"id": "O2", "site": "dune", "period": "ete", "beds": 4, "accessible": False, "car_needed": False},
        {"id": "O3", "site": "bocage", "period": "ete", "beds": 4, "accessible": False, "car_needed": True},
    ],
    "families": [
        {
            "id": "A",
            "people": 5,
            "needs_accessible": True,
            "periods": ["ete"],
            "has_car": False,
            "first_departure": True,
            "excluded_sites": [],
        },
        {
            "id": "B",
            "people": 3,
            "needs_accessible": False,
            "periods": ["ete"],
            "has_car": False,
            "first_departure": False,
            "excluded_sites": [],
        },
        {
            "id": "C",
            "people": 4,
            "needs_accessible": False,
            "periods": ["ete"],
            "has_car": True,
            "first_departure": False,
            "excluded_sites": ["bocage"],
        },
    ],
}


def test_writes_the_optimum_in_the_issues_format(tmp_path, capsys):
    source, target = tmp_path / "in.json", tmp_path / "out.json"
    source.write_text(json.dumps(INPUT))
    call_command("match_offers", "--input", str(source), "--output", str(target))
    out = json.loads(target.read_text())
    assert out["assignments"] == [{"family": "A", "offer": "O1"}]
    assert {u["family"] for u in out["unmatched"]} == {"B", "C"}
    assert (out["objective"], out["bound"]) == (2, 2)
    assert capsys.readouterr().out.startswith("1 familles placées (1 premiers départs), 2 sans offre")


def test_greedy_on_request(tmp_path):
    source, target = tmp_path / "in.json", tmp_path / "out.json"
    source.write_text(json.dumps(INPUT))
    call_command("match_offers", "--input", str(source), "--output", str(target), "--greedy")
    assert json.loads(target.read_text())["assignments"] == [{"family": "A", "offer": "O1"}]


def test_bad_input_names_the_field_and_exits_2(tmp_path):
    bad = {**INPUT, "offers": [{**INPUT["offers"][0], "beds": -1}]}
    source, target = tmp_path / "in.json", tmp_path / "out.json"
    source.write_text(json.dumps(bad))
    run = subprocess.run(
        [sys.executable, "manage.py", "match_offers", "--input", str(source), "--output", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 2
    assert "offers[0].beds" in run.stderr
    assert not target.exists()
