"""When a recording device's timer really started, beside the whole second it stamped.

A Garmin watch stamps each event with the whole second at or after it. The lap ends show it: in the
seven Garmin FIT files checked (fenix 6, FR220, FR45, FR910XT, FR645, vivoactive HR, FR920XT), every
lap's end `timestamp` is the first whole second at or after the interpolated crossing, 0.10-0.71 s
after it, while the lap's `total_elapsed_time` keeps the fraction. The timer start is stamped the same
way, so the press came 0-1 s before the whole second the session and its first record carry, and the
device's first lap counts from the press: on 12 of the 13 Garmin files with distance auto laps in the
shared corpora, the first lap is 0.07-1.98 s longer than the same kilometre counted from the start
stamp (later laps: median 0.00 s; the FR645 is the exception, its lap clock runs ahead of its
records; docs/splits.md, "The first lap").

The fraction itself is in no file (no `fractional_timestamp` on any timer event, record, lap or
session), so the splits count the first split from the expected press, half a second before the start
stamp: the mean of a press spread evenly over the second before it. This moves the device-lap errors
of the first laps from -1.98..-0.07 s to -1.48..+0.43 s (one FR645 outlier, +1.50 s, to +2.00 s).
Every other device, and TCX and GPX files (whose start is a trackpoint), count from the first stamp.
"""

from __future__ import annotations

import numpy as np

from progrun.activity import Activity, Format

#: Manufacturers (the first word of `Activity.device`) that stamp their timer start with the whole
#: second at or after the press.
STAMPS_AFTER_PRESS = frozenset({"garmin"})
#: The expected time between the press and its whole-second stamp: half of the second before it.
TIMER_LEAD_S = 0.5


def timer_lead_s(activity: Activity) -> float:
    """How long before its stamped start the device's timer is expected to have started (s).

    Example: a Garmin FIT file gives 0.5; a Suunto FIT, a TCX or a GPX file gives 0.0.
    """
    return device_lead_s(activity.format, activity.device)


def device_lead_s(file_format: Format, device: str) -> float:
    """`timer_lead_s` of a recording by its format and device ("garmin fr945": 0.5 in a FIT file)."""
    manufacturer = device.partition(" ")[0].lower()
    return TIMER_LEAD_S if file_format is Format.FIT and manufacturer in STAMPS_AFTER_PRESS else 0.0


def timer_span_s(activity: Activity) -> tuple[float, float]:
    """When the device's timer ran, as (start, end) in seconds from the activity start: from the expected
    press to the last sample. The whole run's elapsed time is `end - start`, wherever it is shown.

    The start is the activity start (time 0, even when the first sample comes later), or the device's
    timer start when the watch wrote records before it (the FR110 writes 3 s of them: its laps count
    from there), less `timer_lead_s`. A run without samples spans (0, 0).
    """
    times = activity.time_s[~np.isnan(activity.time_s)]
    if times.size == 0:
        return 0.0, 0.0
    first_s, last_s = min(0.0, float(times[0])), float(times[-1])
    timer_start_s = activity.extra.get("timer_start_s")
    if isinstance(timer_start_s, float) and first_s < timer_start_s < last_s:
        first_s = timer_start_s
    return first_s - timer_lead_s(activity), last_s


def elapsed_s(activity: Activity) -> float:
    """The whole run's elapsed time: `timer_span_s` end less start (0 without two samples)."""
    if activity.records < 2:
        return 0.0
    start_s, end_s = timer_span_s(activity)
    return end_s - start_s
