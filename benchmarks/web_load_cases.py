"""Catalogue B7 cases 106-108 at full size against `progrun serve` on 127.0.0.1 over SQLite.

    .venv/bin/python benchmarks/web_load_cases.py import-under-reads [--files 4000] [--readers 50]
    .venv/bin/python benchmarks/web_load_cases.py hostile-mix [--users 200] [--hostile 0.1] [--seconds 120]
    .venv/bin/python benchmarks/web_load_cases.py soak [--minutes 30] [--uploaders 20]

The server is a real `progrun serve --db <fresh>/log.db` subprocess (its analysis pool, its TMPDIR of
its own); the users are asyncio tasks with httpx in this process (`tests/web_cases/load_driver.py`,
the same code the scaled-down tests use, `tests/web_cases/test_b7_load_cases.py`).

* **import-under-reads (106)**: `--readers` accounts, each seeded with `--seed-runs` runs, read their
  dashboards (`/`, `/history`, `/progress`, `/api/runs`, 0.5-1.5 s of thought between clicks) for
  `--baseline-s`; then one account uploads a `--files`-file export (3 km GPX runs, one zip under the
  50 MB limit) and the readers go on until it is imported. Prints read p50/p95/p99 at baseline and under
  the import and the p99 ratio, errors, "database is locked" answers or log lines, the import's runs.
* **hostile-mix (107)**: `--users` accounts, a `--hostile` share of them attackers (zip bombs, bad-CRC
  FIT files, a declared 60 MB body, slowloris connections; each attacker one kind). The good users read
  pages and upload a distinct GPX now and then (3 % of clicks), thinking `--think-mean-s` (7 s) on
  average between clicks, exponentially distributed (TPC-W's model of a person, as in
  `benchmarks/load_test.py`; `--stress`: 0.5-1.5 s, which saturates the one server process before any
  attacker comes), first alone for `--baseline-s`, then with the attackers for `--seconds`. Prints
  the good users' errors and p50/p99 in both phases, the attacks
  answered as they should be and not, and the server's RSS against `--rss-budget-mib`.
* **soak (108)**: `--uploaders` accounts upload distinct runs (every fourth a 20 km GPX over 1 MB, which
  is spooled to a temporary file) with `--think-s` between uploads, for `--minutes`. Prints the server's
  RSS, open descriptors and the analysis workers' RSS every minute, and what is left in its TMPDIR.

The machine's load average is printed beside each phase: on a shared machine it is part of the figure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.web_cases.load_driver import (  # noqa: E402
    HOSTILE_KINDS,
    Tally,
    attack_payload,
    hostile_user,
    read_pages,
    upload_and_wait,
)
from tests.web_cases.served_log import (  # noqa: E402
    Sample,
    Served,
    export_zip,
    locked_lines,
    long_gpx,
    quantile,
    serving,
    short_gpx,
    sign_up,
)

THINK_S = (0.5, 1.5)


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (5 min {five:.1f}) on {os.cpu_count()} cores"


def latency_line(label: str, values: list[float]) -> str:
    return (
        f"{label:<22} n={len(values):>6}  p50 {quantile(values, 0.5):7.1f} ms"
        f"  p95 {quantile(values, 0.95):7.1f} ms  p99 {quantile(values, 0.99):7.1f} ms"
    )


def sample_line(sample: Sample) -> str:
    return (
        f"  t={sample.at_s:7.0f} s  server RSS {sample.rss_mib:6.1f} MiB  fds {sample.fds:4d}"
        f"  analysis workers RSS {sample.workers_rss_mib:6.1f} MiB"
    )


def client(served: Served) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=served.url, timeout=300, limits=httpx.Limits(max_connections=400))


async def sample_every(served: Served, every_s: float, samples: list[Sample], stop: asyncio.Event) -> None:
    while not stop.is_set():
        samples.append(served.sample())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every_s)
    samples.append(served.sample())


def accounts(served: Served, prefix: str, count: int) -> list[str]:
    started = time.perf_counter()
    tokens = [sign_up(served.url, f"{prefix}{n}@x.org") for n in range(count)]
    print(f"{count} accounts signed up in {time.perf_counter() - started:.0f} s")
    return tokens


def finish(served: Served, tallies: list[Tally]) -> None:
    logged = locked_lines(served.log_text())
    answered = [line for tally in tallies for line in tally.locked]
    print(f"'database is locked'/SQLITE_BUSY/traceback: {len(answered)} in answers, {len(logged)} in the log")
    for line in (answered + logged)[:5]:
        print("   ", line[:300])


# -- 106 -------------------------------------------------------------------------------------------


def import_under_reads(args: argparse.Namespace, folder: Path) -> None:
    started = time.perf_counter()
    export = export_zip(args.files, 0)
    seed = export_zip(args.seed_runs, 100_000)
    print(
        f"export: {args.files} GPX runs, {len(export) / 1e6:.1f} MB zip "
        f"(built in {time.perf_counter() - started:.0f} s)"
    )
    with serving(folder / "serve") as served:
        readers = accounts(served, "reader", args.readers)
        importer = sign_up(served.url, "importer@x.org")
        baseline, loaded, seeding = Tally(), Tally(), Tally()
        samples: list[Sample] = []

        async def run() -> tuple[dict[str, object], float]:
            async with client(served) as http:
                began = time.perf_counter()
                await asyncio.gather(*(upload_and_wait(http, t, "seed.zip", seed, seeding) for t in readers))
                print(
                    f"readers seeded with {args.seed_runs} runs each in {time.perf_counter() - began:.0f} s"
                )
                rng = random.Random(106)
                stop = asyncio.Event()
                tasks = [
                    asyncio.create_task(read_pages(http, t, baseline, stop=stop, think_s=THINK_S, rng=rng))
                    for t in readers
                ]
                await asyncio.sleep(args.baseline_s)
                stop.set()
                await asyncio.gather(*tasks)
                print(f"baseline: {load()}")
                stop = asyncio.Event()
                sampling = asyncio.create_task(sample_every(served, 30, samples, stop))
                tasks = [
                    asyncio.create_task(read_pages(http, t, loaded, stop=stop, think_s=THINK_S, rng=rng))
                    for t in readers
                ]
                began = time.perf_counter()
                outcome = await upload_and_wait(http, importer, "export.zip", export, loaded, poll_s=1.0)
                took_s = time.perf_counter() - began
                print(f"under import: {load()}")
                stop.set()
                await asyncio.gather(*tasks, sampling)
                return outcome, took_s

        outcome, took_s = asyncio.run(run())
        runs = outcome.get("runs", [])
        print(
            f"import: status {outcome.get('status')}, {len(runs)} runs of {args.files} files, "  # type: ignore[arg-type]
            f"failed {len(outcome.get('failed', []))}, {took_s:.0f} s ({args.files / took_s:.1f} files/s)"  # type: ignore[arg-type]
        )
        print(latency_line("baseline reads", baseline.read_ms))
        print(latency_line("reads under import", loaded.read_ms))
        ratio = quantile(loaded.read_ms, 0.99) / quantile(baseline.read_ms, 0.99)
        p50_ratio = quantile(loaded.read_ms, 0.5) / quantile(baseline.read_ms, 0.5)
        print(f"p99 ratio {ratio:.2f} (limit 2.00), p50 ratio {p50_ratio:.2f}")
        print(
            f"errors: seeding {len(seeding.errors)}, baseline {len(baseline.errors)}, "
            f"under import {len(loaded.errors)}"
        )
        for line in (seeding.errors + baseline.errors + loaded.errors)[:5]:
            print("   ", line[:300])
        for sample in samples:
            print(sample_line(sample))
        finish(served, [baseline, loaded, seeding])
    print(f"temp files left: {len(served.temp_files())}")


# -- 107 -------------------------------------------------------------------------------------------


def hostile_mix(args: argparse.Namespace, folder: Path) -> None:
    hostile_count = round(args.users * args.hostile)
    with serving(folder / "serve") as served:
        good = accounts(served, "good", args.users - hostile_count)
        bad = accounts(served, "hostile", hostile_count)
        baseline, loaded, attacks = Tally(), Tally(), Tally()
        samples: list[Sample] = []
        uploads = iter(range(1_000_000))

        def think_s(rng: random.Random) -> float:
            if args.stress:
                return rng.uniform(*THINK_S)
            return min(rng.expovariate(1 / args.think_mean_s), 10 * args.think_mean_s)

        async def good_user(
            number: int, token: str, http: httpx.AsyncClient, tally: Tally, stop: asyncio.Event
        ) -> None:
            rng = random.Random(number)
            once = asyncio.Event()
            if not args.stress:
                await asyncio.sleep(rng.uniform(0, args.think_mean_s))  # visits start spread out
            while not stop.is_set():
                if rng.random() < 0.03:
                    index = next(uploads)
                    await upload_and_wait(
                        http, token, f"g{index}.gpx", short_gpx(20_000 + index), tally, poll_s=1.0
                    )
                else:
                    await read_pages(http, token, tally, stop=once, think_s=(0, 0), rng=rng, count=1)
                await asyncio.sleep(think_s(rng))

        async def phase(tally: Tally, seconds: float, attackers: bool) -> None:
            async with client(served) as http:
                stop = asyncio.Event()
                tasks = [asyncio.create_task(good_user(n, t, http, tally, stop)) for n, t in enumerate(good)]
                if attackers:
                    chosen = args.kinds.split(",") if args.kinds else list(HOSTILE_KINDS)
                    kinds = [chosen[n % len(chosen)] for n in range(len(bad))]
                    tasks += [
                        asyncio.create_task(
                            hostile_user(http, served.url, t, kind, attacks, stop=stop, rng=random.Random(n))
                        )
                        for n, (t, kind) in enumerate(zip(bad, kinds, strict=True))
                    ]
                sampling = asyncio.create_task(sample_every(served, 10, samples, stop))
                await asyncio.sleep(seconds)
                print(f"{'hostile' if attackers else 'baseline'} phase: {load()}")
                stop.set()
                await asyncio.gather(*tasks, sampling)

        for kind in HOSTILE_KINDS:  # made before any clock starts (the bomb's compression takes seconds)
            attack_payload(kind)
        before = served.sample()
        asyncio.run(phase(baseline, args.baseline_s, attackers=False))
        asyncio.run(phase(loaded, args.seconds, attackers=True))
        print(
            f"{len(good)} good users, {len(bad)} hostile ({args.kinds or ', '.join(HOSTILE_KINDS)}, in turn)"
        )
        print(latency_line("good, baseline", baseline.read_ms))
        print(latency_line("good, with attackers", loaded.read_ms))
        print(
            f"p99 ratio {quantile(loaded.read_ms, 0.99) / quantile(baseline.read_ms, 0.99):.2f} (limit 2.00)"
        )
        requests = len(baseline.read_ms) + len(loaded.read_ms)
        errors = len(baseline.errors) + len(loaded.errors)
        print(
            f"good users' errors: {errors} of {requests} reads and "
            f"{len(baseline.uploads) + len(loaded.uploads)} uploads"
        )
        for line in (baseline.errors + loaded.errors)[:5]:
            print("   ", line[:300])
        statuses = [upload["status"] for upload in baseline.uploads + loaded.uploads]
        print(f"good uploads: {statuses.count('done')} done, {len(statuses) - statuses.count('done')} not")
        print(
            f"attacks answered as they should be: {dict(attacks.hostile)}; "
            f"wrongly: {len(attacks.hostile_wrong)}"
        )
        for line in attacks.hostile_wrong[:5]:
            print("   ", line[:300])
        peak = max(samples, key=lambda sample: sample.rss_mib)
        verdict = "met" if peak.rss_mib < args.rss_budget_mib else "NOT met"
        print(
            f"server RSS: {before.rss_mib:.0f} MiB before, peak {peak.rss_mib:.0f} MiB "
            f"(budget {args.rss_budget_mib} MiB: {verdict}); "
            f"fds peak {max(s.fds for s in samples)}; analysis workers' RSS peak "
            f"{max(s.workers_rss_mib for s in samples):.0f} MiB"
        )
        finish(served, [baseline, loaded, attacks])
    print(f"temp files left: {len(served.temp_files())}")


# -- 108 -------------------------------------------------------------------------------------------


def soak(args: argparse.Namespace, folder: Path) -> None:
    with serving(folder / "serve") as served:
        tokens = accounts(served, "soak", args.uploaders)
        tally = Tally()
        samples: list[Sample] = []
        indices = iter(range(1_000_000))
        low, high = (float(part) for part in args.think_s.split("-"))

        async def uploader(number: int, token: str, http: httpx.AsyncClient, stop: asyncio.Event) -> None:
            rng = random.Random(number)
            await asyncio.sleep(rng.uniform(0, high))
            while not stop.is_set():
                index = next(indices)
                data = long_gpx(30_000 + index) if index % 4 == 3 else short_gpx(40_000 + index)
                await upload_and_wait(http, token, f"s{index}.gpx", data, tally, poll_s=0.5)
                await asyncio.sleep(rng.uniform(low, high))

        async def run() -> None:
            async with client(served) as http:
                stop = asyncio.Event()
                tasks = [asyncio.create_task(uploader(n, t, http, stop)) for n, t in enumerate(tokens)]
                sampling = asyncio.create_task(sample_every(served, 60, samples, stop))
                await asyncio.sleep(args.minutes * 60)
                stop.set()
                await asyncio.gather(*tasks, sampling)

        asyncio.run(run())
        print(f"soak: {args.minutes:g} min, {args.uploaders} uploaders, {load()}")
        for sample in samples:
            print(sample_line(sample))
        statuses = [upload["status"] for upload in tally.uploads]
        print(f"uploads: {len(statuses)}, {statuses.count('done')} done; errors {len(tally.errors)}")
        for line in tally.errors[:5]:
            print("   ", line[:300])
        warm = samples[1] if len(samples) > 2 else samples[0]
        last = samples[-1]
        print(
            f"after the first minute -> end: server RSS {warm.rss_mib:.1f} -> {last.rss_mib:.1f} MiB "
            f"({last.rss_mib - warm.rss_mib:+.1f}), fds {warm.fds} -> {last.fds}, "
            f"max fds {max(s.fds for s in samples)}"
        )
        time.sleep(1)
        print(f"temp files left at the end: {served.temp_files()}")
        finish(served, [tally])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="case", required=True)
    first = commands.add_parser("import-under-reads", help="case 106")
    first.add_argument("--files", type=int, default=4000)
    first.add_argument("--readers", type=int, default=50)
    first.add_argument("--seed-runs", type=int, default=10)
    first.add_argument("--baseline-s", type=float, default=60.0)
    second = commands.add_parser("hostile-mix", help="case 107")
    second.add_argument("--users", type=int, default=200)
    second.add_argument("--hostile", type=float, default=0.1)
    second.add_argument("--baseline-s", type=float, default=60.0)
    second.add_argument("--seconds", type=float, default=120.0)
    second.add_argument("--rss-budget-mib", type=int, default=500)
    second.add_argument(
        "--think-mean-s",
        type=float,
        default=7.0,
        help="good users' mean think time between clicks, exponential, cut at 10x (TPC-W, as load_test.py)",
    )
    second.add_argument("--kinds", default="", help="attack kinds, comma-separated [default: all, in turn]")
    second.add_argument(
        "--stress", action="store_true", help="good users click every 0.5-1.5 s (the server saturates)"
    )
    third = commands.add_parser("soak", help="case 108")
    third.add_argument("--minutes", type=float, default=30.0)
    third.add_argument("--uploaders", type=int, default=20)
    third.add_argument("--think-s", default="8-12", help="seconds between one uploader's uploads, low-high")
    for command in (first, second, third):
        command.add_argument("--keep", type=Path, help="keep the server's folder here")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="progrun-b7-"))
    {"import-under-reads": import_under_reads, "hostile-mix": hostile_mix, "soak": soak}[args.case](
        args, folder
    )
    print(f"server folder: {folder}")


if __name__ == "__main__":
    main()
