"""Catalogue B5 session and header cases (86, 87, 88): fixation, sign-out, expiry, redirects, headers."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from progrun.settings import Settings
from progrun.web import WebConfig, create_app
from progrun.web.sessions import start_session
from tests.web.api_accounts import PASSWORD, bearer, register
from tests.web_cases.conftest import get_paths


def form_sign_in(client: TestClient, email: str, **extra: str) -> str:
    """Sign in through the /login form (with its CSRF token); the new session cookie."""
    client.get("/login")
    csrf = client.cookies["progrun_csrf"]
    answer = client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf, **extra},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("progrun_session=")
    return cookie.split(";", 1)[0].removeprefix("progrun_session=")


def test_case_087_sign_in_issues_a_fresh_session_id_not_a_planted_one(client: TestClient) -> None:
    register(client, "fixation@x.org")
    client.cookies.set("progrun_session", "planted-by-an-attacker-0123456789abcdef")
    assert client.get("/api/auth/me").status_code == 401
    first = form_sign_in(client, "fixation@x.org")
    assert first != "planted-by-an-attacker-0123456789abcdef" and len(first) >= 43
    assert client.get("/api/auth/me", headers=bearer(first)).status_code == 200
    second = form_sign_in(client, "fixation@x.org")
    assert second != first  # every sign-in rotates the id
    client.cookies.clear()
    api = client.post("/api/auth/login", json={"email": "fixation@x.org", "password": PASSWORD}).json()[
        "token"
    ]
    assert api not in {first, second}


def test_case_087_sign_out_revokes_the_session_on_the_server(client: TestClient) -> None:
    register(client, "logout@x.org")
    session = form_sign_in(client, "logout@x.org")
    client.cookies.set("progrun_session", session)
    csrf = client.cookies["progrun_csrf"]
    answer = client.post(
        "/logout", data={"csrf_token": csrf}, headers={"X-CSRF-Token": csrf}, follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/login"
    client.cookies.clear()
    # the old cookie, replayed, signs no one in: the page sends to /login, the API says 401
    client.cookies.set("progrun_session", session)
    assert client.get("/history", follow_redirects=False).headers["location"].startswith("/login")
    refused = client.get("/api/auth/me")
    assert refused.status_code == 401 and refused.json()["error"].startswith("sign in first")
    client.cookies.clear()


def test_case_087_expired_and_tampered_sessions_sign_no_one_in(client: TestClient) -> None:
    register(client, "expiry@x.org")
    database = client.app.state.progrun.database  # type: ignore[attr-defined]
    user = database.user_by_email("expiry@x.org")
    for hours in (-1.0, -24 * 15.0):
        expired = start_session(database, user.id, timedelta(hours=hours))
        client.cookies.set("progrun_session", expired)
        assert client.get("/history", follow_redirects=False).status_code in {302, 303, 307}
        assert client.get("/api/auth/me").status_code == 401
        client.cookies.clear()
        assert client.get("/api/auth/me", headers=bearer(expired)).status_code == 401
    live = start_session(database, user.id, timedelta(hours=1))
    tampered = live[:-1] + ("A" if live[-1] != "A" else "B")
    assert client.get("/api/auth/me", headers=bearer(tampered)).status_code == 401
    assert client.get("/api/auth/me", headers=bearer(live)).status_code == 200


def test_case_087_cookie_flags_over_https(tmp_path: Path) -> None:
    app = create_app(Settings(db_url=f"sqlite:///{tmp_path / 'log.db'}", data_dir=tmp_path), WebConfig())
    with TestClient(app, base_url="https://testserver") as secure:
        csrf_cookie = secure.get("/login").headers["set-cookie"]
        assert csrf_cookie.startswith("progrun_csrf=")
        assert "HttpOnly" in csrf_cookie and "Secure" in csrf_cookie and "SameSite=lax" in csrf_cookie
        secure.post("/api/auth/register", json={"email": "s@x.org", "password": PASSWORD, "name": "S"})
        login = secure.post("/api/auth/login", json={"email": "s@x.org", "password": PASSWORD})
        cookie = login.headers["set-cookie"]
        assert cookie.startswith("progrun_session=")
        for flag in ("HttpOnly", "Secure", "SameSite=lax", "Path=/", f"Max-Age={14 * 24 * 3600}"):
            assert flag in cookie, (flag, cookie)


TARGETS = ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)"]


@pytest.mark.parametrize("target", TARGETS)
def test_case_087_sign_in_never_redirects_off_site(client: TestClient, target: str) -> None:
    email = f"redirect{TARGETS.index(target)}@x.org"
    register(client, email)
    page = client.get("/login", params={"next": target})
    assert page.status_code == 200 and "evil.example" not in page.text and "javascript:" not in page.text
    client.get("/login")
    csrf = client.cookies["progrun_csrf"]
    answer = client.post(
        f"/login?next={target}",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf, "next": target},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    client.cookies.clear()


def test_case_086_get_never_signs_out_or_changes_state(client: TestClient) -> None:
    token = register(client, "getonly@x.org")
    assert client.get("/api/auth/logout", headers=bearer(token)).status_code == 405
    assert client.get("/logout", headers=bearer(token)).status_code == 405
    assert client.get("/api/auth/me", headers=bearer(token)).status_code == 200


def test_case_086_a_cross_site_upload_with_only_the_cookie_is_403(client: TestClient) -> None:
    token = register(client, "crosssite@x.org")
    client.get("/healthz")
    client.cookies.set("progrun_session", token)
    answer = client.post("/api/runs", files={"file": ("a.fit", b"x" * 100)})
    client.cookies.clear()
    assert answer.status_code == 403 and "security token is missing" in answer.json()["error"]
    assert client.get("/api/runs", headers=bearer(token)).json()["runs"] == []


def test_case_088_uploads_are_limited_per_user_per_hour_with_retry_after(tmp_path: Path) -> None:
    config = WebConfig(uploads_per_hour=3, analysis_workers=1)
    app = create_app(Settings(db_url=f"sqlite:///{tmp_path / 'log.db'}", data_dir=tmp_path), config)
    with TestClient(app) as limited:
        token = register(limited, "flood@x.org")
        codes = [
            limited.post("/api/runs", files={"file": (f"r{n}.fit", b"")}, headers=bearer(token)).status_code
            for n in range(3)
        ]
        assert codes == [422] * 3  # empty files still count: the limit is checked before the body is read
        refused = limited.post("/api/runs", files={"file": ("r4.fit", b"")}, headers=bearer(token))
        assert refused.status_code == 429
        assert 3500 <= int(refused.headers["retry-after"]) <= 3600
        body = refused.json()
        assert body["field"] == "file"
        assert body["error"].startswith("file: you uploaded 3 files in the last hour; wait 60 min")
        other = register(limited, "calm@x.org")  # other users are unaffected
        assert (
            limited.post("/api/runs", files={"file": ("r.fit", b"")}, headers=bearer(other)).status_code
            == 422
        )


def page_paths(client: TestClient) -> list[str]:
    paths = get_paths(client.app)  # type: ignore[arg-type]
    return [path for path in paths if not path.startswith(("/static", "/login/once"))]


def test_case_092_csp_and_clickjacking_headers_on_every_page(client: TestClient) -> None:
    token = register(client, "headers@x.org")
    paths = page_paths(client)
    assert {"/", "/login", "/history", "/upload", "/healthz", "/api/runs"} <= set(paths)
    for signed_in in (False, True):
        client.cookies.clear()
        if signed_in:
            client.cookies.set("progrun_session", token)
        for path in [*paths, "/nothing-here", "/static/../../etc/passwd"]:
            answer = client.get(path, follow_redirects=False)
            assert answer.status_code < 500, (path, answer.status_code)
            csp = answer.headers.get("content-security-policy", "")
            assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, path
            assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, path
            assert answer.headers["x-frame-options"] == "DENY", path
            assert answer.headers["x-content-type-options"] == "nosniff", path
    client.cookies.clear()


def test_case_092_plan_downloads_are_attachments_of_their_type(client: TestClient) -> None:
    token = register(client, "download@x.org")
    plan = client.post(
        "/api/plans", json={"race": "5k=22:30", "distance": "5mi"}, headers=bearer(token)
    ).json()
    for fmt in ("fit", "ics", "zwo", "json", "pdf", "intervals"):
        answer = client.get(f"/api/plans/{plan['id']}/export/{fmt}", headers=bearer(token))
        assert answer.status_code == 200
        assert answer.headers["content-disposition"].startswith("attachment")
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert not answer.headers["content-type"].startswith("text/html"), fmt
