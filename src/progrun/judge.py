"""Judge a recorded run against its plan: split by split, by the method's own checks, and with a score.

**Matching.** When the watch ran the workout (the activity has `workout_steps` and laps that carry a
`workout_step_index`), each planned step is matched to the lap(s) of its step index: the watch itself
said where each split began. Otherwise the plan is laid on the run by distance:

1. the cooldown is found by its slowdown: the earliest moment after half the planned distance from
   which at least 85 % of the remaining seconds (pace smoothed over 30 s) are slower than the plan's
   slowest build or tempo band by more than 30 s/km (`progrun.pace_trace.find_cooldown_start`);
2. the running part before it is cut at the planned step boundaries (cumulative distance, first
   crossing);
3. a planned split that the running part only partly covers is judged on what was run when at least
   half of it was run ("partial"), and reported as not run otherwise; running past the plan is
   reported as extra distance.

**Per split** (paces in s/km; grade-adjusted pace, GAP, from `progrun.splits`, or the plain pace when
the file has no altitude): target and actual pace, GAP, in band or how far outside (signed: + slower,
- faster), the change from the split before against the planned change, and the within-split CV of
the 100 m paces.

**The method's checks.**

- *Progressed*: no split slower than the one before by more than `NOISE_ALLOWANCE_S_PER_KM` (3 s/km
  of GAP: split paces of a steady runner wander by 1 to 2 s/km, GPS adds about as much), and the
  last split at least half the planned speed-up faster than the first.
- *Target reached*: the last split run is within the final step's band or faster.
- *Tempo splits*: splits whose GAP is within the target band or at most 2 s/km slower
  (`TEMPO_TOLERANCE_S_PER_KM`); the cap is the method's 3 (or the plan's own, if higher).
- *Cooldown*: seconds of the cooldown (the watch's cooldown step, or the slow tail); 180 s or more
  counts as done (the method asks for "5 or so minutes"; 3 minutes already brings the heart rate down).
- *Went out too fast*: one of the first two splits faster than its band's fast edge.
- *Cumulative time*: the time of the running splits against the planned time of the same splits.

The pace-control score is `progrun.score`. The verdict text leads with the most important finding.
The matching lives in `progrun.step_matching`, the Verdict and its text in `progrun.verdict`.
"""

from __future__ import annotations

import math
from dataclasses import replace

from progrun.activity import Activity
from progrun.detect import split_gap
from progrun.plan import Plan, SplitUnit, Step, StepKind
from progrun.score import (
    COOLDOWN_DONE_S,
    NOISE_ALLOWANCE_S_PER_KM,
    TEMPO_CAP,
    ScoreInputs,
    pace_control_score,
)
from progrun.split_frame import shared_work
from progrun.splits import Split
from progrun.step_matching import Span, match_by_distance, match_by_workout, measure, ran_workout
from progrun.verdict import SplitVerdict, Verdict, coach_findings

__all__ = ["TEMPO_TOLERANCE_S_PER_KM", "SplitVerdict", "Verdict", "judge"]

#: A split this much slower than the target band still counts as at tempo.
TEMPO_TOLERANCE_S_PER_KM = 2.0


def _labels(plan: Plan) -> list[str]:
    word = "Mile" if plan.unit is SplitUnit.MILE else "Km"
    labels: list[str] = []
    number = 0
    for step in plan.running_steps:
        if step.kind is StepKind.WARMUP:
            labels.append("The warm-up")
            continue
        number += 1
        labels.append(f"{word} {number}")
    return labels


def _off(pace: float, step: Step) -> float:
    if not math.isfinite(pace):
        return math.nan
    if pace > step.high_s_per_km:
        return pace - step.high_s_per_km
    if pace < step.low_s_per_km:
        return pace - step.low_s_per_km
    return 0.0


def _split_verdicts(
    plan: Plan, spans: list[Span | None], splits: list[Split | None], cvs: list[float]
) -> list[SplitVerdict]:
    labels = _labels(plan)
    result: list[SplitVerdict] = []
    previous_pace = math.nan
    previous_target = math.nan
    for index, step in enumerate(plan.running_steps):
        split, span = splits[index], spans[index]
        planned_delta = step.pace_s_per_km - previous_target if index else math.nan
        previous_target = step.pace_s_per_km
        nan = math.nan
        if split is None or span is None:
            result.append(
                SplitVerdict(
                    index + 1,
                    labels[index],
                    step.kind,
                    "not run",
                    step.distance_m or nan,
                    nan,
                    nan,
                    nan,
                    nan,
                    step.expected_time_s,
                    step.pace_s_per_km,
                    step.low_s_per_km,
                    step.high_s_per_km,
                    nan,
                    nan,
                    nan,
                    nan,
                    None,
                    nan,
                    planned_delta,
                    False,
                    nan,
                    nan,
                    nan,
                )
            )
            previous_pace = nan
            continue
        judged = split_gap(split)
        off = _off(judged, step)
        delta = judged - previous_pace
        slower = bool(math.isfinite(delta) and delta > NOISE_ALLOWANCE_S_PER_KM + max(0.0, planned_delta))
        result.append(
            SplitVerdict(
                index=index + 1,
                label=labels[index],
                kind=step.kind,
                status="run" if span.fraction >= 1.0 else "partial",
                planned_distance_m=step.distance_m or nan,
                distance_m=split.distance_m,
                start_s=split.start_s,
                end_s=split.end_s,
                elapsed_s=split.elapsed_s,
                planned_s=step.expected_time_s * span.fraction,
                target_s_per_km=step.pace_s_per_km,
                low_s_per_km=step.low_s_per_km,
                high_s_per_km=step.high_s_per_km,
                actual_s_per_km=split.pace_s_per_km,
                gap_s_per_km=split.gap_s_per_km,
                judged_s_per_km=judged,
                off_s_per_km=off,
                in_band=off == 0.0 if math.isfinite(off) else None,
                delta_prev_s_per_km=delta,
                planned_delta_s_per_km=planned_delta,
                slower_than_previous=slower,
                pace_cv=cvs[index],
                heart_rate_avg=split.heart_rate_avg,
                elevation_gain_m=split.elevation_gain_m,
            )
        )
        previous_pace = judged
    return result


def judge(plan: Plan, activity: Activity) -> Verdict:
    """Judge `activity` against `plan`; see the module docstring for the matching and the checks.

    Example: ``judge(plan, read_activity("run.fit")).text`` -> "Good progression: ..."
    """
    if not plan.running_steps:
        raise ValueError("the plan has no running steps to judge")
    with shared_work():  # the laps and the 100 m pieces share one preparation of the run
        return _judge(plan, activity)


def _judge(plan: Plan, activity: Activity) -> Verdict:
    by_workout = ran_workout(activity)
    match = match_by_workout if by_workout else match_by_distance
    spans, cooldown_s, extra_m, warnings = match(plan, activity)
    splits, cvs = measure(activity, spans)
    verdicts = _split_verdicts(plan, spans, splits, cvs)
    run = [split for split in verdicts if split.was_run]
    final_step = plan.running_steps[-1]
    tempo_edge = final_step.high_s_per_km + TEMPO_TOLERANCE_S_PER_KM
    tempo_splits = sum(
        1 for split in run if split.judged_s_per_km <= tempo_edge and split.kind is not StepKind.WARMUP
    )
    tempo_cap = max(TEMPO_CAP, plan.tempo_splits)
    target_miss = run[-1].judged_s_per_km - final_step.high_s_per_km if run else math.inf
    target_reached = bool(run) and target_miss <= 0.0
    planned_drop = plan.running_steps[0].pace_s_per_km - final_step.pace_s_per_km
    progressed = (
        len(run) >= 2
        and not any(split.slower_than_previous for split in run)
        and run[0].judged_s_per_km - run[-1].judged_s_per_km >= 0.5 * planned_drop
    )
    went_out_too_fast = any(split.off_s_per_km < 0 for split in run[:2] if split.kind is not StepKind.TEMPO)
    not_run = sum(1 for split in verdicts if not split.was_run)
    inputs = ScoreInputs(
        slower_by_s_per_km=[split.delta_prev_s_per_km for split in run if split.slower_than_previous],
        target_miss_s_per_km=target_miss if run else 30.0,
        tempo_splits=tempo_splits,
        tempo_cap=tempo_cap,
        cooldown_s=cooldown_s,
        went_out_too_fast=went_out_too_fast,
        band_offsets_s_per_km=[split.off_s_per_km for split in run],
        split_cvs=[split.pace_cv for split in run],
        splits_not_run=not_run,
    )
    score = pace_control_score(inputs)
    verdict = Verdict(
        plan=plan,
        unit=plan.unit,
        matched_by="workout" if by_workout else "distance",
        splits=tuple(verdicts),
        score=score,
        progressed=progressed,
        target_reached=target_reached,
        tempo_splits=tempo_splits,
        tempo_cap=tempo_cap,
        cooldown_s=cooldown_s,
        cooldown_done=cooldown_s >= COOLDOWN_DONE_S,
        went_out_too_fast=went_out_too_fast,
        running_s=sum(split.elapsed_s for split in run),
        planned_running_s=sum(split.planned_s for split in run),
        extra_distance_m=extra_m,
        splits_not_run=not_run,
        findings=(),
        warnings=tuple(warnings),
    )
    return replace(verdict, findings=tuple(coach_findings(verdict)))
