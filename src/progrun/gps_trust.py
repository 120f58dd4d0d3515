"""When the watch's distance is suspect: GPS pace that jumps while the runner's body says otherwise.

A split's pace comes from the watch's distance, usually GPS. Under trees, between buildings or on a
switchback the GPS track can cut corners or zig-zag and the pace jumps by 15-40 s/km for a split, while
the runner ran as planned. The runner's heart rate and cadence do not come from GPS, so they tell the
two apart: a runner who really slowed has a lower cadence and (with a lag) a lower heart rate; a GPS
error moves the pace alone.

Rule, per split run (paces s/km, the pace the judge uses: GAP or pace):

1. From the *other* run splits, fit straight lines of average heart rate against speed and of average
   cadence against speed (least squares). They must rise with speed (positive slopes) and the other
   splits' speeds must span at least `MIN_SPEED_SPAN_M_S`, else the body cannot be read and no split is
   suspect.
2. Read the split's heart rate and cadence back through the lines: the pace each of them implies.
3. The split's distance is suspect when its pace is at least `JUMP_S_PER_KM` (15 s/km) off its
   target, and the paces implied by heart rate *and* by cadence are each no more than half as far off
   the target, on the same side or not at all. Both are needed: a tiring runner's heart rate can stay
   high while the pace drops (cardiac drift), but the cadence then drops with the pace.

15 s/km is five times the judge's 3 s/km noise allowance and about three times the widest target band:
a split that far off is a big event, not a runner slightly off the plan, so an error in the body's
estimate (heart-rate drift of 4-5 bpm is about 5 s/km) cannot make one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["JUMP_S_PER_KM", "MIN_SPEED_SPAN_M_S", "BodyReading", "read_body"]

#: A split's pace this far off its target (s/km) may be a GPS error, if the body disagrees.
JUMP_S_PER_KM = 15.0
#: The other splits' speeds must span this much (m/s) to read pace from heart rate and cadence.
MIN_SPEED_SPAN_M_S = 0.1
#: At least this many other splits with heart rate and cadence are needed for the lines.
MIN_OTHER_SPLITS = 3


@dataclass(frozen=True)
class BodyReading:
    """What heart rate and cadence say about one split's pace (s/km; NaN when they cannot say)."""

    heart_rate_pace_s_per_km: float
    cadence_pace_s_per_km: float
    suspect: bool


def _implied_pace(values: np.ndarray, speeds: np.ndarray, mine: float) -> float:
    slope, intercept = np.polyfit(speeds, values, 1)
    if not (slope > 0 and math.isfinite(mine)):
        return math.nan
    speed = (mine - intercept) / slope
    return 1000.0 / speed if speed > 0.5 else math.nan


def read_body(
    paces_s_per_km: Sequence[float],
    targets_s_per_km: Sequence[float],
    heart_rates: Sequence[float],
    cadences: Sequence[float],
) -> list[BodyReading]:
    """One reading per split (see the module docstring); NaN paces are splits that were not run."""
    pace = np.asarray(paces_s_per_km, dtype=np.float64)
    heart = np.asarray(heart_rates, dtype=np.float64)
    cadence = np.asarray(cadences, dtype=np.float64)
    usable = np.isfinite(pace) & (pace > 0) & np.isfinite(heart) & np.isfinite(cadence) & (cadence > 0)
    nothing = BodyReading(math.nan, math.nan, False)
    readings: list[BodyReading] = []
    for index in range(len(pace)):
        others = usable.copy()
        others[index] = False
        if not usable[index] or int(others.sum()) < MIN_OTHER_SPLITS:
            readings.append(nothing)
            continue
        speeds = 1000.0 / pace[others]
        if float(np.ptp(speeds)) < MIN_SPEED_SPAN_M_S:
            readings.append(nothing)
            continue
        by_heart = _implied_pace(heart[others], speeds, float(heart[index]))
        by_cadence = _implied_pace(cadence[others], speeds, float(cadence[index]))
        target = float(targets_s_per_km[index])
        off = float(pace[index]) - target
        suspect = abs(off) >= JUMP_S_PER_KM and all(
            math.isfinite(body) and abs(body - target) <= abs(off) / 2.0 for body in (by_heart, by_cadence)
        )
        readings.append(BodyReading(by_heart, by_cadence, suspect))
    return readings
