"""Names from files are data: generated hostile names through every command that prints them.

Names come in as a Strava `activities.csv` cell and as a FIT workout name. Each is built from fragments
of one class of attack: rich markup (`[/x]`, `[link=...]`), emoji codes, terminal escape sequences (CSI
colours, OSC 8 hyperlinks, OSC 52 clipboard writes, 8-bit C1 CSI), CR and backspace overwrites, bidi
overrides, and spreadsheet formulas. `history` and `show` must run, print no control character and show
the name as text; `--json` must give the name back exactly with no raw control character on the
terminal; `export-data` must neutralise formulas.
"""

from __future__ import annotations

import csv
import json
import random
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from progrun.cli import cli
from progrun.cli.safe_text import UNSAFE, csv_cell, terminal_text
from progrun.formats.fit_writer import write_fit_activity
from tests.synthetic_runs import BASE_START, easy_paces, gpx_text, synthetic_run

MARKUP = ["[/x]", "[/]", "[bold red]", "[link=https://evil.example]click[/link]", "[#ff0000]", "name\\"]
ESCAPES = [
    "\x1b[31mred\x1b[0m",
    "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "\x1b]52;c;ZXZpbA==\x07",
    "\x1b[2J\x1b[H",
    "\x9b31m",
    "over\rwrite",
    "back\x08\x08space",
    "\u202eevil\u202c",
    "\x00nul",
]
FORMULAS = ['=HYPERLINK("https://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0"]
TEXT = ["Morning run", ":warning:", "Läufchen ⚡", "tempo"]
NAMES = 24


def hostile_names(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    names = []
    for index in range(count):
        pool = (MARKUP, ESCAPES, FORMULAS, TEXT)[index % 4]
        parts = [rng.choice(pool), rng.choice(TEXT), rng.choice(MARKUP + ESCAPES)]
        names.append("".join(parts if index % 3 else [parts[0], *parts[1:][::-1]]))
    return names


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("export")
    names = hostile_names(7, NAMES)
    rows = [["Activity ID", "Activity Name", "Activity Type", "Filename"]]
    for day, name in enumerate(names):
        run = synthetic_run(BASE_START + timedelta(days=day), easy_paces(day)[:2])
        (folder / f"{day}.gpx").write_text(gpx_text(run), encoding="utf-8")
        rows.append([str(day), name, "Run", f"activities/{day}.gpx"])
    with (folder / "activities.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    workout = "[/x]\x1b]8;;https://evil.example\x1b\\=WEBSERVICE(1)"
    run = synthetic_run(BASE_START + timedelta(days=NAMES), easy_paces(99)[:2])
    (folder / "workout.fit").write_bytes(write_fit_activity(run, workout_name=workout))
    db = folder / "log.db"
    result = CliRunner().invoke(cli, ["import", str(folder), "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["imported"] == NAMES + 1
    return db, [*names, workout]


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def assert_clean(output: str) -> None:
    raw = sorted({hex(ord(char)) for char in UNSAFE.findall(output) if char != "\n"})
    assert raw == [], f"control or bidi characters reached the terminal: {raw}"


_CACHE: dict[Path, dict[int, str]] = {}


def stored_names_cache(db: Path) -> dict[int, str]:
    if db not in _CACHE:
        _CACHE[db] = stored_names(db)
    return _CACHE[db]


def stored_names(db: Path) -> dict[int, str]:
    shown = json.loads(invoke("history", "--json", "--db", str(db)).stdout)
    names: dict[int, str] = {}
    for row in shown:
        names[row["id"]] = json.loads(invoke("show", str(row["id"]), "--json", "--db", str(db)).stdout)[
            "name"
        ]
    return names


def test_names_survive_exactly_in_json_and_reach_the_terminal_escaped(log: tuple[Path, list[str]]) -> None:
    db, names = log
    stored = stored_names(db)
    # the CSV is read as text, so a CR inside a cell arrives as a newline
    assert sorted(stored.values()) == sorted(name.strip().replace("\r", "\n") for name in names)
    for activity_id, name in stored.items():
        result = invoke("show", str(activity_id), "--db", str(db))
        assert_clean(result.output)
        assert result.output.splitlines()[0] == f"Run {activity_id}: {terminal_text(name)}"
        as_json = invoke("show", str(activity_id), "--json", "--db", str(db)).stdout
        assert_clean(as_json)


def test_history_prints_every_hostile_name_as_text(log: tuple[Path, list[str]]) -> None:
    db, _ = log
    result = invoke("history", "--db", str(db))
    assert_clean(result.output)
    assert result.output.count("\n") >= NAMES + 1
    rows = [row for row in result.output.splitlines()[3:] if row.split("│")[0].strip().isdigit()]
    assert len(rows) == NAMES + 1  # (a long name wraps onto the lines below its row)
    for row in rows:  # the Name cell starts as the name's own text (markup and emoji codes literal)
        activity_id, name_cell = int(row.split("│")[0]), row.split("│")[-1].strip()
        name = stored_names_cache(db)[activity_id]
        assert terminal_text(name).startswith(name_cell.rstrip("…"))
    assert "[/x]" in result.output
    assert ":warning:" in result.output


def test_export_data_csv_neutralises_formulas(log: tuple[Path, list[str]], tmp_path: Path) -> None:
    db, _ = log
    out = tmp_path / "out"
    invoke("export-data", str(out), "--db", str(db))
    with (out / "activities.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    stored = stored_names(db)
    assert {int(row["id"]): row["name"] for row in rows} == {
        key: csv_cell(value) for key, value in stored.items()
    }
    formula_like = [row["name"] for row in rows if row["name"][:1] in {"=", "+", "-", "@"}]
    assert formula_like == []
    assert sum(row["name"].startswith("'") for row in rows) >= 5


@pytest.mark.parametrize("name", [*MARKUP, *ESCAPES, *FORMULAS])
def test_terminal_text_leaves_no_control_character(name: str) -> None:
    assert not [char for char in terminal_text(name) if UNSAFE.match(char)]
