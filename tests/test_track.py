"""GPS distance filter and the sanitising pass."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from progrun.activity import Format, Pause, make_activity
from progrun.track import (
    GpsFilter,
    distance_from_positions,
    find_gps_spikes,
    haversine_m,
    sanitise,
    steps_per_minute,
)

METRES_PER_DEGREE = 6_371_008.8 * np.pi / 180  # 111,195.08 m of latitude


def _north(count: int, metres_per_s: float = 3.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    time_s = np.arange(count, dtype=float)
    lat = 50.0 + time_s * metres_per_s / METRES_PER_DEGREE
    return time_s, lat, np.full(count, 14.0)


def test_haversine_one_degree_of_latitude() -> None:
    assert haversine_m(np.array([0.0]), np.array([0.0]), np.array([1.0]), np.array([0.0]))[
        0
    ] == pytest.approx(111195.08, abs=0.01)


def test_single_spike_is_dropped_and_distance_unchanged() -> None:
    time_s, lat, lon = _north(100)
    lat[50] += 30_000 / METRES_PER_DEGREE  # a 30 km teleport and back
    spikes = find_gps_spikes(time_s, lat, lon)
    assert np.flatnonzero(spikes).tolist() == [50]
    track = distance_from_positions(time_s, lat, lon)
    assert track.distance_m[-1] == pytest.approx(297.0, abs=0.01)
    assert track.distance_m[50] == pytest.approx(150.0, abs=0.01)  # interpolated in time


def test_lasting_jump_is_accepted_after_reanchor() -> None:
    time_s, lat, lon = _north(60)
    lat[30:] += 1_000 / METRES_PER_DEGREE  # the receiver really is 1 km further on from here
    assert not find_gps_spikes(time_s, lat, lon, GpsFilter(reanchor_after=10)).any()
    assert distance_from_positions(time_s, lat, lon).distance_m[-1] == pytest.approx(
        59 * 3.0 + 1000.0, abs=0.01
    )
    short = lat.copy()
    short[40:] -= 1_000 / METRES_PER_DEGREE  # back after 10 fixes: those 10 were a spike
    assert np.flatnonzero(find_gps_spikes(time_s, short, lon)).tolist() == list(range(30, 40))


def test_stationary_jitter_adds_no_distance() -> None:
    rng = np.random.default_rng(1)
    time_s = np.arange(300, dtype=float)
    lat = 50.0 + rng.normal(0, 0.7, 300) / METRES_PER_DEGREE
    lon = 14.0 + rng.normal(0, 0.7, 300) / METRES_PER_DEGREE / np.cos(np.radians(50))
    assert distance_from_positions(time_s, lat, lon).distance_m[-1] < 10.0
    assert distance_from_positions(time_s, lat, lon, GpsFilter(min_step_m=0)).distance_m[-1] > 200.0


def test_steps_spanning_a_pause_add_nothing() -> None:
    time_s, lat, lon = _north(20)
    lat[10:] += 500 / METRES_PER_DEGREE
    track = distance_from_positions(time_s, lat, lon, pauses=(Pause(9.0, 10.0),))
    assert track.distance_m[-1] == pytest.approx(18 * 3.0, abs=0.01)


def test_no_fix_gives_nan_distance() -> None:
    time_s = np.arange(5, dtype=float)
    assert np.isnan(distance_from_positions(time_s, np.full(5, np.nan), np.full(5, np.nan)).distance_m).all()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0.5, 20), st.floats(-0.001, 0.001), st.floats(-0.001, 0.001)),
        min_size=2,
        max_size=60,
    )
)
def test_distance_never_decreases(steps: list[tuple[float, float, float]]) -> None:
    time_s = np.cumsum([s[0] for s in steps])
    lat = 45.0 + np.cumsum([s[1] for s in steps])
    lon = 7.0 + np.cumsum([s[2] for s in steps])
    distance = distance_from_positions(time_s, lat, lon).distance_m
    assert distance[0] == 0.0
    assert np.all(np.diff(distance) >= 0)


def _activity(**channels):
    return make_activity(
        channels.pop("time_s"),
        format=Format.GPX,
        start=channels.pop("start", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        **channels,
    )


def test_repeated_and_backwards_timestamps_are_dropped() -> None:
    activity = _activity(time_s=[0, 1, 1, 2, 1.5, 3], heart_rate_bpm=[100, 101, 102, 103, 104, 105])
    clean = sanitise(activity)
    assert clean.time_s.tolist() == [0, 1, 2, 3]
    assert clean.heart_rate_bpm.tolist() == [100, 101, 103, 105]
    assert clean.warnings == (
        "dropped 1 samples whose time goes backwards",
        "dropped 1 samples repeating the previous time",
    )


def test_absurd_values_become_nan_with_one_warning_each() -> None:
    activity = _activity(
        time_s=[0, 1, 2, 3],
        heart_rate_bpm=[300, 20, 120, 130],
        cadence_spm=[170, 350, 172, -1],
        altitude_m=[-500, 9500, 100, 101],
        speed_m_s=[3, 16, 3, 3],
        power_w=[250, 3500, 260, 270],
    )
    clean = sanitise(activity)
    assert np.isnan(clean.heart_rate_bpm[:2]).all() and clean.heart_rate_bpm[2] == 120
    assert np.isnan(clean.cadence_spm[[1, 3]]).all()
    assert np.isnan(clean.altitude_m[:2]).all()
    assert np.isnan(clean.speed_m_s[1])
    assert np.isnan(clean.power_w[1])
    assert clean.warnings == (
        "ignored 2 heart rate values outside 25..250 bpm",
        "ignored 2 cadence values outside 0..300 spm",
        "ignored 2 altitude values outside -500..9000 m",
        "ignored 1 power values outside 0..3000 W",
        "ignored 1 speed values outside 0..15 m/s",
    )
    assert activity.heart_rate_bpm[0] == 300  # the input is never modified


def test_speed_limit_only_for_running() -> None:
    ride = dataclass_replace_sport(_activity(time_s=[0, 1], speed_m_s=[16, 17]), "cycling")
    assert sanitise(ride).speed_m_s.tolist() == [16, 17]


def dataclass_replace_sport(activity, sport: str):
    import dataclasses

    return dataclasses.replace(activity, sport=sport)


def test_nan_and_out_of_range_coordinates_and_null_island() -> None:
    activity = _activity(
        time_s=[0, 1, 2, 3, 4],
        lat_deg=[50.0, np.nan, 0.0, 95.0, 50.00003],
        lon_deg=[14.0, 14.0, 0.0, 14.0, 14.0],
    )
    clean = sanitise(activity)
    assert np.isnan(clean.lat_deg[1:4]).all() and np.isnan(clean.lon_deg[1:4]).all()
    assert clean.warnings == ("ignored 3 positions that are missing, out of range or (0, 0)",)


def test_spike_in_a_gpx_track_is_removed_and_distance_recomputed() -> None:
    time_s, lat, lon = _north(50)
    lat[20] += 5_000 / METRES_PER_DEGREE
    raw = distance_from_positions(time_s, lat, lon, GpsFilter(max_speed_m_s=1e9)).distance_m
    activity = _activity(
        time_s=time_s, lat_deg=lat, lon_deg=lon, distance_m=raw, extra={"distance_source": "positions"}
    )
    clean = sanitise(activity)
    assert np.isnan(clean.lat_deg[20])
    assert clean.total_distance_m == pytest.approx(147.0, abs=0.01)
    assert clean.warnings == ("removed 1 GPS spikes (implied speed over 12 m/s)",)


def test_time_zones_are_normalised_to_utc() -> None:
    plus_two = datetime(2024, 5, 1, 12, tzinfo=timezone(timedelta(hours=2)))
    clean = sanitise(_activity(time_s=[0, 1], start=plus_two))
    assert clean.start == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert clean.start.tzinfo is UTC
    assert clean.warnings == ()


def test_clock_jump_becomes_a_pause() -> None:
    clean = sanitise(_activity(time_s=[0, 1, 475, 1_747_038, 1_747_039]))
    assert clean.pauses == (Pause(475.0, 1_747_038.0),)
    assert clean.warnings == ("the clock jumps forward 1746563 s at 475 s; counted as a pause",)


def test_distance_going_backwards_is_flagged() -> None:
    clean = sanitise(_activity(time_s=[0, 1, 2, 3], distance_m=[0, 10, 3, 20]))
    assert np.isnan(clean.distance_m[2])
    assert clean.warnings == ("ignored 1 distance values that are negative or go backwards",)


def test_clean_activity_is_returned_unchanged() -> None:
    activity = _activity(time_s=[0, 1, 2], heart_rate_bpm=[100, 110, 120])
    assert sanitise(activity) is activity


def test_steps_per_minute() -> None:
    assert steps_per_minute(np.array([0.0, 85.0, 88.0]), "running").tolist() == [0.0, 170.0, 176.0]
    assert steps_per_minute(np.array([170.0, 176.0]), "running").tolist() == [170.0, 176.0]
    assert steps_per_minute(np.array([85.0, 90.0]), "cycling").tolist() == [85.0, 90.0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.floats(-100, 10_000), st.just(float("nan"))), min_size=1, max_size=50))
def test_sanitised_times_strictly_increase(times: list[float]) -> None:
    clean = sanitise(_activity(time_s=times))
    assert np.all(np.diff(clean.time_s) > 0)
    assert np.all(np.isfinite(clean.time_s))
