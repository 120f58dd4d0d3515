"""`progrun judge` and `progrun detect`: JSON contracts, the chart, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from progrun.cli import cli
from progrun.formats.fit_writer import write_fit_activity
from progrun.paces import training_paces_from_race
from progrun.plan_io import plan_to_json
from progrun.planner import build_plan
from progrun.simulate import simulate_run
from tests.conftest import ACTIVITIES

F405 = ACTIVITIES / "tcx/sportstracker__Forerunner405-Running_CadenceSensor.tcx"


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A plan.json and the FIT file of a runner who followed it."""
    folder = tmp_path_factory.mktemp("cli")
    plan = build_plan(training_paces_from_race(5000, 1200), 5 * 1609.344)
    plan_path = folder / "plan.json"
    plan_path.write_text(plan_to_json(plan), encoding="utf-8")
    run_path = folder / "run.fit"
    run_path.write_bytes(write_fit_activity(simulate_run(plan, seed=31)))
    return plan_path, run_path


def test_judge_json_contract(recorded: tuple[Path, Path]) -> None:
    plan_path, run_path = recorded
    result = CliRunner().invoke(cli, ["judge", str(run_path), "--plan", str(plan_path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["score"] >= 95.0
    assert data["progressed"] is True and data["target_reached"] is True
    assert data["tempo_splits"] == 2
    assert data["cooldown_s"] == pytest.approx(300.0, abs=2.0)
    assert data["verdict"].startswith("Good progression run")
    assert [split["index"] for split in data["splits"]] == [1, 2, 3, 4, 5]
    for split in data["splits"]:
        assert set(split) >= {
            "index",
            "target_s_per_km",
            "actual_s_per_km",
            "gap_s_per_km",
            "delta_prev_s",
            "in_band",
        }
    assert data["splits"][0]["delta_prev_s"] is None
    assert data["splits"][1]["delta_prev_s"] < -10


def test_judge_table_and_chart_with_a_race_plan(tmp_path: Path) -> None:
    chart = tmp_path / "verdict.png"
    result = CliRunner().invoke(
        cli, ["judge", str(F405), "--race", "5k=21:00", "--distance", "5km", "--chart", str(chart)]
    )
    assert result.exit_code == 0, result.output
    assert "Km 5" in result.output and "Score" in result.output
    assert "You went out too fast" in " ".join(result.output.split())
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = tmp_path / "verdict.svg"
    result = CliRunner().invoke(
        cli, ["judge", str(F405), "--race", "5k=21:00", "--distance", "5km", "--chart", str(svg), "--json"]
    )
    assert result.exit_code == 0
    assert b"<svg" in svg.read_bytes()[:400]
    assert json.loads(result.output)["target_reached"] is True


def test_detect_json_contract() -> None:
    result = CliRunner().invoke(cli, ["detect", str(F405), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["is_progression"] is True
    assert data["confidence"] == 1.0
    assert data["start_s_per_km"] == pytest.approx(294.5, abs=1.0)
    assert data["target_s_per_km"] == pytest.approx(258.8, abs=1.0)
    assert data["step_s"] == pytest.approx(13.6, abs=1.0)
    assert data["tempo_splits"] == 2 and data["unit"] == "km"


def test_detect_text() -> None:
    result = CliRunner().invoke(
        cli, ["detect", str(ACTIVITIES / "fit/sportstracker__Garmin_Fenix2_running_with_hrm.fit")]
    )
    assert result.exit_code == 0
    assert "not a progression run (confidence 0.00)" in result.output


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "progrun", *args], capture_output=True, text=True, check=False
    )


def test_bad_files_exit_1_with_one_line(tmp_path: Path) -> None:
    junk = tmp_path / "junk.fit"
    junk.write_bytes(b"not a run at all")
    for args in (["detect", str(junk)], ["judge", str(junk), "--race", "5k=20:00", "--distance", "5mi"]):
        result = _run(*args)
        assert result.returncode == 1
        assert result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1
        assert result.stderr.startswith("Error: ") and "junk.fit" in result.stderr
    broken = _run("detect", str(ACTIVITIES / "broken/fitdecode__activity-unexpected-eof.fit"))
    assert broken.returncode == 1 and len(broken.stderr.strip().splitlines()) == 1


def test_usage_errors_exit_2(recorded: tuple[Path, Path]) -> None:
    plan_path, run_path = recorded
    runner = CliRunner()
    assert runner.invoke(cli, ["judge", str(run_path)]).exit_code == 2
    both = runner.invoke(cli, ["judge", str(run_path), "--plan", str(plan_path), "--race", "5k=20:00"])
    assert both.exit_code == 2
    chart = runner.invoke(cli, ["judge", str(run_path), "--plan", str(plan_path), "--chart", "out.gif"])
    assert chart.exit_code == 2 and "neither .png nor .svg" in chart.output
    race = runner.invoke(cli, ["judge", str(run_path), "--race", "fast", "--distance", "5mi"])
    assert race.exit_code == 2


def test_a_bad_plan_file_exits_1(tmp_path: Path, recorded: tuple[Path, Path]) -> None:
    _, run_path = recorded
    bad = tmp_path / "plan.json"
    bad.write_text("{}", encoding="utf-8")
    result = _run("judge", str(run_path), "--plan", str(bad))
    assert result.returncode == 1 and result.stderr.startswith("Error: ")


def test_a_ride_is_refused_by_judge_and_not_detected(tmp_path: Path) -> None:
    from tests.synthetic_runs import gpx_text, synthetic_run, week_start

    ride = tmp_path / "ride.gpx"
    text = gpx_text(synthetic_run(week_start(0), [300.0 - 20.0 * index for index in range(5)]))
    ride.write_text(text.replace("<type>running</type>", "<type>cycling</type>"), encoding="utf-8")
    judged = _run("judge", str(ride), "--race", "5k=20:00", "--distance", "5km")
    assert judged.returncode == 1 and judged.stdout == ""
    assert judged.stderr.startswith("Error: sport: ") and "'cycling', not a run" in judged.stderr
    assert len(judged.stderr.strip().splitlines()) == 1
    detected = CliRunner().invoke(cli, ["detect", str(ride), "--json"])
    assert detected.exit_code == 0
    data = json.loads(detected.output)
    assert data["is_progression"] is False and "'cycling', not a run" in data["reasons"][0]
    as_run = tmp_path / "run.gpx"
    as_run.write_text(text, encoding="utf-8")
    assert json.loads(CliRunner().invoke(cli, ["detect", str(as_run), "--json"]).output)["is_progression"]


def test_judge_json_carries_the_new_checks(recorded: tuple[Path, Path]) -> None:
    plan_path, run_path = recorded
    data = json.loads(
        CliRunner().invoke(cli, ["judge", str(run_path), "--plan", str(plan_path), "--json"]).output
    )
    assert data["coverage"] == 1.0 and data["stopped_s"] == 0.0
    assert data["final_split"] == 5 and data["judged_on"] == "grade-adjusted pace"
    assert data["threshold_s_per_km"] == pytest.approx(256.0, abs=0.5)
    assert all(split["gps_suspect"] is False and split["stalled"] is False for split in data["splits"])
