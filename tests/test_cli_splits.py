"""`progrun splits`: table, JSON contract, CSV, units, by-lap, and errors (exit 1, one line)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from progrun.cli import cli
from progrun.cli.splits_command import parse_split_unit
from tests.conftest import ACTIVITIES

RUN_FIT = str(ACTIVITIES / "fit" / "runpandas__run.fit")
MILE_FIT = str(ACTIVITIES / "fit" / "sports-lib__2067489619.fit")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["splits", *args])
    return result.exit_code, result.output


def test_json_contract() -> None:
    code, output = run(RUN_FIT, "--json")
    assert code == 0
    data = json.loads(output)
    assert {"file", "format", "unit", "splits", "laps"} <= set(data)
    assert (data["file"], data["format"], data["unit"]) == (RUN_FIT, "fit", "km")
    assert len(data["splits"]) == 6
    first = data["splits"][0]
    for key in (
        "index",
        "distance_m",
        "elapsed_s",
        "moving_s",
        "pace_s_per_km",
        "gap_s_per_km",
        "heart_rate_avg_bpm",
    ):
        assert key in first
    assert first["index"] == 1
    assert first["distance_m"] == 1000.0
    assert first["elapsed_s"] == pytest.approx(467.09, abs=0.01)  # from the press: 0.5 s before the stamp
    assert data["splits"][-1]["distance_m"] == pytest.approx(839.8, abs=0.1)
    assert data["laps"][0] == {
        "index": 1,
        "distance_m": 1000.0,
        "elapsed_s": 465.09,
        "timer_s": 465.09,
        "trigger": "distance",
    }
    assert [lap["trigger"] for lap in data["laps"]] == ["distance"] * 5 + ["session_end"]


def test_nan_becomes_null_in_json() -> None:
    treadmill = str(ACTIVITIES / "fit" / "sports-lib__6860622783.fit")
    data = json.loads(run(treadmill, "--json")[1])
    assert all(split["gap_s_per_km"] is None or split["gap_s_per_km"] > 0 for split in data["splits"])
    hr_only = str(ACTIVITIES / "fit" / "fitparse__antfs-dump.63.fit")
    data = json.loads(run(hr_only, "--json")[1])
    assert data["splits"] == []
    assert data["total"]["pace_s_per_km"] is None


def test_mile_splits_table() -> None:
    code, output = run(MILE_FIT, "--unit", "mi")
    assert code == 0
    assert "mi splits" in output
    assert "14:12/mi" in output  # first mile, 851.54 s: the lap's own end (records 9 s apart there)
    assert "0.79 mi" in output  # the final partial split keeps its own distance


@pytest.mark.parametrize(
    ("text", "metres", "unit"),
    [
        ("km", 1000.0, "km"),
        ("mi", 1609.344, "mi"),
        ("mile", 1609.344, "mi"),
        ("400m", 400.0, "km"),
        ("2km", 2000.0, "km"),
        ("0.5mi", 804.672, "mi"),
    ],
)
def test_unit_option(text: str, metres: float, unit: str) -> None:
    assert parse_split_unit(text) == (pytest.approx(metres), unit)


def test_400m_csv() -> None:
    code, output = run(RUN_FIT, "--unit", "400m", "--csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(output)))
    assert len(rows) == 15  # 5839.8 m = 14 x 400 m + 239.8 m
    assert rows[0]["distance_m"] == "400.0"
    assert float(rows[-1]["distance_m"]) == pytest.approx(239.77, abs=0.01)


def test_by_lap() -> None:
    code, output = run(RUN_FIT, "--by-lap", "--json")
    data = json.loads(output)
    assert data["unit"] == "lap"
    assert [split["elapsed_s"] for split in data["splits"]][:2] == [465.09, 679.482]
    assert data["splits"][0]["trigger"] == "distance"
    code, output = run(RUN_FIT, "--by-lap")
    assert code == 0
    assert "device laps" in output
    assert "6 session_end" in output


def test_bad_unit_exits_1() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "progrun", "splits", RUN_FIT, "--unit", "3x"],
        check=False,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert (
        result.stderr
        == "Error: '3x' is not a distance; write it like 5mi, 8km, 10k, 5000m, half or marathon\n"
    )


def test_bad_file_exits_1_with_one_line() -> None:
    broken = ACTIVITIES / "broken" / "sports-lib__empty-sessions.fit"
    result = subprocess.run(
        [sys.executable, "-m", "progrun", "splits", str(broken)], check=False, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("Error: ") and "sports-lib__empty-sessions.fit" in result.stderr
    assert "Traceback" not in result.stderr


def test_json_and_csv_together_is_a_usage_error() -> None:
    code, output = run(RUN_FIT, "--json", "--csv")
    assert code == 2
    assert "choose one of --json and --csv" in output
