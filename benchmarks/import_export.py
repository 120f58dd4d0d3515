"""Import benchmark: a synthetic Garmin-style export of N runs, imported into a fresh SQLite log.

    .venv/bin/python benchmarks/import_export.py [--runs 10000] [--runs 1000] [--workers 0] [--keep DIR]

**The export.** `DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_PartK.zip` (2,500 files per
part, each part a nested zip, as Garmin ships them) holding `.fit` files, plus 1 % `.fit.gz` and 1 %
`.gpx` beside them, and a `DI-Connect-Fitness` JSON file that is not an activity.

**Fast derivation.** Garmin's encoder (`progrun.formats.fit_writer.write_fit_activity`) takes 0.2 to
0.5 s a file, too slow for 10,000 files. So six distinct template runs (two progression runs, three
easy runs, a steady tempo run; 5 to 10 km at 1 Hz) are written with it once, and every other file is
derived from a template by rewriting its bytes: the benchmark walks the template's FIT messages once
to find the byte offsets of every date_time field (each message's `timestamp`, `file_id.time_created`,
`lap`/`session.start_time`, `activity.local_timestamp`) and of `file_id.serial_number`; a derived file
adds its own start offset (runs 12 h apart) to all those uint32 fields with numpy, sets its own serial,
and gets a fresh file CRC (`progrun.formats.fit_crc.fit_crc`). Each derived file is thus a distinct,
valid FIT file with a distinct start, which the importer must parse, analyse and store.

**Measured** in a fresh process (so the export built here is not in its memory, nor in its forked
workers'): wall time of `import_paths` (listing, the process pool, one transaction per run) and
runs/s; CPU seconds of the parent and of the workers (getrusage), and the runs/s that CPU time allows
on an otherwise idle machine; peak memory as the largest sums of RSS and of PSS over the parent and
its worker processes, sampled from /proc (RSS every 50 ms; PSS, whose reading costs the kernel a
walk of every page, every 2 s and whenever the RSS sum has grown by 1 MiB since; RSS counts pages
shared after fork once per process, PSS splits them), plus the parent's and the largest worker's
max RSS from getrusage. The sampler's own CPU time is printed and not counted as the parent's.
Then the same export is imported again into the same log (every file a duplicate, found by its hash
before it is decoded) and that wall time is printed beside the first's.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import math
import os
import resource
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from progrun.activity import CHANNELS, Activity  # noqa: E402
from progrun.formats.fit_crc import fit_crc  # noqa: E402
from progrun.formats.fit_writer import write_fit_activity  # noqa: E402
from progrun.storage import Store  # noqa: E402
from progrun.training_log.importer import import_paths  # noqa: E402
from tests.synthetic_runs import gpx_text, synthetic_run  # noqa: E402

BASE = datetime(2000, 1, 3, 7, 0, tzinfo=UTC)  # FIT times before 1998-07 read as relative
PART_FILES = 2500
SPACING_S = 12 * 3600
#: (global message number, field number) of the date_time fields rewritten in derived files.
TIME_FIELDS = {(0, 4), (18, 2), (19, 2), (34, 5)}
TIMESTAMP_FIELD = 253
SERIAL_FIELD = (0, 3)
#: Read PSS again when the RSS sum has grown by more than this since the last PSS reading.
PSS_RSS_STEP_KIB = 1024
TREE_INTERVAL_S = 0.5
TICKS_PER_S = os.sysconf("SC_CLK_TCK")

TEMPLATES: list[list[float]] = [
    [330.0, 320.0, 310.0, 300.0, 290.0, 280.0],  # progression, 6 km
    [345.0, 338.0, 330.0, 322.0, 314.0, 306.0, 298.0, 292.0],  # progression, 8 km
    [350.0, 352.0, 348.0, 351.0, 349.0],  # easy, 5 km
    [340.0, 343.0, 338.0, 342.0, 341.0, 339.0, 344.0],  # easy, 7 km
    [355.0] * 10,  # easy, 10 km
    [290.0, 288.0, 289.0, 290.0, 288.0, 291.0],  # steady tempo, 6 km
]


@dataclass(frozen=True)
class Template:
    data: bytes
    time_offsets: np.ndarray  # byte offsets of the uint32 date_time fields
    serial_offset: int


def fit_field_offsets(data: bytes) -> tuple[list[int], int]:
    """Byte offsets of the date_time uint32 fields and of file_id.serial_number in a FIT file.

    Handles normal headers, definitions with developer fields and little/big-endian architecture
    (the encoder writes little-endian); compressed-timestamp headers are not expected from it.
    """
    header_size = data[0]
    data_size = struct.unpack_from("<I", data, 4)[0]
    end = header_size + data_size
    position = header_size
    definitions: dict[int, tuple[int, list[tuple[int, int]], int, bool]] = {}
    times: list[int] = []
    serial = -1
    while position < end:
        record_header = data[position]
        position += 1
        if record_header & 0x80:
            raise ValueError("compressed timestamp headers are not supported by this walker")
        local = record_header & 0x0F
        if record_header & 0x40:  # definition message
            little = data[position + 1] == 0
            global_number = struct.unpack_from("<H" if little else ">H", data, position + 2)[0]
            count = data[position + 4]
            position += 5
            fields = [(data[position + 3 * i], data[position + 3 * i + 1]) for i in range(count)]
            position += 3 * count
            developer_bytes = 0
            if record_header & 0x20:
                developer_count = data[position]
                position += 1
                developer_bytes = sum(data[position + 3 * i + 1] for i in range(developer_count))
                position += 3 * developer_count
            definitions[local] = (global_number, fields, developer_bytes, little)
            continue
        global_number, fields, developer_bytes, little = definitions[local]
        if not little:
            raise ValueError("big-endian messages are not supported by this walker")
        for number, size in fields:
            if size == 4 and (number == TIMESTAMP_FIELD or (global_number, number) in TIME_FIELDS):
                times.append(position)
            elif (global_number, number) == SERIAL_FIELD and size == 4:
                serial = position
            position += size
        position += developer_bytes
    return times, serial


def every_nth(activity: Activity, step: int) -> Activity:
    """The activity with one sample in `step` kept (and the last), like Garmin's smart recording."""
    keep = np.zeros(activity.records, dtype=bool)
    keep[::step] = True
    keep[-1] = True
    return replace(activity, **{name: getattr(activity, name)[keep] for name in CHANNELS})


def make_template(paces: list[float], start: datetime, record_every_s: int = 1) -> Template:
    activity = synthetic_run(start, paces)
    if record_every_s > 1:
        activity = every_nth(activity, record_every_s)
    data = write_fit_activity(activity)
    times, serial = fit_field_offsets(data)
    return Template(data, np.array(times, dtype=np.intp), serial)


def derive(template: Template, shift_s: int, serial: int) -> bytes:
    """The template with every date_time field moved by shift_s, a new serial, and a fresh CRC."""
    buffer = bytearray(template.data)
    view = np.frombuffer(buffer, dtype=np.uint8)
    offsets = template.time_offsets
    raw = view[offsets[:, None] + np.arange(4)].astype(np.uint32)
    values = raw[:, 0] | (raw[:, 1] << 8) | (raw[:, 2] << 16) | (raw[:, 3] << 24)
    valid = values != 0xFFFFFFFF
    moved = np.where(valid, values + np.uint32(shift_s), values)
    for byte in range(4):
        view[offsets + byte] = ((moved >> (8 * byte)) & 0xFF).astype(np.uint8)
    if template.serial_offset >= 0:
        struct.pack_into("<I", buffer, template.serial_offset, serial)
    struct.pack_into("<H", buffer, len(buffer) - 2, fit_crc(buffer, 0, len(buffer) - 2))
    return bytes(buffer)


def build_export(path: Path, runs: int, recording: str) -> dict[str, int]:
    """Write the export zip; returns counts by kind of file.

    recording "1s": every template records each second; "mixed": the odd templates record every
    4 s instead (Garmin's smart recording; the shared corpus has both kinds in about equal numbers).
    """
    templates = [
        make_template(paces, BASE, 4 if recording == "mixed" and number % 2 else 1)
        for number, paces in enumerate(TEMPLATES)
    ]
    counts = {"fit": 0, "fit.gz": 0, "gpx": 0}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as outer:
        outer.writestr("DI_CONNECT/DI-Connect-Fitness/runner_personalRecord.json", b'{"records": []}')
        for part_start in range(0, runs, PART_FILES):
            inner_bytes = io.BytesIO()
            with zipfile.ZipFile(inner_bytes, "w", compression=zipfile.ZIP_DEFLATED) as inner:
                for index in range(part_start, min(runs, part_start + PART_FILES)):
                    shift_s = index * SPACING_S
                    paces = TEMPLATES[index % len(TEMPLATES)]
                    if index % 100 == 37:
                        start = BASE + timedelta(seconds=shift_s)
                        inner.writestr(f"run_{index}.gpx", gpx_text(synthetic_run(start, paces)))
                        counts["gpx"] += 1
                        continue
                    data = derive(templates[index % len(templates)], shift_s, 3_900_000_000 + index)
                    if index % 100 == 71:
                        inner.writestr(f"run_{index}.fit.gz", gzip.compress(data, 6))
                        counts["fit.gz"] += 1
                    else:
                        inner.writestr(f"run_{index}.fit", data)
                        counts["fit"] += 1
            number = part_start // PART_FILES + 1
            outer.writestr(
                f"DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part{number}.zip",
                inner_bytes.getvalue(),
            )
    return counts


class RssSampler(threading.Thread):
    """The largest sums of RSS and of PSS over this process and its descendants, sampled from /proc.

    RSS (`/proc/PID/status`, a counter) is read every `interval_s`. PSS (`/proc/PID/smaps_rollup`)
    makes the kernel walk every page of every process, which cost about 8 % of the two cores during
    an import when it too was read every 50 ms, and that CPU was taken from the import being timed.
    So PSS is read every `pss_interval_s`, and at once whenever the RSS sum passes the largest one
    seen at a PSS reading by more than PSS_RSS_STEP_KIB (the two peak together: the PSS sum moves
    with the RSS sum, only split among the sharers).
    """

    def __init__(self, interval_s: float = 0.05, pss_interval_s: float = 2.0) -> None:
        super().__init__(daemon=True)
        self.interval_s = interval_s
        self.pss_interval_s = pss_interval_s
        self.peak_kib = 0
        self.peak_pss_kib = 0
        self.cpu_s = 0.0
        #: (seconds since start, parent RSS KiB) every 5 s, to see whether the parent grows.
        self.parent_series: list[tuple[float, int]] = []
        self._done = threading.Event()

    def run(self) -> None:
        started = time.perf_counter()
        pss_read_at = -math.inf
        pss_rss_kib = 0  # the largest RSS sum seen at a PSS reading
        tree_read_at = -math.inf
        pids: list[int] = []
        while not self._done.is_set():
            elapsed = time.perf_counter() - started
            if not self.parent_series or elapsed - self.parent_series[-1][0] >= 5.0:
                self.parent_series.append((round(elapsed), _rss_kib(os.getpid())))
            if elapsed - tree_read_at >= TREE_INTERVAL_S:  # the pool's workers, looked up twice a second
                pids = _tree(os.getpid())
                tree_read_at = elapsed
            rss_kib = sum(_rss_kib(pid) for pid in pids)
            if rss_kib > pss_rss_kib + PSS_RSS_STEP_KIB or elapsed - pss_read_at >= self.pss_interval_s:
                self.peak_pss_kib = max(self.peak_pss_kib, sum(_pss_kib(pid) for pid in pids))
                pss_read_at = elapsed
                pss_rss_kib = max(pss_rss_kib, rss_kib)
            self.peak_kib = max(self.peak_kib, rss_kib)
            self._done.wait(self.interval_s)
        self.cpu_s = time.thread_time()

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree(pid: int) -> list[int]:
    pids = [pid]
    for current in pids:
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                pids.extend(int(child) for child in (task / "children").read_text().split())
            except OSError:
                continue
    return pids


def _pss_kib(pid: int) -> int:
    """Proportional set size: shared (forked, copy-on-write) pages split between their sharers."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


def _machine_ticks() -> tuple[int, int, int]:
    """Busy, idle (with I/O wait) and stolen CPU time of the whole machine so far, in clock ticks."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields
    return user + nice + system + irq + softirq, idle + iowait, steal


def _cpu(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def import_only(export: Path, db: Path, workers: int) -> None:
    """Import `export` into a fresh log at `db` in this (fresh) process; print the figures as JSON."""
    url = f"sqlite:///{db}"
    db.unlink(missing_ok=True)
    Store.open(url).close()
    sampler = RssSampler()
    sampler.start()
    load_before = os.getloadavg()[0]
    machine_before = _machine_ticks()
    started = time.perf_counter()
    own_before = resource.getrusage(resource.RUSAGE_SELF)
    with Store.open(url) as store:
        report = import_paths(store, [export], workers=workers)
    wall_s = time.perf_counter() - started
    machine = [after - before for before, after in zip(machine_before, _machine_ticks(), strict=True)]
    sampler.stop()
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    with Store.open(url) as store:
        kinds: dict[str, int] = {}
        for run in store.list_activities():
            kinds[run.kind] = kinds.get(run.kind, 0) + 1
    # The same export again: every file is already in the log (hash before decode: read, hash, skip).
    again_started = time.perf_counter()
    with Store.open(url) as store:
        again = import_paths(store, [export], workers=workers)
    reimport_wall_s = time.perf_counter() - again_started
    figures = {
        "reimport_wall_s": reimport_wall_s,
        "reimport_imported": again.imported,
        "reimport_duplicates": again.duplicates,
        "imported": report.imported,
        "duplicates": report.duplicates,
        "skipped": len(report.skipped),
        "failed": [f"{f.file}: {f.reason}" for f in report.failed[:5]],
        "kinds": kinds,
        "wall_s": wall_s,
        "parent_cpu_s": _cpu(own) - _cpu(own_before) - sampler.cpu_s,
        "sampler_cpu_s": sampler.cpu_s,
        "workers_cpu_s": children.ru_utime + children.ru_stime,
        "peak_rss_sum_kib": sampler.peak_kib,
        "peak_pss_sum_kib": sampler.peak_pss_kib,
        "parent_max_rss_kib": own.ru_maxrss,
        "child_max_rss_kib": children.ru_maxrss,
        "load_average": load_before,
        "machine_busy_s": machine[0] / TICKS_PER_S,
        "machine_idle_s": machine[1] / TICKS_PER_S,
        "machine_steal_s": machine[2] / TICKS_PER_S,
        "parent_rss_series_mib": [(t, kib // 1024) for t, kib in sampler.parent_series],
        "log_bytes": db.stat().st_size,
    }
    print(json.dumps(figures))


def bench(runs: int, workers: int, keep: Path | None, recording: str) -> None:
    with tempfile.TemporaryDirectory(prefix="progrun-bench-") as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        export = folder / f"export_{runs}_{recording}.zip"
        started = time.perf_counter()
        counts = build_export(export, runs, recording)
        built_s = time.perf_counter() - started
        db = folder / f"log_{runs}.db"
        done = subprocess.run(
            [sys.executable, __file__, "--import-only", str(export), str(db), "--workers", str(workers)],
            capture_output=True,
            text=True,
            check=True,
        )
        f = json.loads(done.stdout.strip().splitlines()[-1])
        cpu_s = f["parent_cpu_s"] + f["workers_cpu_s"]
        imported = max(f["imported"], 1)
        cores = os.cpu_count() or 1
        print(
            f"runs {runs}, recording {recording} ({counts['fit']} .fit, {counts['fit.gz']} .fit.gz, "
            f"{counts['gpx']} .gpx; export {export.stat().st_size / 1e6:.1f} MB built in {built_s:.1f} s)"
        )
        print(
            f"  imported {f['imported']}, duplicates {f['duplicates']}, skipped {f['skipped']}, "
            f"failed {len(f['failed'])}; kinds {f['kinds']}"
        )
        print(
            f"  import {f['wall_s']:.1f} s = {f['imported'] / f['wall_s']:.0f} runs/s with "
            f"{workers or cores} workers on {cores} cores "
            f"(load average {f['load_average']:.1f} at the start); "
            f"log {f['log_bytes'] / 1e6:.0f} MB"
        )
        print(
            f"  CPU a run: parent {f['parent_cpu_s'] / imported * 1000:.1f} ms, "
            f"workers {f['workers_cpu_s'] / imported * 1000:.1f} ms; "
            f"{cores * imported / cpu_s:.0f} runs/s if the {cores} cores were ours alone"
        )
        print(
            f"  peak memory, parent + workers: RSS {f['peak_rss_sum_kib'] / 1024:.0f} MiB, "
            f"PSS {f['peak_pss_sum_kib'] / 1024:.0f} MiB (sampled); max RSS parent "
            f"{f['parent_max_rss_kib'] / 1024:.0f} MiB, "
            f"largest worker {f['child_max_rss_kib'] / 1024:.0f} MiB"
        )
        others_s = max(0.0, f["machine_busy_s"] - cpu_s - f["sampler_cpu_s"])
        print(
            f"  the {cores} cores during the import: {cores * f['wall_s']:.0f} core-s, of which this "
            f"import {cpu_s:.0f}, its memory sampler {f['sampler_cpu_s']:.1f}, other processes "
            f"{others_s:.1f}, stolen by the host {f['machine_steal_s']:.1f}, idle {f['machine_idle_s']:.1f}"
        )
        print(
            f"  re-import of the same export: {f['reimport_wall_s']:.2f} s "
            f"({f['wall_s'] / f['reimport_wall_s']:.0f}x faster than the first), "
            f"imported {f['reimport_imported']}, duplicates {f['reimport_duplicates']}"
        )
        series = f["parent_rss_series_mib"]
        shown = series[:: max(1, len(series) // 8)] + series[-1:]
        print("  parent RSS over the import (s: MiB): " + ", ".join(f"{t}: {m}" for t, m in shown))
        for failed in f["failed"]:
            print(f"  failed {failed}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, action="append", help="Runs in the export (repeatable).")
    parser.add_argument("--workers", type=int, default=0, help="Worker processes [default: one per core].")
    parser.add_argument("--keep", type=Path, help="Build the export and log in DIR and keep them.")
    parser.add_argument(
        "--recording",
        choices=["mixed", "1s"],
        default="mixed",
        help="mixed: half the templates record every 4 s (smart recording); 1s: all every second.",
    )
    parser.add_argument("--import-only", nargs=2, type=Path, metavar=("EXPORT", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.import_only:
        import_only(args.import_only[0], args.import_only[1], args.workers)
        return
    for runs in args.runs or [10_000]:
        bench(runs, args.workers, args.keep, args.recording)


if __name__ == "__main__":
    main()
