"""`progrun worker`: one process running the queue's tasks until SIGTERM or Ctrl-C.

Run as many as the machines have cores, on as many machines as you like, each pointed at the same
log and broker. SIGTERM (systemd, Kubernetes, Ctrl-C) stops taking messages, lets the tasks in hand
finish within `graceful_s`, and returns the prefetched ones to the queue (Dramatiq's `Worker.stop`).
A worker killed outright (SIGKILL, power) stops its heartbeat: the broker gives its messages to
another worker after `BrokerPolicy.heartbeat_timeout_ms`.

A sweeper thread also re-sends uploads left queued or analysing for `stale_s` (their message may be
gone with a broker that restarted without persistence); the upload task is idempotent, so a
message sent twice stores the run once.
"""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass, field
from types import FrameType

import dramatiq

from progrun.storage.database import Database
from progrun.storage.uploads import Uploads
from progrun.tasks.actors import bind, declare
from progrun.tasks.broker import REANALYSIS_QUEUE, UPLOADS_QUEUE, BrokerPolicy, connect

LOG = logging.getLogger("progrun.worker")


@dataclass(frozen=True)
class WorkerOptions:
    threads: int = 1
    graceful_s: float = 60.0
    stale_s: float = 300.0
    sweep_every_s: float = 30.0
    policy: BrokerPolicy = field(default_factory=BrokerPolicy)


def sweep_stale(database: Database, broker: dramatiq.Broker, stale_s: float) -> int:
    """Re-send uploads untouched for `stale_s`; how many were sent."""
    uploads = Uploads(database.engine)
    actors = declare(broker)
    sent = 0
    for upload_id in uploads.stale(stale_s):
        uploads.touch(upload_id)
        actors.analyse_upload.send(upload_id)
        sent += 1
    if sent:
        LOG.warning("re-sent stale uploads", extra={"count": sent})
    return sent


def run_worker(
    db_url: str, broker_url: str, options: WorkerOptions, *, ready: threading.Event | None = None
) -> None:
    """Run tasks until SIGTERM/SIGINT (or `stop` set by a caller in tests)."""
    database = Database.open(db_url)
    broker = connect(broker_url, options.policy)
    bind(database)
    declare(broker)
    worker = dramatiq.Worker(broker, queues={UPLOADS_QUEUE, REANALYSIS_QUEUE}, worker_threads=options.threads)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        LOG.info("stopping: finishing the tasks in hand", extra={"signal": signum})
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
    worker.start()
    LOG.info("worker started", extra={"threads": options.threads, "log": database.shown_url})
    if ready is not None:
        ready.set()
    try:
        while not stop.wait(options.sweep_every_s):
            try:
                sweep_stale(database, broker, options.stale_s)
            except Exception as error:  # the log or broker is down for a moment: try at the next sweep
                LOG.warning("sweep failed", extra={"error": f"{type(error).__name__}: {error}"})
    finally:
        worker.stop(timeout=int(options.graceful_s * 1000))
        broker.close()
        database.close()
        LOG.info("worker stopped")
