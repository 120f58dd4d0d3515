"""`progrun reanalyse --broker ...`: every runner's runs re-analysed by the workers, in batches, resumable.

The command writes the job and its batches to the log, sends one message per batch, and prints the
progress until every batch is done. Stopped or crashed, the same command resumes the unfinished job
(batches not done are sent again; the rest goes on after the last id sent).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from progrun.storage.database import Database
from progrun.storage.jobs import JobProgress, Jobs


@dataclass(frozen=True)
class FanoutResult:
    job_id: int
    resumed: bool
    progress: JobProgress
    elapsed_s: float


def fan_out(
    db_url: str,
    broker_url: str,
    *,
    everything: bool,
    batch_size: int,
    poll_s: float = 1.0,
    say: Callable[[str], None] | None = None,
) -> FanoutResult:
    """Send the job's batches to the workers and wait for them; `say` gets each progress line."""
    from progrun.tasks.actors import declare
    from progrun.tasks.broker import connect
    from progrun.training_log.reanalysis_job import start_or_resume

    started = time.perf_counter()
    database = Database.open(db_url)
    try:
        actors = declare(connect(broker_url))
        job_id, resumed = start_or_resume(
            database, everything=everything, batch_size=batch_size, send=actors.reanalyse_batch.send
        )
        jobs = Jobs(database.engine)
        progress = jobs.progress(job_id)
        if say is not None:
            word = "resumed" if resumed else "started"
            say(f"job {job_id} {word}: {progress.total} runs in batches of {batch_size}")
        while not progress.finished:
            time.sleep(poll_s)
            progress = jobs.progress(job_id)
            if say is not None:
                done = progress.done + progress.failed
                say(f"  {done}/{progress.total} runs, {progress.batches_left} batches left")
        return FanoutResult(job_id, resumed, progress, time.perf_counter() - started)
    finally:
        database.close()
