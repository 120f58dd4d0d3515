"""p50/p95 latency of the web API on loopback over SQLite: /healthz, POST /api/plans, GET /api/runs/{id}.

Starts `uvicorn` in a subprocess on a fresh SQLite log, registers a user, uploads one real FIT file,
then times each route with httpx for a bounded number of requests (default 300 each).

    .venv/bin/python benchmarks/web_latency.py [--requests 300]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

FIT_RUN = (
    Path(__file__).resolve().parents[2] / "shared/data/activities/fit/fitparse__activity-small-fenix2-run.fit"
)
APP = """
import sys
from pathlib import Path
import uvicorn
from progrun.settings import Settings
from progrun.web import WebConfig, create_app
folder = Path(sys.argv[1])
settings = Settings(db_url=f"sqlite:///{folder / 'log.db'}", data_dir=folder)
app = create_app(settings, WebConfig(analysis_workers=1))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def timed(count: int, call: object) -> tuple[float, float]:
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        response = call()  # type: ignore[operator]
        samples.append((time.perf_counter() - start) * 1000)
        response.raise_for_status()
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="progrun-bench-"))
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", APP, str(folder), str(port)], env=os.environ.copy())
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            for _ in range(200):
                try:
                    client.get("/healthz")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            client.post("/api/auth/register", json={"email": "b@x.org", "password": "benchmark pw"})
            token = client.post(
                "/api/auth/login", json={"email": "b@x.org", "password": "benchmark pw"}
            ).json()
            client.cookies.clear()
            headers = {"Authorization": f"Bearer {token['token']}"}
            upload = client.post(
                "/api/runs", files={"file": ("run.fit", FIT_RUN.read_bytes())}, headers=headers
            )
            upload_id = upload.json()["id"]
            for _ in range(600):
                body = client.get(f"/api/runs/{upload_id}", headers=headers).json()
                if body["status"] in {"done", "failed"}:
                    break
                time.sleep(0.1)
            run_id = body["runs"][0]
            plan = {"race": "5k=22:30", "distance": "5mi"}
            rows = {
                "GET /healthz": timed(args.requests, lambda: client.get("/healthz")),
                "POST /api/plans": timed(
                    args.requests, lambda: client.post("/api/plans", json=plan, headers=headers)
                ),
                "GET /api/runs/{id}": timed(
                    args.requests, lambda: client.get(f"/api/runs/{run_id}", headers=headers)
                ),
            }
        print(f"{args.requests} sequential requests each, loopback, SQLite, one uvicorn worker")
        for route, (p50, p95) in rows.items():
            print(f"{route:20} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
