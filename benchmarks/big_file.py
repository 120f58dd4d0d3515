"""Every command on a large FIT file: peak memory (max RSS) and time of each, against the 500 MB / 10 s bar.

    .venv/bin/python benchmarks/big_file.py [--records 2300000] [--keep big.fit] [--repeat 1]

**The file.** A FIT activity of `--records` one-second records (default 2.3 M records, 41 MB: a file
near the 50 MB upload limit), written with the record layout of `tests/formats/fit_builders.py`
(timestamp, latitude, longitude, distance, heart rate: 18 bytes a record) and a `file_id`, its CRC
from `progrun.formats.fit_crc`. The run is 26.6 days of running whose pace cycles between 4:00 and
6:00/km, with a heart rate following it; its clock never jumps (a jump would split the recording).
Built with numpy in about a second.

**Measured.** Each command runs in its own process (the `progrun` console script); its peak RSS is
the child's `ru_maxrss` from `os.wait4` and its time the wall and CPU (user + system) of that child.
The file is built in another child, since a forked child starts from its parent's peak RSS.
The least of `--repeat` runs of each command is printed.
"""

from __future__ import annotations

import argparse
import os
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from progrun.formats.fit_crc import fit_crc  # noqa: E402
from tests.formats.fit_builders import RECORD_FIELDS, T0, definition, file_id  # noqa: E402

PROGRUN = ROOT / ".venv" / "bin" / "progrun"
BAR_MB = 500.0
BAR_S = 10.0
SEMICIRCLES_PER_DEGREE = 2**31 / 180.0
COMMANDS: tuple[tuple[str, list[str]], ...] = (
    ("info", ["info"]),
    ("splits", ["splits"]),
    ("detect", ["detect"]),
    ("judge", ["judge", "--race", "5k=20:00", "--distance", "5mi"]),
)


def big_fit(records: int) -> bytes:
    """A FIT activity of `records` one-second records (18 bytes each, see the module docstring)."""
    second = np.arange(records, dtype=np.float64)
    pace_s_per_km = 300.0 + 60.0 * np.sin(second / 1800.0)
    distance_m = np.cumsum(1000.0 / pace_s_per_km)
    heart_bpm = 150.0 - 0.25 * (pace_s_per_km - 300.0)
    row = np.dtype(
        [("header", "u1"), ("t", "<u4"), ("lat", "<i4"), ("lon", "<i4"), ("d", "<u4"), ("hr", "u1")]
    )
    rows = np.zeros(records, dtype=row)
    rows["t"] = T0 + second.astype(np.uint32)
    rows["lat"] = np.round((47.0 + 0.001 * np.sin(second / 600.0)) * SEMICIRCLES_PER_DEGREE).astype(np.int32)
    rows["lon"] = np.round((8.0 + distance_m / 111_000.0 % 1.0) * SEMICIRCLES_PER_DEGREE).astype(np.int32)
    rows["d"] = np.round(distance_m * 100.0).astype(np.uint32)
    rows["hr"] = np.round(heart_bpm).astype(np.uint8)
    body = file_id() + definition(0, 20, RECORD_FIELDS) + rows.tobytes()
    header = struct.pack("<BBHI4s", 14, 0x20, 2100, len(body), b".FIT")
    header += struct.pack("<H", fit_crc(header, 0, 12))
    data = header + body
    return data + struct.pack("<H", fit_crc(data, 0, len(data)))


def run_command(args: list[str]) -> tuple[float, float, float, int]:
    """(peak RSS in MB, wall s, CPU s, exit status) of one command in its own process."""
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        child = subprocess.Popen([str(PROGRUN), *args], stdout=sink, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(child.pid, 0)
    wall_s = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    assert child.stderr is not None
    error = child.stderr.read().decode(errors="replace").strip()
    child.stderr.close()
    if child.returncode != 0:
        print(f"  {' '.join(args[:1])}: exit {child.returncode}: {error[-300:]}")
    return usage.ru_maxrss / 1024.0, wall_s, usage.ru_utime + usage.ru_stime, child.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=2_300_000, help="Records [default: 2,300,000].")
    parser.add_argument("--keep", type=Path, help="Write the file here and keep it.")
    parser.add_argument("--repeat", type=int, default=1, help="Runs of each command; the least is shown.")
    parser.add_argument("--build-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_only is not None:
        args.build_only.write_bytes(big_fit(args.records))
        return
    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / "big.fit"
        started = time.perf_counter()
        # Built in a child: Linux carries a process's peak RSS over to the children it forks, so the
        # memory of building the file must never be this process's.
        build = [sys.executable, __file__, "--records", str(args.records), "--build-only", str(path)]
        subprocess.run(build, check=True)
        built_s = time.perf_counter() - started
        size_mb = path.stat().st_size / 1e6
        load = os.getloadavg()[0]
        print(
            f"{path.name}: {args.records:,} records, {size_mb:.1f} MB (built in {built_s:.1f} s); "
            f"load average {load:.1f}"
        )
        for name, command in COMMANDS:
            runs = [run_command([*command[:1], str(path), *command[1:]]) for _ in range(args.repeat)]
            rss_mb = min(run[0] for run in runs)
            wall_s = min(run[1] for run in runs)
            cpu_s = min(run[2] for run in runs)
            under = "under the bar" if rss_mb < BAR_MB and wall_s < BAR_S else "OVER the bar"
            print(f"  {name:7s} peak RSS {rss_mb:6.1f} MB  wall {wall_s:5.2f} s  CPU {cpu_s:5.2f} s  {under}")


if __name__ == "__main__":
    main()
