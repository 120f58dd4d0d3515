"""Catalogue B7 cases 106-108 against a real `progrun serve` on 127.0.0.1 over SQLite (the embedded
default: the analysis pool of the server, the single-writer log), scaled to a test. Every assertion is
a count: no read failed, the import stored exactly its runs, no answer and no log line says "database is
locked", each hostile request got its refusal, RSS growth and open descriptors stay bounded, the temp
dir is empty. Latencies are not asserted (no test asserts on wall time): the full-size runs with their
p50/p99 are `benchmarks/web_load_cases.py` (figures in docs/performance.md)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.web_cases.load_driver import HOSTILE_KINDS, Tally, hostile_user, read_pages, upload_and_wait
from tests.web_cases.served_log import (
    Served,
    bearer,
    export_zip,
    locked_lines,
    long_gpx,
    serving,
    short_gpx,
    sign_up,
)

#: The server's RSS may grow by at most this much over a case (the full-size budget is in the benchmark).
RSS_GROWTH_MIB = 150.0


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serving(tmp_path_factory.mktemp("b7") / "serve") as running:
        yield running
    assert locked_lines(running.log_text()) == []
    assert running.temp_files() == []


def client(served: Served) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=served.url, timeout=120, limits=httpx.Limits(max_connections=100))


#: The 106 test's reading sessions: each reader three times, the importer twice.
SESSIONS_106 = ("reader0",) * 3 + ("reader1",) * 3 + ("importer",) * 2


def test_case_106_bulk_import_under_read_load(served: Served) -> None:
    files = 120
    importer = sign_up(served.url, "importer@x.org")
    readers = [sign_up(served.url, f"reader{n}@x.org") for n in range(2)]
    tally = Tally()

    async def run() -> dict[str, object]:
        async with client(served) as http:
            seed = export_zip(8, 5000)
            await asyncio.gather(
                *(upload_and_wait(http, token, "seed.zip", seed, tally) for token in readers)
            )
            sessions = [*readers * 3, importer, importer]  # the importing runner watches their own pages too
            assert len(sessions) == len(SESSIONS_106)
            rng = random.Random(106)
            never = asyncio.Event()
            await asyncio.gather(
                *(read_pages(http, t, tally, stop=never, think_s=(0, 0), rng=rng, count=8) for t in sessions)
            )
            # Each session reads 8 more pages as the export goes up and imports: a count, not a clock,
            # so a fast machine and a slow one are asked the same (the overlap is the benchmark's).
            browsing = [
                read_pages(http, t, tally, stop=never, think_s=(0.05, 0.15), rng=rng, count=8)
                for t in sessions
            ]
            outcome, *_ = await asyncio.gather(
                upload_and_wait(http, importer, "export.zip", export_zip(files, 0), tally), *browsing
            )
            return outcome

    outcome = asyncio.run(run())
    assert tally.errors == [] and tally.locked == []
    assert outcome["status"] == "done" and outcome["failed"] == []
    assert len(outcome["runs"]) == files  # type: ignore[arg-type]
    assert len(tally.read_ms) == 2 * len(SESSIONS_106) * 8  # every read answered, before and during it
    runs = httpx.get(f"{served.url}/api/runs", headers=bearer(importer), params={"page_size": 1000}).json()
    assert runs["total"] == files and len({run["id"] for run in runs["runs"]}) == files
    assert locked_lines(served.log_text()) == []


def test_case_107_hostile_mix_leaves_good_users_untouched(served: Served) -> None:
    good = [sign_up(served.url, f"good{n}@x.org") for n in range(36)]
    hostile = [sign_up(served.url, f"hostile{n}@x.org") for n in range(len(HOSTILE_KINDS))]  # 10 % of 40
    before = served.sample()
    tally, attacks = Tally(), Tally()
    peak = [before]

    async def good_user(number: int, token: str, http: httpx.AsyncClient) -> None:
        rng = random.Random(number)
        never = asyncio.Event()
        await read_pages(http, token, tally, stop=never, think_s=(0.05, 0.2), rng=rng, count=4)
        await upload_and_wait(http, token, f"good{number}.gpx", short_gpx(7000 + number), tally)
        await read_pages(http, token, tally, stop=never, think_s=(0.05, 0.2), rng=rng, count=4)

    async def run() -> None:
        async with client(served) as http:
            stop = asyncio.Event()
            attackers = [
                asyncio.create_task(
                    hostile_user(http, served.url, token, kind, attacks, stop=stop, rng=random.Random(kind))
                )
                for token, kind in zip(hostile, HOSTILE_KINDS, strict=True)
            ]
            await asyncio.gather(*(good_user(n, token, http) for n, token in enumerate(good)))
            while min(attacks.hostile[kind] for kind in HOSTILE_KINDS) < 1 and not attacks.hostile_wrong:
                peak.append(served.sample())
                await asyncio.sleep(0.5)
            peak.append(served.sample())
            stop.set()
            await asyncio.gather(*attackers)

    asyncio.run(run())
    assert tally.errors == [] and tally.locked == [] and attacks.locked == []
    assert [upload["status"] for upload in tally.uploads] == ["done"] * len(good)
    assert attacks.hostile_wrong == []
    assert all(attacks.hostile[kind] >= 1 for kind in HOSTILE_KINDS), attacks.hostile
    assert max(sample.rss_mib for sample in peak) - before.rss_mib < RSS_GROWTH_MIB
    assert httpx.get(f"{served.url}/healthz").status_code == 200


def test_case_108_steady_uploads_leave_no_temp_files_nor_descriptors(served: Served) -> None:
    uploaders = [sign_up(served.url, f"soak{n}@x.org") for n in range(4)]
    tally = Tally()
    samples = []

    async def wave(http: httpx.AsyncClient, first: int) -> None:
        """Each uploader sends a 20 km GPX (over 1 MB: spooled to disk) and a 3 km one."""
        jobs = []
        for n, token in enumerate(uploaders):
            index = first + n
            jobs.append(upload_and_wait(http, token, f"long{index}.gpx", long_gpx(index), tally))
            jobs.append(upload_and_wait(http, token, f"short{index}.gpx", short_gpx(index + 9000), tally))
        await asyncio.gather(*jobs)

    async def run() -> None:
        async with client(served) as http:
            await wave(http, 8000)  # warm-up: pool workers and connections are open from here on
            samples.append(served.sample())
            for number in range(1, 6):
                await wave(http, 8000 + 10 * number)
                samples.append(served.sample())

    asyncio.run(run())
    assert tally.errors == [] and tally.locked == []
    assert [upload["status"] for upload in tally.uploads] == ["done"] * 48
    warm, *rest = samples
    assert max(sample.fds for sample in rest) <= warm.fds + 2, samples
    assert samples[-1].rss_mib - warm.rss_mib < 40, samples
    assert served.temp_files() == []
    assert locked_lines(served.log_text()) == []


def test_the_served_log_checks_find_what_they_look_for(tmp_path: Path) -> None:
    text = 'ok\n{"msg": "sqlite3.OperationalError: database is locked"}\nTraceback (most recent call last):\n'
    assert len(locked_lines(text)) == 2
