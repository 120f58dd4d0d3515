"""Load test: `progrun serve --workers N` on PostgreSQL + Redis with two `progrun worker`s, loopback only.

Starts its own redis-server (a free loopback port, no persistence) and its own PostgreSQL database
(dropped afterwards), so the machine's shared services are never touched. Virtual users register,
then for `--duration` seconds mix pages, the plan builder, exports, uploads of distinct synthetic
GPX runs and real FIT files (shared/data), and reports, with 0.5-1.5 s of thought between clicks.
Every upload is polled to its verdict. `--fault` SIGKILLs one worker a third of the way in (a new
one starts 5 s later) and restarts the private Redis at two thirds (uploads meanwhile are 503).

    .venv/bin/python benchmarks/load_test.py --duration 120 --users 200 [--fault]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.tasks.conftest import distinct_gpx  # noqa: E402

PG_ADMIN = os.environ.get("PROGRUN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REAL_FIT = sorted((ROOT.parent / "shared/data/activities/fit").glob("*run*.fit"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def p95(values: list[float]) -> float:
    return quantile(values, 0.95)


def p50(values: list[float]) -> float:
    return quantile(values, 0.50)


@dataclass
class Stats:
    page_ms: list[float] = field(default_factory=list)
    api_ms: list[float] = field(default_factory=list)
    verdict_s: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    refused_503: int = 0
    uploads: dict[str, float] = field(default_factory=dict)
    finished: dict[str, str] = field(default_factory=dict)

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


class Services:
    def __init__(self, workers: int, servers: int) -> None:
        self.redis_port = free_port()
        self.http_port = free_port()
        self.db_name = f"progrun_load_{uuid.uuid4().hex[:10]}"
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.db_name}"'))
        admin.dispose()
        self.db_url = PG_ADMIN.rsplit("/", 1)[0] + "/" + self.db_name
        self.broker_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.folder = Path(f"/tmp/{self.db_name}")
        self.folder.mkdir()
        self.env = {**os.environ, "PROGRUN_DB": self.db_url, "PROGRUN_BROKER": self.broker_url}
        self.redis = self.start_redis()
        self.server = self.spawn(["serve", "--port", str(self.http_port), "--workers", str(servers)], "serve")
        self.workers = [
            self.spawn(["worker", "--heartbeat", "5", "--stale", "20"], f"w{i}") for i in range(workers)
        ]

    def start_redis(self) -> subprocess.Popen[bytes]:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        command = [
            binary,
            "--port",
            str(self.redis_port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        return subprocess.Popen([*command, "--dir", str(self.folder)], stdout=subprocess.DEVNULL)

    def spawn(self, args: list[str], name: str) -> subprocess.Popen[bytes]:
        with (self.folder / f"{name}.log").open("ab") as log:
            return subprocess.Popen(
                [sys.executable, "-m", "progrun", *args],
                env=self.env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )

    def stop(self) -> None:
        for process in [self.server, *self.workers, self.redis]:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in [self.server, *self.workers, self.redis]:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)'))
        admin.dispose()


async def timed(
    client: httpx.AsyncClient, stats: Stats, kind: str, method: str, url: str, **kw: object
) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        answer = await client.request(method, url, **kw)  # type: ignore[arg-type]
    except httpx.HTTPError as error:
        stats.error(f"{kind} {type(error).__name__}")
        return None
    elapsed_ms = (time.perf_counter() - started) * 1000
    if answer.status_code == 503 and kind == "upload":
        stats.refused_503 += 1
        return None
    if answer.status_code >= 400:
        stats.error(f"{kind} {answer.status_code}")
        return None
    (stats.page_ms if kind == "page" else stats.api_ms).append(elapsed_ms)
    return answer


async def sign_up(base: str, index: int, gate: asyncio.Semaphore) -> str:
    """Register and sign in (before the clock starts: argon2 is meant to be slow); the Bearer token."""
    async with gate, httpx.AsyncClient(base_url=base, timeout=120) as client:
        email = f"u{index}@load.example"
        body = {"email": email, "password": "a long password", "name": "L"}
        await client.post("/api/auth/register", json=body)
        login = await client.post("/api/auth/login", json={"email": email, "password": "a long password"})
        login.raise_for_status()
        return str(login.json()["token"])


async def user(base: str, token: str, stats: Stats, stop_at: float, counter: list[int]) -> None:
    pollers: list[asyncio.Task[None]] = []
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        plan_ids: list[int] = []
        real = list(REAL_FIT)
        random.shuffle(real)
        while time.monotonic() < stop_at:
            await asyncio.sleep(random.uniform(0.5, 1.5))
            roll = random.random()
            if roll < 0.25:
                await timed(client, stats, "page", "GET", random.choice(["/", "/login"]))
            elif roll < 0.40:
                race = f"5k={random.randint(17, 30)}:{random.randint(10, 59)}"
                answer = await timed(
                    client, stats, "api", "POST", "/api/plans", json={"race": race, "distance": "8km"}
                )
                if answer is not None:
                    plan_ids.append(int(answer.json()["id"]))
            elif roll < 0.55 and plan_ids:
                fmt = random.choice(["fit", "ics", "zwo", "json", "intervals"])
                await timed(client, stats, "api", "GET", f"/api/plans/{random.choice(plan_ids)}/export/{fmt}")
            elif roll < 0.70:
                if real and random.random() < 0.3:
                    path = real.pop()
                    name, data = path.name, path.read_bytes()
                else:
                    counter[0] += 1
                    name, data = f"syn{counter[0]}.gpx", distinct_gpx(counter[0])
                submitted = time.perf_counter()
                answer = await timed(
                    client, stats, "upload", "POST", "/api/runs", files={"file": (name, data)}
                )
                if answer is not None:
                    upload_id = answer.json()["id"]
                    stats.uploads[upload_id] = submitted
                    pollers.append(asyncio.create_task(poll(client, stats, upload_id, submitted)))
            else:
                await timed(
                    client, stats, "api", "GET", random.choice(["/api/progress", "/api/runs", "/api/next"])
                )
        await asyncio.gather(*pollers)


async def poll(client: httpx.AsyncClient, stats: Stats, upload_id: str, submitted: float) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        await asyncio.sleep(0.25)
        try:
            answer = await client.get(f"/api/runs/{upload_id}")
        except httpx.HTTPError:
            continue
        if answer.status_code == 200 and answer.json()["status"] in {"done", "failed"}:
            stats.finished[upload_id] = answer.json()["status"]
            stats.verdict_s.append(time.perf_counter() - submitted)
            return


async def faults(services: Services, duration_s: float, log: list[str]) -> None:
    await asyncio.sleep(duration_s / 3)
    victim = services.workers[0]
    os.killpg(victim.pid, signal.SIGKILL)
    log.append(f"{duration_s / 3:.0f} s: SIGKILL worker pid {victim.pid}")
    await asyncio.sleep(5)
    services.workers[0] = services.spawn(["worker", "--heartbeat", "5", "--stale", "20"], "w0b")
    log.append("+5 s: a new worker started")
    await asyncio.sleep(duration_s / 3 - 5)
    subprocess.run(
        ["redis-cli", "-p", str(services.redis_port), "shutdown", "nosave"], check=False, capture_output=True
    )
    log.append(f"{2 * duration_s / 3:.0f} s: private Redis shut down (nosave: queued messages lost)")
    await asyncio.sleep(3)
    services.redis = services.start_redis()
    log.append("+3 s: private Redis started again, empty")


async def main(args: argparse.Namespace) -> None:
    services = Services(workers=2, servers=args.servers)
    base = f"http://127.0.0.1:{services.http_port}"
    try:
        async with httpx.AsyncClient(base_url=base) as probe:
            for _ in range(200):
                try:
                    if (await probe.get("/readyz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
        gate = asyncio.Semaphore(8)
        tokens = await asyncio.gather(*(sign_up(base, i, gate) for i in range(args.users)))
        stats = Stats()
        counter = [0]
        fault_log: list[str] = []
        started = time.monotonic()
        stop_at = started + args.duration
        tasks = [asyncio.create_task(user(base, token, stats, stop_at, counter)) for token in tokens]
        if args.fault:
            tasks.append(asyncio.create_task(faults(services, args.duration, fault_log)))
        await asyncio.gather(*tasks)
        engine = create_engine(services.db_url)
        with engine.connect() as connection:
            runs = connection.execute(text("SELECT count(*) FROM activities")).scalar_one()
            done_files = connection.execute(
                text(
                    "SELECT count(DISTINCT (runner_id, sha256)) FROM uploads WHERE status = 'done' "
                    "AND result_json NOT LIKE '%\"runs\": []%'"
                )
            ).scalar_one()
            retried = connection.execute(text("SELECT count(*) FROM uploads WHERE attempts > 1")).scalar_one()
            failed = (
                connection.execute(text("SELECT error FROM uploads WHERE status = 'failed'")).scalars().all()
            )
        engine.dispose()
        lost = len(stats.uploads) - len(stats.finished)
        errors = sum(stats.errors.values())
        accepted = len(stats.uploads)
        shown = f"{args.duration:.0f} s, {args.servers} servers, 2 workers, fault={args.fault}"
        print(f"users {args.users}, {shown}")
        for line in fault_log:
            print("  fault:", line)
        print(
            f"requests: pages {len(stats.page_ms)}, api {len(stats.api_ms)}; errors {errors} {stats.errors}"
        )
        print(
            f"uploads accepted {accepted}, refused 503 {stats.refused_503}, lost {lost}, failed {len(failed)}"
        )
        print(
            f"runs stored {runs} for {done_files} distinct run files done: exactly once {runs == done_files}"
        )
        print(f"uploads retried (attempts > 1): {retried}")
        print(f"page p95 {p95(stats.page_ms):.0f} ms, API p95 {p95(stats.api_ms):.0f} ms")
        print(f"upload-to-verdict p50 {p50(stats.verdict_s):.2f} s, p95 {p95(stats.verdict_s):.2f} s")
        for reason in sorted(set(failed))[:5]:
            print("  failed:", reason[:160])
    finally:
        services.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=120.0)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--servers", type=int, default=3)
    parser.add_argument("--fault", action="store_true")
    asyncio.run(main(parser.parse_args()))
