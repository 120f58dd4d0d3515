"""Errors reach each asker in its own form: a browser's page gets a styled HTML page, HTMX a fragment, the
API its JSON `{error, field, suggestions}`; the message and suggestions are the same in all three.

Every error path of the app is generated: 401/403/404/405/413/415/422/429/431/503 and a ProgrunError
with suggestions, each sent as a page would (Accept text/html), as HTMX, and as an API client."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from progrun.errors import RequestError, Suggestion
from progrun.settings import Settings
from progrun.web import WebConfig, create_app
from progrun.web.analysis import QueueUnavailable
from progrun.web.limits import RateLimiter
from tests.web.api_accounts import bearer, register

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
LIMIT_BYTES = 1_000_000


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    config = WebConfig(upload_max_bytes=LIMIT_BYTES, uploads_per_hour=1000, analysis_workers=1)
    app = create_app(Settings(db_url=f"sqlite:///{tmp_path}/log.db", data_dir=tmp_path), config)

    @app.get("/test-suggests", include_in_schema=False)
    def suggests() -> None:
        raise RequestError("distance", ("give the run's length: ", Suggestion("distance", "5mi")))

    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


@dataclass(frozen=True)
class Case:
    """A request that fails: `send(client, token, headers)` with the asker's headers added."""

    name: str
    status: int
    send: Callable[[TestClient, str, dict[str, str]], Response]
    #: A path the app answers machines on (/api/...): JSON unless a browser navigated there itself.
    api: bool = False


def _form_upload(name: str, data: bytes) -> Callable[[TestClient, str, dict[str, str]], Response]:
    def send(client: TestClient, token: str, headers: dict[str, str]) -> Response:
        return client.post("/api/runs", files={"file": (name, data)}, headers={**bearer(token), **headers})

    return send


def _limited(client: TestClient, token: str, headers: dict[str, str]) -> Response:
    client.app.state.progrun.upload_limiter = RateLimiter(1, 3600.0)  # type: ignore[attr-defined]
    client.post("/api/runs", files={"file": ("a.gpx", b"<gpx/>")}, headers=bearer(token))
    return _form_upload("b.gpx", b"<gpx/>")(client, token, headers)


def _queue_down(client: TestClient, token: str, headers: dict[str, str]) -> Response:
    class Down:
        def submit(self, *args: object) -> None:
            raise QueueUnavailable("refused")

        def shutdown(self) -> None:
            pass

    client.app.state.progrun.analysis = Down()  # type: ignore[attr-defined]
    return _form_upload("c.gpx", b"<gpx/>")(client, token, headers)


def _no_csrf(client: TestClient, token: str, headers: dict[str, str]) -> Response:
    client.cookies.set("progrun_session", token)  # a cookie-signed form post without its token
    try:
        return client.post("/plan/save", data={"race": "5k=22:30"}, headers=headers)
    finally:
        client.cookies.clear()


CASES = [
    Case("unknown page", 404, lambda c, t, h: c.get("/no-such-page", headers={**bearer(t), **h})),
    Case("page field type", 422, lambda c, t, h: c.get("/runs/abc", headers={**bearer(t), **h})),
    Case("wrong method", 405, lambda c, t, h: c.get("/logout", headers={**bearer(t), **h})),
    Case("signed out", 401, lambda c, t, h: c.post("/logout", headers=h)),
    Case("form without csrf", 403, _no_csrf),
    Case("suggestions", 400, lambda c, t, h: c.get("/test-suggests", headers={**bearer(t), **h})),
    Case("huge headers", 431, lambda c, t, h: c.get("/history", headers={"X-Pad": "a" * 40_000, **h})),
    Case("upload too large", 413, _form_upload("big.fit", b"\0" * (LIMIT_BYTES + 70_000)), api=True),
    Case("upload not a run", 415, _form_upload("run.exe", b"MZ"), api=True),
    Case("upload empty", 422, _form_upload("empty.fit", b""), api=True),
    Case("uploads per hour", 429, _limited, api=True),
    Case("queue unreachable", 503, _queue_down, api=True),
    Case("unknown api", 404, lambda c, t, h: c.get("/api/nothing", headers={**bearer(t), **h}), api=True),
]


def _text(page: str) -> str:
    """The page's text without tags, entities decoded, spaces folded (and byte counts as N: the
    431 message counts the request's own headers, which differ by the Accept sent)."""
    return _counts(" ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split()))


def _counts(text: str) -> str:
    return re.sub(r"\d+ bytes", "N bytes", text)


def _json_of(client: TestClient, token: str, case: Case) -> dict[str, object]:
    answer = case.send(client, token, {"Accept": "application/json"})
    assert answer.status_code == case.status and answer.headers["content-type"] == "application/json"
    body = answer.json()
    assert set(body) == {"error", "field", "suggestions"}
    return dict(body)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_browser_gets_a_styled_page_saying_what_the_api_says(client: TestClient, case: Case) -> None:
    token = register(client, "ann@example.org")
    expected = _json_of(client, token, case)
    page = case.send(client, token, {"Accept": BROWSER})
    assert page.status_code == case.status
    assert page.headers["content-type"].startswith("text/html")
    assert page.text.startswith("<!doctype html>")
    assert '<link rel="stylesheet" href="/static/app.css">' in page.text and 'role="alert"' in page.text
    assert _counts(str(expected["error"])) in _text(page.text)
    for suggestion in expected["suggestions"]:  # type: ignore[attr-defined]
        assert f"Try {suggestion['field']} = {suggestion['value']}" in _text(page.text)
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    if case.status == 429:
        assert page.headers["retry-after"]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_htmx_gets_a_fragment_and_scripts_keep_json(client: TestClient, case: Case) -> None:
    token = register(client, "bo@example.org")
    expected = _json_of(client, token, case)
    fragment = case.send(client, token, {"HX-Request": "true"})
    assert fragment.status_code == case.status and fragment.headers["content-type"].startswith("text/html")
    assert fragment.text.lstrip().startswith(("{#", '<div class="problem" role="alert">'))
    assert "<html" not in fragment.text and _counts(str(expected["error"])) in _text(fragment.text)
    script = case.send(client, token, {})  # httpx's Accept */*: an API client, curl, fetch
    if case.api:
        assert script.headers["content-type"] == "application/json" and script.json() == expected
    else:
        assert script.headers["content-type"].startswith("text/html")


def test_the_suggestion_and_the_field_are_on_the_page(client: TestClient) -> None:
    token = register(client, "cy@example.org")
    page = client.get("/test-suggests", headers={**bearer(token), "Accept": BROWSER})
    assert "<strong>distance</strong>: give the run's length: distance 5mi" in html.unescape(page.text)
    assert "Try <code>distance</code> = <code>5mi</code>" in page.text
    assert '<a href="/profile">' in page.text  # the navigation of the signed-in runner


def test_a_page_that_sends_to_sign_in_redirects_and_htmx_is_told_where(client: TestClient) -> None:
    page = client.get("/history", headers={"Accept": BROWSER}, follow_redirects=False)
    assert (page.status_code, page.headers["location"], page.text) == (303, "/login", "")
    fragment = client.get("/plan/preview", headers={"HX-Request": "true"}, follow_redirects=False)
    assert (fragment.status_code, fragment.headers["hx-redirect"]) == (200, "/login")


def test_htmx_swaps_error_answers(client: TestClient) -> None:
    register(client, "di@example.org")
    page = client.get("/login")
    config = re.search(r"name=\"htmx-config\" content='([^']+)'", page.text)
    assert config is not None
    assert '{"code": "[45]..", "swap": true, "error": true}' in config.group(1)
