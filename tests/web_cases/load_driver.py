"""Virtual users for the B7 load cases 106-108 (asyncio + httpx against `served_log.serving`).

Readers page through `DASHBOARD_PATHS`; uploaders send a file and poll it to its verdict; hostile users
send one kind of attack each (a zip bomb, a bad CRC, a declared oversize body, slowloris connections) and
`Tally` keeps whether each got the answer it should. No figure here is asserted as a time: the tests
assert the counts, the benchmark prints the latencies.
"""

from __future__ import annotations

import asyncio
import functools
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.web_cases.served_log import (
    DASHBOARD_PATHS,
    bad_crc_fit,
    bearer,
    declared_oversize,
    locked_lines,
    slowloris,
    zip_bomb,
)

#: Declared by an oversize upload: over the default 50 MB limit of `progrun serve`.
OVERSIZE_BYTES = 60_000_000


@dataclass
class Tally:
    """What the users saw: request latencies (ms), wrong answers, and the hostile answers by kind."""

    read_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    locked: list[str] = field(default_factory=list)
    hostile: Counter[str] = field(default_factory=Counter)
    hostile_wrong: list[str] = field(default_factory=list)
    uploads: list[dict[str, Any]] = field(default_factory=list)

    def check(self, what: str, answer: httpx.Response, expected: int = 200) -> bool:
        self.locked.extend(f"{what}: {line}" for line in locked_lines(answer.text))
        if answer.status_code != expected:
            self.errors.append(f"{what}: {answer.status_code} {answer.text[:200]}")
            return False
        return True


async def read_pages(
    client: httpx.AsyncClient,
    token: str,
    tally: Tally,
    *,
    stop: asyncio.Event,
    think_s: tuple[float, float],
    rng: random.Random,
    count: int = 0,
) -> None:
    """Open the dashboards in turn until `stop` is set (or `count` pages were read, if given)."""
    done = 0
    while not stop.is_set() and (not count or done < count):
        path = DASHBOARD_PATHS[done % len(DASHBOARD_PATHS)]
        started = time.perf_counter()
        try:
            answer = await client.get(path, headers=bearer(token))
        except httpx.HTTPError as error:
            tally.errors.append(f"GET {path}: {type(error).__name__} {error}")
        else:
            tally.read_ms.append((time.perf_counter() - started) * 1000)
            tally.check(f"GET {path}", answer)
        done += 1
        await asyncio.sleep(rng.uniform(*think_s))


async def upload_and_wait(
    client: httpx.AsyncClient, token: str, name: str, data: bytes, tally: Tally, *, poll_s: float = 0.2
) -> dict[str, Any]:
    """POST the file, then poll its upload until done or failed; {} when the upload was not taken."""
    try:
        answer = await client.post("/api/runs", files={"file": (name, data)}, headers=bearer(token))
    except httpx.HTTPError as error:
        tally.errors.append(f"POST {name}: {type(error).__name__} {error}")
        return {}
    if not tally.check(f"POST {name}", answer, 202):
        return {}
    upload_id = answer.json()["id"]
    while True:
        await asyncio.sleep(poll_s)
        try:
            polled = await client.get(f"/api/runs/{upload_id}", headers=bearer(token))
        except httpx.HTTPError as error:
            tally.errors.append(f"GET {upload_id}: {type(error).__name__} {error}")
            continue
        if not tally.check(f"GET {upload_id}", polled):
            return {}
        body: dict[str, Any] = polled.json()
        if body["status"] in {"done", "failed"}:
            tally.uploads.append(body)
            return body


HOSTILE_KINDS = ("bomb", "crc", "oversize", "slowloris")
#: What the failed upload's reason says: the bomb's member is bigger than an archive member may be.
HOSTILE_REASONS = {"bomb": "more than the 67108864 allowed", "crc": "bad CRC"}


@functools.cache
def attack_payload(kind: str) -> bytes:
    """The file an attacker of `kind` uploads, made once: compressing the zip bomb's 300 MB takes
    seconds of CPU, which must not block the load generator's event loop (and every good user's
    timed request with it) when the attack starts. Call it for each kind before the clock starts."""
    return {"bomb": zip_bomb, "crc": bad_crc_fit}.get(kind, lambda: b"")()


async def hostile_user(
    client: httpx.AsyncClient,
    url: str,
    token: str,
    kind: str,
    tally: Tally,
    *,
    stop: asyncio.Event,
    rng: random.Random,
    hold_s: float = 5.0,
) -> None:
    """Attacks of one `kind` until `stop`; each counts in `tally.hostile[kind]` or says what was wrong."""
    payload = attack_payload(kind)
    quiet = Tally()
    while not stop.is_set():
        wrong = ""
        if kind in {"bomb", "crc"}:
            name = "export.zip" if kind == "bomb" else "run.fit"
            outcome = await upload_and_wait(client, token, name, payload, quiet, poll_s=0.5)
            reason = str(outcome.get("error", ""))
            expected = HOSTILE_REASONS[kind]
            if outcome.get("status") != "failed" or expected not in reason:
                wrong = f"{kind}: {outcome or quiet.errors[-1:]}"
        elif kind == "oversize":
            head = await asyncio.to_thread(declared_oversize, url, token, OVERSIZE_BYTES)
            if not head.startswith(b"HTTP/1.1 413"):
                wrong = f"oversize: {head[:200]!r}"
        else:  # slowloris: hold connections open mid-header, then drop them
            held = await asyncio.to_thread(slowloris, url, 5)
            await asyncio.sleep(hold_s)
            for connection in held:
                connection.close()
        tally.locked.extend(quiet.locked)
        quiet = Tally()
        if wrong:
            tally.hostile_wrong.append(wrong)
        else:
            tally.hostile[kind] += 1
        await asyncio.sleep(rng.uniform(0.5, 1.5))
