"""The actors: analyse an upload, re-analyse a batch of runs, and the dead letter of an upload.

Messages carry ids only (an upload's id, a job's id and its batch's first activity id), never the
database's address or a file: a worker reads both from the log it was started on (`bind`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import dramatiq

from progrun.storage.database import Database
from progrun.tasks.broker import REANALYSIS_QUEUE, UPLOADS_QUEUE

LOG = logging.getLogger("progrun.tasks")
_DATABASE: list[Database] = []


def bind(database: Database) -> None:
    """The log this process's actors work on (a worker binds it once at start)."""
    _DATABASE[:] = [database]


def _database() -> Database:
    if not _DATABASE:
        raise RuntimeError(
            "no training log bound: a worker needs the training log's database URL (the db setting)"
        )
    return _DATABASE[0]


def analyse_upload(upload_id: str) -> str:
    from progrun.tasks.metrics import TASKS
    from progrun.training_log.upload_task import analyse_upload as run

    try:
        status = run(_database(), upload_id)
    except Exception:
        TASKS.labels("analyse_upload", "error").inc()
        raise
    TASKS.labels("analyse_upload", status).inc()
    LOG.info("upload analysed", extra={"upload_id": upload_id, "status": status})
    return status


def upload_dead_letter(message: dict[str, Any], retry_info: dict[str, Any]) -> None:
    from progrun.tasks.metrics import TASKS
    from progrun.training_log.upload_task import give_up

    upload_id = str(message["args"][0])
    traceback = str(message.get("options", {}).get("traceback", "")).strip().splitlines()
    reason = traceback[-1] if traceback else "the worker failed"
    give_up(_database(), upload_id, int(retry_info.get("retries", 0)) + 1, reason[:300])
    TASKS.labels("analyse_upload", "dead_letter").inc()
    LOG.warning("upload dead-lettered", extra={"upload_id": upload_id, "reason": reason})


def reanalyse_batch(job_id: int, first_id: int) -> int:
    from progrun.tasks.metrics import TASKS
    from progrun.training_log.reanalysis_job import run_batch

    try:
        done = run_batch(_database(), job_id, first_id)
    except Exception:
        TASKS.labels("reanalyse_batch", "error").inc()
        raise
    TASKS.labels("reanalyse_batch", "done").inc()
    return done


@dataclass(frozen=True)
class Actors:
    analyse_upload: dramatiq.Actor[[str], str]
    upload_dead_letter: dramatiq.Actor[[dict[str, Any], dict[str, Any]], None]
    reanalyse_batch: dramatiq.Actor[[int, int], int]


def declare(broker: dramatiq.Broker) -> Actors:
    """The actors on `broker` (declared once per broker)."""
    if "analyse_upload" in broker.actors:
        return Actors(
            broker.get_actor("analyse_upload"),
            broker.get_actor("upload_dead_letter"),
            broker.get_actor("reanalyse_batch"),
        )
    dead = dramatiq.actor(broker=broker, queue_name=UPLOADS_QUEUE, max_retries=3)(upload_dead_letter)
    upload = dramatiq.actor(broker=broker, queue_name=UPLOADS_QUEUE, on_retry_exhausted="upload_dead_letter")(
        analyse_upload
    )
    batch = dramatiq.actor(broker=broker, queue_name=REANALYSIS_QUEUE)(reanalyse_batch)
    return Actors(upload, dead, batch)
