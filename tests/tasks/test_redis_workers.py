"""`progrun worker` processes on a real Redis (our own redis-server) and PostgreSQL: uploads through the
API, a worker SIGKILLed mid-queue, and platform re-analysis fanned out and resumed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from progrun.settings import Settings
from progrun.storage.database import Database
from progrun.storage.jobs import Jobs
from progrun.storage.uploads import Uploads
from progrun.web import WebConfig, create_app
from tests.tasks.conftest import distinct_gpx
from tests.web.api_accounts import bearer, register

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
UPLOADS = 8


def start_worker(pg_url: str, redis_url: str, log: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "progrun",
        "worker",
        "--heartbeat",
        "2",
        "--graceful",
        "5",
        "--stale",
        "600",
    ]
    env = {**os.environ, "PROGRUN_DB": pg_url, "PROGRUN_BROKER": redis_url}
    with log.open("ab") as errors:
        return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=errors)


def wait_for(condition: object, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError(f"not within {timeout_s} s: {what}")


@pytest.fixture
def served(pg_url: str, redis_url: str) -> Iterator[tuple[TestClient, Database]]:
    database = Database.open(pg_url)
    app = create_app(
        Settings(db_url=pg_url, data_dir=Path(".")), WebConfig(broker_url=redis_url), database=database
    )
    with TestClient(app, base_url="http://testserver") as client:
        yield client, database
    database.close()


def test_sigkilled_worker_loses_nothing_and_doubles_nothing(
    served: tuple[TestClient, Database], pg_url: str, redis_url: str, tmp_path: Path
) -> None:
    client, database = served
    first = start_worker(pg_url, redis_url, tmp_path / "a.log")
    second: subprocess.Popen[bytes] | None = None
    try:
        token = register(client, "kill@example.org")
        assert client.get("/readyz").status_code == 200
        ids = [
            client.post(
                "/api/runs", headers=bearer(token), files={"file": (f"r{i}.gpx", distinct_gpx(i))}
            ).json()["id"]
            for i in range(UPLOADS)
        ]
        uploads = Uploads(database.engine)
        wait_for(
            lambda: any(uploads.get(i).status != "queued" for i in ids), 60, "the first worker takes one"
        )
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        left = [i for i in ids if uploads.get(i).status != "done"]
        assert left, "the killed worker left work behind"
        second = start_worker(pg_url, redis_url, tmp_path / "b.log")
        wait_for(lambda: all(uploads.get(i).status == "done" for i in ids), 90, "every upload analysed")
        bodies = [client.get(f"/api/runs/{i}", headers=bearer(token)).json() for i in ids]
        runs = [body["runs"][0] for body in bodies]
        assert len(set(runs)) == UPLOADS  # each upload its own run, none twice
        assert client.get("/api/runs", headers=bearer(token)).json()["total"] == UPLOADS
        assert all(body["verdict"] is not None for body in bodies)
        assert {body["summary"]["kind"] for body in bodies} == {"progression"}

        # platform re-analysis on the surviving worker: a crashed job (a batch written, never sent) resumes
        jobs = Jobs(database.engine)
        crashed = jobs.create(everything=True, batch_size=3)
        assert jobs.next_batch(crashed) is not None
        from progrun.training_log.reanalyse_fanout import fan_out

        result = fan_out(pg_url, redis_url, everything=True, batch_size=3, poll_s=0.1)
        assert (result.job_id, result.resumed) == (crashed, True)
        assert (result.progress.total, result.progress.done, result.progress.failed) == (UPLOADS, UPLOADS, 0)
        assert result.progress.batches_left == 0 and jobs.unfinished() is None
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(20)
    assert second is not None and second.returncode == 0  # SIGTERM: a clean, graceful stop
