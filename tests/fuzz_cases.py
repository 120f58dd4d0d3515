"""Mutated activity files and the checks run on each: shared by the fuzz test and benchmarks/fuzz_memory.py.

Mutations (seeded): 1-3 bit flips and truncations of corpus FIT, GPX and TCX files, and clock jumps
(a few seconds to 30 years, forward and back, at a random sample) written as valid FIT and GPX files
from synthetic runs. Each case is read strictly and salvaged, and every activity read is split, detected
and judged. Only ProgrunError subclasses may escape; "ran out of memory" counts as a failure, since the
point is that no file makes progrun ask for that much. `run_cases` is meant for a child process whose
address space is capped (`resource.setrlimit(RLIMIT_AS)`).
"""

from __future__ import annotations

import dataclasses
import random
import resource
import tempfile
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from progrun.errors import ProgrunError
from progrun.formats import OnError, read_activity
from progrun.storage import Store
from progrun.training_log.importer import import_paths
from tests.conftest import ACTIVITIES
from tests.synthetic_runs import fit_bytes, gpx_text, progression_paces, synthetic_run

#: Largest corpus file mutated (bytes): keeps a case well under a second.
MAX_SOURCE_BYTES = 600_000


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes


@dataclass
class Outcome:
    """What a sweep found: counts, the failures (anything but a named error) and the peak memory."""

    cases: int = 0
    read_strict: int = 0
    read_salvaged: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    stored: int = 0
    stored_refused: list[str] = field(default_factory=list)
    #: cases a strict read kept as truncated recordings (partial runs: a longer copy may replace them)
    truncated_recordings: list[str] = field(default_factory=list)
    peak_rss_mb: float = 0.0
    slowest_s: float = 0.0
    slowest_case: str = ""


def sources() -> list[tuple[str, bytes]]:
    files = [
        path
        for folder in ("fit", "gpx", "tcx")
        for path in sorted((ACTIVITIES / folder).iterdir())
        if path.is_file() and path.stat().st_size <= MAX_SOURCE_BYTES
    ]
    return [(path.name, path.read_bytes()) for path in files]


def _clock_jump_case(rng: random.Random, index: int) -> Case:
    run = synthetic_run(datetime(2024, 1, 1, 6, 0, tzinfo=UTC), progression_paces(rng.randrange(10))[:3])
    jump_s = rng.choice([1.0, 90.0, 3600.0, 7 * 3600.0, 20 * 86400.0, 5 * 365 * 86400.0, 30 * 365 * 86400.0])
    sign = rng.choice([1.0, 1.0, -1.0])
    at = rng.randrange(1, run.records)
    times = run.time_s.copy()
    times[at:] += sign * jump_s
    jumped = dataclasses.replace(run, time_s=times)
    if rng.random() < 0.5:
        return Case(f"jump{index}.gpx", gpx_text(jumped).encode())
    if sign < 0:  # the FIT encoder writes timestamps as given; a jump back is read as repeats
        times = run.time_s.copy()
        times[at:] += jump_s
        jumped = dataclasses.replace(run, time_s=times)
    return Case(f"jump{index}.fit", fit_bytes(jumped, record_every_s=3))


def cases(count: int, seed: int) -> Iterator[Case]:
    """`count` mutated files: 40 % bit flips, 40 % truncations, 20 % clock jumps."""
    rng = random.Random(seed)
    pool = sources()
    for index in range(count):
        roll = rng.random()
        if roll < 0.2:
            yield _clock_jump_case(rng, index)
            continue
        name, data = rng.choice(pool)
        if roll < 0.6:
            mutated = bytearray(data)
            for _ in range(rng.randint(1, 3)):
                mutated[rng.randrange(len(mutated))] ^= 1 << rng.randrange(8)
            yield Case(f"flip{index}-{name}", bytes(mutated))
        else:
            yield Case(f"cut{index}-{name}", data[: rng.randrange(1, len(data))])


def _analyse(activity: object) -> None:
    from progrun.activity import Activity
    from progrun.detect import detect_progression
    from progrun.judge import judge
    from progrun.paces import training_paces_from_race
    from progrun.planner import build_plan
    from progrun.splits import split_by_distance

    assert isinstance(activity, Activity)
    split_by_distance(activity, 1000.0)
    detect_progression(activity)
    judge(build_plan(training_paces_from_race(5000, 1300), 5000.0), activity)


def _check(case: Case, outcome: Outcome) -> bool:
    """Read strictly and salvaged, analyse what was read; True when the strict read succeeded."""
    strict_ok = False
    for on_error in (OnError.RAISE, OnError.WARN):
        try:
            activity = read_activity(case.data, name=case.name, on_error=on_error)
            _analyse(activity)
        except ProgrunError as error:
            if "ran out of memory" in str(error):
                outcome.failures.append(f"{case.name} ({on_error.value}): {error}")
            elif on_error is OnError.RAISE:
                kind = type(error).__name__
                outcome.refused[kind] = outcome.refused.get(kind, 0) + 1
        except Exception as error:
            detail = traceback.format_exception_only(error)[-1].strip()
            outcome.failures.append(f"{case.name} ({on_error.value}): {detail}")
        else:
            if on_error is OnError.RAISE:
                outcome.read_strict += 1
                strict_ok = True
                if activity.extra.get("partial"):
                    outcome.truncated_recordings.append(case.name)
            else:
                outcome.read_salvaged += 1
    return strict_ok


def run_cases(count: int, seed: int, *, store_every: int = 1) -> Outcome:
    """Check `count` cases; every `store_every`-th one is also imported (strictly) into a fresh log,
    and the log must hold exactly the runs whose strict read succeeded."""
    outcome = Outcome()
    readable: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="progrun-fuzz-") as folder:
        imported = Path(folder) / "files"
        imported.mkdir()
        for case in cases(count, seed):
            started = time.process_time()
            if _check(case, outcome) and outcome.cases % store_every == 0:
                readable.add(case.name)
            elapsed = time.process_time() - started
            if elapsed > outcome.slowest_s:
                outcome.slowest_s, outcome.slowest_case = elapsed, case.name
            if outcome.cases % store_every == 0:
                (imported / case.name).write_bytes(case.data)
            outcome.cases += 1
        with Store.open(f"sqlite:///{Path(folder) / 'log.db'}") as store:
            report = import_paths(store, [imported], workers=1)
            stored = {Path(run.source_name).name for run in store.list_activities()}
        outcome.stored = len(stored)
        duplicates = {Path(name).name for name, _id, _reason in report.duplicate_of}
        outcome.stored_refused = sorted(stored - readable)
        # a truncated recording is a partial run: another copy of the same run replaces or covers it
        partial = set(outcome.truncated_recordings)
        missing = readable - stored - duplicates - partial - {Path(s.file).name for s in report.skipped}
        outcome.failures += [f"{name}: read strictly but not stored" for name in sorted(missing)]
    outcome.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return outcome


def limit_memory(limit_bytes: int) -> None:
    """Cap this process's address space (the child of a fuzz run)."""
    resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))
