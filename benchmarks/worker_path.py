"""The import worker's path in one process: CPU milliseconds a run, by step, on the benchmark's FIT files.

    .venv/bin/python benchmarks/worker_path.py [--runs 200] [--repeat 5] [--profile]

The files are those of `benchmarks/import_export.py` (six templates, half of them recorded every 4 s,
each derived file shifted in time with its own serial and CRC). Each file goes through what
`progrun.training_log.importer.analyse_source` does after reading its bytes: SHA-256, `read_activity`,
`is_run`, and `training_log.runs.analyse` (splits, detection, judging, load, stream encoding, the raw
blob kept as the zip member's deflate stream, as the importer keeps it). The figure for each step is
the least CPU time (`time.process_time`) over `--repeat` passes, summed over the files and divided by
their number, so other processes on the machine change it little. `--profile` prints cProfile's 25
largest entries of one pass instead.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
import zlib
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from import_export import BASE, SPACING_S, TEMPLATES, derive, make_template  # noqa: E402

from progrun.analysis import AnalysisContext, is_run  # noqa: E402
from progrun.formats import read_activity  # noqa: E402
from progrun.training_log.runs import analyse, sha256_hex  # noqa: E402


def deflated(data: bytes) -> bytes:
    """The raw deflate stream a zip member of `data` holds (the importer keeps it as the blob)."""
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def build_files(runs: int) -> list[bytes]:
    templates = [
        make_template(paces, BASE + timedelta(days=index), record_every_s=1 if index % 2 == 0 else 4)
        for index, paces in enumerate(TEMPLATES)
    ]
    return [derive(templates[i % len(templates)], SPACING_S * i, 1000 + i) for i in range(runs)]


def one_pass(files: list[tuple[bytes, bytes]], context: AnalysisContext) -> dict[str, float]:
    """CPU seconds of each step over all files."""
    spent = {"hash": 0.0, "read_activity": 0.0, "is_run": 0.0, "analyse": 0.0}
    clock = time.process_time
    for index, (data, deflate) in enumerate(files):
        start = clock()
        digest = sha256_hex(data)
        hashed = clock()
        activity = read_activity(data, name=f"run{index}.fit")
        read = clock()
        run, _ = is_run(activity)
        checked = clock()
        if run:
            analyse(
                activity, data, source_name="bench", name="", context=context, digest=digest, deflate=deflate
            )
        done = clock()
        spent["hash"] += hashed - start
        spent["read_activity"] += read - hashed
        spent["is_run"] += checked - read
        spent["analyse"] += done - checked
    return spent


def best_of(repeat: int, work: Callable[[], dict[str, float]]) -> dict[str, float]:
    best: dict[str, float] = {}
    for _ in range(repeat):
        for step, seconds in work().items():
            best[step] = min(best.get(step, seconds), seconds)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="Files [default: 200].")
    parser.add_argument("--repeat", type=int, default=5, help="Passes; the least of each step [default: 5].")
    parser.add_argument("--profile", action="store_true", help="Print cProfile's top entries of one pass.")
    args = parser.parse_args()
    files = [(data, deflated(data)) for data in build_files(args.runs)]
    context = AnalysisContext(threshold_s_per_km=280.0)
    one_pass(files[:10], context)  # warm-up: imports, caches
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(one_pass, files, context)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        return
    best = best_of(args.repeat, lambda: one_pass(files, context))
    total = sum(best.values())
    print(f"{args.runs} FIT runs, least CPU of {args.repeat} passes, ms a run:")
    for step, seconds in best.items():
        print(f"  {step:14s} {1000.0 * seconds / args.runs:6.2f}")
    print(f"  {'total':14s} {1000.0 * total / args.runs:6.2f}  ({args.runs / total:.0f} runs/s on one core)")


if __name__ == "__main__":
    main()
