"""Uploads as Dramatiq tasks on the StubBroker (in-process worker) over a PostgreSQL log."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dramatiq
import pytest
from fastapi.testclient import TestClient

from progrun.settings import Settings
from progrun.storage.database import Database
from progrun.storage.uploads import Uploads
from progrun.tasks import actors as actors_module
from progrun.tasks.actors import bind, declare
from progrun.tasks.broker import UPLOADS_QUEUE, BrokerPolicy, connect
from progrun.web import WebConfig, create_app
from progrun.web.analysis import Analysis
from tests.tasks.conftest import distinct_gpx
from tests.web.api_accounts import bearer, register

pytestmark = pytest.mark.postgres


@pytest.fixture
def queue(pg_url: str) -> Iterator[tuple[TestClient, dramatiq.Broker, Database]]:
    database = Database.open(pg_url)
    broker = connect("stub://", BrokerPolicy(max_retries=2, min_backoff_ms=10, max_backoff_ms=20))
    bind(database)
    declare(broker)
    app = create_app(
        Settings(db_url=pg_url, data_dir=database_dir()), WebConfig(broker_url="stub://"), database=database
    )
    app.state.progrun.analysis = Analysis(database, pg_url, broker=broker)
    with TestClient(app, base_url="http://testserver") as client:
        yield client, broker, database
    broker.close()
    database.close()


def database_dir() -> Any:
    from pathlib import Path

    return Path(".")


def run_queue(broker: dramatiq.Broker) -> None:
    worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=50)
    worker.start()
    try:
        broker.join(UPLOADS_QUEUE, fail_fast=False)
        worker.join()
    finally:
        worker.stop()


def test_upload_becomes_a_task_and_its_verdict_is_read_from_the_log(queue: Any) -> None:
    client, broker, database = queue
    token = register(client, "q1@example.org")
    answer = client.post("/api/runs", headers=bearer(token), files={"file": ("a.gpx", distinct_gpx(1))})
    assert answer.status_code == 202 and answer.json()["status"] == "queued"
    upload_id = answer.json()["id"]
    assert client.get(f"/api/runs/{upload_id}", headers=bearer(token)).json()["status"] == "queued"
    run_queue(broker)
    body = client.get(f"/api/runs/{upload_id}", headers=bearer(token)).json()
    assert body["status"] == "done", body
    assert body["summary"]["distance_m"] == pytest.approx(6000, abs=30)
    assert body["verdict"] is not None and body["summary"]["kind"] == "progression"
    assert Uploads(database.engine).data(upload_id) is None  # the bytes go once the run holds them
    other = register(client, "q2@example.org")
    assert client.get(f"/api/runs/{upload_id}", headers=bearer(other)).status_code == 404


def test_same_upload_sent_twice_and_uploaded_twice_stores_one_run(queue: Any) -> None:
    client, broker, database = queue
    token = register(client, "q3@example.org")
    first = client.post("/api/runs", headers=bearer(token), files={"file": ("b.gpx", distinct_gpx(2))}).json()
    declare(broker).analyse_upload.send(first["id"])  # a redelivery
    again = client.post(
        "/api/runs", headers=bearer(token), files={"file": ("b2.gpx", distinct_gpx(2))}
    ).json()
    run_queue(broker)
    one = client.get(f"/api/runs/{first['id']}", headers=bearer(token)).json()
    two = client.get(f"/api/runs/{again['id']}", headers=bearer(token)).json()
    assert one["status"] == two["status"] == "done"
    assert one["runs"] == two["runs"] and len(one["runs"]) == 1
    assert client.get("/api/runs", headers=bearer(token)).json()["total"] == 1
    assert Uploads(database.engine).get(first["id"]).attempts == 1  # the redelivery found it done


def test_a_file_progrun_refuses_fails_at_once_with_its_reason(queue: Any) -> None:
    client, broker, _ = queue
    token = register(client, "q4@example.org")
    bad = client.post(
        "/api/runs", headers=bearer(token), files={"file": ("bad.fit", b"\x0e\x10" + b"x" * 60)}
    )
    run_queue(broker)
    body = client.get(f"/api/runs/{bad.json()['id']}", headers=bearer(token)).json()
    assert body["status"] == "failed"
    assert "bad.fit" in body["error"] and body["summary"] is None


def test_an_error_retried_then_dead_lettered_is_visible_on_the_upload(queue: Any, monkeypatch: Any) -> None:
    client, broker, database = queue
    token = register(client, "q5@example.org")
    calls: list[str] = []

    def broken(database: Database, upload_id: str) -> str:
        calls.append(upload_id)
        raise ConnectionError("the disk went away")

    monkeypatch.setattr("progrun.training_log.upload_task.analyse_upload", broken)
    answer = client.post("/api/runs", headers=bearer(token), files={"file": ("c.gpx", distinct_gpx(3))})
    run_queue(broker)
    body = client.get(f"/api/runs/{answer.json()['id']}", headers=bearer(token)).json()
    assert len(calls) == 3  # the first try and max_retries=2 retries
    assert body["status"] == "failed"
    assert body["error"].startswith("this file failed: c.gpx could not be analysed after 3 attempts")
    assert "ConnectionError: the disk went away" in body["error"]
    assert len(broker.dead_letters) == 1
    assert actors_module._database() is database


def test_readyz_is_503_naming_the_broker_when_its_port_is_closed(pg_url: str) -> None:
    from tests.tasks.conftest import free_port

    config = WebConfig(broker_url=f"redis://127.0.0.1:{free_port()}/0")
    app = create_app(Settings(db_url=pg_url, data_dir=database_dir()), config)
    with TestClient(app) as client:
        ready = client.get("/readyz", headers={"X-Request-ID": "probe-1"})
        assert ready.status_code == 503
        assert ready.json()["status"] == "unavailable" and "Redis does not answer" in ready.json()["broker"]
        assert ready.headers["x-request-id"] == "probe-1"
        assert client.get("/healthz").status_code == 200
        token = register(client, "q6@example.org")
        refused = client.post("/api/runs", headers=bearer(token), files={"file": ("d.gpx", distinct_gpx(4))})
        assert refused.status_code == 503 and "work queue is unreachable" in refused.json()["error"]
        metrics = client.get("/metrics").text
        assert 'progrun_http_requests_total{method="GET",route="/readyz",status="503"}' in metrics
        assert 'progrun_uploads{status="failed"}' in metrics
