"""A worker process that dies fails only its file; workers never outlive a killed import."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from progrun.storage import Store
from progrun.training_log import importer
from progrun.training_log.importer import WORKER_DIED, Source, import_paths
from tests.synthetic_runs import easy_paces, fit_bytes, synthetic_run

START = datetime(2025, 1, 6, 7, 0, tzinfo=UTC)


def _runs(folder: Path, count: int) -> list[Path]:
    paths = []
    for day in range(count):
        run = synthetic_run(START + timedelta(days=day), easy_paces(day)[:2])
        path = folder / f"run{day:02d}.fit"
        path.write_bytes(fit_bytes(run, record_every_s=10))
        paths.append(path)
    return paths


_ORIGINAL = importer.analyse_source


def _dies_on(*names: str):  # type: ignore[no-untyped-def]
    def analyse(source: Source, context: object = None) -> object:
        if Path(source.display).name in names and os.getpid() != PARENT:
            os._exit(3)  # the worker dies as if the kernel had killed it: no exception, no result
        return _ORIGINAL(source, context)  # type: ignore[arg-type]

    return analyse


PARENT = os.getpid()


@pytest.mark.parametrize("dying", [("run03.fit",), ("run00.fit", "run07.fit", "run08.fit")])
def test_a_dead_worker_fails_only_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dying: tuple[str, ...]
) -> None:
    paths = _runs(tmp_path, 10)
    monkeypatch.setattr(importer, "POOL_THRESHOLD", 0)
    monkeypatch.setattr(importer, "analyse_source", _dies_on(*dying))  # inherited by the forked workers
    with Store.open(f"sqlite:///{tmp_path / 'log.db'}") as store:
        report = import_paths(store, paths, workers=2)
        assert report.imported == len(paths) - len(dying)
        assert sorted(Path(f.file).name for f in report.failed) == sorted(dying)
        assert all(f.reason == WORKER_DIED for f in report.failed)
        assert store.count_activities() == len(paths) - len(dying)


CHILD = """
import sys, time
from pathlib import Path
from progrun.storage import Store
from progrun.training_log import importer
original = importer.analyse_source
def slow(source, context=None):
    time.sleep(60)
    return original(source, context)
importer.analyse_source = slow
importer.POOL_THRESHOLD = 0
store = Store.open(sys.argv[1])
importer.import_paths(store, [Path(p) for p in sys.argv[2:]], workers=2)
"""


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text()
        found |= {int(child) for child in text.split()}
    return found


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    paths = _runs(tmp_path, 4)
    parent = subprocess.Popen(
        [sys.executable, "-c", CHILD, f"sqlite:///{tmp_path / 'log.db'}", *map(str, paths)],
        cwd=Path(__file__).parents[2],
    )
    try:
        workers: set[int] = set()
        for _ in range(200):  # the pool starts its two workers (bounded wait)
            workers = _children(parent.pid)
            if len(workers) >= 2:
                break
            time.sleep(0.05)
        assert len(workers) >= 2
        time.sleep(0.3)  # the workers have run their initializer and are busy with a file
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    alive = set(workers)
    for _ in range(100):  # bounded: PDEATHSIG is immediate, the watchdog thread takes up to 0.5 s
        alive = {pid for pid in alive if _is_running(pid)}
        if not alive:
            break
        time.sleep(0.05)
    for pid in alive:  # never leave a stray worker behind, even when the test fails
        os.kill(pid, signal.SIGKILL)
    assert not alive


def _is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"
