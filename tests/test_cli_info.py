"""`progrun info`: text, JSON, and one-line errors with exit status 1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from progrun.cli import cli
from tests.conftest import ACTIVITIES, DATA

FR220 = DATA / "tcx" / "fr220-manual-laps-pauses.tcx"


def test_info_text() -> None:
    result = CliRunner().invoke(cli, ["info", str(FR220)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"file      {FR220}",
        "format    TCX",
        "sport     running",
        "device    Garmin Forerunner 220",
        "start     2021-04-16 13:37:53 UTC",
        "distance  0.16 km (0.10 mi)",
        "duration  0:03:42 elapsed, 0:03:10 timer",
        "records   46",
        "laps      4",
        "pauses    2 (0:00:32)",
        "channels  distance, speed, position, altitude, heart rate, cadence",
        "warnings  dropped 3 samples repeating the previous time",
    ]


def test_info_json() -> None:
    result = CliRunner().invoke(cli, ["info", str(FR220), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {
        "file",
        "format",
        "sport",
        "device",
        "start",
        "distance_m",
        "elapsed_s",
        "timer_s",
        "records",
        "laps",
        "warnings",
    } <= set(data)
    assert data["format"] == "tcx"
    assert data["start"] == "2021-04-16T13:37:53Z"
    assert data["distance_m"] == 158.7
    assert data["elapsed_s"] == 222.0
    assert data["timer_s"] == 190.4
    assert data["records"] == 46
    assert data["laps"] == 4
    assert data["warnings"] == ["dropped 3 samples repeating the previous time"]


def test_info_json_for_gpx_and_fit() -> None:
    gpx = json.loads(
        CliRunner().invoke(cli, ["info", str(DATA / "gpx" / "fr220-same-run.gpx"), "--json"]).output
    )
    assert (gpx["format"], gpx["laps"], gpx["timer_s"], gpx["elapsed_s"]) == ("gpx", 0, 222.0, 222.0)
    fit = json.loads(
        CliRunner()
        .invoke(cli, ["info", str(ACTIVITIES / "fit" / "heartandsole__testdata.fit"), "--json"])
        .output
    )
    assert (fit["format"], fit["start"], fit["laps"], fit["records"]) == (
        "fit",
        "2021-04-16T13:37:53Z",
        4,
        46,
    )


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "progrun", *args], capture_output=True, text=True, check=False
    )


def test_bad_files_exit_1_with_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.fit"
    empty.write_bytes(b"")
    cases = {
        str(empty): f"Error: {empty}: empty file; the file has 0 bytes; export it again",
        str(DATA / "invalid" / "tcx-root-element-deleted.tcx"): "Error: "
        + str(DATA / "invalid" / "tcx-root-element-deleted.tcx")
        + ": not well-formed XML at line 4653 column 35: "
        "Namespace prefix xsi for type on Creator is not defined; the file is damaged; export it again",
        str(DATA / "gpx" / "gpx10-few-times.gpx"): "Error: "
        + str(DATA / "gpx" / "gpx10-few-times.gpx")
        + ": only 5 of 296 track points have a timestamp; splits need times",
    }
    for path, message in cases.items():
        done = _run("info", path)
        assert done.returncode == 1
        assert done.stdout == ""
        assert done.stderr.splitlines() == [message]


def test_missing_file_exit_1() -> None:
    done = _run("info", "/no/such/run.fit")
    assert done.returncode == 1
    assert done.stderr.strip() == "Error: /no/such/run.fit: cannot be read: No such file or directory"
    assert "Traceback" not in done.stderr
