"""Fitness: the runner's VDOT re-estimated from the best effort of the last weeks' runs.

Core module: standard library and numpy only. The storage layer feeds it plain values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from progrun.errors import PaceError
from progrun.paces import vdot_from_race

#: Only efforts at least this long count (shorter ones overstate VDOT in the Daniels formula's use here).
MIN_EFFORT_M = 3000.0
#: The 1000 m world record speed (Noah Ngeny, 2:11.96 in 1999; World Athletics): no split is faster.
FASTEST_SPEED_M_S = 1000.0 / 131.96
FITNESS_WINDOW_DAYS = 56


@dataclass(frozen=True)
class Effort:
    """The fastest stretch of whole splits in one run."""

    day: date
    distance_m: float
    time_s: float
    vdot: float
    activity_id: int = 0


@dataclass(frozen=True)
class FitnessEstimate:
    """The re-estimated VDOT and the effort it came from; None when no run qualifies."""

    vdot: float | None
    best: Effort | None
    efforts: int
    method: str


def best_effort(
    day: date,
    split_distances_m: Sequence[float],
    split_times_s: Sequence[float],
    activity_id: int = 0,
    suspect: Sequence[bool] = (),
) -> Effort | None:
    """The highest-VDOT stretch of >= 3 km of consecutive splits of one run: whole ones (km or mile), and
    the short last one, so that a 5 km run is 5 km whether it was split per km or per mile.

    A stretch never crosses a split with glitched distance: one flagged `suspect` (`Split.suspect_distance`)
    or faster than the 1000 m world record, which no runner's split can be.
    """
    flags = list(suspect) or [False] * len(split_distances_m)
    last = len(split_distances_m) - 1
    whole = [
        (d, t, flag or d / t > FASTEST_SPEED_M_S)
        for i, (d, t, flag) in enumerate(zip(split_distances_m, split_times_s, flags, strict=True))
        if (d >= 990.0 or (i == last and d > 0)) and t > 0
    ]
    best: Effort | None = None
    for start in range(len(whole)):
        distance = 0.0
        time = 0.0
        for d, t, glitched in whole[start:]:
            if glitched:
                break
            distance += d
            time += t
            if distance >= MIN_EFFORT_M:
                try:
                    vdot = vdot_from_race(distance, time)
                except PaceError:  # outside what the Daniels-Gilbert model covers
                    continue
                if best is None or vdot > best.vdot:
                    best = Effort(day, distance, time, vdot, activity_id)
    return best


def estimate_vdot(
    efforts: Sequence[Effort], today: date, *, window_days: int = FITNESS_WINDOW_DAYS
) -> FitnessEstimate:
    """Best VDOT of the efforts in the last `window_days` (a lower bound: most runs are not all-out)."""
    recent = [e for e in efforts if today - timedelta(days=window_days) <= e.day <= today]
    method = (
        f"best Daniels-Gilbert VDOT of the fastest >= {MIN_EFFORT_M / 1000:g} km of whole splits "
        f"in each run of the last {window_days // 7} weeks"
    )
    if not recent:
        return FitnessEstimate(None, None, 0, method)
    best = max(recent, key=lambda e: e.vdot)
    return FitnessEstimate(round(best.vdot, 1), best, len(recent), method)
