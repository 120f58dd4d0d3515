"""The JSON API with FastAPI's TestClient: accounts, CSRF, plans, runs, progress, isolation, bad input."""

from __future__ import annotations

import gzip
import io
import time
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from progrun.settings import Settings
from progrun.web import WebConfig, create_app
from progrun.web.sessions import start_session
from tests.web.api_accounts import PASSWORD, bearer, register

FIT_RUN = (
    Path(__file__).resolve().parents[3] / "shared/data/activities/fit/fitparse__activity-small-fenix2-run.fit"
)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("web")
    config = WebConfig(upload_max_bytes=2_000_000, uploads_per_hour=50, analysis_workers=1)
    app = create_app(Settings(db_url=f"sqlite:///{folder / 'log.db'}", data_dir=folder), config)
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


def wait_done(client: TestClient, token: str, upload_id: str) -> dict[str, object]:
    for _ in range(600):
        body: dict[str, object] = client.get(f"/api/runs/{upload_id}", headers=bearer(token)).json()
        if body["status"] in {"done", "failed"}:
            return body
        time.sleep(0.05)
    raise AssertionError(f"upload {upload_id} still {body['status']}")


def test_healthz_and_security_headers(client: TestClient) -> None:
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}
    csp = answer.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "no-referrer"


def test_register_login_logout_and_revocation(client: TestClient) -> None:
    answer = client.post("/api/auth/register", json={"email": "a@x.org", "password": PASSWORD, "name": "A"})
    assert answer.status_code == 201
    again = client.post("/api/auth/register", json={"email": "a@x.org", "password": PASSWORD, "name": "A"})
    assert again.status_code == 409 and again.json()["error"].startswith("email:")
    login = client.post("/api/auth/login", json={"email": "a@x.org", "password": PASSWORD})
    assert login.status_code == 200
    cookie = login.headers["set-cookie"]
    assert "progrun_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # served over http here; https requests get Secure
    token = login.json()["token"]
    client.cookies.clear()
    assert client.get("/api/auth/me", headers=bearer(token)).json()["email"] == "a@x.org"
    assert client.post("/api/auth/logout", headers=bearer(token)).status_code == 204
    assert client.get("/api/auth/me", headers=bearer(token)).status_code == 401
    wrong = client.post("/api/auth/login", json={"email": "a@x.org", "password": "not it at all"})
    assert wrong.status_code == 401


def test_expired_session_is_refused(client: TestClient) -> None:
    register(client, "expired@x.org")
    database = client.app.state.progrun.database  # type: ignore[attr-defined]
    user = database.user_by_email("expired@x.org")
    token = start_session(database, user.id, timedelta(seconds=-1))
    assert client.get("/api/auth/me", headers=bearer(token)).status_code == 401


def test_sign_in_is_rate_limited_per_ip_and_address(client: TestClient) -> None:
    codes = [
        client.post("/api/auth/login", json={"email": "brute@x.org", "password": f"guess{n}"}).status_code
        for n in range(7)
    ]
    assert codes == [401] * 5 + [429] * 2
    other = client.post("/api/auth/login", json={"email": "other@x.org", "password": "guess"})
    assert other.status_code == 401


def test_cookie_form_post_needs_csrf_and_bearer_does_not(client: TestClient) -> None:
    token = register(client, "csrf@x.org")
    body = {"race": "5k=22:30", "distance": "5mi"}
    client.get("/healthz")  # the CSRF cookie
    client.cookies.set("progrun_session", token)
    assert client.post("/api/plans", json=body).status_code == 403
    csrf = client.cookies["progrun_csrf"]
    assert client.post("/api/plans", json=body, headers={"X-CSRF-Token": csrf}).status_code == 201
    client.cookies.clear()
    assert client.post("/api/plans", json=body, headers=bearer(token)).status_code == 201


def test_plan_create_export_and_isolation(client: TestClient) -> None:
    token = register(client, "planner@x.org")
    answer = client.post("/api/plans", json={"race": "5k=22:30", "distance": "5mi"}, headers=bearer(token))
    assert answer.status_code == 201, answer.text
    plan = answer.json()
    assert plan["id"] >= 1 and len(plan["steps"]) >= 5
    assert client.get(f"/api/plans/{plan['id']}", headers=bearer(token)).json()["steps"] == plan["steps"]
    sizes = {}
    for fmt, magic in {
        "fit": b".FIT",
        "ics": b"BEGIN:VCALENDAR",
        "zwo": b"<workout_file",
        "json": b"{",
        "pdf": b"%PDF",
        "intervals": b"",
    }.items():
        file = client.get(f"/api/plans/{plan['id']}/export/{fmt}", headers=bearer(token))
        assert file.status_code == 200, (fmt, file.text)
        assert magic in file.content[:200] and "attachment" in file.headers["content-disposition"]
        sizes[fmt] = len(file.content)
    assert all(size > 0 for size in sizes.values())
    assert client.get(f"/api/plans/{plan['id']}/export/exe", headers=bearer(token)).status_code == 422
    other = register(client, "snoop@x.org")
    assert client.get(f"/api/plans/{plan['id']}", headers=bearer(other)).status_code == 404
    assert client.get(f"/api/plans/{plan['id']}/export/fit", headers=bearer(other)).status_code == 404


def test_plan_errors_speak_fields(client: TestClient) -> None:
    token = register(client, "typo@x.org")
    bad = client.post("/api/plans", json={"race": "5k=22:30"}, headers=bearer(token))
    assert bad.status_code == 400
    assert bad.json()["field"] == "distance"
    assert {"field": "distance", "value": "5mi"} in bad.json()["suggestions"]
    assert "--" not in bad.json()["error"]
    broken = client.post(
        "/api/plans", content=b"{not json", headers={**bearer(token), "Content-Type": "application/json"}
    )
    assert broken.status_code == 422 and "not valid JSON" in broken.json()["error"]


def test_upload_real_fit_file_is_analysed_and_private(client: TestClient) -> None:
    token = register(client, "runner@x.org")
    data = FIT_RUN.read_bytes()
    queued = client.post("/api/runs", files={"file": ("my run.fit", data)}, headers=bearer(token))
    assert queued.status_code == 202
    assert queued.json()["status"] in {"queued", "analysing", "done"}
    done = wait_done(client, token, queued.json()["id"])
    assert done["status"] == "done", done
    assert isinstance(done["splits"], list) and len(done["splits"]) >= 1
    summary = done["summary"]
    assert isinstance(summary, dict) and summary["distance_m"] > 1000
    run_id = done["runs"][0]  # type: ignore[index]
    stored = client.get(f"/api/runs/{run_id}", headers=bearer(token)).json()
    assert stored["splits"] == done["splits"] and stored["verdict"] == done["verdict"]
    listing = client.get("/api/runs", headers=bearer(token)).json()
    assert [run["id"] for run in listing["runs"]] == [run_id]
    other = register(client, "other-runner@x.org")
    assert client.get(f"/api/runs/{run_id}", headers=bearer(other)).status_code == 404
    assert client.get(f"/api/runs/{queued.json()['id']}", headers=bearer(other)).status_code == 404
    assert client.get("/api/runs", headers=bearer(other)).json()["runs"] == []
    progress = client.get("/api/progress", headers=bearer(token))
    assert progress.status_code == 200 and isinstance(progress.json(), dict)
    advice = client.get("/api/next?today=2030-01-01", headers=bearer(token))
    assert advice.status_code == 200 and isinstance(advice.json(), dict)


def test_archive_upload_imports_each_run_and_a_bomb_fails_with_a_reason(client: TestClient) -> None:
    token = register(client, "archive@x.org")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("activities/run.fit.gz", gzip.compress(FIT_RUN.read_bytes()))
        archive.writestr("activities/notes.txt", "hello")
    queued = client.post(
        "/api/runs", files={"file": ("export.zip", buffer.getvalue())}, headers=bearer(token)
    )
    done = wait_done(client, token, queued.json()["id"])
    assert done["status"] == "done" and len(done["runs"]) == 1  # type: ignore[arg-type]
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.gpx", b"<" + b" " * 300_000_000)
    queued = client.post("/api/runs", files={"file": ("bomb.zip", bomb.getvalue())}, headers=bearer(token))
    failed = wait_done(client, token, queued.json()["id"])
    assert failed["status"] == "failed" and "bomb.zip" in str(failed["error"])


def test_upload_limits_and_types(client: TestClient) -> None:
    token = register(client, "limits@x.org")
    wrong = client.post("/api/runs", files={"file": ("run.fit.php", b"<?php")}, headers=bearer(token))
    assert wrong.status_code == 415 and "run.fit.php" in wrong.json()["error"]
    big = client.post("/api/runs", files={"file": ("big.fit", b"\0" * 2_100_000)}, headers=bearer(token))
    assert big.status_code == 413 and "MB limit" in big.json()["error"]
    empty = client.post("/api/runs", files={"file": ("empty.fit", b"")}, headers=bearer(token))
    assert empty.status_code == 422
    assert client.post("/api/runs", files={"file": ("a.fit", b"x")}).status_code == 401
    assert client.get("/api/runs/..%2F..%2Fetc%2Fpasswd", headers=bearer(token)).status_code in {404, 422}
    assert client.get("/api/runs/1;DROP", headers=bearer(token)).status_code == 422


def test_hostile_name_is_escaped_in_pages(client: TestClient) -> None:
    answer = client.post(
        "/api/auth/register",
        json={"email": "xss@x.org", "password": PASSWORD, "name": "<script>alert(1)</script>"},
    )
    assert answer.status_code == 201
    client.get("/healthz")
    csrf = client.cookies["progrun_csrf"]
    page = client.post(
        "/login", data={"email": "xss@x.org", "password": PASSWORD, "csrf_token": csrf}, follow_redirects=True
    )
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    client.cookies.clear()


def test_login_form_without_csrf_is_403(client: TestClient) -> None:
    client.cookies.clear()
    client.get("/healthz")
    answer = client.post("/login", data={"email": "a@x.org", "password": PASSWORD})
    assert answer.status_code == 403


def test_once_link_signs_in_once(client: TestClient) -> None:
    from progrun.web.owner import ensure_owner, once_link

    database = client.app.state.progrun.database  # type: ignore[attr-defined]
    owner, created = ensure_owner(database)
    assert created and ensure_owner(database) == (owner, False)
    link = once_link(database, owner.id, "http://testserver", 5)
    client.cookies.clear()
    first = client.get(link.removeprefix("http://testserver"), follow_redirects=False)
    assert first.status_code == 303 and "progrun_session=" in first.headers["set-cookie"]
    assert client.get("/api/auth/me").json()["runner_id"] == 1
    client.cookies.clear()
    assert client.get(link.removeprefix("http://testserver"), follow_redirects=False).status_code == 401
