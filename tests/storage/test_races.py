"""Races between processes on one training log, on SQLite and PostgreSQL (`store_url`: a fresh log each).

* N processes open a fresh log at the same moment: the migrations run once, under the database's lock,
  and every process gets a working log (before: "table already exists" in one of two on PostgreSQL).
* Importers race the same runs recorded twice, as FIT and as GPX from "another device" (started up to
  50 s later, up to 1 % longer): every run is stored once (before: stored twice in 2 of 6 rounds on
  PostgreSQL, where the same-run check and the insert of two importers interleaved).
"""

from __future__ import annotations

import multiprocessing
import random
from datetime import timedelta
from pathlib import Path

from progrun.storage import Store
from progrun.storage.opening import head_revision
from progrun.training_log.importer import import_paths
from tests.synthetic_runs import BASE_START, easy_paces, fit_bytes, gpx_text, synthetic_run

OPENERS = 6
RUNS = 40
#: Importers per format (so 2 x this many race).
IMPORTERS_PER_FORMAT = 2
TIMEOUT_S = 240.0


def _open(url: str, barrier: multiprocessing.synchronize.Barrier, results: multiprocessing.Queue) -> None:
    barrier.wait(timeout=TIMEOUT_S)
    try:
        with Store.open(url) as store:
            results.put(("ok", store.schema_revision(), store.count_activities()))
    except Exception as error:  # reported to the test, which fails on it
        results.put(("error", type(error).__name__, str(error)))


def _import(
    url: str, folder: str, barrier: multiprocessing.synchronize.Barrier, results: multiprocessing.Queue
) -> None:
    try:
        store = Store.open(url)
        barrier.wait(timeout=TIMEOUT_S)
        with store:
            report = import_paths(store, [Path(folder)], workers=1)
        results.put(("ok", report.imported, report.duplicates, [f.reason for f in report.failed]))
    except Exception as error:
        results.put(("error", type(error).__name__, str(error)))


def _race(target: object, argument_lists: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(argument_lists))
    results = context.Queue()
    processes = [
        context.Process(target=target, args=(*arguments, barrier, results)) for arguments in argument_lists
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=TIMEOUT_S) for _ in processes]
    for process in processes:
        process.join(timeout=TIMEOUT_S)
        assert process.exitcode == 0
    return outcomes


def test_processes_opening_a_fresh_log_at_once_all_succeed_and_migrate_once(store_url: str) -> None:
    outcomes = _race(_open, [(store_url,)] * OPENERS)
    assert outcomes == [("ok", head_revision(), 0)] * OPENERS
    with Store.open(store_url) as store:
        assert store.table_counts()["runners"] == 1


def _recordings(tmp_path: Path, seed: int) -> tuple[Path, Path]:
    """The same RUNS runs as FIT files and as GPX files of another device (later start, other length)."""
    rng = random.Random(seed)
    fit_dir, gpx_dir = tmp_path / "fit", tmp_path / "gpx"
    fit_dir.mkdir()
    gpx_dir.mkdir()
    for day in range(RUNS):
        paces = easy_paces(day)[: 2 + day % 3]
        start = BASE_START + timedelta(days=day, hours=rng.choice([0, 11]))
        (fit_dir / f"{day:02d}.fit").write_bytes(fit_bytes(synthetic_run(start, paces), record_every_s=5))
        stretch = 1.0 + rng.uniform(-0.01, 0.01)
        other = synthetic_run(start + timedelta(seconds=rng.uniform(0, 50)), [p * stretch for p in paces])
        (gpx_dir / f"{day:02d}.gpx").write_text(gpx_text(other), encoding="utf-8")
    return fit_dir, gpx_dir


def test_importers_racing_one_run_in_two_formats_store_it_once(store_url: str, tmp_path: Path) -> None:
    fit_dir, gpx_dir = _recordings(tmp_path, seed=11)
    Store.open(store_url).close()
    folders = [str(fit_dir), str(gpx_dir)] * IMPORTERS_PER_FORMAT
    outcomes = _race(_import, [(store_url, folder) for folder in folders])
    assert all(outcome[0] == "ok" and outcome[3] == [] for outcome in outcomes), outcomes
    assert sum(int(outcome[1]) for outcome in outcomes) == RUNS
    assert sum(int(outcome[2]) for outcome in outcomes) == RUNS * (len(folders) - 1)
    with Store.open(store_url) as store:
        runs = store.list_activities()
        assert len(runs) == RUNS
        assert len({run.start.date() for run in runs if run.start is not None}) == RUNS
        assert store.check_integrity().ok
