"""Minetti 2002 cost, grade smoothing and GAP, with the reference values of sports-science §3.1."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from progrun.elevation import elevation_profile
from progrun.grade import (
    MAX_GRADE,
    cost_factor,
    equivalent_flat_distance,
    grade_adjusted_pace,
    minetti_cost,
    segment_grades,
)


@pytest.mark.parametrize(
    ("grade", "cost"),
    [
        (0.0, 3.60),
        (0.02, 4.01),
        (0.05, 4.69),
        (0.10, 5.97),
        (0.20, 9.01),
        (-0.05, 2.75),
        (-0.10, 2.15),
        (-0.20, 1.80),
    ],
)
def test_minetti_reference_values(grade: float, cost: float) -> None:
    assert float(minetti_cost(grade)) == pytest.approx(cost, abs=0.005)


def test_minimum_cost_near_minus_18_percent() -> None:
    grades = np.linspace(-0.45, 0.45, 9001)
    costs = minetti_cost(grades)
    assert grades[np.argmin(costs)] == pytest.approx(-0.181, abs=0.001)
    assert costs.min() == pytest.approx(1.78, abs=0.005)


def test_grades_beyond_the_measured_range_are_clamped() -> None:
    assert float(minetti_cost(0.8)) == float(minetti_cost(MAX_GRADE))
    assert float(minetti_cost(-0.8)) == float(minetti_cost(-MAX_GRADE))


def test_gap_of_five_minutes_per_km_on_ten_percent() -> None:
    assert float(grade_adjusted_pace(300.0, 0.10)) == pytest.approx(300 * 3.6 / 5.968214, rel=1e-9)
    assert float(grade_adjusted_pace(300.0, -0.10)) == pytest.approx(300 * 3.6 / 2.151706, rel=1e-9)
    assert float(grade_adjusted_pace(300.0, 0.10)) == pytest.approx(180.96, abs=0.005)
    assert float(grade_adjusted_pace(300.0, 0.0)) == 300.0


def test_straight_slope_keeps_its_grade_to_the_ends() -> None:
    distance = np.arange(0.0, 1001.0, 1.0)
    profile = elevation_profile(distance, 0.07 * distance)
    assert profile is not None
    np.testing.assert_allclose(segment_grades(profile), 0.07, atol=1e-12)
    assert profile.total_gain_m == pytest.approx(70.0)
    assert profile.total_loss_m == 0.0
    assert equivalent_flat_distance(profile)[-1] == pytest.approx(1000 * float(cost_factor(0.07)))


def test_noise_is_smoothed_over_tens_of_metres() -> None:
    distance = np.arange(0.0, 2000.0, 3.0)
    noise = np.random.default_rng(1).normal(0.0, 1.0, distance.size)  # GPS-like altitude jitter, sd 1 m
    profile = elevation_profile(distance, 100.0 + noise)
    assert profile is not None
    raw_gain = float(np.sum(np.maximum(np.diff(noise), 0)))
    assert raw_gain == pytest.approx(368.0, abs=0.5)
    assert profile.total_gain_m == pytest.approx(20.76, abs=0.01)  # 94 % of the phantom climbing removed
    raw_grades = np.diff(noise) / 3.0
    assert np.abs(raw_grades).max() > 1.0
    assert np.abs(segment_grades(profile)[3:-3]).max() < 0.1  # the ends follow their last 50 m


def test_no_profile_without_altitude() -> None:
    assert elevation_profile(np.arange(10.0), np.full(10, np.nan)) is None
    assert elevation_profile(np.zeros(10), np.arange(10.0)) is None


@given(
    st.floats(min_value=-0.45, max_value=0.45).filter(lambda g: abs(g) > 1e-6),
    st.floats(min_value=120, max_value=900),
)
def test_gap_is_faster_uphill_and_slower_on_gentle_downhill(grade: float, pace: float) -> None:
    adjusted = float(grade_adjusted_pace(pace, grade))
    if grade > 0:
        assert adjusted < pace
    elif -0.15 < grade < 0:
        assert adjusted > pace
