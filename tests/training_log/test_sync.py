"""`progrun sync` on a folder laid out as a Garmin watch lays it out, with generated FIT recordings."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from progrun.cli import cli
from progrun.training_log import TrainingLog
from progrun.training_log.sync import MANIFEST_NAME, sync_watch
from tests.synthetic_runs import fit_bytes, synthetic_run

START = datetime(2025, 5, 5, 7, 0, tzinfo=UTC)


def _watch(root: Path, recordings: int) -> Path:
    """/media/GARMIN with GARMIN/Activity/*.fit (runs of 5-6 km), GARMIN/NewFiles and GARMIN/Workouts."""
    garmin = root / "GARMIN"
    for folder in ("Activity", "NewFiles", "Workouts"):
        (garmin / folder).mkdir(parents=True)
    for index in range(recordings):
        _record(garmin, index)
    return root


def _record(garmin: Path, index: int) -> None:
    start = START + timedelta(days=2 * index)
    paces = [330.0 - 10.0 * split for split in range(5 + index % 2)]
    data = fit_bytes(synthetic_run(start, paces))
    (garmin / "Activity" / f"{start:%Y-%m-%d-%H-%M-%S}.fit").write_bytes(data)


@pytest.mark.parametrize("recordings", [1, 3, 6])
def test_sync_copies_the_workout_and_imports_once(tmp_path: Path, recordings: int) -> None:
    mount = _watch(tmp_path / "media", recordings)
    today = (START + timedelta(days=2 * recordings)).date()
    with TrainingLog.open(f"sqlite:///{tmp_path / 'log.db'}") as log:
        first = sync_watch(log, mount, today)
        assert first.imported is not None and first.imported.imported == recordings
        assert first.copied == [f"NewFiles/PROGRUN-{today:%Y%m%d}.FIT"]
        workout = mount / "GARMIN" / first.copied[0]
        # the workout file is a FIT workout (not an activity): a watch reads it as a workout
        assert workout.read_bytes()[8:12] == b".FIT"
        manifest = json.loads((mount / "GARMIN" / MANIFEST_NAME).read_text())
        assert len(manifest) == recordings
        again = sync_watch(log, mount, today)
        assert (again.copied, again.imported, again.known_recordings) == ([], None, recordings)
        assert again.already_there == [first.copied[0]]
        # the watch moved the workout into Workouts/: still nothing to copy
        workout.rename(mount / "GARMIN" / "Workouts" / workout.name)
        assert sync_watch(log, mount, today).copied == []
        # a new recording: only it is imported
        _record(mount / "GARMIN", recordings)
        third = sync_watch(log, mount, today)
        assert third.new_recordings == [f"{START + timedelta(days=2 * recordings):%Y-%m-%d-%H-%M-%S}.fit"]
        assert third.imported is not None and third.imported.imported == 1
        assert len(log.history(page_size=None).entries) == recordings + 1


def test_a_lost_manifest_relies_on_the_logs_dedup(tmp_path: Path) -> None:
    mount = _watch(tmp_path / "media", 2)
    with TrainingLog.open(f"sqlite:///{tmp_path / 'log.db'}") as log:
        sync_watch(log, mount, START.date())
        (mount / "GARMIN" / MANIFEST_NAME).unlink()
        again = sync_watch(log, mount, START.date())
        assert again.imported is not None
        assert (again.imported.imported, again.imported.duplicates) == (0, 2)


def test_cli_sync_and_a_folder_that_is_not_a_watch(tmp_path: Path) -> None:
    mount = _watch(tmp_path / "media", 2)
    db = str(tmp_path / "log.db")
    runner = CliRunner()
    args = ["sync", str(mount), "--today", "2025-05-09", "--db", db]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "copied the next workout to NewFiles/PROGRUN-20250509.FIT" in result.output
    assert (
        "recordings: 2 new, 2 imported, 0 already in the log, 0 failed (0 imported before)" in result.output
    )
    second = runner.invoke(cli, [*args, "--json"])
    data = json.loads(second.output)
    assert (data["copied"], data["imported"], data["known_recordings"]) == ([], 0, 2)
    empty = tmp_path / "usb"
    empty.mkdir()
    refused = runner.invoke(cli, ["sync", str(empty), "--db", db])
    assert refused.exit_code == 1 and "no GARMIN/Activity or GARMIN/NewFiles folder" in refused.output
