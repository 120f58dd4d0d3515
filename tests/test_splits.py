"""Splits by distance and by lap on synthetic runs with exact expected numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from progrun.activity import Lap, LapTrigger, Pause, make_activity
from progrun.grade import minetti_cost
from progrun.splits import Crossing, split_by_distance, split_by_lap, unit_label

FIVE_MIN_PER_KM = 1000 / 300  # m/s


def steady(seconds: float, **channels: object):  # type: ignore[no-untyped-def]
    time_s = np.arange(0.0, seconds + 1)
    return make_activity(time_s, distance_m=time_s * FIVE_MIN_PER_KM, **channels)


def test_constant_pace_gives_300_s_splits_and_a_partial() -> None:
    splits = split_by_distance(steady(1650), 1000)
    assert [s.elapsed_s for s in splits] == pytest.approx([300, 300, 300, 300, 300, 150])
    assert [s.distance_m for s in splits] == pytest.approx([1000] * 5 + [500])
    assert [s.pace_s_per_km for s in splits] == pytest.approx([300] * 6)
    assert [s.index for s in splits] == [1, 2, 3, 4, 5, 6]
    assert splits.unit == "km"
    assert splits.distance_m == pytest.approx(5500)
    assert splits.elapsed_s == 1650
    assert math.isnan(splits[0].gap_s_per_km)  # no altitude


def test_mile_splits() -> None:
    splits = split_by_distance(steady(1650), 1609.344)
    assert splits.unit == "mi"
    assert splits[0].elapsed_s == pytest.approx(1609.344 * 0.3)
    assert splits[-1].distance_m == pytest.approx(5500 - 3 * 1609.344)


def test_a_run_ending_on_a_mark_has_no_empty_partial() -> None:
    assert len(split_by_distance(steady(1500), 1000)) == 5


def test_pause_before_km_one_elapsed_360_moving_300() -> None:
    """sports-science §5.1: a 60 s stop; the timer pause from the file gives the moving time."""
    time_s = np.arange(0.0, 961.0)
    distance = np.where(time_s < 100, time_s, np.where(time_s < 160, 100, time_s - 60)) * FIVE_MIN_PER_KM
    stopped = make_activity(time_s, distance_m=distance, pauses=(Pause(100, 160),))
    first = split_by_distance(stopped, 1000)[0]
    assert (first.elapsed_s, first.moving_s, first.paused_s) == pytest.approx((360, 300, 60))
    assert first.pace_s_per_km == pytest.approx(300)
    # Without pause records, the 30:00/mile threshold finds the same stop.
    threshold = split_by_distance(make_activity(time_s, distance_m=distance), 1000)[0]
    assert (threshold.elapsed_s, threshold.moving_s, threshold.paused_s) == pytest.approx((360, 300, 0))


def test_crossing_is_the_first_time_the_mark_is_reached() -> None:
    # Reach exactly 1000 m at 300 s, stand there for 60 s, then go on.
    time_s = np.array([0.0, 300.0, 360.0, 660.0])
    distance = np.array([0.0, 1000.0, 1000.0, 2000.0])
    splits = split_by_distance(make_activity(time_s, distance_m=distance), 1000)
    assert [s.end_s for s in splits] == [300.0, 660.0]


def test_crossing_interpolates_between_samples() -> None:
    time_s = np.array([0.0, 10.0, 20.0])
    distance = np.array([0.0, 950.0, 1050.0])
    (first, second) = split_by_distance(make_activity(time_s, distance_m=distance), 1000)
    assert first.end_s == pytest.approx(15.0)
    assert second.distance_m == pytest.approx(50.0)
    sampled = split_by_distance(make_activity(time_s, distance_m=distance), 1000, crossing=Crossing.SAMPLE)
    assert sampled[0].end_s == 20.0


def test_nan_and_backwards_distance() -> None:
    time_s = np.arange(0.0, 7.0)
    distance = np.array([0.0, 400.0, np.nan, 900.0, 850.0, 1100.0, 1200.0])  # a gap, then a GPS step back
    splits = split_by_distance(make_activity(time_s, distance_m=distance), 1000)
    assert splits[0].end_s == pytest.approx(4 + 100 / 200)  # 900 held at t=4, 1100 at t=5
    assert splits[1].distance_m == pytest.approx(200)


def test_first_split_counts_from_the_activity_start() -> None:
    time_s = np.arange(3.0, 400.0)  # first sample 3 s after the start, 10 m already run
    splits = split_by_distance(make_activity(time_s, distance_m=time_s * FIVE_MIN_PER_KM), 1000)
    assert splits[0].start_s == 0.0
    assert splits[0].elapsed_s == pytest.approx(300)


def test_manual_lap_restarts_the_auto_lap_counter() -> None:
    activity = steady(
        1650,
        laps=(Lap(1, 0.0, 150.0, 150.0, 500.0, LapTrigger.MANUAL), Lap(2, 150.0, 1500.0, 1500.0, 5000.0)),
    )
    plain = split_by_distance(activity, 1000)
    restarted = split_by_distance(activity, 1000, restart_at_manual_laps=True)
    assert [s.end_s for s in plain][:2] == pytest.approx([300, 600])
    assert [s.end_s for s in restarted][:3] == pytest.approx([150, 450, 750])
    assert restarted[0].distance_m == pytest.approx(500)
    assert sum(s.distance_m for s in restarted) == pytest.approx(5500)


def test_heart_rate_is_time_weighted_and_max_is_per_split() -> None:
    time_s = np.array([0.0, 100.0, 300.0, 600.0])
    heart = np.array([120.0, 150.0, 160.0, 170.0])
    activity = make_activity(time_s, distance_m=time_s * FIVE_MIN_PER_KM, heart_rate_bpm=heart)
    first, second = split_by_distance(activity, 1000)
    assert first.heart_rate_avg_bpm == pytest.approx((120 * 100 + 150 * 200) / 300)
    assert first.heart_rate_max_bpm == 160.0  # the sample at 300 s sits on the boundary
    assert second.heart_rate_avg_bpm == pytest.approx(160.0)
    assert second.heart_rate_max_bpm == 170.0
    assert math.isnan(first.cadence_avg)


def test_hills_gap_and_elevation() -> None:
    up = steady(900, altitude_m=np.arange(0.0, 901.0) * FIVE_MIN_PER_KM * 0.10)
    splits = split_by_distance(up, 1000)
    for split in splits:
        assert split.gap_s_per_km == pytest.approx(300 * 3.6 / float(minetti_cost(0.10)))
        assert split.elevation_gain_m == pytest.approx(100.0)
        assert split.elevation_loss_m == pytest.approx(0.0)
    assert splits[0].gap_s_per_km == pytest.approx(180.96, abs=0.01)
    down = steady(900, altitude_m=-np.arange(0.0, 901.0) * FIVE_MIN_PER_KM * 0.10)
    for split in split_by_distance(down, 1000):
        assert split.gap_s_per_km == pytest.approx(300 * 3.6 / 2.151706, rel=1e-6)
        assert split.elevation_loss_m == pytest.approx(100.0)


def test_split_by_lap_uses_device_laps() -> None:
    laps = (
        Lap(1, 0.0, 400.0, 380.0, 1300.0, LapTrigger.MANUAL),
        Lap(2, 400.0, 500.0, 500.0, None, LapTrigger.SESSION_END),
    )
    splits = split_by_lap(steady(900, laps=laps, heart_rate_bpm=np.full(901, 140.0)))
    assert splits.unit == "lap"
    assert [(s.start_s, s.end_s, s.elapsed_s) for s in splits] == [(0, 400, 400), (400, 900, 500)]
    assert splits[0].distance_m == 1300.0  # the lap's own distance
    assert splits[1].distance_m == pytest.approx(500 * FIVE_MIN_PER_KM)  # recomputed
    assert [s.trigger for s in splits] == ["manual", "session_end"]
    assert splits[0].heart_rate_avg_bpm == 140.0
    assert split_by_lap(steady(100)).splits == ()


def test_no_distance_gives_no_splits() -> None:
    time_s = np.arange(0.0, 100.0)
    splits = split_by_distance(make_activity(time_s, heart_rate_bpm=np.full(100, 130.0)), 1000)
    assert len(splits) == 0
    assert splits.elapsed_s == 99.0
    assert splits.total.heart_rate_avg_bpm == 130.0


def test_rows_turn_nan_into_none() -> None:
    row = split_by_distance(steady(600), 1000).to_rows()[0]
    assert row["gap_s_per_km"] is None
    assert row["elapsed_s"] == 300.0
    assert row["index"] == 1


@pytest.mark.parametrize("bad", [0.0, -5.0, math.nan, math.inf])
def test_bad_split_length(bad: float) -> None:
    with pytest.raises(ValueError, match="split_m"):
        split_by_distance(steady(10), bad)


def test_unit_labels() -> None:
    assert [unit_label(1000), unit_label(1609.344), unit_label(400), unit_label(2500)] == [
        "km",
        "mi",
        "400m",
        "2500m",
    ]


@settings(max_examples=60, deadline=None)
@given(
    speeds=st.lists(st.floats(min_value=0.0, max_value=8.0), min_size=2, max_size=300),
    split_m=st.sampled_from([200.0, 400.0, 1000.0, 1609.344]),
    pauses=st.booleans(),
)
def test_splits_add_up_to_the_run(speeds: list[float], split_m: float, pauses: bool) -> None:
    time_s = np.arange(len(speeds), dtype=np.float64) * 2.0
    distance = np.concatenate(([0.0], np.cumsum(np.asarray(speeds[1:]) * 2.0)))
    extra = {"pauses": (Pause(time_s[-1] / 3, time_s[-1] / 2),)} if pauses else {}
    splits = split_by_distance(make_activity(time_s, distance_m=distance, **extra), split_m)
    assert sum(s.distance_m for s in splits) == pytest.approx(distance[-1], abs=1e-6)
    if len(splits):
        assert sum(s.elapsed_s for s in splits) <= time_s[-1] + 1e-9
        assert all(0 <= s.moving_s <= s.elapsed_s + 1e-9 for s in splits)
        assert all(s.distance_m <= split_m + 1e-9 for s in splits)
        ends = [s.end_s for s in splits]
        assert ends == sorted(ends)


def test_crossing_rule_follows_the_recording_device() -> None:
    from progrun.activity import Format, make_activity
    from progrun.splits import Crossing, crossing_for

    times = np.arange(0.0, 1200.0, 4.0)
    distances = times * 3.0
    fr110 = make_activity(times, distance_m=distances, device="garmin fr110")
    modern = make_activity(times, distance_m=distances, device="garmin fr945")
    tcx = make_activity(times, distance_m=distances, format=Format.TCX)
    assert crossing_for(fr110) is Crossing.SAMPLE
    assert crossing_for(tcx) is Crossing.SAMPLE
    assert crossing_for(modern) is Crossing.INTERPOLATE
    # 3 m/s sampled every 4 s: 1000 m is reached at 333.3 s; the first record past it is at 336 s. Both
    # Garmin timers count from half a second before the start stamp (progrun.device_timer).
    assert split_by_distance(modern, 1000.0).splits[0].elapsed_s == pytest.approx(1000.0 / 3.0 + 0.5)
    assert split_by_distance(fr110, 1000.0).splits[0].elapsed_s == pytest.approx(336.5)
