"""Fuzz under a memory limit: mutated files give named errors, bounded memory, and nothing refused is stored.

A child process caps its address space at 1 GiB (`RLIMIT_AS`, as `ulimit -v` would) and runs
`tests.fuzz_cases.run_cases`: seeded bit flips and truncations of corpus FIT/GPX/TCX files and clock
jumps written as FIT and GPX, each read strictly and salvaged, split, detected and judged, then
imported. `benchmarks/fuzz_memory.py` runs the larger sweep (docs/performance.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

LIMIT_BYTES = 1 << 30
CASES = 240
CHILD = """
import json, sys
from dataclasses import asdict
from tests.fuzz_cases import limit_memory, run_cases
limit_memory(int(sys.argv[1]))
print(json.dumps(asdict(run_cases(int(sys.argv[2]), int(sys.argv[3]), store_every=3))))
"""


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS is enforced on Linux")
@pytest.mark.parametrize("seed", [11])
def test_fuzz_under_a_memory_limit(seed: int) -> None:
    environment = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(LIMIT_BYTES), str(CASES), str(seed)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parents[1],
        env=environment,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["cases"] == CASES
    assert outcome["failures"] == []  # only ProgrunError subclasses, never "ran out of memory"
    assert outcome["stored_refused"] == []  # nothing refused by a strict read reached the log
    assert outcome["stored"] > 0 and sum(outcome["refused"].values()) > CASES // 2
    assert outcome["peak_rss_mb"] < 500.0
