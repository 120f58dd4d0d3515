"""Fixtures for the task queue: a PostgreSQL log per test, a private redis-server, the app over both."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.storage.conftest import _pg_schema_url, pg_database_url
from tests.synthetic_runs import BASE_START, gpx_text, progression_paces, synthetic_run

__all__ = ["pg_database_url"]


@pytest.fixture
def pg_url(pg_database_url: str) -> str:
    return _pg_schema_url(pg_database_url)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A redis-server of our own on a free loopback port (the shared one is left alone)."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is needed (apt-get install redis-server)"
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(10)


def distinct_gpx(index: int) -> bytes:
    """A distinct 6 km progression run (its own day and paces), as GPX bytes."""
    paces = [pace + 0.7 * (index % 9) for pace in progression_paces(index % 12)]
    activity = synthetic_run(BASE_START + timedelta(days=index), paces)
    return gpx_text(activity).encode()


def write_gpx(folder: Path, index: int) -> Path:
    path = folder / f"run{index:03d}.gpx"
    path.write_bytes(distinct_gpx(index))
    return path
