"""Grade-adjusted pace (GAP) from the energy cost of running on slopes (Minetti et al. 2002).

Minetti AE et al., *Energy cost of walking and running at extreme uphill and downhill slopes*,
J Appl Physiol 93:1039-1046 (2002), measured the cost of running per kilogram and metre on
gradients i (rise/run) from -0.45 to +0.45:

    Cr(i) = 155.4 i^5 - 30.4 i^4 - 43.3 i^3 + 46.3 i^2 + 19.5 i + 3.6   (J/kg/m)

A metre run at grade i costs as much as Cr(i)/Cr(0) flat metres, so the grade-adjusted pace of a
stretch is its time divided by its *equivalent flat distance*. Cr(0) = 3.60, Cr(+0.10) = 5.97,
Cr(-0.10) = 2.15: running 5:00/km up a 10 % slope is worth 3:01/km on the flat, down it 8:22/km.

The grade comes from the smoothed elevation profile (`progrun.elevation`): altitude resampled
every 10 m of distance and averaged over 50 m, so each 10 m step's grade is the rise over a 50 m
window. Grades beyond the measured range are clamped to +-0.45.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from progrun.activity import FloatArray
from progrun.elevation import ElevationProfile

#: Minetti 2002 polynomial coefficients, highest power first (for numpy.polyval).
MINETTI_COEFFICIENTS: tuple[float, ...] = (155.4, -30.4, -43.3, 46.3, 19.5, 3.6)
#: Cost of running on the flat, J/kg/m.
FLAT_COST_J_PER_KG_M = 3.6
#: The gradient range Minetti measured; steeper grades are clamped to it.
MAX_GRADE = 0.45


def minetti_cost(grade: npt.ArrayLike) -> FloatArray:
    """Energy cost of running, J/kg/m, at a grade (rise/run, e.g. 0.1 for 10 %), clamped to +-0.45."""
    clamped = np.clip(np.asarray(grade, dtype=np.float64), -MAX_GRADE, MAX_GRADE)
    cost: FloatArray = np.polyval(MINETTI_COEFFICIENTS, clamped).astype(np.float64)
    return cost


def cost_factor(grade: npt.ArrayLike) -> FloatArray:
    """Flat metres equivalent to one metre run at `grade`: Cr(grade) / Cr(0)."""
    factor: FloatArray = minetti_cost(grade) / FLAT_COST_J_PER_KG_M
    return factor


def grade_adjusted_pace(pace_s_per_km: npt.ArrayLike, grade: npt.ArrayLike) -> FloatArray:
    """The flat pace with the same energy cost as `pace_s_per_km` run at a constant `grade`."""
    adjusted: FloatArray = np.asarray(pace_s_per_km, dtype=np.float64) / cost_factor(grade)
    return adjusted


def segment_grades(profile: ElevationProfile) -> FloatArray:
    """Grade of each step of the profile (rise over run), clamped to +-0.45; one value per step."""
    run = np.diff(profile.distance_m)
    rise = np.diff(profile.altitude_m)
    grades = np.divide(rise, run, out=np.zeros_like(rise), where=run > 0)
    clamped: FloatArray = np.clip(grades, -MAX_GRADE, MAX_GRADE)
    return clamped


def equivalent_flat_distance(profile: ElevationProfile) -> FloatArray:
    """Cumulative equivalent flat metres at each point of the profile (0 at the first point)."""
    flat = cost_factor(segment_grades(profile)) * np.diff(profile.distance_m)
    return np.concatenate(([0.0], np.cumsum(flat)))
