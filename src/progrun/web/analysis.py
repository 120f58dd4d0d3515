"""Uploads analysed off the request: a process pool owned by the app, and each upload's status.

`submit` hands the bytes to a worker process (spawned, so no lock of the server's threads is
inherited), which opens the log's `Database` once per process and imports the file into the
runner's own store (`TrainingLog.import_bytes`: a run, a .gz, or a whole export archive). The status
of an upload is its future's: queued, analysing (a worker has it), done or failed (with the reason).
Uploads are kept in memory for `keep` of them: the imported runs themselves are in the log.
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
import threading
from collections import OrderedDict
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from progrun.errors import ProgrunError

_DATABASES: dict[str, Any] = {}


def analyse_upload(db_url: str, runner_id: int, name: str, data: bytes) -> dict[str, Any]:
    """In a worker: import one upload into the runner's log; the import report as a dict."""
    from progrun.storage.database import Database
    from progrun.training_log import TrainingLog

    database = _DATABASES.get(db_url)
    if database is None:
        database = _DATABASES[db_url] = Database.open(db_url)
    try:
        report = TrainingLog(database.runner(runner_id)).import_bytes(name, data)
    except ProgrunError as error:
        return {"error": str(error), "imported_ids": [], "report": None}
    return {"error": "", "imported_ids": list(report.imported_ids), "report": report.to_dict()}


@dataclass
class Upload:
    id: str
    runner_id: int
    name: str
    future: Future[dict[str, Any]]

    @property
    def status(self) -> str:
        if not self.future.done():
            return "analysing" if self.future.running() else "queued"
        if self.future.exception() is not None:
            return "failed"
        result = self.future.result()
        return (
            "failed"
            if result["error"] or ((result["report"] or {}).get("failed") and not result["imported_ids"])
            else "done"
        )

    def outcome(self) -> dict[str, Any]:
        """The worker's result once done ({} before), or the reason it failed."""
        if not self.future.done():
            return {}
        error = self.future.exception()
        if error is not None:
            return {"error": f"{self.name}: the analysis stopped ({type(error).__name__}); upload it again"}
        result: dict[str, Any] = self.future.result()
        return result


class Analysis:
    """The app's pool of analysis workers and its recent uploads by id."""

    def __init__(self, db_url: str, workers: int = 0, keep: int = 10_000) -> None:
        count = workers or min(4, os.cpu_count() or 1)
        self.db_url = db_url
        self.keep = keep
        self._pool = ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("spawn"))
        self._uploads: OrderedDict[str, Upload] = OrderedDict()
        self._lock = threading.Lock()

    def submit(self, runner_id: int, name: str, data: bytes) -> Upload:
        upload_id = "u" + secrets.token_hex(8)
        future = self._pool.submit(analyse_upload, self.db_url, runner_id, name, data)
        upload = Upload(upload_id, runner_id, name, future)
        with self._lock:
            self._uploads[upload_id] = upload
            while len(self._uploads) > self.keep:
                self._uploads.popitem(last=False)
        return upload

    def find(self, runner_id: int, upload_id: str) -> Upload | None:
        """The runner's upload with this id (None for another runner's: they are told 404)."""
        with self._lock:
            upload = self._uploads.get(upload_id)
        return upload if upload is not None and upload.runner_id == runner_id else None

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
