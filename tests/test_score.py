"""The pace-control score: 100 for a perfect run; every kind of deviation costs points."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from progrun.score import ScoreInputs, pace_control_score

PERFECT = ScoreInputs(band_offsets_s_per_km=[0.0] * 5, split_cvs=[0.02] * 5, tempo_splits=2, cooldown_s=300.0)

DEVIATIONS = {
    "slower_split": replace(PERFECT, slower_by_s_per_km=[5.0]),
    "missed_target": replace(PERFECT, target_miss_s_per_km=4.0),
    "too_many_tempo_splits": replace(PERFECT, tempo_splits=4),
    "no_cooldown": replace(PERFECT, cooldown_s=0.0),
    "went_out_too_fast": replace(PERFECT, went_out_too_fast=True),
    "outside_band": replace(PERFECT, band_offsets_s_per_km=[0.0, 6.0, 0.0, 0.0, 0.0]),
    "erratic_pace": replace(PERFECT, split_cvs=[0.02, 0.12, 0.02, 0.02, 0.02]),
    "stalled": replace(PERFECT, stalled_short_s_per_km=[16.0]),
    "coverage": replace(PERFECT, coverage=0.72),
}


def test_perfect_run_scores_100() -> None:
    score = pace_control_score(PERFECT)
    assert score.value == 100.0
    assert score.deductions == ()


@pytest.mark.parametrize("check", sorted(DEVIATIONS))
def test_each_deviation_lowers_the_score_through_its_own_check(check: str) -> None:
    score = pace_control_score(DEVIATIONS[check])
    assert score.value < 100.0
    assert [item.check for item in score.deductions] == [check]
    assert score.points_for(check) == pytest.approx(100.0 - score.value, abs=0.05)


def test_the_documented_numbers() -> None:
    assert pace_control_score(DEVIATIONS["slower_split"]).value == 91.0  # 8 + 0.5 * (5 - 3)
    assert pace_control_score(DEVIATIONS["missed_target"]).value == 88.0  # 10 + 0.5 * 4
    assert pace_control_score(DEVIATIONS["too_many_tempo_splits"]).value == 94.0
    assert pace_control_score(DEVIATIONS["no_cooldown"]).value == 90.0
    assert pace_control_score(replace(PERFECT, cooldown_s=90.0)).value == 95.0
    assert pace_control_score(DEVIATIONS["outside_band"]).value == 97.0
    assert pace_control_score(DEVIATIONS["erratic_pace"]).value == pytest.approx(
        100 - 15 * (0.7 / 5), abs=0.05
    )
    assert pace_control_score(DEVIATIONS["stalled"]).value == 88.0  # 5 + 0.5 * 16, cap 12
    assert pace_control_score(DEVIATIONS["coverage"]).value == 72.0
    half = replace(PERFECT, coverage=0.5, target_miss_s_per_km=4.0)
    assert pace_control_score(half).value == 44.0  # (100 - 12) x 0.5


def test_bigger_mistakes_cost_more_and_caps_hold() -> None:
    slower = [
        pace_control_score(replace(PERFECT, slower_by_s_per_km=[by])).value for by in (4.0, 10.0, 20.0, 200.0)
    ]
    assert slower[0] > slower[1] > slower[2] >= slower[3] == 80.0
    everything = ScoreInputs(
        slower_by_s_per_km=[50.0] * 5,
        target_miss_s_per_km=99.0,
        tempo_splits=9,
        cooldown_s=0.0,
        went_out_too_fast=True,
        band_offsets_s_per_km=[60.0] * 9,
        split_cvs=[0.5] * 5,
        stalled_short_s_per_km=[30.0] * 5,
        coverage=0.1,
    )
    assert pace_control_score(everything).value == 0.0


def test_a_cooldown_of_three_minutes_counts_as_done() -> None:
    assert pace_control_score(replace(PERFECT, cooldown_s=180.0)).value == 100.0
    assert pace_control_score(replace(PERFECT, cooldown_s=179.0)).value < 100.0


@given(
    slower=st.lists(st.floats(3.01, 100.0), max_size=6),
    miss=st.floats(-20.0, 100.0),
    tempo=st.integers(0, 8),
    cooldown=st.floats(0.0, 900.0),
    offsets=st.lists(st.floats(-60.0, 60.0), max_size=10),
    cvs=st.lists(st.floats(0.0, 1.0), max_size=10),
    extra_miss=st.floats(0.1, 30.0),
)
def test_score_is_bounded_and_a_worse_target_never_scores_higher(
    slower: list[float],
    miss: float,
    tempo: int,
    cooldown: float,
    offsets: list[float],
    cvs: list[float],
    extra_miss: float,
) -> None:
    inputs = ScoreInputs(slower, miss, tempo, 3, cooldown, False, offsets, cvs)
    score = pace_control_score(inputs).value
    assert 0.0 <= score <= 100.0
    worse = pace_control_score(replace(inputs, target_miss_s_per_km=max(miss, 0.0) + extra_miss)).value
    assert worse <= score
    more = pace_control_score(replace(inputs, slower_by_s_per_km=[*slower, 10.0])).value
    assert more <= score


@given(
    miss=st.floats(-20.0, 100.0),
    offsets=st.lists(st.floats(-60.0, 60.0), max_size=10),
    shorts=st.lists(st.floats(0.0, 60.0), max_size=6),
    coverage=st.floats(0.0, 1.0),
)
def test_coverage_bounds_the_score(
    miss: float, offsets: list[float], shorts: list[float], coverage: float
) -> None:
    full = ScoreInputs(
        target_miss_s_per_km=miss, band_offsets_s_per_km=offsets, stalled_short_s_per_km=shorts
    )
    whole = pace_control_score(full)
    part = pace_control_score(replace(full, coverage=coverage))
    assert part.value <= round(coverage * 100.0, 1) + 0.05
    assert part.value == pytest.approx(whole.value * coverage, abs=0.1)
    assert sum(item.points for item in part.deductions) == pytest.approx(100.0 - part.value, abs=0.06)


def test_details_show_the_display_unit() -> None:
    inputs = replace(PERFECT, target_miss_s_per_km=10.0, unit="mi", unit_m=1609.344, too_fast_label="Mile 2")
    details = {
        item.check: item.detail
        for item in pace_control_score(replace(inputs, went_out_too_fast=True)).deductions
    }
    assert details["missed_target"] == "final split 16 s/mi slower than its band"
    assert details["went_out_too_fast"] == "Mile 2 faster than its band"
