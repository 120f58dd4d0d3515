"""Heart-rate traces for synthetic runs: a runner aiming at each split's band of an HR-guided plan."""

from __future__ import annotations

import dataclasses

import numpy as np

from progrun.activity import Activity
from progrun.heart_rate import hr_bands_of
from progrun.plan import Plan


def with_heart_rate_trace(run: Activity, plan: Plan, offsets: dict[int, float], seed: int) -> Activity:
    """`run` with a heart-rate trace: each split aims at its band's middle (+ offset), lag 30 s, drift."""
    bands = hr_bands_of(plan)
    assert bands is not None
    edges = np.cumsum([step.distance_m or 0.0 for step in plan.running_steps])
    rng = np.random.default_rng(seed)
    target = np.empty(run.records)
    for i, distance in enumerate(run.distance_m):
        split = int(np.searchsorted(edges, distance, side="right"))
        band = bands[min(split, len(plan.running_steps) - 1)]
        assert band is not None
        middle = (band.low_bpm + band.high_bpm) / 2.0 + offsets.get(split, 0.0)
        target[i] = middle if split < len(edges) else middle - 40.0
    trace = np.empty(run.records)
    trace[0] = target[0] - 20.0
    for i in range(1, run.records):
        trace[i] = trace[i - 1] + (target[i] - trace[i - 1]) / 30.0
    drift = np.maximum(0.0, run.time_s - 600.0) / 60.0 * 0.1
    return dataclasses.replace(run, heart_rate_bpm=trace + drift + rng.normal(0.0, 1.5, run.records))
