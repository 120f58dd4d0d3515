"""`progrun demo`: one sample runner through plan, export, twelve weeks of training, import, judge, progress.

The demo runs once (about 10 s) into a folder given with --out; the tests read its output, its files and
its training log.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from progrun.cli import cli
from progrun.demo_history import FIRST_RACE_TIME_S, LAST_RACE_TIME_S, demo_history, plan_for_race
from progrun.storage import Store
from progrun.training_log.views import progress_view
from tests.formats.workout_checks import assert_valid_workout

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Demo:
    folder: Path
    output: str


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    folder = tmp_path_factory.mktemp("demo") / "files"
    result = CliRunner().invoke(cli, ["demo", "--out", str(folder)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return Demo(folder, result.output)


def _section(output: str, number: int) -> str:
    """The text of section `number` (from its heading to the next one)."""
    start = output.index(f"{number}. ")
    end = output.find(f"\n{number + 1}. ", start)
    return output[start : end if end >= 0 else len(output)]


def _pace_s(text: str) -> int:
    minutes, seconds = text.split(":")
    return int(minutes) * 60 + int(seconds)


def test_names_its_folder_first_and_last(demo: Demo) -> None:
    lines = demo.output.splitlines()
    assert lines[0] == f"Demo folder: {demo.folder}"
    assert lines[-1] == f"The demo's files: {demo.folder}"


def test_paces_and_plan_read_like_a_coach(demo: Demo) -> None:
    text = _section(demo.output, 1)
    assert (
        "A sample runner ran 5 km in 22:30 (VDOT 43.4). Their paces per mile: easy 8:53-10:01, "
        "marathon 8:13, threshold 7:41, 10k 7:31, 5k 7:15."  # M with the long-race slowdown (issue 9)
    ) in text.replace("\n", " ")
    assert "Their progression run, mile by mile" in text
    assert "Total: 5 mi in about 45:21 with the cooldown; 15:01 at 10k pace 7:31/mi." in text
    assert "1. Start at 8:55/mi: relaxed" in text
    assert "3. The last 2 miles at 7:31/mi are the point of the run" in text


def test_exports_the_plan_for_watch_calendar_and_wrist(demo: Demo) -> None:
    text = _section(demo.output, 2)
    names = sorted(path.name for path in demo.folder.glob("progression-5mi.*"))
    assert names == [f"progression-5mi.{ext}" for ext in ("fit", "ics", "pdf", "png", "txt", "zwo")]
    for name in names:
        assert f"{name} │" in text
    fit_row = next(line for line in text.splitlines() if line.startswith("progression-5mi.fit"))
    size = (demo.folder / "progression-5mi.fit").stat().st_size
    assert [cell.strip() for cell in fit_row.split("│")] == [
        "progression-5mi.fit",
        "Garmin workout",
        f"{size} B",
        "approximate",  # the watch alerts on a range wider than the band (issue 9)
        "copy to GARMIN/NewFiles (USB)",
    ]
    zwo_row = next(line for line in text.splitlines() if line.startswith("progression-5mi.zwo"))
    assert "not carried" in zwo_row
    plan = plan_for_race(FIRST_RACE_TIME_S)
    messages = assert_valid_workout(plan, (demo.folder / "progression-5mi.fit").read_bytes())
    assert messages["workout_mesgs"][0]["wkt_name"] == "Progression 5mi"
    calendar = (demo.folder / "progression-5mi.ics").read_text()
    assert "DTSTART:20250902T070000" in calendar
    assert "RRULE:FREQ=WEEKLY;COUNT=24;BYDAY=TU,FR" in calendar  # 12 weeks, never forever
    assert (demo.folder / "progression-5mi.png").read_bytes()[:8] == PNG_MAGIC
    assert (demo.folder / "progression-5mi.pdf").read_bytes()[:5] == b"%PDF-"


def test_twelve_weeks_of_watch_recordings(demo: Demo) -> None:
    text = _section(demo.output, 3)
    files = sorted((demo.folder / "watch").glob("*.fit"))
    assert len(files) == 36
    assert files[0].name == "2025-09-02-07-00-00.fit" and files[-1].name == "2025-11-23-07-00-00.fit"
    rows = [line.split("│") for line in text.splitlines() if re.match(r"^\s+\d+ │", line)]
    assert [int(row[0]) for row in rows] == list(range(1, 13))
    assert [row[1].strip() for row in (rows[0], rows[-1])] == ["22:30", "21:45"]
    assert [row[2].strip() for row in (rows[0], rows[-1])] == ["8:55 to 7:31", "8:36 to 7:15"]
    assert [row[3].strip() for row in rows[:3]] == ["too fast", "too fast", "±10 s/mi"]
    assert rows[-1][5].strip() == "5k time trial, 21:45"


def test_imports_into_its_own_log_and_dedups_the_second_time(demo: Demo) -> None:
    text = _section(demo.output, 4)
    assert f"A new training log, {demo.folder / 'progrun.db'} (never your own)" in text.replace("\n", " ")
    assert "imported 36, duplicates 0, skipped 0 (not runs), failed 0" in text
    assert "Kinds found on import: 24 progression, 11 easy, 1 threshold" in text
    assert (
        "Importing the same folder again: imported 0, duplicates 36, skipped 0 (not runs), failed 0" in text
    )
    with Store.open(f"sqlite:///{demo.folder / 'progrun.db'}") as store:
        assert store.count_activities() == 36
        runs = store.list_activities(progression_only=True)
        assert len(runs) == 24
        linked = [store.detail(run.id).verdict for run in runs]
        assert all(verdict is not None and verdict.plan_id is not None for verdict in linked)


def test_judges_the_latest_progression_run_against_its_plan(demo: Demo) -> None:
    text = _section(demo.output, 5)
    assert "The latest progression run, Prog W12 Fri on 2025-11-21" in text
    assert "plan 24 'Prog W12 Fri' (linked by workout name)" in text.replace("\n", " ")
    rows = [line.split("│") for line in text.splitlines() if line.startswith("Mile ")]
    assert [row[1].strip() for row in rows] == ["8:36", "8:09", "7:42", "7:15", "7:15"]
    actual = [_pace_s(row[3].strip()) for row in rows]
    assert all(later < earlier for earlier, later in itertools.pairwise(actual))
    assert [row[8].strip() for row in rows] == ["in band"] * 5
    assert (
        "Score 100 / 100   progressed: yes   target reached: yes   tempo splits: 2 (cap 3)   cooldown: 300 s"
        in text
    )
    assert (demo.folder / "verdict.png").read_bytes()[:8] == PNG_MAGIC


def test_progress_shows_the_improvement_built_in(demo: Demo) -> None:
    text = _section(demo.output, 6)
    rows = re.findall(r"^(\d{4}-\d\d-\d\d) │\s+2 │\s+(\d+:\d\d)/mi │\s+(\d+) │\s+(\d+) │", text, re.M)
    assert len(rows) == 12
    finals = [_pace_s(row[1]) for row in rows]
    scores = [int(row[2]) for row in rows]
    heart_rates = [int(row[3]) for row in rows]
    assert (finals[0], finals[-1]) == (_pace_s("7:55"), _pace_s("7:14"))  # the last mile the judge matched
    assert max(scores[:2]) < 60 and scores[-3:] == [100, 100, 100]
    assert heart_rates[-1] < heart_rates[0]
    assert (
        "Trend: getting faster: final split 1.8 s/km quicker each week; steadier: score +4.0 a week" in text
    )
    with Store.open(f"sqlite:///{demo.folder / 'progrun.db'}") as store:
        trend = progress_view(store).trend
    assert trend.pace_change_s_per_km_per_week < -1.0
    assert trend.hr_change_bpm_per_week == pytest.approx(-0.6, abs=0.1)
    assert (demo.folder / "progress.png").read_bytes()[:8] == PNG_MAGIC
    # The hard day (yesterday's 5k time trial) leads the advice, then the week's count.
    assert "2025-11-24: run easy today: a hard session yesterday (2025-11-23: a threshold session); 3" in text
    assert "; 3 progression/threshold sessions in the last 7 days" in " ".join(text.split())
    assert "Fitness: VDOT 45.1 from 3.11 mi in 21:46 on 2025-11-23" in text


def test_ends_with_the_runners_own_commands(demo: Demo) -> None:
    text = _section(demo.output, 7)
    for command in (
        "progrun plan --race 5k=YOUR_TIME --distance 5mi",
        "progrun import ~/Downloads/export.zip",
        "progrun progress",
        "progrun next",
    ):
        assert command in text


def test_history_is_the_same_on_every_call() -> None:
    first, again = demo_history(weeks=2), demo_history(weeks=2)
    assert [run.name for run in first] == [
        "Prog W01 Tue",
        "Prog W01 Fri",
        "Easy W01 Sun",
        "Prog W02 Tue",
        "Prog W02 Fri",
        "5k time trial W02 Sun",
    ]
    assert [run.behaviour for run in first] == [
        "too_fast",
        "follow",
        "easy",
        "too_fast",
        "follow",
        "time_trial",
    ]
    for one, other in zip(first, again, strict=True):
        assert one.activity.start == other.activity.start
        assert (one.activity.distance_m == other.activity.distance_m).all()
    trial = first[-1].activity
    assert trial.total_distance_m == pytest.approx(5000.0, abs=0.01)
    assert trial.time_s[-1] == pytest.approx(LAST_RACE_TIME_S, abs=3.0)


def test_one_week_at_one_hertz_ends_with_the_time_trial() -> None:
    runs = demo_history(weeks=1, record_every_s=1)
    assert [(run.kind, run.race_time_s) for run in runs] == [
        ("progression", FIRST_RACE_TIME_S),
        ("progression", FIRST_RACE_TIME_S),
        ("time trial", FIRST_RACE_TIME_S),
    ]
    assert all((np.diff(run.activity.time_s) <= 1.0).all() for run in runs)
    assert demo_history(weeks=1, time_trial=False)[-1].kind == "easy"


@pytest.mark.parametrize(("target", "problem"), [(".", "is not empty"), ("kept.txt", "is a file")])
def test_out_must_be_new_or_empty(tmp_path: Path, target: str, problem: str) -> None:
    (tmp_path / "kept.txt").write_text("mine")
    out = tmp_path / target
    done = subprocess.run(
        [sys.executable, "-m", "progrun", "demo", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        f"Error: --out {out} {problem}; give a new or empty folder, or leave --out out"
    ]
    assert [path.name for path in tmp_path.iterdir()] == ["kept.txt"]
    assert (tmp_path / "kept.txt").read_text() == "mine"


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(cli, ["demo", "--help"])
    assert result.exit_code == 0
    assert "progrun demo --out demo-files" in result.output.split("Example:")[1]
