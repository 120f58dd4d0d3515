"""Bulk FIT decode benchmark: N synthetic 1-hour 1 Hz runs written with Garmin's official encoder.

    .venv/bin/python benchmarks/bulk_fit.py --n 1000 --subset 10

1. Writes N FIT files (progression runs: 1 km auto-laps, one pause, GPS, HR, cadence, altitude, power)
   through `progrun.formats.fit_writer.write_fit_activity`, which uses `garmin_fit_sdk.Encoder`.
   Encoding is slow (about 0.5 s per file), so `--distinct K` runs are encoded (in a process pool)
   and the N files are copies of them; `--dir` keeps the files between runs.
2. In a fresh child process (so that peak RSS is the decoder's own), decodes every file with
   progrun's `read_fit`, then again with decode + splits (`numpy.interp` of the 1 km crossing times).
3. On `--subset` files, decodes with fitdecode and garmin-fit-sdk in this process.

Reports records/s and files/s (wall clock and CPU time; the CPU figure is steadier on a busy
machine), peak RSS (`resource.getrusage(...).ru_maxrss`) and the ratio to fitdecode.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import resource
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

SECONDS = 3600


def synthetic_run(seed: int) -> object:
    from progrun.activity import Pause, make_activity

    rng = np.random.default_rng(seed)
    time_s = np.arange(SECONDS, dtype=np.float64)
    speed = np.linspace(2.6, 3.9, SECONDS) + rng.normal(0, 0.05, SECONDS)  # a progression run
    pause_start = int(rng.integers(600, 3000))
    speed[pause_start : pause_start + 30] = 0.0
    distance = np.concatenate([[0.0], np.cumsum(speed[1:])])
    heading = np.cumsum(rng.normal(0, 0.02, SECONDS))
    lat = 51.5 + np.cumsum(speed * np.cos(heading)) / 111_320
    lon = -0.12 + np.cumsum(speed * np.sin(heading)) / 69_000
    return make_activity(
        time_s,
        start=datetime(2024, 1, 1, 7, tzinfo=UTC) + timedelta(days=seed),
        distance_m=distance,
        speed_m_s=speed,
        lat_deg=lat,
        lon_deg=lon,
        altitude_m=30 + 10 * np.sin(time_s / 400),
        heart_rate_bpm=np.round(125 + time_s / 60 + rng.normal(0, 2, SECONDS)),
        cadence_spm=np.round(160 + time_s / 300),
        power_w=np.round(200 + speed * 20),
        pauses=(Pause(float(pause_start), float(pause_start + 30)),),
        device="garmin fr945",
    )


def _laps(activity: object) -> tuple[object, ...]:
    from progrun.activity import Activity, Lap, LapTrigger

    assert isinstance(activity, Activity)
    crossings = np.interp(
        np.arange(1000.0, activity.total_distance_m, 1000.0), activity.distance_m, activity.time_s
    )
    edges = [0.0, *np.round(crossings).tolist(), float(activity.time_s[-1])]
    laps = []
    for i in range(len(edges) - 1):
        start_d = float(np.interp(edges[i], activity.time_s, activity.distance_m))
        end_d = float(np.interp(edges[i + 1], activity.time_s, activity.distance_m))
        trigger = LapTrigger.DISTANCE if i < len(edges) - 2 else LapTrigger.SESSION_END
        laps.append(
            Lap(
                i,
                edges[i],
                edges[i + 1] - edges[i],
                edges[i + 1] - edges[i],
                round(end_d - start_d, 2),
                trigger,
                "running",
            )
        )
    return tuple(laps)


def write_one(args: tuple[int, str]) -> str:
    from progrun.formats.fit_writer import write_fit_activity

    seed, directory = args
    activity = synthetic_run(seed)
    path = Path(directory) / f"distinct-{seed:04d}.fit"
    path.write_bytes(write_fit_activity(activity, laps=_laps(activity)))  # type: ignore[arg-type]
    return str(path)


def prepare(directory: Path, n: int, distinct: int, workers: int) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    missing = [
        (seed, str(directory))
        for seed in range(distinct)
        if not (directory / f"distinct-{seed:04d}.fit").exists()
    ]
    if missing:
        started = time.perf_counter()
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            pool.map(write_one, missing)
        took = time.perf_counter() - started
        print(f"encoded {len(missing)} distinct runs with garmin_fit_sdk.Encoder in {took:.1f} s")
    files = []
    for i in range(n):
        path = directory / f"run-{i:05d}.fit"
        if not path.exists():
            shutil.copyfile(directory / f"distinct-{i % distinct:04d}.fit", path)
        files.append(path)
    return files


def measure_progrun(paths: list[str], repeat: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """Runs in a fresh process: decode all files, then decode + splits; report figures and peak RSS."""
    from progrun.formats.fit import read_fit

    read_fit(Path(paths[0]).read_bytes(), name="warmup")
    results: dict[str, float] = {}
    for label, with_splits in (("decode", False), ("decode+splits", True)):
        best_wall = best_cpu = math.inf
        for _ in range(repeat):  # the fastest of `repeat` passes: other processes only ever slow a pass down
            records = 0
            wall = time.perf_counter()
            cpu = time.process_time()
            for path in paths:
                activity = read_fit(Path(path).read_bytes(), name=path)
                records += activity.records
                if with_splits:
                    marks = np.arange(1000.0, activity.total_distance_m, 1000.0)
                    np.interp(marks, activity.distance_m, activity.time_s)
            best_wall = min(best_wall, time.perf_counter() - wall)
            best_cpu = min(best_cpu, time.process_time() - cpu)
        results[f"{label}_wall_s"] = best_wall
        results[f"{label}_cpu_s"] = best_cpu
        results["records"] = records
    results["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(results)


def measure_fitdecode(paths: list[Path]) -> tuple[int, float, float]:
    import fitdecode

    records = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for path in paths:
        with fitdecode.FitReader(path.read_bytes()) as reader:
            for frame in reader:
                if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "record":
                    records += 1
    return records, time.perf_counter() - wall, time.process_time() - cpu


def measure_sdk(paths: list[Path]) -> tuple[int, float, float]:
    from garmin_fit_sdk import Decoder, Stream

    records = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for path in paths:
        messages, errors = Decoder(Stream.from_byte_array(bytearray(path.read_bytes()))).read()
        assert not errors, errors
        records += len(messages["record_mesgs"])
    return records, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="number of FIT files to decode (default 1000)")
    parser.add_argument("--distinct", type=int, default=50, help="distinct runs to encode (default 50)")
    parser.add_argument(
        "--subset", type=int, default=10, help="files decoded by fitdecode and the SDK (default 10)"
    )
    parser.add_argument(
        "--dir", type=Path, default=None, help="where to keep the files (default: a temp dir)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="decode passes; the fastest is reported")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes for encoding")
    args = parser.parse_args()
    distinct = max(1, min(args.distinct, args.n))
    temporary = None
    directory = args.dir
    if directory is None:
        temporary = tempfile.TemporaryDirectory(prefix="progrun-bulk-fit-")
        directory = Path(temporary.name)
    try:
        files = prepare(directory, args.n, distinct, args.workers)
        size_mb = sum(p.stat().st_size for p in files) / 1e6
        print(f"{len(files)} files ({distinct} distinct 1-hour 1 Hz runs), {size_mb:.1f} MB in {directory}")
        queue: multiprocessing.Queue = multiprocessing.get_context("spawn").Queue()  # type: ignore[type-arg]
        child = multiprocessing.get_context("spawn").Process(
            target=measure_progrun, args=([str(p) for p in files], args.repeat, queue)
        )
        child.start()
        ours = queue.get()
        child.join()
        records = int(ours["records"])
        print(
            f"\nprogrun read_fit, {len(files)} files, {records:,} records, one core, best of {args.repeat}:"
        )
        for label in ("decode", "decode+splits"):
            wall, cpu = ours[f"{label}_wall_s"], ours[f"{label}_cpu_s"]
            print(
                f"  {label:<14} wall {wall:7.2f} s  {records / wall / 1e6:5.2f} M records/s"
                f"  {len(files) / wall:7.1f} files/s   | CPU {cpu:7.2f} s"
                f"  {records / cpu / 1e6:5.2f} M records/s  {len(files) / cpu:7.1f} files/s"
            )
        print(f"  peak RSS of the decoding process: {ours['peak_rss_mb']:.1f} MB")
        subset = files[: min(args.subset, len(files))]
        print(f"\nreference decoders on {len(subset)} of the same files:")
        ours_rate_wall = records / ours["decode_wall_s"]
        ours_rate_cpu = records / ours["decode_cpu_s"]
        for name, measure in (("fitdecode", measure_fitdecode), ("garmin-fit-sdk", measure_sdk)):
            count, wall, cpu = measure(subset)
            ratio_wall, ratio_cpu = ours_rate_wall / (count / wall), ours_rate_cpu / (count / cpu)
            print(
                f"  {name:<14} wall {wall:7.2f} s  {count / wall / 1e3:7.1f} k records/s"
                f"   | CPU {cpu:7.2f} s  {count / cpu / 1e3:7.1f} k records/s"
                f"   -> progrun is {ratio_wall:5.0f}x (wall) / {ratio_cpu:5.0f}x (CPU) faster"
            )
    finally:
        if temporary is not None:
            temporary.cleanup()


if __name__ == "__main__":
    main()
