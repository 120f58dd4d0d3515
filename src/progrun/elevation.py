"""The altitude of a run as a smoothed profile over distance, with cumulative gain and loss.

Raw altitude is noisy: GPS altitude wanders by metres from one second to the next, and even a
barometer steps in 0.2 m increments. Summing every tiny rise would count hundreds of metres of
climbing on a flat run, and a grade taken over one or two metres of distance is meaningless. So
altitude is put on the distance axis and smoothed there, over tens of metres:

1. keep the samples that have both a distance and an altitude, one per distinct distance (the
   first, so standing still does not add altitude readings);
2. resample the altitude every `GRID_STEP_M` (10 m) of distance by linear interpolation; past
   `MAX_GRID_POINTS` points (2,621 km at 10 m, longer than any run recorded in one file) the step
   grows so the grid keeps that many: its memory is bounded, never by the file's distance (a
   hand-crafted file can claim 50 m/s for days: 200 samples 6 hours apart reach 215,000 km, which
   at 10 m would ask for 21 million points, 164 MiB per array);
3. smooth with a centred moving average `SMOOTHING_WINDOW_M` (50 m, five grid points) wide (fewer
   points on a coarser grid; none past 50 m); the ends are padded by point reflection, so a straight
   slope stays exactly straight;
4. gain and loss are the sums of the positive and negative steps of the smoothed profile.

The moving average plays the part of the threshold or hysteresis filter other tools use: ripples
shorter than about 50 m vanish, while a real climb keeps its full height. Unlike a hysteresis
filter it attributes every metre of climbing to the place where it happens, which per-split gain
needs, and it needs no Python loop. The same smoothed profile gives the grade for grade-adjusted
pace (`progrun.grade`), so the grade of each 10 m step is the rise over a 50 m window.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from progrun.activity import FloatArray

#: Distance between two points of the resampled profile.
GRID_STEP_M = 10.0
#: Width of the centred moving average applied to the resampled profile.
SMOOTHING_WINDOW_M = 50.0
#: The most points the resampled profile holds (the step grows past GRID_STEP_M beyond it).
MAX_GRID_POINTS = 2**18


@dataclass(frozen=True, eq=False)
class ElevationProfile:
    """Smoothed altitude on a regular distance grid, with cumulative gain and loss at each point.

    `distance_m` is the grid (cumulative metres of the activity), `altitude_m` the smoothed altitude,
    `gain_m`/`loss_m` the climbing and descending (both positive) from the first grid point.
    """

    distance_m: FloatArray
    altitude_m: FloatArray
    gain_m: FloatArray
    loss_m: FloatArray

    @property
    def total_gain_m(self) -> float:
        return float(self.gain_m[-1])

    @property
    def total_loss_m(self) -> float:
        return float(self.loss_m[-1])

    def gain_between(self, start_m: FloatArray, end_m: FloatArray) -> FloatArray:
        """Metres climbed between each pair of distances (vectorised)."""
        return np.interp(end_m, self.distance_m, self.gain_m) - np.interp(
            start_m, self.distance_m, self.gain_m
        )

    def loss_between(self, start_m: FloatArray, end_m: FloatArray) -> FloatArray:
        """Metres descended between each pair of distances (vectorised, positive)."""
        return np.interp(end_m, self.distance_m, self.loss_m) - np.interp(
            start_m, self.distance_m, self.loss_m
        )


def elevation_profile(distance_m: FloatArray, altitude_m: FloatArray) -> ElevationProfile | None:
    """Build the smoothed profile from cumulative distance and altitude samples (NaN = missing).

    `distance_m` must not decrease where it is valid (where it repeats, the first altitude is kept).
    Returns None when fewer than two samples at distinct distances carry an altitude.
    """
    valid = ~np.isnan(distance_m) & ~np.isnan(altitude_m)
    distances = distance_m[valid]
    altitudes = altitude_m[valid]
    # One sample per distinct distance (the first): the distance never decreases, so no sort is needed.
    first = np.concatenate(([True], np.diff(distances) > 0)) if distances.size else np.zeros(0, dtype=bool)
    distances = distances[first]
    altitudes = altitudes[first]
    if distances.size < 2:
        return None
    span_m = float(distances[-1] - distances[0])
    step_m = max(GRID_STEP_M, span_m / MAX_GRID_POINTS)
    count = min(MAX_GRID_POINTS, max(1, int(np.ceil(span_m / step_m))))
    grid = distances[0] + step_m * np.arange(count + 1, dtype=np.float64)
    resampled = np.interp(grid, distances, altitudes)
    smoothed = _moving_average(resampled, round(SMOOTHING_WINDOW_M / step_m))
    steps = np.diff(smoothed)
    gain = np.concatenate(([0.0], np.cumsum(np.maximum(steps, 0.0))))
    loss = np.concatenate(([0.0], np.cumsum(np.maximum(-steps, 0.0))))
    return ElevationProfile(distance_m=grid, altitude_m=smoothed, gain_m=gain, loss_m=loss)


def _moving_average(values: FloatArray, window: int) -> FloatArray:
    """Centred moving average over `window` points (odd), ends padded by point reflection."""
    half = window // 2
    if half == 0 or values.size < 3:
        return values.copy()
    half = min(half, values.size - 1)
    # np.pad(values, half, mode="reflect", reflect_type="odd"), without its overhead: the same
    # 2 * edge - mirror image on each side.
    padded = np.concatenate(
        (2.0 * values[0] - values[half:0:-1], values, 2.0 * values[-1] - values[-2 : -half - 2 : -1])
    )
    sums = np.concatenate(([0.0], np.cumsum(padded)))
    width = 2 * half + 1
    result: FloatArray = (sums[width:] - sums[:-width]) / width
    return result
