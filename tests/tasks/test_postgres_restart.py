"""A PostgreSQL restart under traffic: a PRIVATE cluster (initdb in a temp dir, its own loopback port),
the app and a `progrun worker` on it and on a private Redis. While the cluster is down every request
fails cleanly (503 naming the log, no traceback) and uploads are refused; once it is back the same
app answers again without a restart and every accepted upload is analysed exactly once.

The shared PostgreSQL at 5432 is never touched. Skipped only where PostgreSQL's server binaries
(initdb, pg_ctl) are not installed.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from progrun.settings import Settings
from progrun.storage.database import Database
from progrun.storage.uploads import Uploads
from progrun.web import WebConfig, create_app
from tests.tasks.conftest import distinct_gpx, free_port
from tests.web.api_accounts import bearer, register

INITDB = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not INITDB, reason="PostgreSQL's server binaries (initdb) are not installed"),
]
BEFORE, AFTER = 6, 4


class PrivateCluster:
    """initdb + pg_ctl in a temp dir, run as the `postgres` user when we are root (initdb refuses root)."""

    def __init__(self, folder: Path) -> None:
        self.bin = Path(INITDB[-1]).parent
        self.data = folder / "data"
        self.port = free_port()
        self.folder = folder
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
            os.chmod(folder, 0o700)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        initdb = str(self.bin / "initdb")
        self.run(initdb, "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")
        self.pg_ctl("start")

    def run(self, *command: str) -> None:
        done = subprocess.run(
            [*self.as_user, *command], check=False, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, f"{' '.join(command)}: {done.stderr or done.stdout}"

    def pg_ctl(self, action: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        extra = ["-m", "fast"] if action in {"stop", "restart"} else []
        log = str(self.folder / "server.log")
        pg_ctl = str(self.bin / "pg_ctl")
        self.run(pg_ctl, "-D", str(self.data), "-o", options, "-l", log, "-w", *extra, action)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture
def cluster() -> Iterator[PrivateCluster]:
    folder = Path(tempfile.mkdtemp(prefix="progrun-pg-"))  # not under pytest's root-only temp dirs
    private = PrivateCluster(folder)
    try:
        yield private
    finally:
        if (private.data / "postmaster.pid").exists():  # still up (a test that failed while it was down: not)
            private.run(str(private.bin / "pg_ctl"), "-D", str(private.data), "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def wait_for(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout_s} s: {what}")


def assert_clean_503(answer: object, what: str) -> None:
    status = getattr(answer, "status_code", None)
    body = str(getattr(answer, "text", ""))
    assert status == 503, f"{what}: {status} {body[:300]}"
    assert "Traceback" not in body and 'File "' not in body, body
    assert "cannot open the training log" in body and "database server is running" in body, body


def test_postgres_restart_fails_cleanly_and_recovers(
    cluster: PrivateCluster, redis_url: str, tmp_path: Path
) -> None:
    database = Database.open(cluster.url)
    app = create_app(
        Settings(db_url=cluster.url, data_dir=tmp_path), WebConfig(broker_url=redis_url), database=database
    )
    env = {**os.environ, "PROGRUN_DB": cluster.url, "PROGRUN_BROKER": redis_url}
    with (tmp_path / "worker.log").open("ab") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "progrun", "worker", "--heartbeat", "3", "--stale", "600"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    try:
        with TestClient(app, base_url="http://testserver", raise_server_exceptions=False) as client:
            token = register(client, "restart@example.org")
            ids = [
                client.post(
                    "/api/runs", headers=bearer(token), files={"file": (f"a{i}.gpx", distinct_gpx(i))}
                ).json()["id"]
                for i in range(BEFORE)
            ]
            uploads = Uploads(database.engine)
            wait_for(lambda: uploads.get(ids[0]).status != "queued", 60, "the worker takes an upload")

            cluster.pg_ctl("stop")  # mid-traffic: uploads queued and one in the worker's hands
            assert_clean_503(client.get("/api/runs", headers=bearer(token)), "GET /api/runs while down")
            assert_clean_503(client.get("/api/progress", headers=bearer(token)), "GET /api/progress")
            refused = client.post(
                "/api/runs", headers=bearer(token), files={"file": ("down.gpx", distinct_gpx(50))}
            )
            assert_clean_503(refused, "an upload while down")
            assert_clean_503(client.get("/readyz"), "/readyz while down")
            page = client.get("/")
            assert page.status_code in {200, 503} and "Traceback" not in page.text

            cluster.pg_ctl("start")  # the same app, not restarted
            wait_for(lambda: client.get("/readyz").status_code == 200, 30, "/readyz answers 200 again")
            assert client.get("/api/runs", headers=bearer(token)).status_code == 200
            ids += [
                client.post(
                    "/api/runs", headers=bearer(token), files={"file": (f"b{i}.gpx", distinct_gpx(i))}
                ).json()["id"]
                for i in range(BEFORE, BEFORE + AFTER)
            ]
            cluster.pg_ctl("restart")  # `pg_ctl restart -m fast` with uploads queued: pooled connections die
            assert client.get("/api/runs", headers=bearer(token)).status_code == 200  # pre-ping reconnects
            wait_for(
                lambda: all(uploads.get(i).status == "done" for i in ids), 90, "every accepted upload done"
            )
            bodies = [client.get(f"/api/runs/{i}", headers=bearer(token)).json() for i in ids]
            runs = [body["runs"][0] for body in bodies]
            assert len(set(runs)) == BEFORE + AFTER  # nothing lost, nothing stored twice
            assert client.get("/api/runs", headers=bearer(token)).json()["total"] == BEFORE + AFTER
            assert all(body["verdict"] is not None for body in bodies)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(30)
        database.close()
    assert worker.returncode == 0
