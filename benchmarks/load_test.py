"""Load test: `progrun serve --workers N` on PostgreSQL + Redis with two `progrun worker`s, loopback only.

Starts its own redis-server (a free loopback port, no persistence) and its own PostgreSQL database
(dropped afterwards), so the machine's shared services are never touched. Virtual users register and
sign in before the clock starts, then for `--duration` seconds use the app in one of two mixes:

* default, "real use" (issue 14's words): a visit, not a robot. Between clicks a user thinks for a
  negative-exponential time of mean 7 s, cut at 70 s (TPC-W's think time, the usual model of a person
  reading a page). Each user uploads 1 or 2 runs in the visit (mean 1.5; a runner syncs the run or two
  since the last visit), at uniform random moments of the first 80 % of the test, the way the upload
  page does it: `GET /upload`, `POST /api/runs`, then `GET /api/runs/{id}` at once and again 400 ms
  after each answer (`POLL_MS` of `static/pages/upload.js`) until the verdict, then the run's report
  `GET /runs/{id}`. The other clicks: 60 % pages (`/`, `/history`, `/progress`, `/next`, a report of
  one of the user's runs; 12 % each), 40 % API calls (the phone app and scripts: `GET /api/runs` 8 %,
  `/api/progress` 8 %, `/api/next` 6 %, `POST /api/plans` 10 %, a plan's export 8 %, or
  `GET /api/plans` while the user has none).
* `--stress`: the old, aggressive mix: 0.5-1.5 s (uniform) between clicks, pages `/` and `/login`
  25 %, `POST /api/plans` 15 %, exports 15 %, uploads 15 % of clicks (~10 a user in 2 min),
  `/api/progress`, `/api/runs`, `/api/next` 30 %; every upload polled every 0.25 s.

Both mixes upload distinct synthetic GPX runs and, 30 % of the time, real FIT files (shared/data).
Polls are API requests: they are counted in the API figures (and shown on their own line). The CPU
each part used during the clock (servers, task workers, PostgreSQL's backends of this database, the
load client itself, and the rest of the machine) is read from /proc and printed with the load average.
`--fault` SIGKILLs one worker a third of the way in (a new one starts 5 s later) and restarts the
private Redis at two thirds (uploads meanwhile are 503).

    .venv/bin/python benchmarks/load_test.py --duration 120 --users 200 [--stress] [--fault]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
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
    poll_ms: list[float] = field(default_factory=list)
    verdict_s: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    refused_503: int = 0
    uploads: dict[str, float] = field(default_factory=dict)
    finished: dict[str, str] = field(default_factory=dict)

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


TICK_S = 1 / os.sysconf("SC_CLK_TCK")


def process_cpu() -> dict[int, tuple[int, float, str]]:
    """Every process's (session id, CPU seconds used, command line) from /proc."""
    found: dict[int, tuple[int, float, str]] = {}
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            stat = (folder / "stat").read_text()
            command = (folder / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        found[int(folder.name)] = (int(fields[3]), (int(fields[11]) + int(fields[12])) * TICK_S, command)
    return found


def machine_busy_s() -> float:
    """CPU seconds the whole machine has been busy (every core), from /proc/stat."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) * TICK_S


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

    def cpu_s(self) -> dict[str, float]:
        """CPU seconds used so far by the servers, the task workers and this database's backends."""
        servers = {self.server.pid}
        workers = {worker.pid for worker in self.workers}
        used = {"servers": 0.0, "task workers": 0.0, "PostgreSQL": 0.0}
        for session, cpu_s, command in process_cpu().values():
            if session in servers:
                used["servers"] += cpu_s
            elif session in workers:
                used["task workers"] += cpu_s
            elif command.startswith("postgres:") and f" {self.db_name} " in command:
                used["PostgreSQL"] += cpu_s
        return used

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
    """One request, timed; `kind` is "page", "api", "poll" (an API request too) or "upload" (API)."""
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
    if kind == "poll":
        stats.poll_ms.append(elapsed_ms)
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


def run_file(real: list[Path], counter: list[int]) -> tuple[str, bytes]:
    """The next file to upload: a real FIT file 30 % of the time (each once), else a distinct GPX run."""
    if real and random.random() < 0.3:
        path = real.pop()
        return path.name, path.read_bytes()
    counter[0] += 1
    return f"syn{counter[0]}.gpx", distinct_gpx(counter[0])


async def upload(
    client: httpx.AsyncClient, stats: Stats, real: list[Path], counter: list[int]
) -> tuple[str, float] | None:
    """POST /api/runs of the next file; (upload id, when it was sent) once accepted."""
    name, data = run_file(real, counter)
    submitted = time.perf_counter()
    answer = await timed(client, stats, "upload", "POST", "/api/runs", files={"file": (name, data)})
    if answer is None:
        return None
    upload_id = str(answer.json()["id"])
    stats.uploads[upload_id] = submitted
    return upload_id, submitted


async def poll(
    client: httpx.AsyncClient,
    stats: Stats,
    upload_id: str,
    submitted: float,
    *,
    every_s: float,
    first_s: float,
) -> list[int]:
    """GET /api/runs/{id} after `first_s`, then `every_s` after each answer until done or failed: its runs."""
    deadline = time.monotonic() + 180
    await asyncio.sleep(first_s)
    while time.monotonic() < deadline:
        answer = await timed(client, stats, "poll", "GET", f"/api/runs/{upload_id}")
        if answer is not None and answer.json()["status"] in {"done", "failed"}:
            stats.finished[upload_id] = answer.json()["status"]
            stats.verdict_s.append(time.perf_counter() - submitted)
            return [int(run) for run in answer.json().get("runs", [])]
        await asyncio.sleep(every_s)
    return []


#: The page the upload page polls at (`POLL_MS` in src/progrun/web/static/pages/upload.js), in seconds.
PAGE_POLL_S = 0.4
#: Think time between clicks: negative exponential of this mean, cut at ten times it (TPC-W's).
THINK_MEAN_S = 7.0
#: The clicks that are not uploads: (share, kind, what); "run" is a report of one of the user's runs.
REAL_CLICKS = (
    (12, "page", "/"),
    (12, "page", "/history"),
    (12, "page", "/progress"),
    (12, "page", "/next"),
    (12, "page", "run"),
    (8, "api", "/api/runs"),
    (8, "api", "/api/progress"),
    (6, "api", "/api/next"),
    (10, "api", "plan"),
    (8, "api", "export"),
)


def think_s() -> float:
    return min(random.expovariate(1 / THINK_MEAN_S), 10 * THINK_MEAN_S)


async def real_user(
    base: str, token: str, stats: Stats, started: float, duration_s: float, counter: list[int]
) -> None:
    """One visit: think, click (pages, API calls), upload a run or two as the upload page does."""
    stop_at = started + duration_s
    uploads_at = sorted(
        started + random.uniform(0, 0.8 * duration_s) for _ in range(1 + (random.random() < 0.5))
    )
    real = list(REAL_FIT)
    random.shuffle(real)
    plan_ids: list[int] = []
    run_ids: list[int] = []
    weights = [share for share, _, _ in REAL_CLICKS]
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        await asyncio.sleep(random.uniform(0, THINK_MEAN_S))  # visits start spread out
        while time.monotonic() < stop_at:
            if uploads_at and time.monotonic() >= uploads_at[0]:
                uploads_at.pop(0)
                await timed(client, stats, "page", "GET", "/upload")
                sent = await upload(client, stats, real, counter)
                if sent is not None:
                    runs = await poll(client, stats, *sent, every_s=PAGE_POLL_S, first_s=0.0)
                    run_ids.extend(runs)
                    if runs:
                        await timed(client, stats, "page", "GET", f"/runs/{runs[0]}")
            else:
                _, kind, what = random.choices(REAL_CLICKS, weights)[0]
                if what == "run":
                    url = f"/runs/{random.choice(run_ids)}" if run_ids else "/history"
                    await timed(client, stats, kind, "GET", url)
                elif what == "plan":
                    race = f"5k={random.randint(17, 30)}:{random.randint(10, 59)}"
                    answer = await timed(
                        client, stats, kind, "POST", "/api/plans", json={"race": race, "distance": "8km"}
                    )
                    if answer is not None:
                        plan_ids.append(int(answer.json()["id"]))
                elif what == "export":
                    if plan_ids:
                        fmt = random.choice(["fit", "ics", "zwo", "json", "intervals"])
                        url = f"/api/plans/{random.choice(plan_ids)}/export/{fmt}"
                        await timed(client, stats, kind, "GET", url)
                    else:
                        await timed(client, stats, kind, "GET", "/api/plans")
                else:
                    await timed(client, stats, kind, "GET", what)
            await asyncio.sleep(min(think_s(), max(0.0, stop_at - time.monotonic())))


async def stress_user(
    base: str, token: str, stats: Stats, started: float, duration_s: float, counter: list[int]
) -> None:
    """The old mix: 0.5-1.5 s between clicks, 15 % uploads, every upload polled every 0.25 s."""
    stop_at = started + duration_s
    pollers: list[asyncio.Task[list[int]]] = []
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
                sent = await upload(client, stats, real, counter)
                if sent is not None:
                    pollers.append(
                        asyncio.create_task(poll(client, stats, *sent, every_s=0.25, first_s=0.25))
                    )
            else:
                await timed(
                    client, stats, "api", "GET", random.choice(["/api/progress", "/api/runs", "/api/next"])
                )
        await asyncio.gather(*pollers)


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
        user = stress_user if args.stress else real_user
        load_before = os.getloadavg()
        cpu_before = services.cpu_s()
        client_before = resource.getrusage(resource.RUSAGE_SELF)
        machine_before = machine_busy_s()
        started = time.monotonic()
        tasks = [
            asyncio.create_task(user(base, token, stats, started, args.duration, counter)) for token in tokens
        ]
        if args.fault:
            tasks.append(asyncio.create_task(faults(services, args.duration, fault_log)))
        await asyncio.gather(*tasks)
        clock_s = time.monotonic() - started
        client_after = resource.getrusage(resource.RUSAGE_SELF)
        machine_s = machine_busy_s() - machine_before
        cpu_s = {part: used - cpu_before.get(part, 0.0) for part, used in services.cpu_s().items()}
        cpu_s["load client"] = (
            client_after.ru_utime + client_after.ru_stime - client_before.ru_utime - client_before.ru_stime
        )
        cpu_s["rest of the machine"] = machine_s - sum(cpu_s.values())
        load_after = os.getloadavg()
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
        mix = "stress" if args.stress else "real use"
        shown = f"{args.duration:.0f} s, {args.servers} servers, 2 workers, mix {mix}, fault={args.fault}"
        print(f"users {args.users}, {shown}")
        print(
            "load average (1, 5, 15 min): before "
            + " ".join(f"{value:.2f}" for value in load_before)
            + ", after "
            + " ".join(f"{value:.2f}" for value in load_after)
        )
        for line in fault_log:
            print("  fault:", line)
        requests = len(stats.page_ms) + len(stats.api_ms)
        print(
            f"requests: pages {len(stats.page_ms)}, api {len(stats.api_ms)} (of which polls "
            f"{len(stats.poll_ms)}), {requests / clock_s:.0f}/s; errors {errors} {stats.errors}"
        )
        print(
            f"uploads accepted {accepted}, refused 503 {stats.refused_503}, lost {lost}, failed {len(failed)}"
        )
        print(
            f"runs stored {runs} for {done_files} distinct run files done: exactly once {runs == done_files}"
        )
        print(f"uploads retried (attempts > 1): {retried}")
        print(
            f"page p50 {p50(stats.page_ms):.0f} ms p95 {p95(stats.page_ms):.0f} ms, API p50 "
            f"{p50(stats.api_ms):.0f} ms p95 {p95(stats.api_ms):.0f} ms "
            f"(polls alone p95 {p95(stats.poll_ms):.0f} ms)"
        )
        print(f"upload-to-verdict p50 {p50(stats.verdict_s):.2f} s, p95 {p95(stats.verdict_s):.2f} s")
        print(
            f"CPU in the {clock_s:.0f} s of the clock ({2 * clock_s:.0f} core-seconds on 2 cores): "
            + ", ".join(f"{part} {used:.0f} s" for part, used in cpu_s.items())
        )
        if accepted:
            print(
                f"  task workers' CPU per accepted upload: {cpu_s['task workers'] / accepted * 1000:.0f} ms"
            )
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
    parser.add_argument("--stress", action="store_true", help="the old aggressive mix (see above)")
    asyncio.run(main(parser.parse_args()))
