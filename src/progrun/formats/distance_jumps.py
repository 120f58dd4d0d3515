"""Distance jumps no body covers: a cumulative distance that leaps faster than MAX_SPEED_M_S is corrected.

A flipped bit in one record's distance (a salvaged FIT file) makes a run 42,784 km long; every
distance-based step after it (1 km splits, 100 m pieces, the 10 m elevation grid) then grows with
that number rather than with the file, and one `detect` took 10 s. `remove_distance_jumps` runs on
every activity `read_activity` returns, after `progrun.track.sanitise` (so the valid distances never
go back): a step between two valid samples longer than MAX_SPEED_M_S times the seconds between
them, plus SLACK_M, is removed (later distances move down by it), with a warning. 50 m/s (180 km/h)
is the GPS-spike limit the sanitising pass already uses for non-running sports, and no sport progrun
reads moves faster.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from progrun.activity import Activity

#: Faster than this between two samples is a corrupt distance, not movement (m/s).
MAX_SPEED_M_S = 50.0
#: Metres allowed on top, for rounding and samples a fraction of a second apart.
SLACK_M = 5.0


def remove_distance_jumps(activity: Activity) -> Activity:
    """The activity with impossible forward jumps of its distance removed (see the module docstring)."""
    distance = activity.distance_m
    valid = np.flatnonzero(np.isfinite(distance) & np.isfinite(activity.time_s))
    if valid.size < 2:
        return activity
    steps = np.diff(distance[valid])
    seconds = np.diff(activity.time_s[valid])
    jumps = steps > MAX_SPEED_M_S * np.maximum(seconds, 0.0) + SLACK_M
    if not jumps.any():
        return activity
    removed = np.where(jumps, steps, 0.0)
    corrected = distance.copy()
    corrected[valid] = distance[valid] - np.concatenate(([0.0], np.cumsum(removed)))
    first = int(np.flatnonzero(jumps)[0])
    count = int(jumps.sum())
    warning = (
        f"the distance jumps {steps[first] / 1000.0:,.1f} km in {seconds[first]:.0f} s at "
        f"{activity.time_s[valid[first + 1]]:.0f} s (faster than {MAX_SPEED_M_S:.0f} m/s)"
        + (f", and {count - 1} more such jumps" if count > 1 else "")
        + f"; removed {removed.sum() / 1000.0:,.1f} km that nobody ran"
    )
    return dataclasses.replace(activity, distance_m=corrected, warnings=(*activity.warnings, warning))
