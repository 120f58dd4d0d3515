"""Store: schema, round trips, one-transaction writes and deduplication, on SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from progrun.analysis import VerdictRecord
from progrun.errors import NotFound, StorageError
from progrun.paces import training_paces_from_race as paces_from_race
from progrun.plan import SplitUnit
from progrun.planner import build_plan
from progrun.storage import Profile, Store, same_run
from progrun.storage.opening import head_revision
from progrun.storage.schema import Base
from progrun.training_log.importer import import_paths
from progrun.training_log.runs import AnalysisContext, analyse
from progrun.units import METRES_PER_MILE
from tests.stored_plans import add_unreadable_plan
from tests.synthetic_runs import BASE_START, easy_paces, gpx_text, progression_paces, synthetic_run


def _write_gpx(folder: Path, name: str, paces: list[float], start_offset_s: float = 0.0) -> Path:
    activity = synthetic_run(BASE_START + timedelta(seconds=start_offset_s), paces)
    path = folder / name
    path.write_text(gpx_text(activity), encoding="utf-8")
    return path


def test_open_migrates_to_the_newest_revision_and_matches_the_models(store: Store, store_url: str) -> None:
    assert store.schema_revision() == head_revision() == "0011_runner_data_version"
    engine = create_engine(store_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []
    assert store.table_counts() == {
        "users": 0,
        "passwords": 0,
        "sessions": 0,
        "runners": 1,
        "coach_runners": 0,
        "plans": 0,
        "blobs": 0,
        "activities": 0,
        "streams": 0,
        "splits": 0,
        "verdicts": 0,
        "uploads": 0,
        "reanalysis_jobs": 0,
        "reanalysis_batches": 0,
        "coach_invitations": 0,
        "coach_sessions": 0,
        "coach_assignments": 0,
        "run_comments": 0,
        "admins": 0,
    }


def test_reopening_is_a_no_op(store_url: str) -> None:
    Store.open(store_url).close()
    with Store.open(store_url) as again:
        assert again.schema_revision() == head_revision()
        assert again.count_activities() == 0


def test_a_run_round_trips_with_streams_splits_verdict_and_raw_file(store: Store) -> None:
    activity = synthetic_run(BASE_START, progression_paces(0))
    raw = gpx_text(activity).encode()
    run = analyse(activity, raw, source_name="a.gpx", name="Tuesday", context=AnalysisContext())
    outcome = store.add_run(run)
    assert outcome.status == "imported"
    detail = store.detail(outcome.activity_id)
    assert detail.summary.is_progression and detail.summary.kind == "progression"
    assert [round(s.pace_s_per_km) for s in detail.splits] == [330, 320, 310, 300, 290, 280]
    assert detail.verdict is not None and detail.verdict.progressed
    assert detail.summary.start == BASE_START
    assert detail.summary.distance_m == pytest.approx(activity.total_distance_m)
    loaded = store.load_activity(outcome.activity_id)
    np.testing.assert_array_equal(loaded.distance_m, activity.distance_m)
    np.testing.assert_array_equal(loaded.heart_rate_bpm, activity.heart_rate_bpm)
    assert np.isnan(loaded.power_w).all()
    assert store.raw_file(outcome.activity_id) == raw
    assert store.check_integrity().ok


def test_same_content_twice_is_one_activity(store: Store) -> None:
    activity = synthetic_run(BASE_START, easy_paces(1))
    raw = gpx_text(activity).encode()
    run = analyse(activity, raw, source_name="a.gpx", name="", context=AnalysisContext())
    first = store.add_run(run)
    for _ in range(3):
        again = store.add_run(run)
        assert again.status == "duplicate" and again.activity_id == first.activity_id
    assert store.count_activities() == 1


def test_plain_and_gzip_and_other_format_are_one_run_but_two_runs_in_one_minute_stay_two(
    store: Store, tmp_path: Path
) -> None:
    plain = _write_gpx(tmp_path, "run.gpx", progression_paces(0))
    (tmp_path / "run.gpx.gz").write_bytes(gzip.compress(plain.read_bytes()))
    # the same run re-recorded 20 s later, 0.5 % longer: another device or format of the same run
    _write_gpx(tmp_path, "same-run-other-device.gpx", [p * 1.005 for p in progression_paces(0)], 20.0)
    # a different run starting in the same minute: 5 km instead of 6
    _write_gpx(tmp_path, "friend.gpx", progression_paces(0)[:5], 30.0)
    report = import_paths(store, [tmp_path], workers=1)
    assert (report.imported, report.duplicates, len(report.failed)) == (2, 2, 0)
    reasons = sorted(reason.split(" as ")[0] for _, _, reason in report.duplicate_of)
    assert reasons == ["same content", "same run"]


def test_a_run_writer_keeps_one_transaction_per_run(store: Store) -> None:
    runs = []
    for day in range(3):
        activity = synthetic_run(BASE_START + timedelta(days=day), easy_paces(day))
        raw = gpx_text(activity).encode()
        runs.append(analyse(activity, raw, source_name=f"{day}.gpx", name="", context=AnalysisContext()))
    # a verdict against a plan that is not in the log: its insert fails after the blob and the activity
    no_such_plan = VerdictRecord(score=80.0, progressed=True, target_reached=True, plan_id=999)
    broken = replace(runs[1], verdict=no_such_plan)
    with store.run_writer() as add:
        first = add(runs[0])
        with pytest.raises(StorageError, match=r"cannot store 1\.gpx"):
            add(broken)
        third = add(runs[2])
        again = add(runs[0])
    assert (first.status, third.status) == ("imported", "imported")
    assert (again.status, again.activity_id) == ("duplicate", first.activity_id)
    assert store.table_counts()["blobs"] == 2  # the failed run left neither its blob nor its activity
    assert store.count_activities() == 2
    assert store.check_integrity().ok
    assert store.add_run(runs[1]).status == "imported"  # the log is writable as before


def test_same_run_rule() -> None:
    assert same_run(10_000, 3000, 10_250, 3050)  # 2.5 % and 1.7 %
    assert not same_run(10_000, 3000, 10_400, 3000)  # 4 % longer
    assert not same_run(10_000, 3000, 10_000, 3200)  # 6.7 % longer
    assert same_run(158, 222, 187, 222)  # tiny runs: 50 m floor


def test_import_twice_gives_the_same_database(store: Store, tmp_path: Path) -> None:
    for week in range(4):
        _write_gpx(tmp_path, f"w{week}.gpx", progression_paces(week), week * 7 * 86400.0)
    (tmp_path / "notes.gpx").write_text("this is not xml", encoding="utf-8")
    first = import_paths(store, [tmp_path], workers=1)
    counts = store.table_counts()
    second = import_paths(store, [tmp_path], workers=1)
    assert first.to_dict() == {
        "imported": 4,
        "duplicates": 0,
        "skipped": 0,
        "ignored": 0,
        "failed": [{"file": str(tmp_path / "notes.gpx"), "reason": first.failed[0].reason}],
        "partial": [],
        "replaced": [],
        "warning_count": 0,
        "warnings": [],
    }
    assert (second.imported, second.duplicates) == (0, 4)
    assert store.table_counts() == counts
    assert store.check_integrity().ok


def test_profile_round_trip(store: Store) -> None:
    assert store.profile() == Profile()
    wanted = Profile(
        name="Ann", max_heart_rate_bpm=188, resting_heart_rate_bpm=48, threshold_s_per_km=262.0, vdot=52.1
    )
    store.set_profile(wanted)
    assert store.profile() == wanted


def test_plans_are_stored(store: Store) -> None:
    plan = build_plan(paces_from_race(5000.0, 20 * 60.0), 5 * METRES_PER_MILE, unit=SplitUnit.MILE)
    stored = store.add_plan(plan, planned_on=BASE_START.date(), name="tuesday")
    assert stored.created_at is not None and stored.created_at.tzinfo is not None
    assert store.plans() == [stored]
    assert store.plan(stored.plan_id) == stored
    assert (stored.planned_on, stored.name) == (BASE_START.date(), "tuesday")
    assert [step.pace_s_per_km for step in stored.plan.steps] == [step.pace_s_per_km for step in plan.steps]
    add_unreadable_plan(store, BASE_START.date())
    assert store.plans() == [stored]  # a row that no longer reads as a plan is left out
    with pytest.raises(StorageError, match="no longer reads as a plan"):
        store.plan(stored.plan_id + 1)
    with pytest.raises(NotFound):
        store.plan(stored.plan_id + 2)


def test_missing_activity_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound, match="no activity '999'"):
        store.detail(999)


def test_unreachable_database_is_a_storage_error() -> None:
    with pytest.raises(StorageError, match="cannot open the training log"):
        Store.open("postgresql+psycopg://nobody:secret@127.0.0.1:1/none?connect_timeout=1")
