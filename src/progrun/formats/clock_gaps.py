"""Clock jumps no run pauses for: a recording whose clock leaps hours or years is cut to one outing.

A watch that sets its clock from GPS a minute into the run, a bit flipped in a timestamp, or a
recording resumed the next day leaves a gap between two samples far longer than any stop in a run.
Left alone, it is judged as a cooldown of days ("Cooldown 480:16:05: good") and every array that
follows the clock grows with it. `cut_at_clock_gaps` runs on every activity `read_activity` returns
(after `progrun.track.sanitise`, so times are strictly increasing): at each gap longer than
MAX_GAP_S the recording is split, the part holding the most samples is kept (the first on a tie),
and a warning names the jump and what was dropped.

Why 6 hours: `sanitise` already records a clock jump of over an hour as a pause, and the longest
stops inside one recorded run are the sleeps of multi-day mountain ultras (Tor des Géants runners
sleep 1-4 hours at a time in life bases); a watch that saw no sample for longer than 6 hours was
switched off, forgotten, or has a wrong clock, and what follows is another outing or no outing.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import numpy as np

from progrun.activity import CHANNELS, Activity, Lap, Pause

#: A gap between two samples longer than this splits the recording (seconds).
MAX_GAP_S = 6 * 3600.0


def _span_text(seconds: float) -> str:
    days, rest = divmod(round(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{days} days {clock}" if days else clock


def cut_at_clock_gaps(activity: Activity) -> Activity:
    """The activity with every clock gap longer than MAX_GAP_S cut away (see the module docstring).

    The kept part's times count from its own first sample and `start` moves with it; laps and
    pauses outside it are dropped. An activity without such a gap is returned as is.
    """
    times = activity.time_s
    if times.size < 2:
        return activity
    steps = np.diff(times)
    breaks = np.flatnonzero(steps > MAX_GAP_S)
    if breaks.size == 0:
        return activity
    bounds = np.concatenate(([0], breaks + 1, [times.size]))
    sizes = np.diff(bounds)
    part = int(np.argmax(sizes))  # the first of the largest
    first, stop = int(bounds[part]), int(bounds[part + 1])
    origin, end = float(times[first]), float(times[stop - 1])
    columns = {name: getattr(activity, name)[first:stop] for name in CHANNELS}
    columns["time_s"] = columns["time_s"] - origin
    if first and np.isfinite(columns["distance_m"]).any():  # a later part counts its own distance
        base = float(np.nanmin(columns["distance_m"]))
        columns["distance_m"] = columns["distance_m"] - base
    largest = int(np.argmax(steps[breaks]))
    where = float(times[breaks[largest]])
    dropped = times.size - (stop - first)
    warning = (
        f"the clock jumps {_span_text(float(steps[breaks[largest]]))} at {_span_text(where)} into the "
        f"recording{f' ({breaks.size} such jumps)' if breaks.size > 1 else ''}; no run pauses longer than "
        f"{_span_text(MAX_GAP_S)}, so the recording was split and only its longest part was kept "
        f"({stop - first} samples from {_span_text(origin)}; {dropped} samples dropped)"
    )
    laps = tuple(
        dataclasses.replace(lap, index=index, start_s=lap.start_s - origin)
        for index, lap in enumerate(_laps_within(activity.laps, origin, end))
    )
    pauses = tuple(
        Pause(max(pause.start_s, origin) - origin, min(pause.end_s, end) - origin)
        for pause in activity.pauses
        if pause.end_s > origin and pause.start_s < end
    )
    start = activity.start
    if start is not None and origin:
        try:
            start = start + timedelta(seconds=origin)
        except OverflowError:
            start = None
    return dataclasses.replace(
        activity,
        **columns,
        laps=laps,
        pauses=pauses,
        start=start,
        warnings=(*activity.warnings, warning),
    )


def _laps_within(laps: tuple[Lap, ...], origin: float, end: float) -> list[Lap]:
    return [lap for lap in laps if origin - 1.0 <= lap.start_s <= end]
