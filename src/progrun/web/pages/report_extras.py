"""What the run report adds beside the pace verdict: the heart-rate verdict of a run judged against an
HR-guided plan (`progrun.judge_heart_rate.heart_rate_verdict`, as `progrun judge` prints it), and a note
when the recording has no GPS (a treadmill run, judged on the foot pod's or watch's distance).

The HR verdict needs the judge's `Verdict` object, which the log stores only as JSON: the run is judged
again against the stored plan the verdict names (`plan_id`), the same `judge(plan, activity)` the import
ran, so the pace figures match the stored ones."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from progrun.activity import Activity
from progrun.errors import ProgrunError
from progrun.heart_rate import hr_bands_of
from progrun.judge import judge
from progrun.judge_heart_rate import heart_rate_verdict
from progrun.storage.store import Store

#: What the report says of a recording without positions.
NO_GPS_NOTE = (
    "No GPS in this recording (a treadmill or indoor run): distance and pace are the foot pod's or the "
    "watch's own. If the treadmill's display disagrees, run a known distance on the belt and judge the run "
    "again with its distance scaled by belt distance / watch distance (the judge's scale, e.g. 1.03)."
)


def has_gps(activity: Activity) -> bool:
    """Whether at least two points of the recording have a position."""
    known = np.isfinite(activity.lat_deg) & np.isfinite(activity.lon_deg)
    return int(np.count_nonzero(known)) >= 2


def hr_verdict(store: Store, plan_id: int | None, activity: Activity | None) -> dict[str, Any] | None:
    """The HR verdict (`HeartRateVerdict.to_dict()`) of a run judged against an HR-guided stored plan; None
    for any other run (no plan, a plan not guided by heart rate, no recording or no heart rate)."""
    if plan_id is None or activity is None:
        return None
    try:
        plan = store.plan(plan_id).plan
    except ProgrunError:
        return None
    if hr_bands_of(plan) is None:
        return None
    try:
        verdict = judge(plan, activity)
    except (ProgrunError, ValueError):
        return None
    found = heart_rate_verdict(plan, verdict)
    if found is None:
        return None
    data = found.to_dict()
    data["rows"] = [
        {
            "label": split.label,
            "band": f"{split.band.low_bpm:.0f}-{split.band.high_bpm:.0f} {split.band.zone}",
            "average": f"{split.average_bpm:.0f}" if math.isfinite(split.average_bpm) else "–",
            "off": "in band" if split.off_bpm == 0 else f"{split.off_bpm:+.0f} bpm",
        }
        for split in found.splits
    ]
    return data
