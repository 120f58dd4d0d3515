"""Is a recorded activity a run? The sport the file names, or its speed when it names none.

Detection, judging and the verdict's checks are for runs only: a bike ride's "splits" get faster and
slower with the road, not with a runner's effort. The rule:

1. A sport that names running ("running", "trail_running", "treadmill", "Run", "jogging"...) is a run.
2. A sport that names something else ("cycling", "Biking", "swimming", "walking", "hiking", ...) is not.
3. No sport, or a generic one ("", "generic", "other", "unknown", "multisport"...): a run unless its
   median moving speed is faster than `FASTEST_RUN_M_S` (6.5 m/s = 2:34/km, faster than any world
   record from 5 km up: 12:35 for 5 km is 6.62 m/s held for only 13 minutes; a ride cruises at 7-10 m/s).
"""

from __future__ import annotations

import numpy as np

from progrun.activity import Activity

__all__ = ["FASTEST_RUN_M_S", "not_a_run_reason"]

RUN_WORDS = ("run", "treadmill", "trail", "jog")
UNKNOWN_SPORTS = frozenset({"", "generic", "unknown", "other", "all", "multisport", "none"})
#: A generic activity moving faster than this (median, m/s) is not a run.
FASTEST_RUN_M_S = 6.5
#: Moving: faster than a slow walk (m/s).
MOVING_M_S = 0.9


def not_a_run_reason(activity: Activity) -> str | None:
    """Why `activity` is not a run (naming its sport), or None when it is one (see the module docstring)."""
    sport = activity.sport.strip().lower()
    if any(word in sport for word in RUN_WORDS):
        return None
    if sport not in UNKNOWN_SPORTS:
        return f"the activity is {activity.sport.strip()!r}, not a run"
    speed = activity.speed_m_s[np.isfinite(activity.speed_m_s) & (activity.speed_m_s > MOVING_M_S)]
    if speed.size == 0:
        return None
    median = float(np.median(speed))
    if median > FASTEST_RUN_M_S:
        return (
            f"the activity names no sport and moves at a median {median * 3.6:.1f} km/h, "
            f"faster than any run ({FASTEST_RUN_M_S * 3.6:.1f} km/h): it looks like a ride, not a run"
        )
    return None
