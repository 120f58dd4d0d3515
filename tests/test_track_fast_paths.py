"""The sanitising pass's quick checks and shortcuts give exactly what the plain code gives.

The reference functions below are `progrun.track`'s code as it was before the shortcuts; the
test runs `sanitise` and `distance_from_positions` with them and without them on random tracks.
"""

from __future__ import annotations

import dataclasses
import math
from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from progrun import track
from progrun.activity import CHANNELS, Format, Pause, make_activity
from progrun.track import (
    DISTANCE_TOLERANCE_M,
    BoolArray,
    FloatArray,
    GpsFilter,
    _haversine_scalar,
    haversine_m,
)


def _valid_positions(lat_deg, lon_deg):
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(lat_deg) & np.isfinite(lon_deg) & (np.abs(lat_deg) <= 90) & (np.abs(lon_deg) <= 180)
        ok &= ~((lat_deg == 0) & (lon_deg == 0))
    return ok


def _find_gps_spikes(
    time_s: FloatArray,
    lat_deg: FloatArray,
    lon_deg: FloatArray,
    gps_filter: GpsFilter = track.DEFAULT_GPS_FILTER,
    pauses: tuple[Pause, ...] = (),
) -> BoolArray:
    """A mask of the fixes whose implied speed from the last accepted fix is impossible.

    The first fix after a pause is never a spike: the runner may have moved while stopped.
    """
    spikes = np.zeros(len(time_s), dtype=np.bool_)
    index = np.flatnonzero(_valid_positions(lat_deg, lon_deg))
    if index.size < 2:
        return spikes
    lat, lon, times = lat_deg[index], lon_deg[index], time_s[index]
    ends = np.sort(np.array([pause.end_s for pause in pauses], dtype=np.float64))
    stretch = np.searchsorted(ends, times, side="right")
    step_m = haversine_m(lat[:-1], lon[:-1], lat[1:], lon[1:])
    step_s = np.diff(times)
    step_s = np.where(np.isfinite(step_s) & (step_s >= 1.0), step_s, 1.0)
    suspicious = np.flatnonzero((step_m / step_s > gps_filter.max_speed_m_s) & (np.diff(stretch) == 0))
    if suspicious.size == 0:
        return spikes
    anchor = 0
    rejected: list[int] = []
    k = 0
    while k + 1 < index.size:
        k += 1
        if anchor == k - 1 and not rejected:
            # Every step before the next suspicious one is accepted as it is: jump to it.
            ahead = int(np.searchsorted(suspicious, k - 1))
            if ahead == suspicious.size:
                break
            if suspicious[ahead] > k - 1:
                anchor = int(suspicious[ahead])
                k = anchor + 1
        if stretch[k] != stretch[anchor]:
            anchor = k
            rejected.clear()
            continue
        dt = times[k] - times[anchor]
        dt = dt if math.isfinite(dt) and dt >= 1.0 else 1.0
        d = _haversine_scalar(lat[anchor], lon[anchor], lat[k], lon[k])
        if d / dt <= gps_filter.max_speed_m_s:
            anchor = k
            rejected.clear()
            continue
        rejected.append(k)
        if len(rejected) > gps_filter.reanchor_after:
            rejected.clear()
            anchor = k
            spikes[index[k - gps_filter.reanchor_after : k + 1]] = False
            continue
        spikes[index[k]] = True
    return spikes


def _clip(columns, name, limits, label, unit, *, warnings, low_inclusive=True):
    column = columns[name]
    low, high = limits
    with np.errstate(invalid="ignore"):
        too_low = (column < low) if low_inclusive else (column <= low)
        bad = too_low | (column > high) | np.isinf(column)
    if not np.any(bad):
        return
    column = column.copy()
    column[bad] = np.nan
    columns[name] = column
    warnings.append(f"ignored {int(np.count_nonzero(bad))} {label} values outside {low:g}..{high:g} {unit}")


def _sanitise_times(columns, warnings):
    time_s = columns["time_s"]
    if time_s.size == 0:
        return columns
    keep = np.isfinite(time_s)
    missing = int(np.count_nonzero(~keep))
    finite = np.where(keep, time_s, -np.inf)
    previous_max = np.maximum.accumulate(np.concatenate([[-np.inf], finite[:-1]]))
    backwards = keep & (time_s < previous_max)
    repeated = keep & (time_s == previous_max)
    keep &= ~backwards & ~repeated
    if missing:
        warnings.append(f"dropped {missing} samples without a time")
    if np.any(backwards):
        warnings.append(f"dropped {int(np.count_nonzero(backwards))} samples whose time goes backwards")
    if np.any(repeated):
        warnings.append(f"dropped {int(np.count_nonzero(repeated))} samples repeating the previous time")
    if np.all(keep):
        return columns
    return {name: column[keep] for name, column in columns.items()}


def _sanitise_distance(columns, warnings):
    distance = columns["distance_m"]
    if not np.any(np.isfinite(distance)):
        return
    finite = np.where(np.isfinite(distance), distance, -np.inf)
    previous_max = np.maximum.accumulate(np.concatenate([[-np.inf], finite[:-1]]))
    with np.errstate(invalid="ignore"):
        bad = (distance < 0) | np.isinf(distance) | (distance < previous_max - DISTANCE_TOLERANCE_M)
    if not np.any(bad):
        return
    distance = distance.copy()
    distance[bad] = np.nan
    columns["distance_m"] = distance
    warnings.append(f"ignored {int(np.count_nonzero(bad))} distance values that are negative or go backwards")


def _steps_per_minute(cadence: FloatArray, sport: str) -> FloatArray:
    if not track._is_running(sport):
        return cadence
    moving = cadence[np.isfinite(cadence) & (cadence > 0)]
    if moving.size and float(np.median(moving)) < 120.0:
        return cadence * 2.0
    return cadence


def _reference(function, *args, **kwargs):
    """`function` run with the reference helpers in place of the quick ones."""
    with (
        mock.patch.object(track, "valid_positions", _valid_positions),
        mock.patch.object(track, "_clip", _clip),
        mock.patch.object(track, "_sanitise_times", _sanitise_times),
        mock.patch.object(track, "_sanitise_distance", _sanitise_distance),
        mock.patch.object(track, "steps_per_minute", _steps_per_minute),
        mock.patch.object(track, "find_gps_spikes", _find_gps_spikes),
    ):
        return function(*args, **kwargs)


SPECIALS = [np.nan, np.inf, -np.inf, 0.0, -1.0, 1e9]


@st.composite
def tracks(draw):
    count = draw(st.integers(1, 60))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    time_s = (
        np.cumsum(rng.choice([0.0, 1.0, 1.0, 3.0, -2.0], count)) if draw(st.booleans()) else np.arange(count)
    )
    lat = 45.0 + np.cumsum(rng.normal(0, draw(st.sampled_from([1e-5, 1e-4, 1e-2])), count))
    lon = 7.0 + np.cumsum(rng.normal(0, 1e-4, count))
    distance = np.cumsum(rng.choice([0.0, 3.0, 3.0, -0.5, -3.0], count)) + 10
    columns = {
        "time_s": time_s.astype(float),
        "lat_deg": lat,
        "lon_deg": lon,
        "distance_m": distance,
        "heart_rate_bpm": rng.uniform(20, 260, count),
        "cadence_spm": rng.uniform(0, 200, count),
        "altitude_m": rng.uniform(-600, 9100, count),
        "power_w": rng.uniform(-10, 3100, count),
        "speed_m_s": rng.uniform(0, 20, count),
    }
    for name in draw(st.lists(st.sampled_from(sorted(columns)), max_size=4)):
        at = rng.integers(0, count, 3)
        columns[name] = columns[name].copy()
        columns[name][at] = rng.choice(SPECIALS, 3)
    pauses = (Pause(float(time_s[0]) + 5, float(time_s[0]) + 9),) if draw(st.booleans()) else ()
    sport = draw(st.sampled_from(["running", "cycling"]))
    return columns, pauses, sport


@settings(max_examples=200, deadline=None)
@given(tracks())
def test_sanitise_equals_the_plain_code(drawn) -> None:
    columns, pauses, sport = drawn
    activity = dataclasses.replace(
        make_activity(columns["time_s"], format=Format.GPX, sport=sport),
        **columns,
        pauses=pauses,
        extra={"distance_source": "positions"},
    )
    quick, plain = track.sanitise(activity), _reference(track.sanitise, activity)
    for channel in CHANNELS:
        np.testing.assert_array_equal(getattr(quick, channel), getattr(plain, channel), channel)
    assert (quick.warnings, quick.pauses) == (plain.warnings, plain.pauses)
    cadence = columns["cadence_spm"][np.isfinite(columns["cadence_spm"])]
    np.testing.assert_array_equal(track.steps_per_minute(cadence, sport), _steps_per_minute(cadence, sport))
    times = np.where(np.isinf(columns["time_s"]), np.nan, columns["time_s"])  # readers give no infinite time
    arguments = (times, columns["lat_deg"], columns["lon_deg"])
    np.testing.assert_array_equal(
        track.distance_from_positions(*arguments, pauses=pauses).distance_m,
        _reference(track.distance_from_positions, *arguments, pauses=pauses).distance_m,
    )
