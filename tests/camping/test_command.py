"""``manage.py plan_camping``: the issue's file formats, errors naming the field, exit code 2."""

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from partez.camping.planner import Assignment, Plan, Stats, Trip, check, parse_input

ROOT = Path(__file__).resolve().parents[2]

INPUT = {
    "campsites": [
        {
            "id": "DIE",
            "name": "Dieppe",
            "units": [
                {"id": "d1", "beds": 4, "accessible": True},
                {"id": "d2", "beds": 6, "accessible": False},
            ],
            "weeks": ["2026-07-04", "2026-07-11"],
        },
        {
            "id": "TRE",
            "name": "Le Tréport",
            "units": [{"id": "t1", "beds": 5, "accessible": False}],
            "weeks": ["2026-07-04"],
        },
    ],
    "bus": {"seats": 8, "max_stops": 2},
    "quotas": {"62498": 10},
    "households": [
        {
            "id": "H1",
            "commune": "62498",
            "people": 4,
            "needs_accessible": True,
            "weeks": ["2026-07-04"],
            "with": ["H2"],
            "campsites": [],
        },
        {
            "id": "H2",
            "commune": "62510",
            "people": 3,
            "needs_accessible": False,
            "weeks": ["2026-07-04", "2026-07-11"],
            "with": [],
            "campsites": ["DIE"],
        },
        {
            "id": "H3",
            "commune": "62498",
            "people": 5,
            "needs_accessible": False,
            "weeks": ["2026-07-04"],
            "with": [],
            "campsites": [],
        },
        {
            "id": "H4",
            "commune": "62119",
            "people": 7,
            "needs_accessible": False,
            "weeks": ["2026-07-18"],
            "with": [],
            "campsites": [],
        },
    ],
}


def write(tmp_path, data) -> tuple[Path, Path]:
    source = tmp_path / "in.json"
    source.write_text(json.dumps(data))
    return source, tmp_path / "out.json"


@pytest.mark.parametrize("method", [[], ["--greedy"]])
def test_plans_to_the_issues_output_format(tmp_path, method):
    source, target = write(tmp_path, INPUT)
    call_command(
        "plan_camping", "--input", source, "--output", target, "--time-limit", "5", *method, verbosity=0
    )
    out = json.loads(target.read_text())
    assert set(out) >= {"assignments", "unplaced", "buses", "stats"}
    assert set(out["stats"]) >= {
        "people_placed",
        "buses",
        "wishes_honoured",
        "empty_beds",
        "seconds",
        "status",
        "bound",
    }
    assert out["stats"]["status"] in ("OPTIMAL", "FEASIBLE")
    assert set(out["assignments"][0]) == {"household", "campsite", "unit", "week"}
    assert set(out["buses"][0]) >= {"week", "campsite", "stops", "passengers"}
    assert "H4" in out["unplaced"]
    assert out["unplaced_reasons"]["H4"] == "aucune des semaines demandées n'est proposée par un camping"
    # The written plan re-checks from the files alone.
    plan = Plan(
        assignments=tuple(
            Assignment(a["household"], a["campsite"], a["unit"], date.fromisoformat(a["week"]))
            for a in out["assignments"]
        ),
        unplaced=out["unplaced_reasons"],
        buses=tuple(
            Trip(
                date.fromisoformat(t["week"]),
                t["campsite"],
                tuple(t["stops"]),
                t["passengers"],
                tuple(t["households"]),
            )
            for t in out["buses"]
        ),
        stats=Stats(**{k: v for k, v in out["stats"].items() if k in Stats.__dataclass_fields__}),
    )
    assert check(parse_input(INPUT), plan) == []
    if not method:
        assert out["stats"]["people_placed"] == 12 and out["stats"]["status"] == "OPTIMAL"


def test_malformed_input_names_the_field_and_writes_nothing(tmp_path):
    data = json.loads(json.dumps(INPUT))
    data["households"][2]["weeks"][0] = "2026-07-32"
    source, target = write(tmp_path, data)
    with pytest.raises(CommandError, match=r"households\[2\]\.weeks\[0\]: date invalide") as error:
        call_command("plan_camping", "--input", source, "--output", target)
    assert error.value.returncode == 2
    assert not target.exists()


def test_invalid_json_is_exit_code_2(tmp_path):
    source = tmp_path / "in.json"
    source.write_text("{not json")
    with pytest.raises(CommandError, match="JSON invalide") as error:
        call_command("plan_camping", "--input", source, "--output", tmp_path / "out.json")
    assert error.value.returncode == 2


def run(*args):
    return subprocess.run(
        [sys.executable, "manage.py", "plan_camping", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"},
        timeout=120,
    )


def test_as_a_subprocess(tmp_path):
    source, target = write(tmp_path, INPUT)
    done = run("--input", source, "--output", target, "--time-limit", "5")
    assert done.returncode == 0, done.stderr
    assert "12 personnes placées" in done.stdout
    assert json.loads(target.read_text())["stats"]["people_placed"] == 12

    data = json.loads(json.dumps(INPUT))
    data["bus"]["seats"] = 0
    source, target = write(tmp_path, data)
    target = tmp_path / "never.json"
    done = run("--input", source, "--output", target)
    assert done.returncode == 2
    assert "bus.seats: doit être au moins 1" in done.stderr
    assert not target.exists()
