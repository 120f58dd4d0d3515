"""Fuzz sweep under a memory limit: mutated activity files, every reader and the analysis.

    .venv/bin/python benchmarks/fuzz_memory.py --cases 5000 --seed 1 --limit-mb 1024

In a child process whose address space is capped (`RLIMIT_AS`, like `ulimit -v`), runs
`tests.fuzz_cases.run_cases`: seeded 1-3 bit flips and truncations of the corpus's FIT, GPX and TCX
files (up to 600 kB) and clock jumps (1 s to 30 years, forward and back) written as FIT and GPX; each
case is read strictly and salvaged (`--salvage`), split, detected and judged, and every `--store-every`-th
one is imported. Prints the cases tried, how they ended, failures (anything but a ProgrunError, or
running out of memory), files stored although refused, the slowest case (CPU seconds) and the peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD = """
import json, sys
from dataclasses import asdict
from tests.fuzz_cases import limit_memory, run_cases
limit_memory(int(sys.argv[1]))
print(json.dumps(asdict(run_cases(int(sys.argv[2]), int(sys.argv[3]), store_every=int(sys.argv[4])))))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--limit-mb", type=int, default=1024)
    parser.add_argument("--store-every", type=int, default=5)
    options = parser.parse_args()
    environment = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    arguments = [str(options.limit_mb << 20), str(options.cases), str(options.seed), str(options.store_every)]
    result = subprocess.run(
        [sys.executable, "-c", CHILD, *arguments],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=environment,
    )
    if result.returncode != 0:
        sys.exit(f"the fuzz child failed (exit {result.returncode}):\n{result.stderr[-4000:]}")
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    print(
        f"cases tried          {outcome['cases']} (seed {options.seed}, address space {options.limit_mb} MiB)"
    )
    print(f"read strictly        {outcome['read_strict']}")
    print(f"read salvaged        {outcome['read_salvaged']}")
    refused = ", ".join(f"{kind} {count}" for kind, count in sorted(outcome["refused"].items()))
    print(f"refused (strict)     {refused}")
    print(f"imported and stored  {outcome['stored']} (every {options.store_every}th case imported)")
    print(f"stored but refused   {len(outcome['stored_refused'])}")
    print(f"failures             {len(outcome['failures'])}")
    for failure in outcome["failures"][:20]:
        print(f"  {failure}")
    print(f"slowest case         {outcome['slowest_s']:.2f} s CPU ({outcome['slowest_case']})")
    print(f"peak RSS             {outcome['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
