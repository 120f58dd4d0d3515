"""`progrun serve` as a subprocess on loopback over a fresh SQLite log, and what the load cases send it.

Shared by the catalogue's B7 cases 106-108 (`tests/web_cases/test_b7_load_cases.py`, scaled down) and
their full-size runs (`benchmarks/web_load_cases.py`). The server gets a private `TMPDIR` (the
spooled upload bodies and the import's work folders go there, so the cases can check it is empty at the
end), and its stdout and stderr go to `serve.log` in its folder. `Served.sample()` reads the server's
RSS and open file descriptors (and its analysis workers' RSS) from /proc.
"""

from __future__ import annotations

import gzip
import io
import os
import signal
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx

from tests.synthetic_runs import BASE_START, gpx_text, progression_paces, synthetic_run

PASSWORD = "correct horse battery"
FIT_RUN = (
    Path(__file__).resolve().parents[3] / "shared/data/activities/fit/fitparse__activity-small-fenix2-run.fit"
)
#: Pages a runner looks at: the start page, the history, progress and the runs list the upload page polls.
DASHBOARD_PATHS = ("/", "/history", "/progress", "/api/runs")
#: What a response or the server's log must never say (SQLite's busy error, as sqlite3 words it).
LOCKED_WORDS = ("database is locked", "SQLITE_BUSY", "Traceback")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Sample:
    at_s: float
    rss_mib: float
    fds: int
    workers_rss_mib: float


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(child) for child in text)
    return found


@dataclass
class Served:
    """A running `progrun serve`; `url` is its base address."""

    folder: Path
    url: str
    process: subprocess.Popen[bytes]
    started: float

    @property
    def tmp_dir(self) -> Path:
        return self.folder / "tmp"

    def log_text(self) -> str:
        return (self.folder / "serve.log").read_text(errors="replace")

    def temp_files(self) -> list[str]:
        """Whatever is left in the server's TMPDIR (files and folders, relative names)."""
        return sorted(str(path.relative_to(self.tmp_dir)) for path in self.tmp_dir.rglob("*"))

    def sample(self) -> Sample:
        pid = self.process.pid
        workers = 0.0
        for child in _children(pid):
            try:
                workers += _rss_mib(child)
            except (FileNotFoundError, ProcessLookupError):
                continue
        fds = len(os.listdir(f"/proc/{pid}/fd"))
        return Sample(time.monotonic() - self.started, _rss_mib(pid), fds, workers)


@contextmanager
def serving(folder: Path) -> Iterator[Served]:
    """`progrun serve --port P --db folder/log.db` until the block ends (then Ctrl-C, as a person would)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tmp").mkdir()
    port = free_port()
    env = {**os.environ, "TMPDIR": str(folder / "tmp"), "PROGRUN_DATA_DIR": str(folder)}
    env.pop("PROGRUN_DB", None)
    env.pop("PROGRUN_BROKER", None)
    command = [sys.executable, "-m", "progrun", "serve", "--port", str(port), "--db", str(folder / "log.db")]
    with (folder / "serve.log").open("ab") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=log, start_new_session=True)
    served = Served(folder, f"http://127.0.0.1:{port}", process, time.monotonic())
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, served.log_text()
            try:
                if httpx.get(f"{served.url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "progrun serve did not answer /healthz in 60 s"
            time.sleep(0.1)
        yield served
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


def sign_up(url: str, email: str) -> str:
    """A new account signed in over the API; its Bearer token."""
    with httpx.Client(base_url=url, timeout=30) as client:
        answer = client.post("/api/auth/register", json={"email": email, "password": PASSWORD, "name": "Ann"})
        assert answer.status_code == 201, answer.text
        login = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        return str(login.json()["token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def short_gpx(index: int, km: int = 3) -> bytes:
    """A distinct run of `km` km (its own day, paces by index), as GPX bytes (about 60 KB a km)."""
    paces = [pace + 0.7 * (index % 9) + 0.01 * (index // 108) for pace in progression_paces(index % 12)[:km]]
    return gpx_text(synthetic_run(BASE_START + timedelta(days=index), paces)).encode()


def long_gpx(index: int) -> bytes:
    """A distinct 20 km run as GPX: over 1 MB, so its upload is spooled to a temporary file."""
    paces = [330.0 - 2.0 * km + 0.3 * (index % 50) for km in range(20)]
    return gpx_text(synthetic_run(BASE_START + timedelta(days=index, hours=6), paces)).encode()


def export_zip(count: int, first_index: int, km: int = 3) -> bytes:
    """A Garmin-style export archive of `count` distinct GPX runs (about 7 KB a km compressed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for index in range(first_index, first_index + count):
            archive.writestr(f"DI_CONNECT/activities/run{index:05d}.gpx", short_gpx(index, km))
        archive.writestr("DI_CONNECT/DI-Connect-Fitness/profile.json", '{"name": "Ann"}')
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """A 0.3 MB zip whose one member expands to 300 MB (refused past the archive's per-member budget)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("big.gpx", b"<" + b" " * 300_000_000)
    return buffer.getvalue()


def gzip_bomb() -> bytes:
    return gzip.compress(b"\0" * (200 * 1024 * 1024), 9)


def bad_crc_fit() -> bytes:
    """A real FIT recording whose file CRC (the last two bytes) is wrong."""
    data = bytearray(FIT_RUN.read_bytes())
    data[-2] ^= 0xFF
    return bytes(data)


def declared_oversize(url: str, token: str, declared_bytes: int) -> bytes:
    """A POST /api/runs declaring a body of `declared_bytes` and sending 1 KB of it; the answer's head."""
    host, port = url.removeprefix("http://").split(":")
    head = (
        f"POST /api/runs HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {declared_bytes}\r\n\r\n"
    ).encode()
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(head + b"\0" * 1024)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
    return answer


def slowloris(url: str, count: int) -> list[socket.socket]:
    """`count` connections that send a request line and half a header, then stall (the caller closes)."""
    host, port = url.removeprefix("http://").split(":")
    held = []
    for n in range(count):
        connection = socket.create_connection((host, int(port)), timeout=10)
        connection.sendall(
            f"POST /api/runs HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\nX-{n}: ".encode()
        )
        held.append(connection)
    return held


def quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def locked_lines(text: str) -> list[str]:
    """Lines of `text` that report SQLite's busy error or a traceback."""
    return [line for line in text.splitlines() if any(word in line for word in LOCKED_WORDS)]
