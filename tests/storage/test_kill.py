"""Kill test: SIGKILL an import at random moments; the log never holds a partial activity or orphan blob."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from datetime import timedelta
from pathlib import Path

from progrun.storage import Store
from tests.synthetic_runs import BASE_START, easy_paces, gpx_text, synthetic_run

RUNS = 60
IMPORT = (
    "import sys; from pathlib import Path; "
    "from progrun.storage import Store; from progrun.storage.importer import import_paths; "
    "store = Store.open(sys.argv[1]); "
    "import_paths(store, [Path(sys.argv[2])], workers=2, on_file=lambda name: print(name, flush=True))"
)


def _export(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for day in range(RUNS):
            run = synthetic_run(BASE_START + timedelta(days=day), easy_paces(day)[: 2 + day % 4])
            out.writestr(f"activities/{day}.gpx", gpx_text(run))
    return path


def test_sigkill_at_random_moments_leaves_no_partial_activity(tmp_path: Path) -> None:
    export = _export(tmp_path / "export.zip")
    url = f"sqlite:///{tmp_path / 'log.db'}"
    Store.open(url).close()  # migrate first, so kills land in the import itself
    rng = random.Random(20240304)
    counts = []
    for _ in range(4):
        process = subprocess.Popen(
            [sys.executable, "-c", IMPORT, url, str(export)],
            start_new_session=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert process.stdout is not None
        # kill after a random number of files has been handled, plus a random fraction of a file
        for _ in range(rng.randrange(1, RUNS // 3)):
            if not process.stdout.readline():
                break
        time.sleep(rng.uniform(0.0, 0.03))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        process.stdout.close()
        with Store.open(url) as store:
            report = store.check_integrity()
            assert report.ok, report
            counts.append(report.activities)
    with Store.open(url) as store:
        from progrun.storage.importer import import_paths

        final = import_paths(store, [export], workers=1)
        assert final.imported + final.duplicates == RUNS
        assert final.duplicates == counts[-1]
        assert store.count_activities() == RUNS
        assert store.check_integrity().ok
    assert counts == sorted(counts)  # kills never lose committed runs
    assert counts[-1] > 0 and counts[-1] < RUNS  # the kills landed in the middle of imports
