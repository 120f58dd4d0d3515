"""The app the catalogue's web cases run against, and raw requests TestClient cannot send.

`asgi_post` drives the app's ASGI callable with a body that arrives in chunks and no Content-Length,
counting the bytes the app actually asked for (TestClient reads a streamed body whole before sending).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from progrun.settings import Settings
from progrun.web import WebConfig, create_app
from tests.web.api_accounts import bearer

LIMIT_BYTES = 2_000_000
FIT_RUN = (
    Path(__file__).resolve().parents[3] / "shared/data/activities/fit/fitparse__activity-small-fenix2-run.fit"
)
BOUNDARY = "caseboundary7d2f"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("web-cases")
    config = WebConfig(upload_max_bytes=LIMIT_BYTES, uploads_per_hour=1000, analysis_workers=1)
    app = create_app(Settings(db_url=f"sqlite:///{folder / 'log.db'}", data_dir=folder), config)
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


def get_paths(app: FastAPI) -> list[str]:
    """Every GET path the app answers without a path parameter (included routers walked)."""

    def walk(routes: list[Any], prefix: str) -> Iterator[str]:
        for route in routes:
            if hasattr(route, "original_router"):
                yield from walk(route.original_router.routes, prefix + route.include_context.prefix)
            elif "GET" in (getattr(route, "methods", None) or ()):
                yield prefix + route.path

    return sorted({path for path in walk(list(app.routes), "") if "{" not in path})


def wait_done(client: TestClient, token: str, upload_id: str) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for _ in range(1200):
        body = client.get(f"/api/runs/{upload_id}", headers=bearer(token)).json()
        if body["status"] in {"done", "failed"}:
            return body
        time.sleep(0.05)
    raise AssertionError(f"upload {upload_id} still {body.get('status')}")


def multipart(parts: Iterable[tuple[str, str | None, bytes]]) -> bytes:
    """A multipart/form-data body of (field name, file name or None, content) parts."""
    out = bytearray()
    for name, filename, content in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        out += f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n".encode()
        out += content + b"\r\n"
    out += f"--{BOUNDARY}--\r\n".encode()
    return bytes(out)


MULTIPART_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


@dataclass
class RawAnswer:
    status: int
    body: bytes
    headers: dict[str, str]
    #: Bytes of the request body the app read before it answered.
    received_bytes: int


def asgi_post(app: FastAPI, path: str, headers: dict[str, str], chunks: Iterator[bytes]) -> RawAnswer:
    """POST `chunks` to the app as a chunked body (no Content-Length), as a server would pass them."""
    received = 0
    messages: list[dict[str, Any]] = []
    finished = False

    async def receive() -> dict[str, Any]:
        nonlocal received, finished
        if finished:
            await asyncio.sleep(0)
            return {"type": "http.disconnect"}
        chunk = next(chunks, None)
        if chunk is None:
            finished = True
            return {"type": "http.request", "body": b"", "more_body": False}
        received += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(key.lower().encode(), value.encode()) for key, value in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    start = next(m for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    found = {key.decode(): value.decode() for key, value in start["headers"]}
    return RawAnswer(start["status"], body, found, received)
