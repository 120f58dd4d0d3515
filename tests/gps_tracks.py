"""Phone-style GPX tracks with realistic GPS noise, generated (no recorded file is replayed).

The runner goes round a 1.5 km-radius circle at a constant pace, optionally standing still for a
while (a traffic light). Positions are sampled on a schedule (every 1, 2 or 5 s, or irregular
1-3 s gaps) and each fix gets a position error made of two parts, as GPS errors are described in
the literature (satellite geometry and atmospheric errors drift slowly; receiver noise is white):

* a slowly drifting error with a horizontal RMS of `noise_m` (2-5 m: what a phone in the open
  reports as its accuracy), so `noise_m / sqrt(2)` per axis,
  smooth because receivers filter positions with their Doppler velocity: a first-order
  Gauss-Markov process with a 30 s correlation time, passed through the same filter once more
  (a second-order process) and scaled back to `noise_m`;
* a small white error of a twentieth of that per axis (what the receiver's filter leaves).

The path curves gently: on a tight bend a slowly drifting error towards or away from the centre
lengthens or shortens the path itself (by the offset times the angle turned: 4 m round a 300 m
circle is 1.3 %), which no filter can tell from running.

Everything is seeded, so a test sees the same track every run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

START = datetime(2025, 5, 4, 7, 0, tzinfo=UTC)
RADIUS_M = 1500.0
LAT0_DEG, LON0_DEG = 47.37, 8.54
METRES_PER_DEGREE_LAT = 111_194.93  # 6,371,008.8 m sphere, as progrun.track
CORRELATION_S = 30.0


@dataclass(frozen=True)
class Stop:
    """The runner stands still from `at_s` (seconds of running before it) for `duration_s`."""

    at_s: float
    duration_s: float


@dataclass(frozen=True)
class GpsTrack:
    """A generated track: sample times, true distance and the noisy fixes."""

    time_s: np.ndarray
    true_distance_m: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    stopped_s: float

    def gpx(self) -> str:
        """The track as GPX 1.1 text, one trkpt per fix."""
        points = []
        for t, lat, lon in zip(
            self.time_s.tolist(), self.lat_deg.tolist(), self.lon_deg.tolist(), strict=True
        ):
            stamp = (START + timedelta(seconds=t)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
            points.append(
                f'<trkpt lat="{lat:.7f}" lon="{lon:.7f}"><ele>400.0</ele><time>{stamp}</time></trkpt>'
            )
        body = "\n".join(points)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<gpx version="1.1" creator="synthetic phone" xmlns="http://www.topografix.com/GPX/1/1">'
            f"<trk><type>running</type><trkseg>\n{body}\n</trkseg></trk></gpx>"
        )

    def true_time_at(self, distance_m: float) -> float:
        """When the runner really passed a distance (the first time)."""
        fine_s = np.arange(0.0, float(self.time_s[-1]) + 0.01, 0.01)
        return float(
            fine_s[np.searchsorted(np.interp(fine_s, self.time_s, self.true_distance_m), distance_m)]
        )


def sample_times(sampling: str, duration_s: float, rng: np.random.Generator) -> np.ndarray:
    """Fix times: "1", "2", "5" (seconds between fixes) or "irregular" (1-3 s, drawn)."""
    if sampling == "irregular":
        gaps = rng.choice([1.0, 1.0, 2.0, 3.0], size=int(duration_s) + 10)
        times = np.concatenate([[0.0], np.cumsum(gaps)])
        return times[times <= duration_s]
    step = float(sampling)
    return np.arange(0.0, duration_s + 1e-9, step)


def gps_track(
    pace_s_per_km: float,
    distance_m: float,
    *,
    sampling: str = "1",
    noise_m: float = 3.0,
    seed: int = 0,
    stop: Stop | None = None,
) -> GpsTrack:
    """A run of `distance_m` at a constant pace with GPS noise (see the module docstring)."""
    rng = np.random.default_rng(seed)
    speed_m_s = 1000.0 / pace_s_per_km
    running_s = distance_m / speed_m_s
    stopped_s = stop.duration_s if stop is not None else 0.0
    time_s = sample_times(sampling, running_s + stopped_s, rng)
    run_s = time_s.copy()
    if stop is not None:
        run_s = np.where(time_s < stop.at_s, time_s, np.maximum(stop.at_s, time_s - stop.duration_s))
    true_m = run_s * speed_m_s
    angle = true_m / RADIUS_M
    north_m = RADIUS_M * np.sin(angle)
    east_m = RADIUS_M * (1.0 - np.cos(angle))
    per_axis_m = noise_m / math.sqrt(2.0)
    north_m = north_m + _error(time_s, per_axis_m, rng)
    east_m = east_m + _error(time_s, per_axis_m, rng)
    lat = LAT0_DEG + north_m / METRES_PER_DEGREE_LAT
    lon = LON0_DEG + east_m / (METRES_PER_DEGREE_LAT * math.cos(math.radians(LAT0_DEG)))
    return GpsTrack(time_s, true_m, lat, lon, stopped_s)


def _error(time_s: np.ndarray, noise_m: float, rng: np.random.Generator) -> np.ndarray:
    """One axis of position error: smooth drift of `noise_m` plus white noise of a twentieth of it."""
    fine_s = np.arange(0.0, float(time_s[-1]) + 1.0)  # the drift evolves each second
    shocks = rng.normal(0.0, 1.0, len(fine_s))
    keep = math.exp(-1.0 / CORRELATION_S)
    gain = math.sqrt(1.0 - keep * keep)
    first = _low_pass(shocks, keep, gain)
    drift = _low_pass(first, keep, gain)
    drift *= noise_m / float(np.std(drift))
    return np.interp(time_s, fine_s, drift) + rng.normal(0.0, noise_m / 20.0, len(time_s))


def _low_pass(values: np.ndarray, keep: float, gain: float) -> np.ndarray:
    out = np.empty(len(values))
    state = float(values[0])
    for k, value in enumerate(values.tolist()):
        state = keep * state + gain * value
        out[k] = state
    return out
