"""CLI start-up: the CPU time of each command that does not open the training log, from a cold process.

    .venv/bin/python benchmarks/cli_startup.py [--n 10] [--importtime]

Each command runs N times as `progrun ...` (the installed console script) in a fresh subprocess, with
`PROGRUN_DATA_DIR` pointing at an empty folder (so `plan` finds no log to consult) and `PROGRUN_DB`
unset. The package's bytecode is compiled first (`compileall`), and one untimed run of each command
warms the file cache. CPU is user + system time of the children (`resource.getrusage(RUSAGE_CHILDREN)`),
per run; wall time is printed for information. The bar (issue 11) is < 0.25 s CPU per command;
`python -c pass` shows the interpreter's own floor. `--importtime` adds, per command, which of
SQLAlchemy, Alembic, matplotlib, numpy, rich and lxml the command imported (from `-X importtime`).
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
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


def children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, env=env, capture_output=True, text=True, check=False)


def heavy_imports(argv: list[str], env: dict[str, str]) -> str:
    result = run([sys.executable, "-X", "importtime", "-m", "progrun", *argv], env)
    loaded = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    return ",".join(name for name in HEAVY if name in loaded) or "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10, help="runs per command (default 10)")
    parser.add_argument("--importtime", action="store_true", help="also list heavy modules each imports")
    args = parser.parse_args()
    compileall.compile_dir(ROOT / "src" / "progrun", quiet=1)
    progrun = str(Path(sys.executable).parent / "progrun")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        env = {key: value for key, value in os.environ.items() if key != "PROGRUN_DB"}
        env["PROGRUN_DATA_DIR"] = str(out / "data")
        rows = [("python -c pass", [sys.executable, "-c", "pass"], None)]
        rows += [(label, [progrun, *argv], argv) for label, argv in commands(out)]
        print(f"CPU (user+sys) and wall time per run, mean of {args.n} runs, bytecode compiled:")
        for label, argv, progrun_argv in rows:
            first = run(argv, env)
            if first.returncode != 0:
                raise SystemExit(f"{label} failed ({first.returncode}): {first.stderr.strip()}")
            cpu_before, wall_before = children_cpu_s(), time.perf_counter()
            for _ in range(args.n):
                run(argv, env)
            cpu_s = (children_cpu_s() - cpu_before) / args.n
            wall_s = (time.perf_counter() - wall_before) / args.n
            verdict = "" if progrun_argv is None else ("  under the bar" if cpu_s < BAR_CPU_S else "  OVER")
            line = f"  {label:<15} CPU {cpu_s:6.3f} s   wall {wall_s:6.3f} s{verdict}"
            if args.importtime and progrun_argv is not None:
                line += f"   imports: {heavy_imports(progrun_argv, env)}"
            print(line)


if __name__ == "__main__":
    main()
