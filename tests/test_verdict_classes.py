"""The verdict on classes of runs, generated at a grid of paces: every figure in the sentences equals the
table; coverage bounds the score; steady runs, stalls and stops are named; GPS drift is not blamed on
the runner; grade-adjusted pace is said; every split at threshold counts as tempo; rides are refused."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest

from progrun.detect import detect_progression, head
from progrun.errors import PlanError
from progrun.judge import judge, plan_threshold_s_per_km
from progrun.plan import SplitUnit
from progrun.simulate import BEHAVIOURS, simulate_run
from tests.verdict_runs import (
    FIVE_K_S,
    check_sentences_against_table,
    plan_for,
    table,
    with_gps_drift,
    with_stop,
)

MILE = 1609.344


@pytest.mark.parametrize("five_k_s", FIVE_K_S)
@pytest.mark.parametrize("unit", [SplitUnit.MILE, SplitUnit.KM])
def test_every_figure_in_the_sentences_equals_the_table(five_k_s: float, unit: SplitUnit) -> None:
    plan = plan_for(five_k_s, unit)
    rng = np.random.default_rng(int(five_k_s) + len(unit.value))
    checked = 0
    for number, behaviour in enumerate(BEHAVIOURS):
        overrides = {
            int(index): plan.running_steps[int(index)].pace_s_per_km + float(rng.uniform(-15.0, 15.0))
            for index in rng.choice(len(plan.running_steps), size=2, replace=False)
        }
        activity = simulate_run(
            plan,
            behaviour=behaviour,
            seed=number,
            ran_workout=bool(number % 2),
            pace_overrides=overrides if behaviour in ("follow", "hilly") else None,
        )
        checked += check_sentences_against_table(judge(plan, activity))
    assert checked >= 2 * len(BEHAVIOURS)


def test_the_target_miss_is_the_offset_the_table_shows() -> None:
    plan = plan_for(1200.0, SplitUnit.KM)
    final = plan.running_steps[-1]
    verdict = judge(plan, simulate_run(plan, noise=0, pace_overrides={7: final.pace_s_per_km + 4.0}))
    rows = table(verdict)
    assert rows["km 8"]["off"] == "+2"  # 4 s/km slower than the target, 2 s/km past the band's slow edge
    assert (
        f"2 s slower than the {rows['km 8']['band']} band (target {rows['km 8']['target']}/km)"
        in verdict.text
    )
    check_sentences_against_table(verdict)


@pytest.mark.parametrize("five_k_s", FIVE_K_S)
def test_coverage_bounds_the_score_and_says_what_is_missing(five_k_s: float) -> None:
    plan = plan_for(five_k_s)
    full = simulate_run(plan, seed=3, ran_workout=False)
    eager = plan.running_steps[0].pace_s_per_km - 8.0
    slightly_eager = judge(plan, simulate_run(plan, seed=3, ran_workout=False, pace_overrides={0: eager}))
    tiny = judge(plan, head(full, float(np.interp(159.0, full.distance_m, full.time_s))))
    assert tiny.covered_m == pytest.approx(159.0, abs=3.0)
    assert tiny.score.value <= 100.0 * 159.0 / plan.total_distance_m
    assert tiny.score.value < slightly_eager.score.value
    assert tiny.text.startswith(
        f"No planned split was run: covered 0.1 of the planned 5 mi ({tiny.covered_m:.0f} m)"
    )
    for share in (0.3, 0.6, 0.9):
        cut = float(np.interp(share * plan.total_distance_m, full.distance_m, full.time_s))
        verdict = judge(plan, head(full, cut))
        assert verdict.coverage == pytest.approx(share, abs=0.01)
        assert verdict.score.value <= share * 100.0 + 0.05
        assert f"Covered {share * 5:.1f} of the planned 5 mi" in verdict.text


@pytest.mark.parametrize("five_k_s", FIVE_K_S)
@pytest.mark.parametrize("unit", [SplitUnit.MILE, SplitUnit.KM])
def test_a_steady_run_did_not_progress_and_pays_for_it(five_k_s: float, unit: SplitUnit) -> None:
    plan = plan_for(five_k_s, unit)
    steady = judge(plan, simulate_run(plan, behaviour="steady", seed=4, ran_workout=False))
    follow = judge(plan, simulate_run(plan, seed=4, ran_workout=False))
    word = "mile" if unit is SplitUnit.MILE else "km"
    assert not steady.progressed
    assert steady.text.startswith("Not a progression: the pace did not get faster split by split")
    assert f"held {word} 1's pace" in steady.text
    assert "you went out too fast" not in steady.text.lower()
    assert steady.score.points_for("stalled") >= 25.0
    assert steady.score.value <= 40.0 and follow.score.value >= 95.0
    check_sentences_against_table(steady)


def test_a_stall_in_the_middle_is_named() -> None:
    plan = plan_for(1200.0)
    held = plan.running_steps[1].pace_s_per_km
    verdict = judge(plan, simulate_run(plan, noise=0, pace_overrides={2: held}))
    assert verdict.splits[2].stalled and not verdict.splits[2].slower_than_previous
    assert "Mile 3 held mile 2's pace (7:32/mi) instead of getting faster." in verdict.text
    assert verdict.score.points_for("stalled") == 12.0  # 5 + 0.5 x 16 s/km not made, capped at 12


@pytest.mark.parametrize("five_k_s", FIVE_K_S)
@pytest.mark.parametrize("stop_s", [60, 120])
def test_a_stop_is_named_and_not_called_slow_running(five_k_s: float, stop_s: int) -> None:
    plan = plan_for(five_k_s)
    run = simulate_run(plan, seed=6, ran_workout=False)
    verdict = judge(plan, with_stop(dataclasses.replace(run, laps=()), 2.5 * MILE, stop_s))
    third = verdict.splits[2]
    assert third.stopped_s == pytest.approx(stop_s, abs=3.0)
    assert f"{stop_s // 60}:00 stopped in mile 3." in verdict.text
    assert abs(verdict.cumulative_delta_s) < 15.0  # moving time against the plan; the stop apart
    assert verdict.score.value >= 95.0
    assert "stopped 1:00" in table(verdict)["mile 3"]["status"] or stop_s != 60


@pytest.mark.parametrize(
    ("five_k_s", "factor", "split"), list(itertools.product(FIVE_K_S, (0.88, 1.12), (2, 3)))
)
def test_gps_drift_with_steady_heart_rate_and_cadence_is_not_blamed_on_the_runner(
    five_k_s: float, factor: float, split: int
) -> None:
    plan = plan_for(five_k_s)
    run = dataclasses.replace(simulate_run(plan, seed=7, ran_workout=False), laps=())
    drifted = with_gps_drift(run, split * MILE, (split + 1) * MILE, factor)
    verdict = judge(plan, drifted)
    suspect = [found.index for found in verdict.splits if found.gps_suspect]
    assert suspect == [split + 1]
    label = f"mile {split + 1}"
    assert f"The watch's distance is suspect in {label}" in verdict.text
    assert table(verdict)[label]["status"] == "GPS suspect"
    # the drifted metres also shift the next split's start, which can cost a few points there
    assert verdict.score.value >= 85.0
    assert verdict.score.points_for("outside_band") <= 3.0
    # ... but never the progression: the split after the drift is no anchor (it may hold some of the
    # drift), so the one after it is compared with the last split before the drift
    assert verdict.progressed
    assert not any(found.slower_than_previous for found in verdict.splits)
    compared = {found.index: found.compared_with for found in verdict.splits}
    assert compared[split + 2] == split
    if split + 3 in compared:
        assert compared[split + 3] == split


@pytest.mark.parametrize("five_k_s", FIVE_K_S)
@pytest.mark.parametrize("slower", [-20.0, 25.0])
def test_a_runner_who_really_changed_pace_is_still_judged(five_k_s: float, slower: float) -> None:
    plan = plan_for(five_k_s)
    pace = plan.running_steps[2].pace_s_per_km + slower
    verdict = judge(plan, simulate_run(plan, seed=7, ran_workout=False, pace_overrides={2: pace}))
    assert not any(found.gps_suspect for found in verdict.splits)
    assert verdict.score.points_for("outside_band") > 0.0


@pytest.mark.parametrize("five_k_s", FIVE_K_S)
def test_grade_adjusted_target_says_which_pace_was_used(five_k_s: float) -> None:
    plan = plan_for(five_k_s)
    verdict = judge(plan, simulate_run(plan, behaviour="hilly", seed=1, ran_workout=False))
    last = table(verdict)["mile 5"]
    assert last["watch"] != last["gap"]
    assert (
        f"Target reached on grade-adjusted pace: mile 5 at {last['gap']}/mi (target {last['target']}/mi); "
        f"watch pace {last['watch']}/mi." in verdict.text
    )


@pytest.mark.parametrize("five_k_s", FIVE_K_S)
@pytest.mark.parametrize("unit", [SplitUnit.MILE, SplitUnit.KM])
def test_the_target_sentence_names_gap_whenever_the_table_shows_two_paces(
    five_k_s: float, unit: SplitUnit
) -> None:
    """Every behaviour, on the flat and over hills: when the final split's GAP and watch pace show
    differently in the table, even by a second (4:17 against 4:15), the target sentence says it used
    grade-adjusted pace and gives the watch pace; when they show the same, it says neither."""
    plan = plan_for(five_k_s, unit)
    named = plain = 0
    for seed, behaviour in enumerate(BEHAVIOURS):
        verdict = judge(plan, simulate_run(plan, behaviour=behaviour, seed=seed, ran_workout=False))
        rows = table(verdict)
        final = next(row for row in reversed(rows.values()) if row["watch"] != "-")
        target = next((s for s in verdict.text.split(". ") if s.startswith("Target")), None)
        if target is None or any(found.gps_suspect for found in verdict.splits):
            continue
        if final["gap"] not in ("-", final["watch"]):
            assert " on grade-adjusted pace: " in target, (final, target)
            assert f"; watch pace {final['watch']}/{unit.value}" in target, (final, target)
            named += 1
        else:
            assert "grade-adjusted" not in target and "watch pace" not in target, (final, target)
            plain += 1
    assert named and plain


@pytest.mark.parametrize("five_k_s", FIVE_K_S)
@pytest.mark.parametrize("unit", [SplitUnit.MILE, SplitUnit.KM])
def test_every_split_at_threshold_counts_as_tempo(five_k_s: float, unit: SplitUnit) -> None:
    plan = plan_for(five_k_s, unit)
    threshold = plan_threshold_s_per_km(plan)
    assert threshold is not None and threshold > plan.target_pace_s_per_km
    follow = judge(plan, simulate_run(plan, seed=8, ran_workout=False))
    assert follow.tempo_splits == plan.tempo_splits
    opening = {index: threshold - 2.0 for index in range(3)}
    eager = judge(plan, simulate_run(plan, seed=8, ran_workout=False, pace_overrides=opening))
    assert eager.tempo_splits == 3 + plan.tempo_splits
    assert eager.score.points_for("too_many_tempo_splits") > 0.0
    assert f"{eager.tempo_splits} splits at tempo or faster than threshold" in eager.text
    assert eager.to_dict()["tempo_splits"] == eager.tempo_splits


@pytest.mark.parametrize("sport", ["cycling", "Biking", "swimming"])
def test_a_ride_is_never_detected_and_never_judged(sport: str) -> None:
    plan = plan_for(1200.0)
    ride = dataclasses.replace(simulate_run(plan, seed=9, ran_workout=False), sport=sport)
    found = detect_progression(ride)
    assert not found.is_progression and found.confidence == 0.0
    assert f"'{sport}', not a run" in found.reasons[0]
    with pytest.raises(PlanError, match=f"'{sport}', not a run"):
        judge(plan, ride)


def test_a_generic_activity_at_riding_speed_is_not_a_run() -> None:
    plan = plan_for(1200.0)
    run = simulate_run(plan, seed=9, ran_workout=False)
    ride = dataclasses.replace(run, sport="generic", speed_m_s=run.speed_m_s * 2.5)
    assert not detect_progression(ride).is_progression
    assert "looks like a ride" in detect_progression(ride).reasons[0]
    with pytest.raises(PlanError, match="looks like a ride"):
        judge(plan, ride)
    assert detect_progression(dataclasses.replace(run, sport="generic")).is_progression


@pytest.mark.parametrize("step_s_per_km", [3.0, 5.0, 9.3, 12.0, 15.0])
@pytest.mark.parametrize("start_s_per_km", [270.0, 330.0, 420.0])
def test_detection_needs_the_methods_least_step(step_s_per_km: float, start_s_per_km: float) -> None:
    plan = plan_for(1500.0, SplitUnit.KM, distance_m=8000.0)
    paces = {index: start_s_per_km - step_s_per_km * min(index, 6) for index in range(8)}
    found = [
        detect_progression(simulate_run(plan, seed=seed, ran_workout=False, pace_overrides=paces))
        for seed in (21, 22)
    ]
    expected = step_s_per_km >= 9.3
    assert [detection.is_progression for detection in found] == [expected, expected]
