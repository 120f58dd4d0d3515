"""Kill test: SIGKILL an import at random moments; the log never holds a partial activity or orphan blob.

Runs on SQLite and PostgreSQL (the `store_url` fixture). Each kill is bounded: if the import prints
nothing for LINE_TIMEOUT_S seconds it is killed anyway (and the test still checks the database).
"""

from __future__ import annotations

import os
import random
import selectors
import signal
import subprocess
import sys
import time
import zipfile
from datetime import timedelta
from pathlib import Path

from progrun.storage import Store
from progrun.training_log.importer import import_paths
from tests.synthetic_runs import BASE_START, easy_paces, gpx_text, synthetic_run

RUNS = 40
KILLS = 4
LINE_TIMEOUT_S = 60.0
IMPORT = (
    "import sys; from pathlib import Path; "
    "from progrun.storage import Store; from progrun.training_log.importer import import_paths; "
    "store = Store.open(sys.argv[1]); "
    "import_paths(store, [Path(sys.argv[2])], workers=2, on_file=lambda name: print(name, flush=True))"
)


def _export(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for day in range(RUNS):
            run = synthetic_run(BASE_START + timedelta(days=day), easy_paces(day)[: 2 + day % 3])
            out.writestr(f"activities/{day}.gpx", gpx_text(run))
    return path


def _read_lines(process: subprocess.Popen[bytes], count: int) -> None:
    """Wait until the import has reported `count` files, it ends, or it is silent too long."""
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    seen = 0
    buffer = b""
    while seen < count:
        if not selector.select(timeout=LINE_TIMEOUT_S):
            break
        chunk = os.read(process.stdout.fileno(), 4096)
        if not chunk:
            break
        buffer += chunk
        seen = buffer.count(b"\n")
    selector.close()


def test_sigkill_at_random_moments_leaves_no_partial_activity(store_url: str, tmp_path: Path) -> None:
    export = _export(tmp_path / "export.zip")
    Store.open(store_url).close()  # migrate first, so kills land in the import itself
    rng = random.Random(20240304)
    counts = []
    for _ in range(KILLS):
        process = subprocess.Popen(
            [sys.executable, "-c", IMPORT, store_url, str(export)],
            start_new_session=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        # kill after a random number of files has been handled, plus a random fraction of a file
        _read_lines(process, rng.randrange(1, RUNS // 5))
        time.sleep(rng.uniform(0.0, 0.03))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=LINE_TIMEOUT_S)
        assert process.stdout is not None
        process.stdout.close()
        with Store.open(store_url) as store:
            report = store.check_integrity()
            assert report.ok, report
            counts.append(report.activities)
    with Store.open(store_url) as store:
        final = import_paths(store, [export], workers=1)
        assert final.imported + final.duplicates == RUNS
        assert final.duplicates == counts[-1]
        assert store.count_activities() == RUNS
        assert store.check_integrity().ok
    assert counts == sorted(counts)  # kills never lose committed runs
    assert 0 < counts[-1] < RUNS  # the kills landed in the middle of imports
