"""Glitched distance: stretches where the recorded distance grows faster than the sport allows.

A device or an export sometimes writes a jump in the distance stream (5 km in one second, a GPS
fix from another continent that a watch took as real). Such a stretch is kept as recorded, since
the runner's own numbers are not rewritten, but it is flagged: splits that overlap it carry
`Split.suspect_distance`, and the fitness estimate never uses them (`progrun.fitness.best_effort`).

The rule: a step between two samples is impossible when its distance exceeds the sport's top
speed times the step's time (at least one second, since timestamps are often whole seconds) plus
`ROUNDING_M` of device rounding. Top speeds: 12.5 m/s on foot, above the fastest human sprint
(Usain Bolt's 12.4 m/s peak over 60-80 m in the 2009 100 m world record, IAAF biomechanics
report); 40 m/s on a bike; 100 m/s for anything else. Consecutive impossible steps form one stretch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from progrun.activity import Activity

#: Top speed by sport (m/s); any sport not named here gets OTHER_TOP_SPEED_M_S.
TOP_SPEED_M_S = {"running": 12.5, "walking": 12.5, "hiking": 12.5, "generic": 12.5, "": 12.5, "cycling": 40.0}
OTHER_TOP_SPEED_M_S = 100.0
#: Device rounding a step may carry without being a glitch.
ROUNDING_M = 5.0


@dataclass(frozen=True)
class Glitch:
    """A stretch of impossible distance: seconds from the activity start, and the metres it added."""

    start_s: float
    end_s: float
    distance_m: float


def top_speed_m_s(sport: str) -> float:
    """The fastest the sport can go (m/s), for telling a glitch from movement."""
    return TOP_SPEED_M_S.get(sport.lower(), OTHER_TOP_SPEED_M_S)


def distance_glitches(activity: Activity) -> tuple[Glitch, ...]:
    """The stretches where the distance rises faster than the sport's top speed (see the module doc)."""
    valid = ~np.isnan(activity.distance_m) & ~np.isnan(activity.time_s)
    if np.count_nonzero(valid) < 2:
        return ()
    every = bool(valid.all())  # the usual case: the samples as they are, no copies
    time_s = activity.time_s if every else activity.time_s[valid]
    distance_m = activity.distance_m if every else activity.distance_m[valid]
    step_m = np.diff(distance_m)
    reach_m = np.diff(time_s)  # the most each step can cover, computed in place
    np.maximum(reach_m, 1.0, out=reach_m)
    reach_m *= top_speed_m_s(activity.sport)
    reach_m += ROUNDING_M
    impossible = step_m > reach_m
    del step_m, reach_m
    if not impossible.any():
        return ()
    flagged = np.flatnonzero(impossible)
    breaks = np.flatnonzero(np.diff(flagged) > 1)
    firsts = np.concatenate(([flagged[0]], flagged[breaks + 1]))
    lasts = np.concatenate((flagged[breaks], [flagged[-1]]))
    return tuple(
        Glitch(float(time_s[first]), float(time_s[last + 1]), float(distance_m[last + 1] - distance_m[first]))
        for first, last in zip(firsts.tolist(), lasts.tolist(), strict=True)
    )


def overlaps(glitches: tuple[Glitch, ...], start_s: np.ndarray, end_s: np.ndarray) -> np.ndarray:
    """For each [start, end] span, whether a glitch falls (partly) inside it."""
    hit = np.zeros(len(start_s), dtype=np.bool_)
    for glitch in glitches:
        hit |= (glitch.end_s > start_s) & (glitch.start_s < end_s)
    return hit
