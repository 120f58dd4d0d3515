"""Platform re-analysis throughput with 1 and 2 `progrun worker` processes (issue 14).

Builds the synthetic Garmin-style export of `benchmarks/import_export.py` (N runs: FIT at 1 Hz, some
.fit.gz and GPX), imports it with `progrun import` into a PostgreSQL database of its own (created on
the shared server, dropped afterwards) and starts a redis-server of its own on a free loopback port
(the shared Redis and PostgreSQL are never stopped). Then, for each worker count, it starts that many
`progrun worker`s, times `progrun reanalyse --all --broker ...` (every run decoded again from its raw
file, analysed and its verdict rewritten, in batches on the queue) and prints runs/s, the CPU the
workers and PostgreSQL used, and the machine's load average before and after.

    .venv/bin/python benchmarks/reanalysis_throughput.py [--runs 2000] [--workers 1 --workers 2]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from import_export import build_export  # noqa: E402

PG_ADMIN = os.environ.get("PROGRUN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def process_cpu_s(pid: int) -> float:
    """utime + stime of a live process (from /proc), 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS_PER_S


def postgres_cpu_s() -> float:
    """CPU seconds of every postgres process on the machine (backends of every database)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    total += process_cpu_s(int(entry.name))
            except OSError:
                continue
    return total


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "progrun", "worker", "--threads", "1", "--stale", "3600"],
            env=env,
            stdout=sink,
            stderr=sink,
        )


def measure(env: dict[str, str], workers: int, runs: int, batch: int, folder: Path) -> None:
    processes = [start_worker(env, folder / f"worker{workers}_{i}.log") for i in range(workers)]
    try:
        time.sleep(3)  # the workers import progrun and connect before the clock starts
        cpu_before = sum(process_cpu_s(p.pid) for p in processes)
        pg_before = postgres_cpu_s()
        load_before = load_average()
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "progrun", "reanalyse", "--all", "--batch", str(batch)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        wall_s = time.perf_counter() - started
        cpu_s = sum(process_cpu_s(p.pid) for p in processes) - cpu_before
        pg_s = postgres_cpu_s() - pg_before
        last = done.stdout.strip().splitlines()[-1:] or done.stderr.strip().splitlines()[-1:]
        print(
            f"workers {workers}: {runs} runs re-analysed in {wall_s:.1f} s = {runs / wall_s:.1f} runs/s "
            f"(exit {done.returncode}: {last[0] if last else ''})"
        )
        print(
            f"  CPU: workers {cpu_s:.1f} s ({cpu_s / runs * 1000:.1f} ms a run), PostgreSQL "
            f"{pg_s:.1f} s ({pg_s / runs * 1000:.1f} ms a run, every database on the server); "
            f"load average {load_before} before, {load_average()} after"
        )
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--workers", type=int, action="append", help="Worker counts [default: 1 and 2].")
    parser.add_argument("--batch", type=int, default=50)
    args = parser.parse_args()
    counts: list[int] = args.workers or [1, 2]
    db_name = f"progrun_reanalysis_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{db_name}"'))
    db_url = PG_ADMIN.rsplit("/", 1)[0] + "/" + db_name
    redis_port = free_port()
    with tempfile.TemporaryDirectory(prefix="progrun-reanalysis-") as tmp:
        folder = Path(tmp)
        redis = subprocess.Popen(
            [
                shutil.which("redis-server") or "/usr/bin/redis-server",
                *("--port", str(redis_port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", tmp),
            ],
            stdout=subprocess.DEVNULL,
        )
        env = {
            **os.environ,
            "PROGRUN_DB": db_url,
            "PROGRUN_BROKER": f"redis://127.0.0.1:{redis_port}/0",
        }
        try:
            export = folder / "export.zip"
            started = time.perf_counter()
            kinds = build_export(export, args.runs, "1s")
            built_s = time.perf_counter() - started
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "progrun", "import", str(export), "--json"],
                env=env,
                capture_output=True,
                check=True,
            )
            engine = create_engine(db_url)
            with engine.connect() as connection:
                stored = int(connection.execute(text("SELECT count(*) FROM activities")).scalar_one())
            engine.dispose()
            print(
                f"log: {stored} runs ({kinds}) built in {built_s:.1f} s, imported into PostgreSQL in "
                f"{time.perf_counter() - started:.1f} s; {os.cpu_count()} cores, "
                f"load average {load_average()}"
            )
            for workers in counts:
                measure(env, workers, stored, args.batch, folder)
        finally:
            redis.terminate()
            redis.wait(10)
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
