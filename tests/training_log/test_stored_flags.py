"""What the log stores decides what it computes later: glitched splits stay out of the stored fitness,
and a ride is never analysed as a run (on SQLite and PostgreSQL, through the application layer)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest

from progrun.activity import Activity
from progrun.formats import read_activity
from progrun.splits import split_by_distance
from progrun.storage import Store
from progrun.training_log import TrainingLog
from progrun.training_log.views import fitness
from tests.synthetic_runs import BASE_START, fit_bytes, synthetic_run


def _with_jump(activity: Activity, at_s: float, jump_m: float) -> Activity:
    distance = activity.distance_m.copy()
    distance[activity.time_s >= at_s] += jump_m
    return dataclasses.replace(activity, distance_m=distance)


@pytest.mark.parametrize("pace", [240, 420])
def test_a_glitched_split_is_stored_flagged_and_left_out_of_the_stored_fitness(
    store: Store, tmp_path: Path, pace: int
) -> None:
    clean = synthetic_run(BASE_START, [pace] * 6)
    # 30 m in one second (a car's speed): flagged by the reader, not removed (tests/test_distance_glitch.py)
    glitched = _with_jump(synthetic_run(BASE_START + timedelta(days=1), [pace] * 6), 3.5 * pace, 30.0)
    (tmp_path / "glitched.fit").write_bytes(fit_bytes(glitched))
    log = TrainingLog(store)
    assert log.import_files([tmp_path / "glitched.fit"], workers=1).imported == 1
    (stored,) = log.history().entries
    flags = [split["suspect_distance"] for split in log.activity(stored.run.id).to_dict()["splits"]]  # type: ignore[union-attr]
    assert [index for index, flagged in enumerate(flags, start=1) if flagged] == [4], flags
    with_glitch = fitness(store, BASE_START.date() + timedelta(days=2))
    (tmp_path / "clean.fit").write_bytes(fit_bytes(clean))
    log.import_files([tmp_path / "clean.fit"], workers=1)
    both = fitness(store, BASE_START.date() + timedelta(days=2))
    # the glitched run's best stretch is its clean km: never better than the clean run's
    assert with_glitch.vdot is not None and both.vdot is not None
    assert with_glitch.vdot <= both.vdot + 0.05
    assert (both.best is not None and both.best.activity_id != stored.run.id) or with_glitch.vdot == both.vdot


@pytest.mark.parametrize(("sport", "speed_m_s"), [("cycling", 5.0), ("cycling", 8.0), ("", 7.0), ("", 9.0)])
def test_a_ride_is_skipped_not_analysed_as_a_run(
    store: Store, tmp_path: Path, sport: str, speed_m_s: float
) -> None:
    ride = synthetic_run(BASE_START, [1000.0 / speed_m_s] * 10, sport=sport)
    path = tmp_path / "ride.fit"
    path.write_bytes(fit_bytes(ride, record_every_s=2))
    report = TrainingLog(store).import_files([path], workers=1)
    assert (report.imported, len(report.skipped)) == (0, 1)
    assert "not a run" in report.skipped[0].reason
    assert (sport or "looks like a ride") in report.skipped[0].reason


@pytest.mark.parametrize("pace", [240, 420])
def test_the_stored_duration_is_the_splits_total(store: Store, tmp_path: Path, pace: int) -> None:
    """One elapsed time: the log's duration (history, report header) is the splits' total, which for a
    Garmin FIT counts from the expected press, half a second before the first record."""
    run = synthetic_run(BASE_START, [pace] * 4)
    data = fit_bytes(run)
    (tmp_path / "run.fit").write_bytes(data)
    log = TrainingLog(store)
    assert log.import_files([tmp_path / "run.fit"], workers=1).imported == 1
    (stored,) = log.history().entries
    total = split_by_distance(read_activity(data, name="run.fit"), 1000.0).total
    assert stored.run.duration_s == pytest.approx(total.elapsed_s)
    assert stored.run.duration_s == pytest.approx(4 * pace + 0.5)
