"""Catalogue B5 upload cases (76, 77, 79, 80, 89): bodies, parts, names and duplicates."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.web.api_accounts import bearer, register
from tests.web_cases.conftest import (
    BOUNDARY,
    FIT_RUN,
    LIMIT_BYTES,
    MULTIPART_TYPE,
    asgi_post,
    multipart,
    wait_done,
)

CHUNK_BYTES = 256 * 1024


def chunked_upload(total_bytes: int) -> Iterator[bytes]:
    """One file part of `total_bytes` of FIT-looking bytes, sent in CHUNK_BYTES pieces."""
    yield f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="huge.fit"\r\n\r\n'.encode()
    sent = 0
    while sent < total_bytes:
        piece = min(CHUNK_BYTES, total_bytes - sent)
        sent += piece
        yield b"\x0e" * piece
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


@pytest.mark.parametrize("total_bytes", [3 * LIMIT_BYTES, 50 * LIMIT_BYTES])
def test_case_076_chunked_upload_over_the_limit_is_413_once_the_limit_is_crossed(
    client: TestClient, total_bytes: int
) -> None:
    token = register(client, f"chunked{total_bytes}@x.org")
    headers = {"content-type": MULTIPART_TYPE, **bearer(token)}
    answer = asgi_post(client.app, "/api/runs", headers, chunked_upload(total_bytes))  # type: ignore[arg-type]
    assert answer.status == 413
    assert b"MB limit of one upload" in answer.body and b'"field":"file"' in answer.body
    # measured in bytes received: the app stops reading within one chunk past the limit (+64 KB of form)
    assert LIMIT_BYTES < answer.received_bytes <= LIMIT_BYTES + 65536 + CHUNK_BYTES
    assert client.get("/api/runs", headers=bearer(token)).json()["runs"] == []


def test_case_076_chunked_upload_under_the_limit_is_accepted(client: TestClient) -> None:
    token = register(client, "chunked-small@x.org")
    data = FIT_RUN.read_bytes()
    body = multipart([("file", "small.fit", data)])
    pieces = iter([body[i : i + 4096] for i in range(0, len(body), 4096)])
    answer = asgi_post(
        client.app,  # type: ignore[arg-type]
        "/api/runs",
        {"content-type": MULTIPART_TYPE, **bearer(token)},
        pieces,
    )
    assert answer.status == 202, answer.body
    assert answer.received_bytes == len(body)


def test_case_077_ten_thousand_tiny_parts_are_refused(client: TestClient) -> None:
    token = register(client, "parts@x.org")
    body = multipart([(f"f{n}", None, b"x") for n in range(10_000)])
    answer = client.post("/api/runs", content=body, headers={"content-type": MULTIPART_TYPE, **bearer(token)})
    assert answer.status_code == 400
    assert answer.json()["error"] == "Too many fields. Maximum number of fields is 1000."


def test_case_077_two_thousand_files_are_refused(client: TestClient) -> None:
    token = register(client, "files@x.org")
    body = multipart([("file", f"r{n}.fit", b"x") for n in range(2_000)])
    answer = client.post("/api/runs", content=body, headers={"content-type": MULTIPART_TYPE, **bearer(token)})
    assert answer.status_code == 400
    assert answer.json()["error"] == "Too many files. Maximum number of files is 1000."


def test_case_077_a_text_field_over_one_megabyte_is_refused(client: TestClient) -> None:
    token = register(client, "field@x.org")
    body = multipart([("note", None, b"a" * 1_500_000), ("file", "r.fit", FIT_RUN.read_bytes())])
    answer = client.post("/api/runs", content=body, headers={"content-type": MULTIPART_TYPE, **bearer(token)})
    assert answer.status_code == 400
    assert "Part exceeded maximum size of 1024KB" in answer.json()["error"]


def test_case_077_a_huge_field_name_is_refused_without_a_traceback(client: TestClient) -> None:
    token = register(client, "fieldname@x.org")
    body = multipart([("n" * 200_000, None, b"x")])
    answer = client.post("/api/runs", content=body, headers={"content-type": MULTIPART_TYPE, **bearer(token)})
    assert answer.status_code == 400  # python-multipart refuses a part header this long
    assert answer.json() == {"error": "Invalid multipart data.", "field": "", "suggestions": []}


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("run.fit", b"\x89PNG\r\n\x1a\n" + b"\0" * 200),  # a PNG called .fit
        ("run.gpx", b"MZ\x90\0" + b"\0" * 200),  # an executable called .gpx
        ("run.tcx", b"\x7fELF" + b"\0" * 200),
    ],
)
def test_case_079_disguised_types_fail_with_the_reason(client: TestClient, name: str, data: bytes) -> None:
    token = register(client, f"disguised-{name}@x.org")
    queued = client.post(
        "/api/runs", files={"file": (name, data, "application/octet-stream")}, headers=bearer(token)
    )
    assert queued.status_code == 202
    failed = wait_done(client, token, queued.json()["id"])
    assert failed["status"] == "failed", failed
    assert (
        failed["error"].startswith(f"this file failed: {name}: ") and "progrun reads FIT" in failed["error"]
    )
    assert client.get("/api/runs", headers=bearer(token)).json()["runs"] == []


@pytest.mark.parametrize("name", ["run.fit.php", "run.exe", "run.php%00.fit.html", "run"])
def test_case_079_names_progrun_does_not_read_are_415(client: TestClient, name: str) -> None:
    token = register(client, f"ext-{name}@x.org")
    answer = client.post("/api/runs", files={"file": (name, b"<?php")}, headers=bearer(token))
    assert answer.status_code == 415
    body = answer.json()
    assert body["field"] == "file" and repr(name) in body["error"] and ".fit, .gpx or .tcx" in body["error"]


@pytest.mark.parametrize("name", ["run.php\x00.fit", "run\x1b[31m.fit", "run\x7f.gpx"])
def test_case_079_control_characters_in_a_file_name_are_refused(client: TestClient, name: str) -> None:
    token = register(client, f"nul{ord(name[3]) + ord(name[7])}@x.org")
    body = multipart([("file", name, FIT_RUN.read_bytes())])  # raw bytes: httpx would escape them
    answer = client.post("/api/runs", content=body, headers={"content-type": MULTIPART_TYPE, **bearer(token)})
    assert answer.status_code == 422
    assert answer.json()["field"] == "file" and "control characters" in answer.json()["error"]
    assert client.get("/api/runs", headers=bearer(token)).json()["runs"] == []


def test_case_079_the_bytes_decide_not_the_content_type(client: TestClient) -> None:
    token = register(client, "sniff@x.org")
    queued = client.post(
        "/api/runs", files={"file": ("real.fit", FIT_RUN.read_bytes(), "image/png")}, headers=bearer(token)
    )
    assert wait_done(client, token, queued.json()["id"])["status"] == "done"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../../etc/cron.d/run.fit", "run.fit"),
        ("..\\..\\windows\\run.fit", "run.fit"),
        ("/abs/path/<img src=x onerror=alert(1)>.fit", "<img src=x onerror=alert(1)>.fit"),
        ("Ünïcödé løp 🏃.fit", "Ünïcödé løp 🏃.fit"),
    ],
)
def test_case_080_the_stored_name_is_never_the_users(client: TestClient, name: str, shown: str) -> None:
    token = register(client, f"name{abs(hash(name))}@x.org")
    queued = client.post("/api/runs", files={"file": (name, FIT_RUN.read_bytes())}, headers=bearer(token))
    assert queued.status_code == 202
    upload_id = queued.json()["id"]
    assert upload_id.startswith("u") and len(upload_id) == 17  # generated by the server
    done = wait_done(client, token, upload_id)
    assert done["name"] == shown  # kept as data only, without any folder
    folder = client.app.state.progrun.settings.data_dir  # type: ignore[attr-defined]
    assert not [path for path in folder.rglob("*") if "run.fit" in path.name or "onerror" in path.name]
    client.get("/healthz")
    client.cookies.set("progrun_session", token)
    page = client.get(f"/runs/{done['runs'][0]}")
    client.cookies.clear()
    assert page.status_code == 200 and "<img src=x" not in page.text


def test_case_089_the_same_file_uploaded_five_times_at_once_is_one_run(client: TestClient) -> None:
    token = register(client, "twice@x.org")
    data = FIT_RUN.read_bytes()
    ids: list[str] = []

    def upload(n: int) -> None:
        answer = client.post("/api/runs", files={"file": (f"copy{n}.fit", data)}, headers=bearer(token))
        assert answer.status_code == 202
        ids.append(answer.json()["id"])

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcomes = [wait_done(client, token, upload_id) for upload_id in ids]
    assert len(ids) == 5 and all(outcome["status"] in {"done", "failed"} for outcome in outcomes)
    imported = [run for outcome in outcomes for run in outcome.get("runs", [])]
    listing = client.get("/api/runs", headers=bearer(token)).json()
    assert listing["total"] == 1 and len(set(imported)) == 1, outcomes
