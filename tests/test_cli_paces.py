"""`progrun paces`: tables, JSON contract, help and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from progrun.cli import cli
from progrun.units import parse_pace

CONTRACT_EQUIVALENTS = {"1500m", "mile", "5k", "10k", "half", "marathon"}
PACE_KEYS = {"easy_slow", "easy_fast", "marathon", "threshold", "interval", "repetition", "10k", "5k"}


def run(*args: str):
    return CliRunner().invoke(cli, ["paces", *args])


def run_json(*args: str) -> dict:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def run_process(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "progrun", "paces", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# --- JSON contract ---------------------------------------------------------------------------------


def test_json_has_the_contract_keys_in_si_units():
    data = run_json("--race", "5k=20:00")
    assert {"vdot", "equivalents", "paces", "riegel", "warnings"} <= set(data)
    assert set(data["equivalents"]) == CONTRACT_EQUIVALENTS | {"3k", "15k"}
    assert set(data["paces"]) == PACE_KEYS
    assert set(data["riegel"]) == set(data["equivalents"])
    assert data["vdot"] == 49.81
    assert data["equivalents"]["5k"] == 1200.0
    assert data["equivalents"]["10k"] == pytest.approx(2488.0, abs=0.5)  # 41:28
    assert data["equivalents"]["marathon"] == pytest.approx(11477.0, abs=0.5)  # 3:11:17
    assert data["riegel"]["10k"] == pytest.approx(2502.0, abs=0.5)  # 41:42
    assert data["paces"]["5k"] == 240.0
    assert data["paces"]["threshold"] == pytest.approx(256.02, abs=0.01)
    assert data["paces"]["easy_slow"] > data["paces"]["easy_fast"] > data["paces"]["marathon"]
    assert data["warnings"] == []
    assert data["race"] == {"distance_m": 5000.0, "time_s": 1200.0}


def test_json_is_the_same_whatever_the_display_unit():
    km, mi = run_json("--race", "10k=50:00"), run_json("--race", "10k=50:00", "--unit", "mi")
    assert km["paces"] == mi["paces"]
    assert km["equivalents"] == mi["equivalents"]
    assert mi["unit"] == "mi"


def test_json_with_explain_adds_the_working():
    data = run_json("--race", "5k=20:00", "--explain")
    working = data["explain"]
    assert working["race_fraction_vo2max"] == pytest.approx(0.953, abs=1e-4)
    threshold = next(row for row in working["paces"] if row["name"] == "threshold")
    assert threshold["percent_vo2max"] == 88.0
    assert threshold["rule"] == "v(0.8799 × VDOT)"
    assert working["formulas"]


def test_entered_paces_are_read_in_the_display_unit_unless_suffixed():
    data = run_json("--marathon-pace", "8:30", "--10k-pace", "7:30", "--unit", "mi")
    assert set(data["paces"]) == PACE_KEYS
    assert data["paces"]["marathon"] == pytest.approx(parse_pace("8:30/mi"), abs=0.01)
    assert data["paces"]["10k"] == pytest.approx(parse_pace("7:30/mi"), abs=0.01)
    assert data["vdot"] == pytest.approx(42.61, abs=0.01)
    assert data["race"] is None
    assert data["riegel"]["10k"] == pytest.approx(parse_pace("7:30/mi") * 10, abs=0.1)
    suffixed = run_json("--marathon-pace", "5:17/km", "--unit", "mi")
    assert suffixed["paces"]["marathon"] == 317.0


def test_contradicting_paces_are_warned_about_but_answered():
    data = run_json("--marathon-pace", "7:00", "--5k-pace", "7:30", "--unit", "mi")
    assert len(data["warnings"]) == 2
    assert data["warnings"][0].startswith("5k pace 4:40/km (7:30/mi) is not faster than marathon pace")
    table = run("--marathon-pace", "7:00", "--5k-pace", "7:30", "--unit", "mi")
    assert table.exit_code == 0
    assert "Warning: 5k pace 4:40/km (7:30/mi) is not faster than marathon pace" in table.output


def test_only_an_easy_pace_gives_null_paces_and_equivalents():
    data = run_json("--easy-pace", "6:00")
    assert data["vdot"] is None
    assert set(data["paces"]) == PACE_KEYS
    assert data["paces"]["easy_slow"] == 360.0
    assert data["paces"]["marathon"] is None
    assert set(data["equivalents"]) >= CONTRACT_EQUIVALENTS
    assert all(value is None for value in data["equivalents"].values())
    assert data["riegel"] is None


# --- tables ----------------------------------------------------------------------------------------


def test_the_table_shows_vdot_paces_equivalents_and_riegel():
    result = run("--race", "5k=20:00")
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("VDOT 49.8 from your 5 km in 20:00\n")
    assert "│ 4:56-5:35/km │ 7:57-8:59/mi │" in out  # easy range
    assert "Threshold (T)  │      4:16/km │      6:52/mi │" in out
    assert "10 km         │     41:28 │     4:09 │   41:42" in out
    assert "Marathon      │   3:11:17 │     4:32 │ 3:11:49" in out
    assert "Warning" not in out


def test_unit_mi_shows_miles_first():
    out = run("--race", "5k=20:00", "--unit", "mi").output
    assert "Pace           ┃       per mi ┃       per km ┃" in out
    assert "Threshold (T)  │      6:52/mi │      4:16/km │" in out
    assert "Half marathon │   1:31:50 │     7:00 │ 1:32:00" in out


def test_explain_shows_the_working():
    out = run("--race", "5k=20:00", "--explain").output
    assert "VO2(v) = 47.46 ml/kg/min;  F(20.00 min) = 0.9530" in out
    assert "VDOT = 47.46 / 0.9530 = 49.81" in out
    assert "threshold pace  │ 4:16/km │     43.8 │   88.0 % │ v(0.8799 × VDOT)" in out
    assert "F(t) = 0.8 + 0.1894393 exp(-0.012778 t) + 0.2989558 exp(-0.1932605 t)" in out
    assert "Daniels & Gilbert, Oxygen Power" in out


def test_help_has_an_example_block():
    result = CliRunner().invoke(cli, ["paces", "--help"])
    assert result.exit_code == 0
    assert "  Example:\n    progrun paces --race 5k=20:00\n" in result.output
    assert "--marathon-pace PACE" in result.output


# --- errors and exit codes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--race", "5k=20"], "Invalid value for '--race': '5k=20' is not a race result"),
        (["--race", "5k"], "Invalid value for '--race'"),
        (["--marathon-pace", "8.30"], "Invalid value for '--marathon-pace': '8.30' is not a pace"),
        ([], "give a race result (--race 5k=20:00) or the paces you know"),
        (["--race", "5k=20:00", "--5k-pace", "4:00"], "give either --race or entered paces"),
        (["--race", "5k=20:00", "--unit", "furlong"], "Invalid value for '--unit'"),
    ],
)
def test_usage_errors_exit_2(args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output


def test_domain_errors_are_one_error_line_under_clirunner_too():
    result = run("--race", "5k=10:00")
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: race: 5000 m in 10:00 gives a VDOT of")


def test_a_race_outside_the_model_exits_1_with_one_line():
    result = run_process("--race", "5k=10:00")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: race: 5000 m in 10:00 gives a VDOT of 111.4, outside the model's range of 12 to 90; "
        "for 5000 m give a time from 12:01 to 1:02:36\n"
    )


def test_a_bad_race_text_exits_2_without_a_traceback():
    result = run_process("--race", "five k in twenty")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "Error: Invalid value for '--race': 'five k in twenty' is not a race result" in result.stderr


def test_an_800m_race_exits_1():
    result = run_process("--race", "800m=2:00", "--json")
    assert result.returncode == 1
    assert result.stderr.startswith("Error: race: a race of 800 m is outside what the VDOT model covers")
