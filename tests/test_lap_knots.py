"""Device lap ends as knots of the crossing series where the records are sparse (`progrun.lap_knots`).

Generated runs: the truth is a 1 Hz distance at 3:00-10:00/km with the pace swinging +-12 % over
40 s and small surges; the device closes a lap at each true km (its lap durations timed to the ms,
its start stamps whole seconds) and writes records every 5-10 s (irregular, whole-second stamps,
distance +-1.5 m of the truth), as smart recording and sparse TCX exports do. TCX laps carry the
timer time and start on whole-second stamps, and TCX crossings fall on a sample (`Crossing.SAMPLE`).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from progrun.activity import Activity, Format, Lap, LapTrigger, make_activity
from progrun.splits import split_by_distance

PACES_S_PER_KM = (180, 300, 450, 600)
KM = 6


def _truth(pace: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A 1 Hz (0.1 s inside) true distance of KM km and a bit, around `pace`."""
    rng = np.random.default_rng(seed)
    step_s = 0.1
    time_s = np.arange(0.0, pace * (KM + 0.3) * 1.2, step_s)
    phase = rng.uniform(0, 2 * math.pi)
    surge = np.interp(
        time_s, np.arange(0.0, time_s[-1] + 20, 20.0), rng.uniform(-0.05, 0.05, 1 + int(time_s[-1] // 20) + 1)
    )
    speed = 1000.0 / pace * (1 + 0.12 * np.sin(2 * math.pi * time_s / 40.0 + phase) + surge)
    distance = np.concatenate(([0.0], np.cumsum(speed[:-1] * step_s)))
    keep = distance <= 1000.0 * (KM + 0.3)
    return time_s[keep], distance[keep]


def _true_crossings(time_s: np.ndarray, distance: np.ndarray) -> np.ndarray:
    marks = 1000.0 * np.arange(1, KM + 1)
    return np.interp(marks, distance, time_s)


def _recorded(
    time_s: np.ndarray, distance: np.ndarray, *, every_s: tuple[int, int], seed: int, fmt: Format
) -> Activity:
    """Records at whole seconds every `every_s` (irregular), distance within +-1.5 m, and the device laps."""
    rng = np.random.default_rng(seed + 1000)
    stamps = [0.0]
    while stamps[-1] < time_s[-1] - every_s[1]:
        stamps.append(stamps[-1] + float(rng.integers(every_s[0], every_s[1] + 1)))
    stamps.append(math.floor(time_s[-1]))
    record_s = np.array(stamps)
    record_m = np.interp(record_s, time_s, distance)
    noisy = record_m + rng.uniform(-1.5, 1.5, record_m.size)
    noisy[0] = 0.0
    record_m = np.maximum.accumulate(np.clip(noisy, 0.0, None))
    ends = [*_true_crossings(time_s, distance).tolist(), float(record_s[-1])]
    laps: list[Lap] = []
    start_exact = 0.0
    for index, end in enumerate(ends):
        last = index == len(ends) - 1
        lap_m = float(record_m[-1] - 1000.0 * KM) if last else 1000.0
        duration = end - start_exact
        trigger = LapTrigger.SESSION_END if last else LapTrigger.DISTANCE
        if fmt is Format.TCX:  # StartTime whole seconds; elapsed to the next StartTime; the timer is exact
            start_stamp = float(round(start_exact))
            next_stamp = float(round(end)) if not last else end
            laps.append(Lap(index, start_stamp, next_stamp - start_stamp, duration, lap_m, LapTrigger.MANUAL))
        else:  # FIT: start_time a whole second (rounded up), total_elapsed_time to the ms
            laps.append(Lap(index, float(math.ceil(start_exact)), duration, duration, lap_m, trigger))
        start_exact = end
    return make_activity(record_s, format=fmt, distance_m=record_m, laps=tuple(laps))


def _errors(activity: Activity, truth_s: np.ndarray) -> np.ndarray:
    splits = split_by_distance(activity, 1000.0)
    ours = np.array([split.end_s for split in splits][:KM])
    return np.diff(np.concatenate(([0.0], ours))) - np.diff(np.concatenate(([0.0], truth_s)))


@pytest.mark.parametrize("fmt", [Format.FIT, Format.TCX])
@pytest.mark.parametrize("pace", PACES_S_PER_KM)
@pytest.mark.parametrize("every_s", [(5, 7), (5, 10)])
def test_sparse_records_split_where_the_device_lapped(
    fmt: Format, pace: int, every_s: tuple[int, int]
) -> None:
    worst_without = 0.0
    for seed in range(4):
        time_s, distance = _truth(pace, seed)
        truth_s = _true_crossings(time_s, distance)
        activity = _recorded(time_s, distance, every_s=every_s, seed=seed, fmt=fmt)
        with_laps = _errors(activity, truth_s)
        without = _errors(dataclasses.replace(activity, laps=()), truth_s)
        worst_without = max(worst_without, float(np.max(np.abs(without))))
        # Every km split is the device's own lap, to the ms, wherever the lap's end was a knot; a lap end
        # the records bracket within a stamp of the chain keeps the records' crossing.
        assert np.max(np.abs(with_laps)) <= 1.0
        assert np.median(np.abs(with_laps)) <= 0.01
    if fmt is Format.TCX:
        # On a sample, the records alone are off by up to the gap between them.
        assert worst_without > 2.0


@pytest.mark.parametrize("fmt", [Format.FIT, Format.TCX])
@pytest.mark.parametrize("pace", PACES_S_PER_KM)
def test_a_1hz_recording_is_never_moved(fmt: Format, pace: int) -> None:
    time_s, distance = _truth(pace, 7)
    activity = _recorded(time_s, distance, every_s=(1, 1), seed=7, fmt=fmt)
    with_laps = split_by_distance(activity, 1000.0)
    without = split_by_distance(dataclasses.replace(activity, laps=()), 1000.0)
    assert [split.end_s for split in with_laps] == [split.end_s for split in without]


def _with_lap(activity: Activity, number: int, **changes: float) -> Activity:
    laps = list(activity.laps)
    laps[number] = dataclasses.replace(laps[number], **changes)  # type: ignore[arg-type]
    return dataclasses.replace(activity, laps=tuple(laps))


@pytest.mark.parametrize("pace", PACES_S_PER_KM)
@pytest.mark.parametrize("wrong_m", [-300.0, -40.0, 25.0, 400.0])
def test_a_lap_distance_the_records_contradict_moves_no_split_off(pace: int, wrong_m: float) -> None:
    time_s, distance = _truth(pace, 3)
    truth_s = _true_crossings(time_s, distance)
    activity = _recorded(time_s, distance, every_s=(5, 10), seed=3, fmt=Format.FIT)
    without = _errors(dataclasses.replace(activity, laps=()), truth_s)
    bad = _errors(_with_lap(activity, 2, distance_m=1000.0 + wrong_m), truth_s)
    # Lap 3's end is where the records do not reach its distance: the knots of laps 1-2 before it
    # would leave the chain more than a stamp from where the records place lap 3, so they go too, and
    # the laps after it count on from a wrong distance. No split is further off than the records alone
    # put it (or than 1 s).
    assert np.all(np.abs(bad) <= np.maximum(np.abs(without), 1.0) + 1e-9)


@pytest.mark.parametrize("pace", PACES_S_PER_KM)
def test_a_device_counting_five_percent_long_adds_no_knot(pace: int) -> None:
    time_s, distance = _truth(pace, 5)
    activity = _recorded(time_s, distance, every_s=(5, 10), seed=5, fmt=Format.FIT)
    # Laps closed at 1050 m of the records (a foot pod calibrated 5 % short) but written as 1000 m.
    ends = np.interp(1050.0 * np.arange(1, KM), distance, time_s)
    laps = []
    start = 0.0
    for index, end in enumerate(ends.tolist()):
        laps.append(
            Lap(index, float(math.ceil(start)), end - start, end - start, 1000.0, LapTrigger.DISTANCE)
        )
        start = end
    skewed = dataclasses.replace(activity, laps=tuple(laps))
    ours = [split.end_s for split in split_by_distance(skewed, 1000.0)]
    alone = [split.end_s for split in split_by_distance(dataclasses.replace(activity, laps=()), 1000.0)]
    assert ours == alone


@pytest.mark.parametrize("pace", PACES_S_PER_KM)
@pytest.mark.parametrize("press_s", [100.0, 777.7])
def test_a_manual_lap_pressed_between_marks_keeps_the_splits(pace: int, press_s: float) -> None:
    time_s, distance = _truth(pace, 9)
    truth_s = _true_crossings(time_s, distance)
    activity = _recorded(time_s, distance, every_s=(5, 10), seed=9, fmt=Format.FIT)
    end_s = float(activity.time_s[-1])
    at_press_m = float(np.interp(press_s, time_s, distance))
    manual = (
        Lap(0, 0.0, press_s, press_s, at_press_m, LapTrigger.MANUAL),
        Lap(
            1,
            float(math.ceil(press_s)),
            end_s - press_s,
            end_s - press_s,
            float(activity.distance_m[-1]) - at_press_m,
            LapTrigger.SESSION_END,
        ),
    )
    pressed = dataclasses.replace(activity, laps=manual)
    errors = _errors(pressed, truth_s)
    without = _errors(dataclasses.replace(activity, laps=()), truth_s)
    # A lap at any distance is a reading like any other: it moves no km split beyond what the records allow.
    assert np.all(np.abs(errors) <= np.maximum(np.abs(without), 1.0) + 1e-9)
