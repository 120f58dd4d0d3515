"""Catalogue B5 case 78 (slow uploads, huge headers) against a real uvicorn on loopback, as `progrun serve`
runs it: the header limit and the event loop are uvicorn's (h11); the app's part is that nothing it does
blocks other requests while slow clients hold connections open."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from progrun.settings import Settings
from progrun.web import WebConfig, create_app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("served")
    app = create_app(Settings(db_url=f"sqlite:///{folder / 'log.db'}", data_dir=folder), WebConfig())
    port = free_port()
    # the settings `progrun serve` passes (serve_command.serve_log)
    served = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=30)
    )
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    for _ in range(500):
        if served.started:
            break
        time.sleep(0.01)
    assert served.started
    yield f"http://127.0.0.1:{port}"
    served.should_exit = True
    thread.join(timeout=30)


def raw(url: str, request: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
            if b"\r\n\r\n" in answer:
                break
    return answer


@pytest.mark.parametrize("header_bytes", [100_000, 1_000_000])
def test_case_078_huge_headers_are_refused_by_the_server(server: str, header_bytes: int) -> None:
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * header_bytes + b"\r\n\r\n"
    try:
        answer = raw(server, request)
    except (ConnectionResetError, BrokenPipeError):
        answer = b""  # closed while we were still sending: refused all the same
    assert answer == b"" or answer.startswith((b"HTTP/1.1 400", b"HTTP/1.1 431")), answer[:200]
    if answer.startswith(b"HTTP/1.1 431"):
        assert b"content-security-policy: default-src 'self'" in answer
    assert httpx.get(f"{server}/healthz").status_code == 200


def test_case_078_slow_clients_do_not_block_others(server: str) -> None:
    host, port = server.removeprefix("http://").split(":")
    slow = []
    for n in range(50):  # each sends a request line and one header byte, then stalls (slowloris)
        connection = socket.create_connection((host, int(port)), timeout=10)
        connection.sendall(
            f"POST /api/runs HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\nX-{n}: ".encode()
        )
        slow.append(connection)
    try:
        codes = [httpx.get(f"{server}/healthz").status_code for _ in range(20)]
        page = httpx.get(f"{server}/login")
        assert codes == [200] * 20 and page.status_code == 200 and "<form" in page.text
        for connection in slow[:25]:  # a slow body: headers done, one byte of the megabyte
            connection.sendall(b"a\r\n\r\nx")
        assert httpx.get(f"{server}/healthz").status_code == 200
    finally:
        for connection in slow:
            connection.close()
    assert httpx.get(f"{server}/healthz").status_code == 200
