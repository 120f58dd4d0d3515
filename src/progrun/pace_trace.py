"""PaceTrace: a run on a 1 s grid with its speed smoothed over 30 s, and where its cooldown starts.

The detector and the judge both cut the cooldown off before they split a run: the judge by the plan's
slowest band (`find_cooldown_start`), the detector by the run's own speed (`find_cooldown_after_running`);
`head` is the run before the cut. See `progrun.detect` and `progrun.judge` for how each uses them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from progrun.activity import CHANNELS, Activity, FloatArray
from progrun.split_frame import PreparedRun

#: Seconds of the centred window that smooths the pace for the cooldown search.
SMOOTHING_S = 30.0
#: Share of the seconds after the cooldown start that must be slow.
COOLDOWN_SLOW_SHARE = 0.85
#: A slow tail shorter than this is the watch being stopped, not a cooldown.
MIN_COOLDOWN_S = 20.0
#: Slower than this share of the speed of the REFERENCE_S seconds before counts as cooldown (detection only).
COOLDOWN_SPEED_RATIO = 0.8
#: Seconds of running before a candidate cooldown start that set its reference speed.
REFERENCE_S = 120.0
#: The most points a trace holds: 1 s steps up to 72.8 hours, coarser steps beyond, so memory is
#: bounded by this cap and never by the file's clock (a 41 KB file whose clock jumped asked for 7.8 GB).
MAX_GRID_POINTS = 2**18


@dataclass(frozen=True, eq=False)
class PaceTrace:
    """The run on a 1 s grid (coarser past MAX_GRID_POINTS seconds): cumulative distance and speed
    smoothed over SMOOTHING_S seconds."""

    time_s: FloatArray
    distance_m: FloatArray
    speed_m_s: FloatArray


def pace_trace(activity: Activity | PreparedRun) -> PaceTrace | None:
    """Resample distance to 1 s and smooth the speed; None without at least two distance samples.

    Computed once per `PreparedRun` (a bare activity is traced each time)."""
    run = PreparedRun.of(activity)
    return run.derived("pace_trace", lambda: _pace_trace(run.activity))


def _pace_trace(activity: Activity) -> PaceTrace | None:
    valid = ~np.isnan(activity.time_s) & ~np.isnan(activity.distance_m)
    if np.count_nonzero(valid) < 2:
        return None
    times = activity.time_s[valid]
    distances = np.maximum.accumulate(activity.distance_m[valid])
    step_s = max(1.0, float(np.ceil((times[-1] - times[0] + 1.0) / MAX_GRID_POINTS)))
    grid = times[0] + step_s * np.arange(int((times[-1] - times[0]) / step_s + 0.5) + 1, dtype=np.float64)
    along = np.interp(grid, times, distances)
    half = max(1, int(SMOOTHING_S // 2 / step_s))
    index = np.arange(len(along))
    ahead = np.minimum(index + half, len(along) - 1)
    behind = np.maximum(index - half, 0)
    span = (ahead - behind).astype(np.float64) * step_s
    speed = np.divide(along[ahead] - along[behind], span, out=np.zeros_like(along), where=span > 0)
    return PaceTrace(grid, along, speed)


def find_cooldown_start(trace: PaceTrace, slow_below_m_s: float, earliest_s: float) -> float | None:
    """The earliest time after `earliest_s` from which >= 85 % of the rest is slower than `slow_below_m_s`.

    None when no such slow tail of at least MIN_COOLDOWN_S seconds exists.
    """
    slow = trace.speed_m_s < slow_below_m_s
    remaining = np.arange(len(slow), 0, -1)
    slow_after = np.cumsum(slow[::-1])[::-1]
    share = slow_after / remaining
    candidates = np.flatnonzero(slow & (share >= COOLDOWN_SLOW_SHARE) & (trace.time_s >= earliest_s))
    if candidates.size == 0:
        return None
    start_s = float(trace.time_s[candidates[0]])
    if trace.time_s[-1] - start_s < MIN_COOLDOWN_S:
        return None
    return start_s


def find_cooldown_after_running(trace: PaceTrace, earliest_s: float) -> float | None:
    """The earliest time after `earliest_s` from which >= 85 % of the rest is slower than 80 % of the
    mean speed of the REFERENCE_S seconds before it; None without such a tail of MIN_COOLDOWN_S seconds.
    """
    grid = trace.time_s
    before = np.interp(grid - REFERENCE_S, grid, trace.distance_m)
    span = np.minimum(grid - grid[0], REFERENCE_S)
    reference = np.divide(trace.distance_m - before, span, out=np.zeros_like(span), where=span > 0)
    threshold = COOLDOWN_SPEED_RATIO * reference
    candidates = np.flatnonzero((trace.speed_m_s < threshold) & (grid >= earliest_s))
    for index in candidates.tolist():
        if grid[-1] - grid[index] < MIN_COOLDOWN_S:
            return None
        if np.mean(trace.speed_m_s[index:] < threshold[index]) >= COOLDOWN_SLOW_SHARE:
            return float(grid[index])
    return None


def head(activity: Activity, end_s: float) -> Activity:
    """The activity up to `end_s` (samples, laps and pauses that start before it)."""
    keep = activity.time_s <= end_s + 1e-9
    columns = {name: getattr(activity, name)[keep] for name in CHANNELS}
    laps = tuple(lap for lap in activity.laps if lap.start_s < end_s)
    pauses = tuple(pause for pause in activity.pauses if pause.start_s < end_s)
    return replace(activity, **columns, laps=laps, pauses=pauses)
