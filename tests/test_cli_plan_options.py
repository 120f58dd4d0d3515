"""Plan options shared by `plan`, `export` and `judge`: the same options, help, plans and errors."""

from __future__ import annotations

import json
import string
import xml.etree.ElementTree as ET
from pathlib import Path

import click
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from progrun.cli import cli, main
from progrun.cli.plan_options import PLAN_OPTIONS, PlanRequest, build_requested_plan, split_unit_of
from progrun.formats.fit_writer import write_fit_activity
from progrun.plan import SplitUnit
from progrun.plan_io import plan_to_json
from progrun.simulate import simulate_run
from progrun.units import METRES_PER_MILE

PACES = ["--marathon-pace", "8:30", "--target-pace", "7:30", "--distance", "4mi"]


@pytest.fixture(autouse=True)
def _no_training_log(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """`progrun plan` checks the training log; these tests never see the user's own."""
    monkeypatch.setenv("PROGRUN_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.delenv("PROGRUN_DB", raising=False)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A 4-mile plan from entered paces with a 10-minute cooldown, and the FIT file of a runner who ran it."""
    folder = tmp_path_factory.mktemp("recorded")
    plan, _ = build_requested_plan(
        PlanRequest(marathon_pace="8:30", target_pace="7:30", distance="4mi", cooldown="10min")
    )
    plan_path = folder / "plan.json"
    plan_path.write_text(plan_to_json(plan), encoding="utf-8")
    run_path = folder / "run.fit"
    run_path.write_bytes(write_fit_activity(simulate_run(plan, seed=5)))
    return plan_path, run_path


def run_main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit status, stdout and stderr of `progrun ARGV`, through `main()` as the installed script runs it."""
    try:
        main(list(argv))
        code = 0
    except SystemExit as done:
        code = int(done.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def in_each_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, run_file: Path, args: list[str]
) -> dict[str, tuple[int, str]]:
    """command -> (exit status, last stderr line) for the same plan options given to plan, export, judge."""
    argvs = {
        "plan": ["plan", *args],
        "export": ["export", *args, "--to", "json", "-o", str(tmp_path / "out.json")],
        "judge": ["judge", str(run_file), *args],
    }
    results = {}
    for name, argv in argvs.items():
        code, _, err = run_main(capsys, *argv)
        results[name] = (code, err.strip().splitlines()[-1] if err.strip() else "")
    return results


# -- declared once: the same options and help everywhere ------------------------------------------------


def _help_records(command_name: str) -> dict[str, tuple[str, str]]:
    root = click.Context(cli, info_name="progrun")
    command = cli.get_command(root, command_name)
    assert command is not None
    context = click.Context(command, info_name=command_name, parent=root)
    records = {}
    for param in command.params:
        record = param.get_help_record(context)
        if record is not None:
            records[param.opts[-1]] = record
    return records


def test_every_command_declares_the_plan_options_with_the_same_help() -> None:
    plan, export, judge = (_help_records(name) for name in ("plan", "export", "judge"))
    for flag in PLAN_OPTIONS.values():
        assert plan[flag] == export[flag] == judge[flag], flag
    assert plan["--distance"] == ("--distance DIST", "Total run: 5mi, 8km, 5.5mi (or --duration).")
    assert plan["--race"] == ("--race DIST=TIME", "A race result: 5k=20:00, 10k=50:00, half=1:45:00.")
    assert plan["--cooldown"] == ("--cooldown DURATION", "Walk/jog after the run (0: none).  [default: 5min]")
    assert export["--plan"] == judge["--plan"]
    assert export["--plan"][0] == "--plan FILE"
    assert "--plan" not in plan


# -- export and judge now take entered paces and --cooldown ----------------------------------------------


def test_export_builds_the_plan_plan_builds_from_entered_paces_and_cooldown(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "plan.json"
    code, output, _ = run_main(
        capsys, "export", *PACES, "--cooldown", "10min", "--to", "json", "-o", str(out)
    )
    assert code == 0, output
    exported = json.loads(out.read_text(encoding="utf-8"))
    code, printed, _ = run_main(capsys, "plan", *PACES, "--cooldown", "10min", "--json")
    assert code == 0
    assert exported == json.loads(printed)
    assert exported["unit"] == "mi" and exported["start_kind"] == "marathon"
    assert [round(step["pace_s_per_km"], 1) for step in exported["steps"]] == [
        316.9,
        298.3,
        279.6,
        279.6,
        439.0,
    ]
    assert exported["target_s_per_km"] == pytest.approx(450 / 1.609344, abs=0.01)  # 7:30/mi, read per mile
    assert exported["steps"][-1]["kind"] == "cooldown"
    assert exported["steps"][-1]["duration_s"] == 600.0
    assert exported["total_distance_m"] == pytest.approx(4 * METRES_PER_MILE)


def test_export_zwo_from_entered_paces_is_against_their_target_pace(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "p.zwo"
    code, output, _ = run_main(capsys, "export", *PACES, "--to", "zwo", "-o", str(out))
    assert code == 0, output
    plan, _ = build_requested_plan(PlanRequest(marathon_pace="8:30", target_pace="7:30", distance="4mi"))
    assert plan.target_pace_s_per_km == pytest.approx(279.62, abs=0.01)  # the 7:30/mi entered
    powers = [step.get("Power") for step in ET.fromstring(out.read_bytes()).findall("./workout/SteadyState")]
    assert powers[0] == f"{279.617 / plan.running_steps[0].pace_s_per_km:.4f}" == "0.8824"


def test_judge_builds_the_plan_from_entered_paces_and_cooldown(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, recorded: tuple[Path, Path]
) -> None:
    plan_path, run_path = recorded
    code, output, _ = run_main(capsys, "judge", str(run_path), *PACES, "--cooldown", "10min", "--json")
    assert code == 0, output
    from_options = json.loads(output)
    assert from_options["score"] >= 95.0 and from_options["matched_by"] == "workout"
    assert [round(split["target_s_per_km"], 1) for split in from_options["splits"]] == [
        316.9,
        298.3,
        279.6,
        279.6,
    ]
    assert from_options["cooldown_s"] == pytest.approx(600.0, abs=2.0)
    _, saved_output, _ = run_main(capsys, "judge", str(run_path), "--plan", str(plan_path), "--json")
    assert json.loads(saved_output) == from_options
    # --cooldown reaches the plan: judged against a plan without one, the same run reads differently.
    no_cooldown_plan = tmp_path / "no-cooldown.json"
    no_cooldown_plan.write_text(
        plan_to_json(
            build_requested_plan(
                PlanRequest(marathon_pace="8:30", target_pace="7:30", distance="4mi", cooldown="0")
            )[0]
        ),
        encoding="utf-8",
    )
    _, without, _ = run_main(capsys, "judge", str(run_path), *PACES, "--cooldown", "0", "--json")
    _, saved_without, _ = run_main(capsys, "judge", str(run_path), "--plan", str(no_cooldown_plan), "--json")
    assert json.loads(without) == json.loads(saved_without) != from_options


# -- the same bad input, the same error -------------------------------------------------------------------

RACE = ["--race", "5k=20:00", "--distance", "5mi"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["--race", "5k", "--distance", "5mi"],
            2,
            "Error: Invalid value for '--race': '5k' is not a race result",
        ),
        (
            ["--race", "5k=twenty", "--distance", "5mi"],
            2,
            "Error: Invalid value for '--race': '5k=twenty' is not a race result; write it like 5k=20:00 or "
            "half=1:31:50; 'twenty' is not a duration",
        ),
        (
            ["--race", "5k=20:00", "--distance", "five"],
            2,
            "Error: Invalid value for '--distance': 'five' is not a",
        ),
        (
            ["--marathon-pace", "8:x0", "--distance", "5mi"],
            2,
            "Error: Invalid value for '--marathon-pace': '8:x0'",
        ),
        ([*RACE, "--target-pace", "7:30"], 2, "Error: give either --race or --target-pace, not both"),
        ([*RACE, "--cooldown", "soon"], 2, "Error: Invalid value for '--cooldown': 'soon' is not a duration"),
        ([*RACE, "--start", "fast"], 2, "Error: Invalid value for '--start': 'fast' is not one of 'auto',"),
        (
            ["--race", "5k=20:00"],
            2,
            "Error: give the run's length: --distance 5mi, or a run by time: --duration 40min",
        ),
        (
            [*RACE, "--tempo-splits", "4"],
            1,
            "Error: tempo_splits: 4 splits at the target is outside the method (1 to 3); "
            "use --tempo-splits 2 (the default) or 3",
        ),
        ([*RACE, "--step", "-3"], 1, "Error: step: -3.0 s is not a step; give a positive number of seconds"),
        (
            ["--race", "5k=20:00", "--distance", "3mi", "--start", "easy", "--target", "5k"],
            1,
            "Error: distance: easy pace 7:57-8:59/mi is 90 s/mi slower than 5k pace 6:26/mi",
        ),
        (
            ["--marathon-pace", "7:00", "--target-pace", "7:30", "--distance", "4mi", "--start", "marathon"],
            1,
            "Error: target: 10k pace 7:30/mi is not faster than the start (marathon pace 7:00/mi)",
        ),
        (
            ["--race", "5k=90:00", "--distance", "5mi"],
            1,
            "Error: race: 5000 m in 1:30:00 gives a VDOT of 6.8",
        ),
    ],
)
def test_the_same_bad_input_gives_the_same_error_in_every_command(
    args: list[str],
    code: int,
    message: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    recorded: tuple[Path, Path],
) -> None:
    results = in_each_command(capsys, tmp_path, recorded[1], args)
    assert results["plan"] == results["export"] == results["judge"], results
    got_code, line = results["plan"]
    assert got_code == code
    assert line.startswith(message)
    assert not (tmp_path / "out.json").exists()


def test_no_paces_names_the_saved_plan_where_a_command_takes_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, recorded: tuple[Path, Path]
) -> None:
    results = in_each_command(capsys, tmp_path, recorded[1], ["--distance", "5mi"])
    wanted = (
        "Error: give a race result (--race 5k=20:00) or your paces (--marathon-pace 8:30 --target-pace 7:30)"
    )
    assert results["plan"] == (2, wanted)
    assert results["export"] == results["judge"] == (2, wanted + ", or a saved plan (--plan plan.json)")


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (RACE, "--race, --distance"),
        (["--marathon-pace", "8:30"], "--marathon-pace"),
        (["--warmup", "--unit", "km"], "--unit, --warmup"),
        (["--tempo-splits", "2"], "--tempo-splits"),  # given, even at its default value
    ],
)
def test_a_saved_plan_does_not_mix_with_the_options_of_a_new_one(
    args: list[str],
    named: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    recorded: tuple[Path, Path],
) -> None:
    plan_path, run_path = recorded
    out = tmp_path / "out.fit"
    export = run_main(capsys, "export", "--plan", str(plan_path), *args, "--to", "fit", "-o", str(out))
    judge = run_main(capsys, "judge", str(run_path), "--plan", str(plan_path), *args)
    wanted = f"Error: give either --plan or the options of a new plan ({named}), not both"
    for code, _, err in (export, judge):
        assert code == 2
        assert err.strip().splitlines()[-1] == wanted
    assert not out.exists()


# -- the library side ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("distance", "unit"),
    [
        ("5mi", SplitUnit.MILE),
        ("5 miles", SplitUnit.MILE),
        ("1 mile", SplitUnit.MILE),
        ("5.5MI", SplitUnit.MILE),
        ("8km", SplitUnit.KM),
        ("10k", SplitUnit.KM),
        ("5000m", SplitUnit.KM),
        ("half", SplitUnit.KM),
    ],
)
def test_the_split_unit_follows_the_distance(distance: str, unit: SplitUnit) -> None:
    assert split_unit_of(distance) is unit


def test_a_request_builds_what_the_command_line_builds(capsys: pytest.CaptureFixture[str]) -> None:
    request = PlanRequest(race="10k=50:00", distance="8km", tempo_splits=3, warmup=True)
    plan, paces = build_requested_plan(request)
    assert paces is not None and paces.race_10k_s_per_km == pytest.approx(300.0, abs=0.01)
    code, printed, _ = run_main(
        capsys,
        "plan",
        "--race",
        "10k=50:00",
        "--distance",
        "8km",
        "--tempo-splits",
        "3",
        "--warmup",
        "--json",
    )
    assert code == 0
    assert json.loads(plan_to_json(plan)) == json.loads(printed)
    assert plan.unit is SplitUnit.KM and plan.tempo_splits == 3


@settings(max_examples=60, deadline=None)
@given(st.text(string.printable.replace("=", ""), max_size=12))
def test_a_race_not_written_dist_equals_time_is_a_usage_error(text: str) -> None:
    with pytest.raises(click.BadParameter, match="is not a race result"):
        build_requested_plan(PlanRequest(race=text, distance="5mi"))


@settings(max_examples=60, deadline=None)
@given(st.text(string.ascii_letters, min_size=1, max_size=8))
def test_a_race_whose_time_does_not_read_is_a_usage_error_too(time_text: str) -> None:
    with pytest.raises(click.BadParameter, match="is not a race result"):
        build_requested_plan(PlanRequest(race=f"5k={time_text}", distance="5mi"))
