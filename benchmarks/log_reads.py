"""Reading a large training log: `history` (a page, and every run as streamed JSON) and `progress`.

    .venv/bin/python benchmarks/log_reads.py LOG.db [--repeat 5]

Build a log first, e.g. `benchmarks/import_export.py --runs 10000 --keep DIR` (DIR/log_10000.db).
Each figure is the median wall and CPU time of the command's own work in this process (opening the
log, the query, drawing the table or writing the JSON to /dev/null), run through the CLI's click
command, so Python's and the imports' start-up is left out (that is `progrun --help`'s figure).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from contextlib import redirect_stdout, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from progrun.cli import main  # noqa: E402

COMMANDS = (
    ("history (the latest page)", ["history"]),
    ("history --json (every run, streamed)", ["history", "--json"]),
    ("history --all (every run, one table)", ["history", "--all"]),
    ("progress (the latest 52 weeks)", ["progress"]),
    ("progress --all (every week)", ["progress", "--all"]),
    ("progress --json", ["progress", "--json"]),
)


def _once(args: list[str]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    with open("/dev/null", "w", encoding="utf-8") as sink, redirect_stdout(sink), suppress(SystemExit):
        main([*args])
    return time.perf_counter() - wall, time.process_time() - cpu


def run(log: Path, repeat: int, only: str = "") -> None:
    _once(["history", "--db", str(log)])  # imports and the first connection, not counted
    for label, args in COMMANDS:
        if only and not label.startswith(only):
            continue
        timings = [_once([*args, "--db", str(log)]) for _ in range(repeat)]
        wall = statistics.median(t[0] for t in timings)
        cpu = statistics.median(t[1] for t in timings)
        print(f"{label:40} {wall:6.3f} s wall, {cpu:6.3f} s CPU (median of {repeat})")


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="Only the commands whose label starts with this.")
    args = parser.parse_args()
    run(args.log, args.repeat, args.only)


if __name__ == "__main__":
    main_()
