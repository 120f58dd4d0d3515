"""Judging a run against its plan: matching, per-split figures, the method's checks, score and words."""

from __future__ import annotations

import dataclasses
import itertools
import json
import math

import pytest

from progrun.activity import Lap, LapTrigger
from progrun.judge import Verdict, judge
from progrun.paces import training_paces_from_race
from progrun.plan import SplitUnit, StepKind
from progrun.planner import build_plan
from progrun.simulate import simulate_run

PLAN = build_plan(training_paces_from_race(5000, 1200), 5 * 1609.344)
KM_PLAN = build_plan(training_paces_from_race(5000, 1500), 8000, unit=SplitUnit.KM, tempo_splits=3)
TARGET = PLAN.target_pace_s_per_km


def _judge(**options: object) -> Verdict:
    return judge(PLAN, simulate_run(PLAN, **options))  # type: ignore[arg-type]


@pytest.mark.parametrize("ran_workout", [True, False])
def test_a_perfect_follow_scores_100_either_way_it_is_matched(ran_workout: bool) -> None:
    verdict = _judge(noise=0, ran_workout=ran_workout)
    assert verdict.matched_by == ("workout" if ran_workout else "distance")
    assert verdict.score.value == 100.0
    assert verdict.progressed and verdict.target_reached and verdict.cooldown_done
    assert verdict.tempo_splits == 2 and not verdict.went_out_too_fast
    assert verdict.cooldown_s == pytest.approx(300.0, abs=6.0)
    assert [split.in_band for split in verdict.splits] == [True] * 5
    assert verdict.text.startswith("Good progression run")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_noisy_follower_still_scores_high(seed: int) -> None:
    verdict = _judge(seed=seed, ran_workout=False)
    assert verdict.score.value >= 95.0
    assert verdict.progressed and verdict.target_reached


def test_per_split_figures() -> None:
    verdict = _judge(noise=0, pace_overrides={2: PLAN.steps[2].pace_s_per_km + 10.0})
    third = verdict.splits[2]
    assert third.label == "Mile 3" and third.status == "run"
    # paces are rounded once to whole seconds per mile (0.31 s/km at most), differences taken after
    assert third.target_s_per_km == pytest.approx(PLAN.steps[2].pace_s_per_km, abs=0.32)
    assert third.actual_s_per_km == pytest.approx(PLAN.steps[2].pace_s_per_km + 10.0, abs=0.62)
    slow_edge = PLAN.steps[2].high_s_per_km - PLAN.steps[2].pace_s_per_km  # 2 % of speed (issue 9)
    assert third.off_s_per_km == pytest.approx(10.0 - slow_edge, abs=0.7)
    assert third.in_band is False
    assert third.delta_prev_s_per_km == pytest.approx(
        PLAN.steps[2].pace_s_per_km + 10 - PLAN.steps[1].pace_s_per_km, abs=0.7
    )
    assert third.planned_delta_s_per_km == pytest.approx(
        PLAN.steps[2].pace_s_per_km - PLAN.steps[1].pace_s_per_km, abs=0.7
    )
    for value in (third.target_s_per_km, third.off_s_per_km, third.delta_prev_s_per_km):
        assert value * 1.609344 == pytest.approx(round(value * 1.609344), abs=1e-6)  # whole s/mi
    assert verdict.splits[1].pace_cv == pytest.approx(0.0, abs=0.005)
    assert verdict.splits[0].heart_rate_avg_bpm < verdict.splits[3].heart_rate_avg_bpm


def _slower_third_mile() -> dict[int, float]:
    return {2: PLAN.steps[1].pace_s_per_km + 8.0}


DEVIATIONS = {
    "slower_split": {"pace_overrides": _slower_third_mile()},
    "missed_target": {"pace_overrides": {3: TARGET, 4: TARGET + 8.0}},
    "too_many_tempo_splits": {"pace_overrides": {0: TARGET, 1: TARGET, 2: TARGET}},
    "no_cooldown": {"cooldown": False},
    "erratic_pace": {"noise": 6.0},
    "outside_band": {"pace_overrides": {1: PLAN.steps[1].pace_s_per_km - 8.0}},
}


@pytest.mark.parametrize("check", sorted(DEVIATIONS))
def test_each_deviation_lowers_the_score(check: str) -> None:
    options = {"noise": 0.0, "seed": 5, **DEVIATIONS[check]}
    verdict = _judge(**options)
    assert verdict.score.value < 100.0
    assert verdict.score.points_for(check) > 0.0


def test_slower_split_is_flagged_in_coach_words() -> None:
    verdict = _judge(noise=0, pace_overrides=_slower_third_mile())
    assert not verdict.progressed
    assert verdict.splits[2].slower_than_previous
    assert "Mile 3 was 13 s slower than mile 2." in verdict.text


def test_went_out_too_fast_is_flagged() -> None:
    verdict = _judge(behaviour="too_fast", seed=1)
    assert verdict.went_out_too_fast
    assert not verdict.progressed and not verdict.target_reached
    assert verdict.score.value < 60.0
    fourth = round(verdict.splits[3].delta_prev_s_per_km * 1.609344)
    assert fourth == 17  # 7:05 after 6:48 (GAP, as the table shows them)
    assert "Mile 4 was 17 s slower than mile 3: you went out too fast." in verdict.text
    assert verdict.tempo_splits == 3  # miles 1-3 at 6:48-6:49/mi, faster than threshold (6:52/mi)
    assert verdict.cumulative_delta_s < -30.0


def test_hills_are_not_failures_by_grade_adjusted_pace() -> None:
    verdict = _judge(behaviour="hilly", seed=1)
    raw = [split.actual_s_per_km for split in verdict.splits]
    assert any(later > earlier + 3.0 for earlier, later in itertools.pairwise(raw))
    assert verdict.progressed and verdict.target_reached
    assert verdict.score.value >= 95.0
    assert "by grade-adjusted pace it held the progression" in verdict.text


@pytest.mark.parametrize("ran_workout", [True, False])
def test_a_short_run_reports_the_splits_not_run(ran_workout: bool) -> None:
    verdict = _judge(noise=0, distance_factor=0.72, ran_workout=ran_workout)
    assert [split.status for split in verdict.splits] == ["run", "run", "run", "partial", "not run"]
    assert verdict.splits_not_run == 1
    assert verdict.coverage == pytest.approx(0.72, abs=0.005)
    assert verdict.score.value == pytest.approx(72.0, abs=0.5)  # a perfect 100, scaled by the coverage
    assert verdict.score.points_for("coverage") == pytest.approx(28.0, abs=0.5)
    assert math.isnan(verdict.splits[4].actual_s_per_km)
    assert "Covered 3.6 of the planned 5 mi: mile 4 partly run, 1 planned split was not run (mile 5)." in (
        verdict.text
    )


def test_a_longer_run_reports_the_extra_distance() -> None:
    verdict = _judge(noise=0, distance_factor=1.1, ran_workout=False)
    assert verdict.extra_distance_m == pytest.approx(0.1 * PLAN.total_distance_m, abs=20.0)
    assert verdict.score.value == 100.0
    assert "more than planned before the cooldown" in verdict.text


def test_a_short_cooldown_costs_part_of_the_points() -> None:
    activity = simulate_run(PLAN, noise=0, ran_workout=False)
    cut = activity.duration_s - 210.0  # keep 90 s of the 300 s cooldown
    from progrun.detect import head

    verdict = judge(PLAN, head(activity, cut))
    assert verdict.cooldown_s == pytest.approx(90.0, abs=8.0)
    assert 94.0 <= verdict.score.value <= 96.5
    assert "Cooldown only 1:" in verdict.text


def test_km_plan_with_three_tempo_splits() -> None:
    verdict = judge(KM_PLAN, simulate_run(KM_PLAN, seed=2, ran_workout=False))
    assert [split.label for split in verdict.splits][:2] == ["Km 1", "Km 2"]
    assert verdict.tempo_splits == 3 and verdict.tempo_cap == 3
    assert verdict.score.value >= 95.0


def test_workout_laps_with_a_different_step_count_warn_and_still_match() -> None:
    activity = simulate_run(PLAN, noise=0)
    fewer = dataclasses.replace(activity, workout_steps=activity.workout_steps[:-1])
    verdict = judge(PLAN, fewer)
    assert verdict.matched_by == "workout"
    assert "steps were matched by their number" in verdict.warnings[0]
    assert verdict.score.value == 100.0


def test_manual_laps_inside_a_workout_step_are_merged() -> None:
    activity = simulate_run(PLAN, noise=0)
    first = activity.laps[0]
    half = first.elapsed_s / 2
    pieces = (
        Lap(0, 0.0, half, half, 800.0, LapTrigger.MANUAL, workout_step_index=0),
        Lap(
            1,
            half,
            first.elapsed_s - half,
            first.elapsed_s - half,
            first.distance_m - 800.0,
            LapTrigger.WORKOUT_STEP,
            workout_step_index=0,
        ),
    )
    verdict = judge(PLAN, dataclasses.replace(activity, laps=pieces + activity.laps[1:]))
    assert verdict.splits[0].elapsed_s == pytest.approx(first.elapsed_s, abs=0.01)
    assert verdict.score.value == 100.0


def test_json_contract() -> None:
    data = _judge(seed=2).to_dict()
    assert {
        "score",
        "progressed",
        "target_reached",
        "tempo_splits",
        "cooldown_s",
        "verdict",
        "splits",
    } <= set(data)
    assert isinstance(data["progressed"], bool) and isinstance(data["target_reached"], bool)
    splits = data["splits"]
    assert isinstance(splits, list) and len(splits) == 5
    for split in splits:
        assert {
            "index",
            "target_s_per_km",
            "actual_s_per_km",
            "gap_s_per_km",
            "delta_prev_s",
            "in_band",
        } <= set(split)
    assert splits[0]["delta_prev_s"] is None
    json.dumps(data, allow_nan=False)


def test_a_run_without_distance_gets_a_verdict_of_nothing_run() -> None:
    activity = simulate_run(PLAN, noise=0)
    import numpy as np

    blank = dataclasses.replace(
        activity, distance_m=np.full(activity.records, np.nan), laps=(), workout_steps=()
    )
    verdict = judge(PLAN, blank)
    assert verdict.splits_not_run == 5
    assert verdict.score.value == 0.0
    assert verdict.text.startswith("No planned split was run")


def test_plan_without_running_steps_is_misuse() -> None:
    cooldown_only = dataclasses.replace(
        PLAN, steps=tuple(step for step in PLAN.steps if step.kind is StepKind.COOLDOWN)
    )
    with pytest.raises(ValueError, match="no running steps"):
        judge(cooldown_only, simulate_run(PLAN, noise=0))
