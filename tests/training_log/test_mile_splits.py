"""One unit for a mile runner: stored runs are split in the profile's unit, and re-split when it changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from progrun.analysis import SplitRecord, whole_splits
from progrun.cli import cli
from progrun.storage import Store
from progrun.training_log import TrainingLog
from progrun.units import METRES_PER_MILE
from tests.synthetic_runs import BASE_START, gpx_text, synthetic_run

#: Runs across the range: 3-11 km at 3:30-7:30/km, none a whole number of miles.
RUNS = [(km, 210.0 + 30.0 * i) for i, km in enumerate((3, 5, 7, 9, 11))]


def _import_runs(log: TrainingLog, folder: Path) -> list[int]:
    for number, (km, pace) in enumerate(RUNS):
        start = BASE_START.replace(day=1 + number)
        (folder / f"run{number}.gpx").write_text(
            gpx_text(synthetic_run(start, [pace] * km)), encoding="utf-8"
        )
    report = log.import_files([folder], workers=1)
    assert report.imported == len(RUNS), report.to_dict()
    return list(report.imported_ids)


def _assert_split_in(splits: tuple[SplitRecord, ...], length_m: float, total_m: float) -> None:
    assert len(splits) == -(-round(total_m) // round(length_m))
    assert [round(s.distance_m, 1) for s in splits[:-1]] == [round(length_m, 1)] * (len(splits) - 1)
    assert sum(s.distance_m for s in splits) == pytest.approx(total_m, abs=1.0)
    assert splits[-1].distance_m < length_m + 1.0


def test_a_mile_runner_gets_mile_splits_and_a_unit_change_re_splits(store: Store, tmp_path: Path) -> None:
    log = TrainingLog(store)
    log.set_profile(units="mi")
    ids = _import_runs(log, tmp_path)
    for activity_id, (km, _pace) in zip(ids, RUNS, strict=True):
        view = log.activity(activity_id)
        assert view.detail.split_unit == "mi" and view.to_dict()["split_unit"] == "mi"
        _assert_split_in(view.detail.splits, METRES_PER_MILE, view.run.distance_m)
        assert view.run.distance_m == pytest.approx(km * 1000.0, rel=0.005)
    update = log.set_profile(units="km")
    assert (update.reanalysed, update.failed) == (len(RUNS), ())
    for activity_id in ids:
        view = log.activity(activity_id)
        assert view.detail.split_unit == "km"
        _assert_split_in(view.detail.splits, 1000.0, view.run.distance_m)
    assert log.set_profile(name="Ann").reanalysed is None  # a name splits nothing again


def test_whole_splits_leave_out_a_short_last_split_of_either_unit() -> None:
    for length_m in (1000.0, METRES_PER_MILE):
        for last_m in (0.3 * length_m, 0.7 * length_m, 0.98 * length_m):
            splits = (
                *(SplitRecord(i, length_m, length_m * 0.3, 300.0) for i in range(1, 4)),
                SplitRecord(4, last_m, last_m * 0.3, 300.0),
            )
            assert [s.index for s in whole_splits(splits)] == [1, 2, 3]
    assert whole_splits((SplitRecord(1, 995.0, 300.0, 301.0),)) != []  # one km-long split is whole
    assert whole_splits((SplitRecord(1, 800.0, 240.0, 300.0),)) == []


def test_show_in_miles_prints_whole_mile_rows(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'log.db'}"
    runner = CliRunner()
    assert runner.invoke(cli, ["profile", "--units", "mi", "--db", db]).exit_code == 0
    folder = tmp_path / "runs"
    folder.mkdir()
    (folder / "run.gpx").write_text(gpx_text(synthetic_run(BASE_START, [300.0] * 8)), encoding="utf-8")
    assert runner.invoke(cli, ["import", str(folder), "--db", db]).exit_code == 0
    shown = runner.invoke(cli, ["show", "1", "--json", "--db", db])
    data = json.loads(shown.output)
    assert data["split_unit"] == "mi"
    distances = [split["distance_m"] for split in data["splits"]]
    assert [round(d, 1) for d in distances[:4]] == [round(METRES_PER_MILE, 1)] * 4
    assert len(distances) == 5 and distances[4] == pytest.approx(8000.0 - 4 * METRES_PER_MILE, rel=0.05)
    table = runner.invoke(cli, ["show", "1", "--db", db], terminal_width=200).output
    assert "0.62 mi" not in table and table.count("1.00 mi") + table.count("1 mi ") >= 4
