"""Uploads analysed off the request: stored in the log, then run by the app's pool or a broker's workers.

`submit` writes the upload (its bytes and status "queued") to the log's `uploads` table, then hands
its id to the work: without a broker, a process pool owned by the app (spawned, so no lock of the
server's threads is inherited; the embedded default); with one (`--broker redis://...`), a Dramatiq
message that any `progrun worker` on any machine runs. Either way the worker runs
`training_log.upload_task.analyse_upload`, and the status is read back from the table, so it
survives the server and is the same whichever server process is asked. The pool's workers run niced
(`WORKER_NICENESS`): pages come before analysis.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from progrun.storage.database import Database
from progrun.storage.uploads import FAILED, UploadRecord, Uploads

_DATABASES: dict[str, Database] = {}

#: Niceness added to the pool's workers: analysing uploads (an export of thousands of runs) is background
#: work, so on a small machine the server process that answers pages gets the CPU first (catalogue case
#: 106: with equal priority an import on 2 cores made page reads 6x slower at p99).
WORKER_NICENESS = 10


def _lower_priority() -> None:
    """In a pool worker as it starts: run at a lower CPU priority than the server."""
    with contextlib.suppress(OSError):  # not allowed here: run at the server's priority
        os.nice(WORKER_NICENESS)


def analyse_in_pool(db_url: str, upload_id: str) -> str:
    """In a pool worker: open the log once per process and analyse the upload."""
    from progrun.training_log.upload_task import analyse_upload

    database = _DATABASES.get(db_url)
    if database is None:
        database = _DATABASES[db_url] = Database.open(db_url)
    return analyse_upload(database, upload_id)


class QueueUnavailable(Exception):
    """The broker did not take the message (the upload is marked failed, the client told 503)."""


class Analysis:
    """Where uploads go: the app's pool (no broker) or the broker's queue; statuses from the log."""

    def __init__(
        self, database: Database, db_url: str, workers: int = 0, *, broker_url: str = "", broker: Any = None
    ) -> None:
        self.database = database
        self.db_url = db_url
        self.uploads = Uploads(database.engine)
        self._pool: ProcessPoolExecutor | None = None
        self._actors: Any = None
        if broker_url or broker is not None:
            from progrun.tasks.actors import declare
            from progrun.tasks.broker import connect

            self.broker = broker if broker is not None else connect(broker_url)
            self._actors = declare(self.broker)
        else:
            self.broker = None
            count = workers or min(4, os.cpu_count() or 1)
            self._pool = ProcessPoolExecutor(
                max_workers=count,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_lower_priority,
            )

    def submit(self, runner_id: int, name: str, data: bytes) -> UploadRecord:
        """Store the upload, then queue it; QueueUnavailable when the broker refused the message."""
        record = self.uploads.add(runner_id, name, data)
        if self._pool is not None:
            future = self._pool.submit(analyse_in_pool, self.db_url, record.id)
            future.add_done_callback(lambda done: self._pool_failed(record, done))
            return record
        try:
            self._actors.analyse_upload.send(record.id)
        except Exception as error:
            self.uploads.finish(
                record.id, FAILED, error=f"{name}: the work queue is unreachable; upload it again in a minute"
            )
            raise QueueUnavailable(str(error)) from None
        return record

    def _pool_failed(self, record: UploadRecord, future: Future[str]) -> None:
        error = future.exception()
        if error is not None:  # the worker process died or the log failed: say so on the upload
            self.uploads.finish(
                record.id,
                FAILED,
                error=f"this file failed: {record.name}: the analysis stopped ({type(error).__name__}); "
                "upload it again",
            )

    def find(self, runner_id: int, upload_id: str) -> UploadRecord | None:
        """The runner's upload with this id (None for another runner's: they are told 404)."""
        record = self.uploads.get(upload_id)
        return record if record is not None and record.runner_id == runner_id else None

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
