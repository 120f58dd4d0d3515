"""Memory bounded by the file, not by the distance it claims.

A hand-crafted recording may claim 50 m/s (the fastest the reader keeps, `progrun.formats.distance_jumps`)
between samples up to 6 hours apart (`progrun.formats.clock_gaps`): a few hundred samples then cover
hundreds of thousands of kilometres. The 10 m elevation grid (`progrun.elevation`), the 100 m pieces of
`progrun.split_evenness` and detection's splits are capped, so a child process with its address space
capped (`RLIMIT_AS`, as tests/test_fuzz_memory.py) runs them; without the caps the first asks for
21 million grid points (164 MiB per array) at 200 samples and runs out of memory at 2,000.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

LIMIT_BYTES = 768 << 20
CHILD = """
import json, math, resource, sys
import numpy as np
from tests.fuzz_cases import limit_memory
limit_memory(int(sys.argv[1]))
from progrun.activity import Format, make_activity
from progrun.detect import detect_progression
from progrun.elevation import MAX_GRID_POINTS, elevation_profile
from progrun.judge import judge
from progrun.split_evenness import split_pace_cvs, sustained_variation
from tests.synthetic_runs import BASE_START
from tests.verdict_runs import plan_for

samples, gap_s, speed = int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
rng = np.random.default_rng(samples)
time_s = np.arange(samples) * gap_s
distance_m = np.concatenate(([0.0], np.cumsum(rng.uniform(0.9, 1.0, samples - 1) * speed * gap_s)))
activity = make_activity(
    time_s, format=Format.FIT, start=BASE_START, distance_m=distance_m,
    altitude_m=100.0 + 30.0 * np.sin(np.arange(samples)), heart_rate_bpm=np.full(samples, 150.0),
    cadence_spm=np.full(samples, 170.0),
)
profile = elevation_profile(activity.distance_m, activity.altitude_m)
spans = [(0.0, float(time_s[-1] / 2)), (float(time_s[-1] / 2), float(time_s[-1]))]
cvs = split_pace_cvs(activity, spans)
sustained = sustained_variation(activity, spans)
detection = detect_progression(activity)
verdict = judge(plan_for(1200.0), activity)
print(json.dumps({
    "distance_km": float(distance_m[-1]) / 1000.0,
    "grid_points": int(profile.distance_m.size),
    "gain_m": profile.total_gain_m,
    "cvs_finite": [math.isfinite(cv) for cv in cvs],
    "is_progression": detection.is_progression,
    "reasons": list(detection.reasons),
    "score": verdict.score.value,
    "max_grid": MAX_GRID_POINTS,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
}))
"""


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS is enforced on Linux")
@pytest.mark.parametrize(
    ("samples", "gap_s", "speed_m_s"),
    [
        (200, 6 * 3600.0 - 1.0, 50.0),  # 200 samples, 215,000 km
        (2_000, 6 * 3600.0 - 1.0, 50.0),  # 2,000 samples, 2.1 million km
        (20_000, 3600.0, 40.0),  # 20,000 samples, 2.8 million km
    ],
)
def test_far_claimed_distance_stays_within_a_memory_limit(
    samples: int, gap_s: float, speed_m_s: float
) -> None:
    environment = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(LIMIT_BYTES), str(samples), str(gap_s), str(speed_m_s)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parents[1],
        env=environment,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["distance_km"] > 100_000.0
    assert outcome["grid_points"] <= outcome["max_grid"] + 1
    assert outcome["gain_m"] > 0.0
    assert not outcome["is_progression"]
    assert "more than the 200 km splits of any progression run" in outcome["reasons"][0]
    assert 0.0 <= outcome["score"] <= 100.0
    assert outcome["peak_rss_mb"] < 500.0
