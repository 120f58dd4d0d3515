"""The training-log commands through click's CliRunner and `python -m progrun`."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from progrun.cli import cli, main
from progrun.storage import Store
from tests.conftest import ACTIVITIES
from tests.synthetic_runs import easy_paces, fit_bytes, progression_paces, synthetic_run, week_start

#: The parts of `import --json` that are empty when no file was damaged or warned about.
NOTHING_ELSE = {"ignored": 0, "partial": [], "replaced": [], "warning_count": 0, "warnings": []}


@pytest.fixture(scope="session")
def history_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """12 weeks: two progression runs a week, 3 s/km faster each week, HR 0.8 bpm lower; one easy run."""
    folder = tmp_path_factory.mktemp("runs")
    for week in range(12):
        for day in (0, 3):
            run = synthetic_run(
                week_start(week) + timedelta(days=day), progression_paces(week), hr_base_bpm=120 - 0.8 * week
            )
            (folder / f"w{week:02d}d{day}.fit").write_bytes(fit_bytes(run, record_every_s=3))
        easy = synthetic_run(week_start(week) + timedelta(days=1), easy_paces(week))
        (folder / f"w{week:02d}easy.fit").write_bytes(fit_bytes(easy, record_every_s=3))
    return folder


def _run(args: list[str], db: Path, *, exit_code: int = 0) -> str:
    result = CliRunner().invoke(cli, [*args, "--db", str(db)], catch_exceptions=False)
    assert result.exit_code == exit_code, result.output
    return result.stdout  # stderr may say "created a new training log at ..."


def test_import_history_show_progress_next(history_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    _run(["profile", "--hr-max", "190", "--hr-rest", "50"], db)
    first = json.loads(_run(["import", str(history_dir), "--json"], db))
    assert first == {"imported": 36, "duplicates": 0, "skipped": 0, "failed": [], **NOTHING_ELSE}
    again = json.loads(_run(["import", str(history_dir), "--json"], db))
    assert again == {"imported": 0, "duplicates": 36, "skipped": 0, "failed": [], **NOTHING_ELSE}
    rows = json.loads(_run(["history", "--json"], db))
    assert len(rows) == 36
    assert set(rows[0]) == {
        "id",
        "start",
        "sport",
        "distance_m",
        "duration_s",
        "is_progression",
        "score",
        "partial",
    }
    assert sum(row["is_progression"] for row in rows) == 24
    shown = json.loads(_run(["show", str(rows[0]["id"]), "--json"], db))
    assert [round(s["pace_s_per_km"]) for s in shown["splits"][:6]] == [330, 320, 310, 300, 290, 280]
    verdict = shown["verdict"]
    assert verdict["details"]["judged_against"] == "targets inferred from the run"
    assert verdict["progressed"] and verdict["target_reached"] and verdict["score"] == shown["score"]
    assert verdict["details"]["verdict"].startswith("Good progression run")
    assert {row["is_progression"] for row in rows if row["score"] is None} == {False}
    progress = json.loads(_run(["progress", "--json", "--chart", str(tmp_path / "p.png")], db))
    assert len(progress["weeks"]) == 12
    assert progress["pace_change_s_per_km_per_week"] == pytest.approx(-3.0, abs=0.1)
    assert progress["hr_change_bpm_per_week"] == pytest.approx(-0.8, abs=0.1)
    # Tempo splits as the judge counted them (one km at the inferred target each run), not km splits
    # near the threshold pace (which grew from 0 to 3 as the runs got faster).
    assert {week["tempo_splits_held"] for week in progress["weeks"]} == {1.0}
    assert (tmp_path / "p.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    advice = json.loads(_run(["next", "--today", "2024-05-24", "--json"], db))
    assert advice["progression_ok"] is False and len(advice["reasons"]) == 2
    assert advice["vdot"] == pytest.approx(44.3, abs=0.3)
    assert advice["ctl"] > 0 and advice["acwr"] is not None
    table = _run(["progress"], db)
    assert "getting faster: final split 3.0 s/km quicker each week" in table


def test_reanalyse_and_export_data(history_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    _run(["import", str(history_dir / "w00d0.fit"), str(history_dir / "w00easy.fit")], db)
    assert json.loads(_run(["reanalyse", "--all", "--json"], db)) == {"reanalysed": 2, "failed": []}
    out = _run(["export-data", str(tmp_path / "out")], db)
    assert "wrote 2 runs" in out
    lines = (tmp_path / "out" / "activities.csv").read_text().splitlines()
    assert lines[0].startswith("id,start,name,sport") and len(lines) == 3


def test_block_exports_ics_and_fit(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    _run(["profile", "--race", "5k=20:00"], db)
    rows = json.loads(
        _run(
            [
                "block",
                "--weeks",
                "8",
                "--start",
                "2024-06-03",
                "--ics",
                str(tmp_path / "b.ics"),
                "--fit-dir",
                str(tmp_path / "fit"),
                "--json",
            ],
            db,
        )
    )
    assert len(rows) == 14 and sum(r["down_week"] for r in rows) == 2
    assert (tmp_path / "b.ics").read_text().count("BEGIN:VEVENT") == 14
    assert len(list((tmp_path / "fit").glob("*.fit"))) == 14


def test_shared_corpus_twice_is_the_same_as_once(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    # the corpus's broken/ folder holds damaged files: refused, so the import exits 1
    first = json.loads(_run(["import", str(ACTIVITIES), "--json"], db, exit_code=1))
    with Store.open(f"sqlite:///{db}") as store:
        once = store.table_counts()
    second = json.loads(_run(["import", str(ACTIVITIES), "--json"], db, exit_code=1))
    with Store.open(f"sqlite:///{db}") as store:
        assert store.table_counts() == once  # the same database as after one import
        assert store.check_integrity().ok
    assert once["activities"] == first["imported"] and once["verdicts"] > 0
    assert first["imported"] > 30 and second["imported"] == 0
    assert second["duplicates"] == first["imported"] + first["duplicates"]
    assert second["failed"] == first["failed"]


def test_errors_exit_1_without_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "progrun", "show", "999", "--db", str(tmp_path / "log.db")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    created, error = result.stderr.splitlines()
    assert created == f"created a new training log at {tmp_path / 'log.db'}"
    assert error.startswith("Error: no activity '999' in the training log")
    assert "Traceback" not in result.stderr
    with pytest.raises(SystemExit) as usage:
        main(["history", "--limit", "0", "--db", str(tmp_path / "log.db")])
    assert usage.value.code == 2
