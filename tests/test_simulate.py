"""The simulated runner: 1 Hz samples, exact paces without noise, laps and workout steps like a watch."""

from __future__ import annotations

import math

import numpy as np
import pytest

from progrun.activity import LapTrigger
from progrun.paces import training_paces_from_race
from progrun.plan import SplitUnit, StepKind
from progrun.planner import build_plan
from progrun.simulate import BEHAVIOURS, simulate_run
from progrun.splits import split_by_lap

PLAN = build_plan(training_paces_from_race(5000, 1200), 5 * 1609.344)


def test_noise_free_follow_runs_every_step_at_its_pace() -> None:
    activity = simulate_run(PLAN, noise=0)
    splits = split_by_lap(activity)
    assert len(splits) == len(PLAN.steps)
    for split, step in zip(splits, PLAN.steps, strict=True):
        assert split.pace_s_per_km == pytest.approx(step.pace_s_per_km, abs=0.2)
    assert activity.laps[-1].elapsed_s == pytest.approx(300.0, abs=1.0)


def test_samples_are_one_hertz_with_every_channel() -> None:
    activity = simulate_run(PLAN, seed=4)
    steps = np.diff(activity.time_s)
    assert np.all(steps[:-1] > 0) and np.all(steps <= 1.0 + 1e-9)
    assert np.median(steps) == 1.0
    for channel in (
        "distance_m",
        "speed_m_s",
        "lat_deg",
        "lon_deg",
        "altitude_m",
        "heart_rate_bpm",
        "cadence_spm",
    ):
        assert activity.has(channel), channel
    assert activity.total_distance_m == pytest.approx(
        PLAN.total_distance_m + 300.0 * 1000.0 / PLAN.steps[-1].pace_s_per_km, rel=0.02
    )


def test_watch_that_ran_the_workout_laps_at_each_step_and_keeps_the_steps() -> None:
    activity = simulate_run(PLAN, seed=1)
    assert [lap.workout_step_index for lap in activity.laps] == list(range(len(PLAN.steps)))
    assert all(lap.trigger is LapTrigger.WORKOUT_STEP for lap in activity.laps)
    assert len(activity.workout_steps) == len(PLAN.steps)
    first = activity.workout_steps[0]
    assert first.duration_type == "distance" and first.duration_value == pytest.approx(1609.344)
    assert 1000.0 / first.target_high == pytest.approx(PLAN.steps[0].low_s_per_km)
    assert activity.workout_steps[-1].duration_type == "time"
    for lap in activity.laps[:-1]:
        assert lap.distance_m == pytest.approx(1609.344, abs=0.5)


def test_without_the_workout_the_watch_auto_laps_every_unit() -> None:
    activity = simulate_run(PLAN, seed=1, ran_workout=False)
    assert activity.workout_steps == ()
    assert all(lap.workout_step_index is None for lap in activity.laps)
    assert activity.laps[0].trigger is LapTrigger.DISTANCE
    assert activity.laps[0].distance_m == pytest.approx(1609.344, abs=0.5)


def test_same_seed_same_run_and_other_seed_other_run() -> None:
    one, two, other = simulate_run(PLAN, seed=7), simulate_run(PLAN, seed=7), simulate_run(PLAN, seed=8)
    assert np.array_equal(one.distance_m, two.distance_m)
    assert not np.array_equal(one.speed_m_s[:100], other.speed_m_s[:100])


def test_noise_is_realistic_per_second_but_splits_stay_on_pace() -> None:
    activity = simulate_run(PLAN, seed=3)
    first_lap = activity.laps[0]
    inside = (activity.time_s > 30) & (activity.time_s < first_lap.elapsed_s - 30)
    cv = float(np.std(activity.speed_m_s[inside]) / np.mean(activity.speed_m_s[inside]))
    assert 0.01 < cv < 0.05
    for split, step in zip(split_by_lap(activity), PLAN.running_steps, strict=False):
        assert abs(split.pace_s_per_km - step.pace_s_per_km) < 1.5


def test_hilly_runner_holds_effort_so_gap_is_on_plan_and_pace_is_not() -> None:
    activity = simulate_run(PLAN, behaviour="hilly", seed=2)
    assert float(np.ptp(activity.altitude_m)) > 15.0
    splits = split_by_lap(activity)
    raw_errors = [
        abs(split.pace_s_per_km - step.pace_s_per_km)
        for split, step in zip(splits, PLAN.running_steps, strict=False)
    ]
    gap_errors = [
        abs(split.gap_s_per_km - step.pace_s_per_km)
        for split, step in zip(splits, PLAN.running_steps, strict=False)
    ]
    assert max(raw_errors) > 8.0
    assert max(gap_errors) < 2.5


def test_heart_rate_follows_the_pace() -> None:
    splits = split_by_lap(simulate_run(PLAN, seed=5))
    heart = [split.heart_rate_avg_bpm for split in splits]
    assert heart[0] < heart[1] < heart[2] < heart[3]
    assert heart[-1] < heart[3] - 30  # the cooldown jog


@pytest.mark.parametrize("behaviour", BEHAVIOURS)
def test_every_behaviour_covers_the_planned_distance(behaviour: str) -> None:
    activity = simulate_run(PLAN, behaviour=behaviour, seed=0, ran_workout=False)
    cooldown = next(step for step in PLAN.steps if step.kind is StepKind.COOLDOWN)
    assert activity.duration_s == pytest.approx(
        float(np.interp(PLAN.total_distance_m, activity.distance_m, activity.time_s)) + cooldown.duration_s,
        abs=1.5,
    )


def test_too_fast_starts_at_tempo_and_fades() -> None:
    splits = split_by_lap(simulate_run(PLAN, behaviour="too_fast", noise=0))
    paces = [split.pace_s_per_km for split in splits][:5]
    assert paces[0] == pytest.approx(PLAN.target_pace_s_per_km + 5.0, abs=0.2)
    assert paces[3] - paces[2] == pytest.approx(10.0, abs=0.3)
    assert paces[4] - paces[3] == pytest.approx(10.0, abs=0.3)


def test_options_shorter_longer_no_cooldown_and_overrides() -> None:
    short = simulate_run(PLAN, noise=0, distance_factor=0.7, cooldown=False)
    assert short.total_distance_m == pytest.approx(0.7 * PLAN.total_distance_m, abs=1.0)
    longer = simulate_run(PLAN, noise=0, distance_factor=1.1, ran_workout=False)
    assert float(np.interp(longer.duration_s - 300.0, longer.time_s, longer.distance_m)) == pytest.approx(
        1.1 * PLAN.total_distance_m, abs=2.0
    )
    slow = split_by_lap(simulate_run(PLAN, noise=0, pace_overrides={2: 300.0}))
    assert slow[2].pace_s_per_km == pytest.approx(300.0, abs=0.2)


def test_km_plan_with_warmup_and_no_start_time() -> None:
    plan = build_plan(training_paces_from_race(5000, 1500), 8000, unit=SplitUnit.KM, warmup=True)
    activity = simulate_run(plan, start=None, noise=0)
    assert activity.start is None
    assert math.isclose(split_by_lap(activity)[0].pace_s_per_km, plan.steps[0].pace_s_per_km, abs_tol=0.2)


def test_unknown_behaviour_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown behaviour"):
        simulate_run(PLAN, behaviour="sprint")


def test_harder_behaviours_have_their_shapes() -> None:
    steps = PLAN.running_steps
    blow_up = [
        split.pace_s_per_km for split in split_by_lap(simulate_run(PLAN, behaviour="blow_up", noise=0))
    ]
    assert blow_up[:4] == pytest.approx([step.pace_s_per_km for step in steps[:4]], abs=0.3)
    assert blow_up[4] == pytest.approx(steps[3].pace_s_per_km + 20.0, abs=0.3)
    tempo = [
        split.pace_s_per_km for split in split_by_lap(simulate_run(PLAN, behaviour="warmup_tempo", noise=0))
    ]
    assert tempo[0] == pytest.approx(steps[0].pace_s_per_km, abs=0.3)
    assert tempo[1:5] == pytest.approx([PLAN.target_pace_s_per_km] * 4, abs=0.3)
    finish = [
        split.pace_s_per_km for split in split_by_lap(simulate_run(PLAN, behaviour="fast_finish", noise=0))
    ]
    assert finish[0] == pytest.approx(finish[3], abs=0.3)
    assert finish[4] == pytest.approx(PLAN.target_pace_s_per_km, abs=0.3)


def test_strides_are_short_and_the_fartlek_build_gets_faster() -> None:
    strides = simulate_run(PLAN, behaviour="strides", noise=0, seed=2, ran_workout=False)
    fast = strides.speed_m_s > 1.15 * float(np.median(strides.speed_m_s))
    starts = np.flatnonzero(np.diff(fast.astype(int)) == 1)
    ends = np.flatnonzero(np.diff(fast.astype(int)) == -1)
    lengths = ends[: len(starts)] - starts[: len(ends)]
    assert len(lengths) >= 10 and 10 <= float(np.median(lengths)) <= 30
    build = split_by_lap(simulate_run(PLAN, behaviour="fartlek_build", noise=0, seed=2, ran_workout=False))
    paces = [split.pace_s_per_km for split in build][:5]
    assert paces[0] - paces[4] > 10.0
