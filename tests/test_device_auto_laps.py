"""Device auto-lap rules, each on generated FIT files at a grid of paces (walking pace included).

* A manual lap that overlaps the auto laps (Suunto writes its manual laps as a series of their own)
  neither restarts the distance splits nor counts twice in the timer total; a Garmin manual lap in
  the lap sequence still restarts the auto-lap count.
* A pause that starts the second a split mark is crossed: the split ends at the crossing, before
  the pause, and the pause belongs to the next split (crossings are interpolated on the timer clock).
* The leg end of a multi-session run restarts the count where the next run leg starts.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from progrun.activity import Activity, Format, Lap, LapTrigger, Pause, make_activity
from progrun.formats import read_activity
from progrun.formats.fit_writer import write_fit_activity
from progrun.splits import split_by_distance
from tests.synthetic_runs import BASE_START, synthetic_run

#: 3:00/km to 12:00/km (a brisk walk).
PACES_S_PER_KM = (180, 300, 450, 720)


def _auto_laps(paces: list[int]) -> list[Lap]:
    """The device's 1 km auto laps of a run of one km per pace, and the final partial lap."""
    laps: list[Lap] = []
    start_s = 0.0
    for index, pace in enumerate(paces):
        laps.append(Lap(index, start_s, float(pace), float(pace), 1000.0, LapTrigger.DISTANCE))
        start_s += pace
    return laps


@pytest.mark.parametrize("pace", PACES_S_PER_KM)
@pytest.mark.parametrize(("manual_start_km", "manual_km"), [(0.0, 2.5), (1.3, 2.0), (0.5, 4.5)])
def test_an_overlapping_manual_lap_neither_restarts_splits_nor_counts_twice(
    pace: int, manual_start_km: float, manual_km: float
) -> None:
    paces = [pace] * 5
    run = synthetic_run(BASE_START, paces)
    manual_start_s = manual_start_km * pace
    manual_s = manual_km * pace
    laps = [
        *_auto_laps(paces),
        Lap(5, manual_start_s, manual_s, manual_s, manual_km * 1000.0, LapTrigger.MANUAL),
    ]
    data = write_fit_activity(run, laps=laps, device="suunto 9")
    activity = read_activity(data, name="suunto-manual.fit")
    assert sum(lap.timer_s for lap in activity.laps) == pytest.approx(5 * pace + manual_s, abs=0.01)

    splits = split_by_distance(activity, 1000.0, restart_at_manual_laps=True)
    assert [round(split.end_s, 3) for split in splits] == [pace * k for k in range(1, 6)]
    assert [split.start_distance_m for split in splits] == [1000.0 * k for k in range(5)]
    assert activity.timer_s == pytest.approx(5 * pace, abs=0.01)
    # Without the session total, the laps' union (not their sum) is the timer total.
    no_session = dataclasses.replace(activity, extra={})
    assert no_session.timer_s == pytest.approx(5 * pace, abs=0.01)


@pytest.mark.parametrize("pace", PACES_S_PER_KM)
def test_a_manual_lap_in_the_sequence_still_restarts_the_auto_laps(pace: int) -> None:
    """Garmin: pressing Lap at 1.4 km starts a new count, so the next auto laps end at 2.4 and 3.4 km."""
    paces = [pace] * 4
    run = synthetic_run(BASE_START, paces)
    press_s = 1.4 * pace
    laps = [
        Lap(0, 0.0, float(pace), float(pace), 1000.0, LapTrigger.DISTANCE),
        Lap(1, float(pace), press_s - pace, press_s - pace, 400.0, LapTrigger.MANUAL),
        Lap(2, press_s, float(pace), float(pace), 1000.0, LapTrigger.DISTANCE),
        Lap(3, press_s + pace, float(pace), float(pace), 1000.0, LapTrigger.DISTANCE),
        Lap(4, press_s + 2 * pace, 4 * pace - press_s - 2 * pace, 0.6 * pace, 600.0, LapTrigger.SESSION_END),
    ]
    activity = read_activity(write_fit_activity(run, laps=laps, device="garmin fr945"), name="garmin.fit")
    splits = split_by_distance(activity, 1000.0, restart_at_manual_laps=True)
    ends = [split.end_s for split in splits]
    assert ends == pytest.approx([pace, press_s, press_s + pace, press_s + 2 * pace, 4 * pace], abs=0.01)
    assert activity.timer_s == pytest.approx(4 * pace, abs=0.01)


def _paused_run(pace: int, pause_s: int, *, record_at_stop: bool) -> tuple[Activity, float]:
    """A 1 Hz run at one pace that stops the second after it crosses 1 km, for `pause_s` seconds.

    The runner covers 1000 / pace m per second of timer; the watch writes a record every whole second
    while the timer runs (and, when `record_at_stop`, one at the stop). Returns the activity and the
    true crossing time of 1 km.
    """
    speed = 1000.0 / pace
    crossing_s = 1000.0 / speed
    stop_s = math.floor(crossing_s) + 1.0
    total_timer_s = 3 * pace
    timer = np.arange(0.0, total_timer_s + 1.0)
    if not record_at_stop:
        timer = timer[timer != stop_s]
    wall = np.where(timer > stop_s, timer + pause_s, timer)
    if record_at_stop:  # the watch writes the stop and the start as two records
        timer = np.append(timer, stop_s)
        wall = np.append(wall, stop_s + pause_s)
        order = np.argsort(wall, kind="stable")
        timer, wall = timer[order], wall[order]
    distance = timer * speed
    activity = make_activity(
        wall,
        format=Format.FIT,
        start=BASE_START,
        distance_m=distance,
        speed_m_s=np.full(len(wall), speed),
        heart_rate_bpm=np.full(len(wall), 150.0),
        pauses=(Pause(stop_s, stop_s + pause_s),),
    )
    return activity, crossing_s


@pytest.mark.parametrize("pace", (*PACES_S_PER_KM, 247))
@pytest.mark.parametrize("pause_s", [10, 52, 300])
@pytest.mark.parametrize("record_at_stop", [True, False])
def test_a_pause_right_after_the_mark_belongs_to_the_next_split(
    pace: int, pause_s: int, record_at_stop: bool
) -> None:
    run, crossing_s = _paused_run(pace, pause_s, record_at_stop=record_at_stop)
    activity = read_activity(write_fit_activity(run, device="garmin fenix6s"), name="paused.fit")
    assert activity.pauses == run.pauses
    splits = split_by_distance(activity, 1000.0)
    assert splits[0].end_s == pytest.approx(crossing_s, abs=0.01)
    # The first split counts from the press, half a second before a Garmin's start stamp.
    assert splits[0].elapsed_s == pytest.approx(pace + 0.5, abs=0.01)
    assert splits[0].paused_s == 0.0
    assert splits[1].elapsed_s == pytest.approx(pace + pause_s, abs=0.01)
    assert splits[1].paused_s == pause_s
    assert splits[1].moving_s == pytest.approx(pace, abs=0.01)
    assert splits[2].elapsed_s == pytest.approx(pace, abs=0.01)
    assert activity.timer_s == pytest.approx(3 * pace, abs=0.01)


@pytest.mark.parametrize("pace", PACES_S_PER_KM)
def test_each_run_leg_counts_its_auto_laps_from_its_own_start(pace: int) -> None:
    """A swimrun kept as its run legs: 1.4 km, a 600 s swim (a gap), 2 km. The second leg's auto
    laps end 1 and 2 km after its start, as the watch's do."""
    speed = 1000.0 / pace
    first_leg_s = 1.4 * pace
    swim_s = 600.0
    second_leg = np.arange(0.0, 2 * pace + 1.0) + first_leg_s + swim_s
    time_s = np.concatenate([np.arange(0.0, first_leg_s + 1e-9), second_leg])
    moving_s = np.where(time_s > first_leg_s, time_s - swim_s, time_s)
    activity = make_activity(
        time_s,
        format=Format.FIT,
        distance_m=moving_s * speed,
        pauses=(Pause(float(np.floor(first_leg_s)), first_leg_s + swim_s),),
        laps=(
            Lap(0, 0.0, float(pace), float(pace), 1000.0, LapTrigger.DISTANCE),
            Lap(1, float(pace), first_leg_s - pace, first_leg_s - pace, 400.0, LapTrigger.SESSION_END),
            Lap(2, first_leg_s + swim_s, float(pace), float(pace), 1000.0, LapTrigger.DISTANCE),
            Lap(3, first_leg_s + swim_s + pace, float(pace), float(pace), 1000.0, LapTrigger.SESSION_END),
        ),
    )
    splits = split_by_distance(activity, 1000.0, restart_at_manual_laps=True)
    second_leg_s = first_leg_s + swim_s
    # The first leg's last 400 m runs to the second leg's start (the swim is paused time in it).
    assert [split.elapsed_s for split in splits] == pytest.approx(
        [pace, first_leg_s - pace + swim_s, pace, pace], abs=0.01
    )
    assert [split.distance_m for split in splits] == pytest.approx([1000.0, 400.0, 1000.0, 1000.0])
    assert splits[2].start_s == pytest.approx(second_leg_s, abs=0.01)


def _whole_metre_run(pace: int) -> tuple[Activity, np.ndarray]:
    """A 1 Hz run around one pace (+-10 %) whose watch writes whole metres, truncated (Suunto);
    returns it and the true times of each km."""
    fine_s = np.arange(0.0, 3.2 * pace, 0.01)
    speed = 1000.0 / pace * (1.0 + 0.1 * np.sin(fine_s / 37.0))
    true_m = np.concatenate(([0.0], np.cumsum(speed[:-1] * 0.01)))
    whole = np.arange(0, len(fine_s), 100)
    run = make_activity(
        fine_s[whole],
        format=Format.FIT,
        start=BASE_START,
        distance_m=np.floor(true_m[whole]),
        speed_m_s=np.round(speed[whole], 2),
    )
    return run, np.interp([1000.0, 2000.0, 3000.0], true_m, fine_s)


@pytest.mark.parametrize("pace", (*PACES_S_PER_KM, 900))
def test_whole_metre_records_are_split_where_the_watch_laps(pace: int) -> None:
    """Suunto writes whole metres and laps where its own records reach the mark (the Suunto 9 Baro
    of the shared corpus: laps 2-6 end within 0.002 s of that), so no offset is added. Truncation
    alone moves a crossing by less than a metre's time: < 1 s even at a 15:00/km walk."""
    run, true_s = _whole_metre_run(pace)
    activity = read_activity(write_fit_activity(run, device="suunto 9"), name="whole-metres.fit")
    assert np.all(activity.distance_m == np.round(activity.distance_m))
    splits = split_by_distance(activity, 1000.0)
    ends = np.array([split.end_s for split in splits][:3])
    record_ends = np.interp([1000.0, 2000.0, 3000.0], activity.distance_m, activity.time_s)
    assert ends == pytest.approx(record_ends, abs=1e-6)
    slowest_m_s = 1000.0 / pace * 0.9
    assert np.all(ends >= true_s)
    assert np.all(ends - true_s < 1.0 / slowest_m_s)
