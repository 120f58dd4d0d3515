"""CLI start-up: the CPU time of each command that does not open the training log, from a cold process.

    .venv/bin/python benchmarks/cli_startup.py [--n 10] [--importtime] [--instructions]

Each command runs N times as `progrun ...` (the installed console script) in a fresh subprocess, with
`PROGRUN_DATA_DIR` pointing at an empty folder (so `plan` finds no log to consult) and `PROGRUN_DB`
unset. The package's bytecode is compiled first (`compileall`), and one untimed run of each command
warms the file cache. CPU is user + system time of each child (`os.wait4`): the median of the N runs
is judged against the bar (on a shared machine a neighbour's burst lands in a few runs; the median
ignores them) and the mean is printed beside it; wall time is the mean, for information. The bar
(issue 11) is < 0.25 s CPU per command; `python -c pass` shows the interpreter's own floor.
`--importtime` adds, per command, which of SQLAlchemy, Alembic, matplotlib, numpy, rich and lxml the
command imported (from `-X importtime`). `--instructions` adds the instructions one run executes, counted
by valgrind's callgrind: the same count on every run and nearly the same on every x86-64 machine, so a
change's effect can be read without an idle machine (about 10 s per command).
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACTIVITY = ROOT / "tests" / "data" / "fit" / "runpandas__run.fit"
BAR_CPU_S = 0.25
HEAVY = ("sqlalchemy", "alembic", "matplotlib", "numpy", "rich", "lxml")


def commands(out: Path) -> list[tuple[str, list[str]]]:
    """(label, argv after `progrun`) for each command measured."""
    race = ["--race", "5k=20:00"]
    when = ["--date", "2026-12-01", "--time", "07:00"]
    return [
        ("--help", ["--help"]),
        ("plan --help", ["plan", "--help"]),
        ("paces", ["paces", *race]),
        ("plan", ["plan", *race, "--distance", "5mi"]),
        ("export fit", ["export", *race, "--distance", "5mi", "--to", "fit", "-o", str(out / "p.fit")]),
        ("export ics", ["export", *race, "--distance", "5mi", "--to", "ics", *when, "-o", str(out / "i")]),
        ("info", ["info", str(ACTIVITY)]),
        ("splits", ["splits", str(ACTIVITY)]),
        ("judge", ["judge", str(ACTIVITY), *race, "--distance", "5k"]),
        ("export png", ["export", *race, "--distance", "5mi", "--to", "png", "-o", str(out / "p.png")]),
    ]


def run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, env=env, capture_output=True, text=True, check=False)


def cpu_s_of_one_run(argv: list[str], env: dict[str, str]) -> float:
    """User + system CPU seconds of one run of `argv` (output discarded)."""
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(child.pid, 0)
    return usage.ru_utime + usage.ru_stime


def instructions(argv: list[str], env: dict[str, str], out: Path) -> str:
    """Instructions of one run, as callgrind counts them ("-" without valgrind)."""
    if shutil.which("valgrind") is None:
        return "-"
    command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out / 'callgrind.out'}", *argv]
    found = re.search(r"Collected : (\d+)", run(command, env).stderr)
    return "-" if found is None else f"{int(found.group(1)) / 1e6:,.0f} M"


def heavy_imports(argv: list[str], env: dict[str, str]) -> str:
    result = run([sys.executable, "-X", "importtime", "-m", "progrun", *argv], env)
    loaded = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    return ",".join(name for name in HEAVY if name in loaded) or "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10, help="runs per command (default 10)")
    parser.add_argument("--importtime", action="store_true", help="also list heavy modules each imports")
    parser.add_argument("--instructions", action="store_true", help="also count instructions (valgrind)")
    args = parser.parse_args()
    compileall.compile_dir(ROOT / "src" / "progrun", quiet=1)
    progrun = str(Path(sys.executable).parent / "progrun")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        env = {key: value for key, value in os.environ.items() if key != "PROGRUN_DB"}
        env["PROGRUN_DATA_DIR"] = str(out / "data")
        rows = [("python -c pass", [sys.executable, "-c", "pass"], None)]
        rows += [(label, [progrun, *argv], argv) for label, argv in commands(out)]
        print(f"CPU (user+sys) per run, median and mean of {args.n} runs; wall time mean; bytecode compiled:")
        for label, argv, progrun_argv in rows:
            first = run(argv, env)
            if first.returncode != 0:
                raise SystemExit(f"{label} failed ({first.returncode}): {first.stderr.strip()}")
            wall_before = time.perf_counter()
            cpu_runs_s = [cpu_s_of_one_run(argv, env) for _ in range(args.n)]
            wall_s = (time.perf_counter() - wall_before) / args.n
            cpu_s = statistics.median(cpu_runs_s)
            verdict = "" if progrun_argv is None else ("  under the bar" if cpu_s < BAR_CPU_S else "  OVER")
            line = (
                f"  {label:<15} CPU {cpu_s:6.3f} s (mean {statistics.mean(cpu_runs_s):5.3f})"
                f"   wall {wall_s:6.3f} s{verdict}"
            )
            if args.instructions:
                line += f"   instructions {instructions(argv, env, out)}"
            if args.importtime and progrun_argv is not None:
                line += f"   imports: {heavy_imports(progrun_argv, env)}"
            print(line)


if __name__ == "__main__":
    main()
