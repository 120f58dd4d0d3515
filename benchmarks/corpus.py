"""Decode and split every file of the shared corpus; compare with fitdecode and garmin-fit-sdk.

    .venv/bin/python benchmarks/corpus.py [--repeat 5] [--corpus ../shared/data/activities]

For each format: files, records, errors (broken files are counted, not fatal), total time of
`read_activity` + `split_by_distance(1 km)`, records/s and files/s; then fitdecode and garmin-fit-sdk
decoding the same FIT files (records only, no splits), and the ratio. Times are the best of
`--repeat` passes for progrun and of one pass for the
(much slower) pure-Python decoders (one core, in process). Peak RSS is the whole process at the end.
Last, the split accuracy against the devices' own auto laps (`benchmarks/auto_laps.py`), on our
corpus and, separately, on `activities-more` (files no rule was tuned on).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from progrun.errors import ProgrunError
from progrun.formats import read_activity
from progrun.splits import split_by_distance

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "activities"
FORMATS = ("fit", "gpx", "tcx")


def corpus_files(corpus: Path) -> dict[str, list[Path]]:
    files: dict[str, list[Path]] = {name: [] for name in FORMATS}
    for path in sorted(corpus.rglob("*")):
        suffix = path.suffix.lower().lstrip(".")
        if path.is_file() and suffix in files:
            files[suffix].append(path)
    return files


def ours(paths: list[Path]) -> tuple[int, int]:
    records = errors = 0
    for path in paths:
        try:
            activity = read_activity(path)
        except ProgrunError:
            errors += 1
            continue
        split_by_distance(activity, 1000.0)
        records += activity.records
    return records, errors


def fitdecode_records(paths: list[Path]) -> tuple[int, int]:
    import fitdecode

    records = errors = 0
    for path in paths:
        try:
            with fitdecode.FitReader(str(path)) as reader:
                for frame in reader:
                    if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "record":
                        records += 1
        except Exception:  # a third-party decoder failing on a broken file is counted, not fatal
            errors += 1
    return records, errors


def garmin_sdk_records(paths: list[Path]) -> tuple[int, int]:
    from garmin_fit_sdk import Decoder, Stream

    records = errors = 0
    for path in paths:
        try:
            messages, problems = Decoder(Stream.from_file(str(path))).read()
        except Exception:
            errors += 1
            continue
        if problems:
            errors += 1
        records += len(messages.get("record_mesgs", []))
    return records, errors


def best_of(
    repeat: int, run: Callable[[list[Path]], tuple[int, int]], paths: list[Path]
) -> tuple[float, int, int]:
    best = float("inf")
    records = errors = 0
    for _ in range(repeat):
        started = time.perf_counter()
        records, errors = run(paths)
        best = min(best, time.perf_counter() - started)
    return best, records, errors


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # fitdecode warns on every broken file
    files = corpus_files(args.corpus)

    header = (
        f"{'reader':<32}{'files':>6}{'errors':>7}{'records':>9}{'time s':>9}{'records/s':>12}{'files/s':>9}"
    )
    print(header)
    print("-" * len(header))
    results: dict[str, float] = {}

    def report(
        label: str, paths: list[Path], run: Callable[[list[Path]], tuple[int, int]], repeat: int = args.repeat
    ) -> None:
        seconds, records, errors = best_of(repeat, run, paths)
        results[label] = records / seconds if seconds else 0.0
        print(
            f"{label:<32}{len(paths):>6}{errors:>7}{records:>9}{seconds:>9.3f}"
            f"{records / seconds:>12,.0f}{len(paths) / seconds:>9.0f}"
        )

    every = [path for name in FORMATS for path in files[name]]
    for name in FORMATS:
        report(f"progrun {name} (decode + km splits)", files[name], ours)
    report("progrun all (decode + km splits)", every, ours)
    report("fitdecode fit (decode only)", files["fit"], fitdecode_records, repeat=1)
    report("garmin-fit-sdk fit (decode only)", files["fit"], garmin_sdk_records, repeat=1)
    ours_fit = results["progrun fit (decode + km splits)"]
    print()
    print(
        f"FIT records/s, progrun / fitdecode:      {ours_fit / results['fitdecode fit (decode only)']:.0f}x"
    )
    print(
        "FIT records/s, progrun / garmin-fit-sdk: "
        f"{ours_fit / results['garmin-fit-sdk fit (decode only)']:.0f}x"
    )
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS: {peak_kib / 1024:.0f} MB (whole process: Python, numpy, all three decoders)")
    print(
        f"python {sys.version.split()[0]}; progrun: best of {args.repeat} passes; "
        "fitdecode, garmin-fit-sdk: 1 pass"
    )
    print()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from auto_laps import CORPORA, lap_checks, summary

    for label, corpus in CORPORA.items():
        print(summary(label, lap_checks(corpus)))


if __name__ == "__main__":
    main()
