"""A watch that writes records before its timer starts (the FR110 writes 3 s of them): its laps, and
so our first split, count from the timer start. Generated FIT files at a grid of paces and delays."""

from __future__ import annotations

import dataclasses

import pytest

from progrun.activity import Lap, LapTrigger
from progrun.device_timer import timer_lead_s
from progrun.formats import read_activity
from progrun.formats.fit_writer import write_fit_activity
from progrun.splits import split_by_distance
from tests.synthetic_runs import BASE_START, synthetic_run


@pytest.mark.parametrize("pace", [210, 300, 420, 600])
@pytest.mark.parametrize("delay_s", [0, 2, 5])
def test_the_first_split_starts_when_the_timer_did(pace: int, delay_s: int) -> None:
    run = synthetic_run(BASE_START, [pace] * 3)
    # The runner stands still until the timer starts: the distance counts from there.
    distance = run.distance_m.copy()
    moving = run.time_s >= delay_s
    distance[~moving] = 0.0
    distance[moving] = (run.time_s[moving] - delay_s) * 1000.0 / pace
    end_s = float(run.time_s[-1])
    lap = Lap(
        0, float(delay_s), end_s - delay_s, end_s - delay_s, float(distance[-1]), LapTrigger.SESSION_END
    )
    data = write_fit_activity(dataclasses.replace(run, distance_m=distance), laps=[lap])
    activity = read_activity(data, name="timer-late.fit")
    assert activity.laps[0].start_s == delay_s
    splits = split_by_distance(activity, 1000.0)
    # From the press, which a Garmin stamps with the next whole second (progrun.device_timer).
    lead_s = timer_lead_s(activity)
    assert lead_s == 0.5
    assert splits[0].start_s == delay_s - lead_s
    assert splits[0].elapsed_s == pytest.approx(pace + lead_s, abs=0.01)
    assert splits.elapsed_s == pytest.approx(end_s - delay_s + lead_s, abs=0.01)
