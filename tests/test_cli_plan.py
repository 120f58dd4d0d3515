"""`progrun plan`: table, JSON contract, CSV, Markdown, files, help and exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from progrun.cli import cli
from progrun.plan_io import plan_from_json
from progrun.units import METRES_PER_MILE
from tests.plan_helpers import STEP_KEYS, TOP_KEYS


@pytest.fixture(autouse=True)
def _no_training_log(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every plan test sees an empty data directory, never the user's own training log."""
    data_dir = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("PROGRUN_DATA_DIR", str(data_dir))
    monkeypatch.delenv("PROGRUN_DB", raising=False)
    return data_dir


def run(*args: str):
    return CliRunner().invoke(cli, ["plan", *args])


def run_json(*args: str) -> dict:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def run_process(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "progrun", *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_table_for_5k_20_00_five_miles() -> None:
    result = run("--race", "5k=20:00", "--distance", "5mi")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].strip() == "Progression run: 5 mi, easy start to 10k pace"
    assert lines[3].split() == [
        "1",
        "│",
        "1",
        "mi",
        "│",
        "7:58",
        "│",
        "7:53-8:08",
        "│",
        "7:58",
        "│",
        "7:58",
        "│",
        "settle",
        "in",
    ]
    assert "26 s faster: tempo" in lines[6]
    assert lines[8].split()[:6] == ["CD", "│", "5:00", "│", "10:35", "│"]
    assert "Total: 5 mi in about 40:58 with the cooldown; 13:21 at 10k pace 6:40/mi." in result.output
    assert "step: 26 s/mi faster each split, landing on the target" in result.output
    assert "Warning" not in result.output


def test_json_contract_for_10k_50_00_eight_km() -> None:
    data = run_json("--race", "10k=50:00", "--distance", "8km")
    assert set(data) == TOP_KEYS
    assert data["unit"] == "km"  # from the distance
    assert [step["kind"] for step in data["steps"]] == ["build"] * 6 + ["tempo"] * 2 + ["cooldown"]
    assert all(set(step) == STEP_KEYS | {"distance_m"} for step in data["steps"][:-1])
    assert set(data["steps"][-1]) == STEP_KEYS | {"duration_s"}
    assert [round(step["pace_s_per_km"], 1) for step in data["steps"][:-1]] == [
        384.0, 370.0, 356.0, 342.0, 328.0, 314.0, 300.0, 300.0
    ]  # fmt: skip
    assert data["total_distance_m"] == pytest.approx(8000.0)
    assert data["estimated_time_s"] == pytest.approx(2994.0, abs=0.01)
    assert data["tempo_time_s"] == pytest.approx(600.0, abs=0.01)
    assert data["step_s"] == 14.0
    assert data["warnings"] == []
    assert data["start_s_per_km"] == pytest.approx(384.0, abs=0.01)
    assert data["target_s_per_km"] == pytest.approx(300.0, abs=0.01)


def test_unit_follows_the_distance_unless_given() -> None:
    assert run_json("--race", "5k=20:00", "--distance", "5 miles")["unit"] == "mi"
    assert run_json("--race", "5k=20:00", "--distance", "8km")["unit"] == "km"
    assert run_json("--race", "5k=20:00", "--distance", "5mi", "--unit", "km")["unit"] == "km"


def test_entered_paces_are_read_in_the_split_unit() -> None:
    data = run_json("--marathon-pace", "8:30", "--target-pace", "7:30", "--distance", "3mi")
    assert data["target_s_per_km"] == pytest.approx(450 / 1.609344, abs=0.01)
    assert data["start_kind"] == "marathon"
    assert data["start_s_per_km"] == pytest.approx(510 / 1.609344, abs=0.01)
    assert [step["cue"] for step in data["steps"]] == [
        "settle in",
        "30 s faster",
        "30 s faster: tempo",
        "walk/jog 5 min",
    ]


def test_options_reach_the_planner() -> None:
    data = run_json(
        "--race", "5k=20:00", "--distance", "5.5mi", "--start", "easy", "--target", "5k", "--step", "25",
        "--tempo-splits", "3", "--warmup", "--cooldown", "10min",
    )  # fmt: skip
    assert data["options"]["start"] == "easy" and data["options"]["target"] == "5k"
    assert data["step_s"] == 25.0
    assert data["steps"][0]["kind"] == "warmup"
    assert data["steps"][-2]["distance_m"] == pytest.approx(0.5 * METRES_PER_MILE)
    assert data["steps"][-1]["duration_s"] == 600.0


def test_a_request_outside_the_method_is_planned_with_a_warning() -> None:
    data = run_json("--race", "5k=20:00", "--distance", "8mi")
    assert data["warnings"] == ["8 mi is outside the method's 3 to 6 miles (5 to 10 km)"]
    result = run("--race", "5k=20:00", "--distance", "5mi", "--step", "40")
    assert result.exit_code == 0
    assert "Warning: a 40 s/mi step is outside the method's 15-30 s/mi" in result.output


def test_csv_and_markdown() -> None:
    result = run("--race", "5k=20:00", "--distance", "5mi", "--csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [row["pace"] for row in rows] == [
        "7:58/mi",
        "7:32/mi",
        "7:06/mi",
        "6:40/mi",
        "6:40/mi",
        "10:35/mi",
    ]
    result = run("--race", "5k=20:00", "--distance", "5mi", "--markdown")
    assert result.output.splitlines()[2] == "| 1 | 1 mi | 7:58/mi | 7:53-8:08 | 7:58 | 7:58 | settle in |"


def test_output_file_round_trips(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    result = run("--race", "5k=20:00", "--distance", "5mi", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Wrote {out} (5 mi in about 40:58")
    plan = plan_from_json(out)
    assert plan.step_s_per_unit == 26.0 and plan.tempo_splits == 2
    markdown = tmp_path / "plan.md"
    assert run("--race", "5k=20:00", "--distance", "5mi", "-o", str(markdown)).exit_code == 0
    assert markdown.read_text(encoding="utf-8").startswith("| # | distance |")


@pytest.mark.parametrize(
    "args",
    [
        ["--distance", "5mi"],  # no paces
        ["--race", "5k=20:00"],  # no distance
        ["--race", "5k=20:00", "--marathon-pace", "8:30", "--distance", "5mi"],
        ["--race", "5k", "--distance", "5mi"],
        ["--race", "5k=20:00", "--distance", "five"],
        ["--race", "5k=20:00", "--distance", "5mi", "--start", "fast"],
        ["--race", "5k=20:00", "--distance", "5mi", "--json", "--csv"],
        ["--race", "5k=20:00", "--distance", "5mi", "-o", "plan.txt"],
        ["--marathon-pace", "8:x0", "--distance", "5mi"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--race", "5k=20:00", "--distance", "3mi", "--start", "easy", "--target", "5k"],
            "Error: distance: easy pace 7:57-8:59/mi is 90 s/mi slower than 5k pace 6:26/mi; 3 splits with "
            "30 s steps close at most 60 s/mi; try a longer run (--distance 5mi), or a marathon-pace start "
            "(--start marathon, marathon pace 7:18/mi)",
        ),
        (
            ["--race", "5k=20:00", "--distance", "5mi", "--tempo-splits", "4"],
            "Error: tempo_splits: 4 splits at the target is outside the method (1 to 3); "
            "use --tempo-splits 2 (the default) or 3",
        ),
        (
            ["--marathon-pace", "7:00", "--target-pace", "7:30", "--distance", "4mi", "--start", "marathon"],
            "Error: target: 10k pace 7:30/mi is not faster than the start",
        ),
    ],
)
def test_domain_errors_are_one_line_with_exit_1(args: list[str], message: str) -> None:
    done = run_process("plan", *args)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith(message)
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_usage_error_exit_code_through_main() -> None:
    done = run_process("plan", "--distance", "5mi")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(cli, ["plan", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert "progrun plan" in result.output.split("Example:")[1]


# -- the frequency guard (--db, --strict) --------------------------------------------------------------

PLAN_ARGS = ["--race", "5k=20:00", "--distance", "5mi"]


def _log_with(path: Path, days_ago_kinds: list[tuple[int, str]]) -> str:
    """A training log holding one synthetic run per (days ago, "progression" or "easy"), at 07:00 UTC."""
    from datetime import UTC, datetime, timedelta

    from progrun.storage import Store
    from progrun.training_log.runs import AnalysisContext, analyse
    from tests.synthetic_runs import easy_paces, gpx_text, progression_paces, synthetic_run

    today = datetime.now(UTC).replace(hour=7, minute=0, second=0, microsecond=0)
    url = f"sqlite:///{path}"
    with Store.open(url) as store:
        for days_ago, kind in days_ago_kinds:
            paces = progression_paces(0) if kind == "progression" else easy_paces(days_ago)
            activity = synthetic_run(today - timedelta(days=days_ago), paces)
            raw = gpx_text(activity).encode()
            run = analyse(activity, raw, source_name=f"{days_ago}.gpx", name="", context=AnalysisContext())
            assert run.kind == kind
            assert store.add_run(run).status == "imported"
    return url


def test_no_training_log_yet_skips_the_guard_and_creates_nothing(
    _no_training_log: Path, tmp_path: Path
) -> None:
    result = run(*PLAN_ARGS, "--strict")
    assert result.exit_code == 0, result.output
    assert "Warning" not in result.output
    assert list(_no_training_log.iterdir()) == []  # the default log was not created
    missing = tmp_path / "nowhere" / "log.db"
    result = run(*PLAN_ARGS, "--strict", "--db", str(missing))
    assert result.exit_code == 0, result.output
    assert not missing.parent.exists()


def test_two_quality_sessions_this_week_warn_and_strict_refuses(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    _log_with(db, [(5, "progression"), (3, "progression"), (2, "easy")])
    warned = run(*PLAN_ARGS, "--json", "--db", str(db))
    assert warned.exit_code == 0
    assert json.loads(warned.stdout)["unit"] == "mi"  # the plan itself is unchanged on stdout
    assert warned.stderr.startswith("Warning: 2 progression/threshold sessions in the last 7 days (")
    assert "the method allows at most 2 a week (--strict refuses)" in warned.stderr
    done = run_process("plan", *PLAN_ARGS, "--strict", "--db", str(db))
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("Error: training log: 2 progression/threshold sessions in the last 7 days")
    assert done.stderr.rstrip().endswith("plan an easy run instead, or drop --strict to be warned only")
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_hard_session_yesterday_warns_and_the_default_log_is_used(
    _no_training_log: Path, tmp_path: Path
) -> None:
    _log_with(_no_training_log / "progrun.db", [(1, "progression"), (9, "progression")])
    result = run(*PLAN_ARGS)
    assert result.exit_code == 0
    assert "a hard session yesterday" in result.stderr and "progression/threshold" not in result.stderr
    assert run(*PLAN_ARGS, "--strict").exit_code == 1
    easy_only = tmp_path / "easy.db"
    _log_with(easy_only, [(1, "easy"), (2, "easy")])
    calm = run(*PLAN_ARGS, "--strict", "--db", str(easy_only))
    assert calm.exit_code == 0 and calm.stderr == ""


def test_save_keeps_the_plan_in_the_log_for_its_day_and_workout_name(tmp_path: Path) -> None:
    from datetime import date

    from progrun.storage import Store

    url = f"sqlite:///{tmp_path / 'log.db'}"
    result = run("--race", "5k=20:00", "--distance", "5mi", "--save", "--on", "2026-12-01", "--db", url)
    assert result.exit_code == 0, result.output
    assert (
        "Saved plan 1 to the training log: a run on 2026-12-01 or a run of the FIT workout " in result.output
    )
    with Store.open(url) as store:
        [stored] = store.plans()
    assert (stored.plan_id, stored.planned_on, stored.name) == (1, date(2026, 12, 1), "Progression 5mi")
    saved = stored.plan
    assert [round(step.pace_s_per_km, 1) for step in saved.running_steps] == [
        round(step["pace_s_per_km"], 1)
        for step in run_json("--race", "5k=20:00", "--distance", "5mi")["steps"]
        if step["kind"] != "cooldown"
    ]


def test_a_named_plan_is_saved_under_its_name(tmp_path: Path) -> None:
    from progrun.storage import Store

    url = f"sqlite:///{tmp_path / 'log.db'}"
    result = run(
        "--race", "5k=20:00", "--distance", "5mi", "--name", " Tuesday build ", "--save", "--db", url
    )
    assert result.exit_code == 0, result.output
    assert "a run of the FIT workout 'Tuesday build'" in result.output
    with Store.open(url) as store:
        [stored] = store.plans()
    assert stored.name == "Tuesday build"
    assert stored.plan.name == "Tuesday build"
    assert stored.to_dict()["name"] == "Tuesday build" and stored.to_dict()["id"] == stored.plan_id


def test_a_name_with_control_characters_is_refused_naming_the_option() -> None:
    result = run("--race", "5k=20:00", "--distance", "5mi", "--name", "a\x1b[2Jb")
    assert result.exit_code == 1
    assert "name: " in result.output and "holds control characters" in result.output


def test_on_without_save_is_a_usage_error() -> None:
    result = run("--race", "5k=20:00", "--distance", "5mi", "--on", "2026-12-01")
    assert result.exit_code == 2
    assert "--on gives the day of a saved plan; add --save" in result.output
