"""`progrun export`: files written, fidelity table printed, errors as one line with exit 1."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from garmin_fit_sdk import Decoder, Stream
from icalendar import Calendar

from progrun.cli import cli
from progrun.plan_io import plan_to_json
from tests.formats.workout_plans import make_plan

RACE = ["--race", "5k=20:00", "--distance", "5mi"]


def run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["export", *args])
    return result.exit_code, result.output


def run_plan(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["plan", *args])
    return result.exit_code, result.output


def test_fit_export_writes_a_workout_and_says_where_to_copy_it(tmp_path: Path) -> None:
    out = tmp_path / "progression.fit"
    code, output = run([*RACE, "--to", "fit", "-o", str(out)])
    assert code == 0, output
    assert f"Wrote{out}" in "".join(output.split())  # the path as written, however the terminal wraps it
    assert "GARMIN/NewFiles" in output
    assert "What the file carries" in output
    assert "mile 1" in output and "cooldown" in output
    messages, errors = Decoder(Stream.from_byte_array(out.read_bytes())).read()
    assert errors == []
    assert messages["file_id_mesgs"][0]["type"] == "workout"
    steps = messages["workout_step_mesgs"]
    assert len(steps) == 6  # five mile splits and the cooldown
    assert [step["duration_type"] for step in steps] == ["distance"] * 5 + ["time"]
    assert steps[0]["wkt_step_name"] == "M1 settle in"


def test_default_file_name_and_non_fit_suffix_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = run([*RACE, "--to", "intervals"])
    assert code == 0, output
    text = (tmp_path / "progression-5mi.txt").read_text(encoding="utf-8")
    assert sum(line.startswith("- ") for line in text.splitlines()) == 6
    code, output = run([*RACE, "--to", "fit", "-o", "workout.bin"])
    assert code == 0
    assert "does not end in .fit" in output


def test_zwo_from_a_race_uses_its_threshold_pace(tmp_path: Path) -> None:
    out = tmp_path / "p.zwo"
    code, output = run([*RACE, "--to", "zwo", "-o", str(out)])
    assert code == 0, output
    root = ET.fromstring(out.read_bytes())
    assert len(root.findall("./workout/SteadyState")) == 6
    assert "Zwift 10 km pace" in output


def test_zwo_from_a_plan_file_needs_no_threshold(tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(plan_to_json(make_plan()), encoding="utf-8")
    out = tmp_path / "p.zwo"
    code, output = run(["--plan", str(plan_file), "--to", "zwo", "-o", str(out)])
    assert code == 0, output
    power = ET.fromstring(out.read_bytes()).findall("./workout/SteadyState")[0].get("Power")
    # the 10k target is 264 s/km; mile 1 is at 300 s/km
    assert power == "0.8800"
    assert "Zwift 10 km pace" in output


def test_ics_twice_weekly(tmp_path: Path) -> None:
    out = tmp_path / "p.ics"
    args = [
        *RACE,
        "--to",
        "ics",
        "-o",
        str(out),
        "--date",
        "2026-12-01",
        "--time",
        "06:30",
        "--repeat",
        "twice-weekly",
        "--weeks",
        "6",
        "--name",
        "Tuesday build",
    ]
    code, output = run(args)
    assert code == 0, output
    (event,) = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert event.decoded("dtstart").isoformat() == "2026-12-01T06:30:00"
    assert event["rrule"]["BYDAY"] == ["TU", "FR"]
    assert event["rrule"]["COUNT"] == [12]
    assert str(event["summary"]).startswith("Tuesday build: ")


def test_a_repeat_without_weeks_asks_how_many(tmp_path: Path) -> None:
    out = tmp_path / "run.ics"
    args = [*RACE, "--to", "ics", "-o", str(out), "--date", "2026-12-01", "--repeat", "weekly"]
    code, output = run(args)
    assert code == 1
    assert "ICS export: a repeating event needs the number of weeks it runs; give e.g. --weeks 8" in output
    assert not out.exists()
    code, output = run([*RACE, "--to", "ics", "-o", str(out), "--date", "2026-12-01", "--weeks", "3"])
    assert code == 0, output
    (event,) = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert event["rrule"]["COUNT"] == [3] and event["rrule"]["BYDAY"] == ["TU"]


@pytest.mark.parametrize(("fmt", "suffix"), [("fit", ".fit"), ("zwo", ".zwo"), ("json", ".json")])
def test_a_named_plan_carries_its_name_into_every_export(tmp_path: Path, fmt: str, suffix: str) -> None:
    saved = tmp_path / "plan.json"
    code, output = run_plan(
        ["--race", "5k=20:00", "--distance", "5mi", "--name", "Tue build", "-o", str(saved)]
    )
    assert code == 0, output
    assert json.loads(saved.read_text(encoding="utf-8"))["name"] == "Tue build"
    out = tmp_path / f"out{suffix}"
    code, output = run(["--plan", str(saved), "--to", fmt, "-o", str(out)])
    assert code == 0, output
    data = out.read_bytes()
    if fmt == "fit":
        messages, _ = Decoder(Stream.from_byte_array(data)).read()
        assert messages["workout_mesgs"][0]["wkt_name"] == "Tue build"
    elif fmt == "zwo":
        assert b"<name>Tue build</name>" in data
    else:
        assert json.loads(data)["name"] == "Tue build"
    renamed = tmp_path / f"renamed{suffix}"
    code, output = run(["--plan", str(saved), "--name", "Friday", "--to", fmt, "-o", str(renamed)])
    assert code == 0, output
    assert b"Friday" in renamed.read_bytes() and b"Tue build" not in renamed.read_bytes()


def test_png_band_from_a_plan_file(tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(plan_to_json(make_plan()), encoding="utf-8")
    out = tmp_path / "band.png"
    code, output = run(["--plan", str(plan_file), "--to", "png", "-o", str(out)])
    assert code == 0, output
    assert out.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "args",
    [
        ["--to", "fit"],
        ["--race", "5k=20:00", "--to", "fit"],
        ["--plan", "x.json", *RACE, "--to", "fit"],
        [*RACE, "--to", "gpx"],
        ["--race", "5k=twenty", "--distance", "5mi", "--to", "fit"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    code, _ = run(args)
    assert code == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([*RACE, "--to", "ics"], "Error: ICS export: a calendar event needs a date"),
        ([*RACE, "--to", "ics", "--date", "2026-12-01", "--time", "7h"], "Error: '7h' is not a time of day"),
        (
            ["--race", "5k=20:00", "--distance", "99999km", "--to", "fit"],
            "Error: distance: 99999 km is longer than any progression run (at most a marathon, 42.2 km)",
        ),
        (["--plan", "missing.json", "--to", "fit"], "Error: missing.json: no such file"),
    ],
)
def test_domain_errors_are_one_line_with_exit_1(args: list[str], message: str, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "progrun", "export", *args, "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(message)
    assert "Traceback" not in result.stderr
