"""Platform re-analysis on a task queue: batches of every runner's runs, resumable, with progress.

```
job_id = start_or_resume(database, everything=True, batch_size=50, send=actors.reanalyse_batch.send)
progress = Jobs(database.engine).progress(job_id)          # total, done, failed, batches left
run_batch(database, job_id, first_id)                       # in a worker: one batch, then mark it done
```
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from progrun.storage.database import Database
from progrun.storage.jobs import Jobs
from progrun.training_log.reanalyse import reanalyse_activities


def start_or_resume(
    database: Database, *, everything: bool, batch_size: int, send: Callable[[int, int], Any]
) -> tuple[int, bool]:
    """Send every batch of the unfinished job (resumed: True) or of a new one; (job id, resumed)."""
    jobs = Jobs(database.engine)
    unfinished = jobs.unfinished()
    resumed = unfinished is not None
    job_id = (
        unfinished if unfinished is not None else jobs.create(everything=everything, batch_size=batch_size)
    )
    for pending in jobs.pending_batches(job_id):
        send(job_id, pending)
    while (first_id := jobs.next_batch(job_id)) is not None:
        send(job_id, first_id)
    return job_id, resumed


def run_batch(database: Database, job_id: int, first_id: int) -> int:
    """Re-analyse one batch (each run with its own runner's profile); the runs done (0 if done before)."""
    jobs = Jobs(database.engine)
    ids = jobs.batch_ids(job_id, first_id)
    if ids is None:
        return 0
    done = 0
    failed: list[tuple[int, str]] = []
    for runner_id, runner_ids in jobs.runners_of(ids).items():
        count, runner_failed = reanalyse_activities(database.runner(runner_id), runner_ids)
        done += count
        failed.extend(runner_failed)
    jobs.finish_batch(job_id, first_id, done, failed)
    return done
