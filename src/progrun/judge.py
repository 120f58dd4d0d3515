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
the file has no altitude; for a route-aware plan, `progrun.route_plan`, the watch's pace against the
hill-adjusted targets, its GAP shown against the flat plan's): target and actual pace, GAP, in band or
how far outside (signed: + slower,
- faster), the change from the split before against the planned change, and the within-split CV of
the 100 m paces.

**The method's checks.**

- *Progressed*: no split slower than the one before by more than `NOISE_ALLOWANCE_S_PER_KM` (3 s/km
  of GAP: split paces of a steady runner wander by 1 to 2 s/km, GPS adds about as much), and the
  last split at least half the planned speed-up faster than the first.
- *Target reached*: the last split run is within the final step's band or faster.
- *Tempo splits*: every split at or faster than threshold pace (the method caps the miles "at that
  tempo or threshold pace"), or within the target band or at most 2 s/km slower
  (`TEMPO_TOLERANCE_S_PER_KM`), whichever is slower; the cap is the method's 3 (or the plan's own,
  if higher). The threshold pace is the plan's own (`options["threshold_s_per_km"]`), else the VDOT
  threshold of the race the target is the pace of (a 5k or 10k target).
- *Stalled*: a split planned faster than the one before that got faster by less than half the
  planned step, while still slower than the tempo edge (a steady run stalls at every build split).
- *Stops*: a split's elapsed minus moving time; its pace is on moving time, and the cumulative time
  is compared on moving time with the stops named apart.
- *Cooldown*: seconds of the cooldown (the watch's cooldown step, or the slow tail); 180 s or more
  counts as done (the method asks for "5 or so minutes"; 3 minutes already brings the heart rate down).
- *Went out too fast*: one of the first two splits faster than its band's fast edge.
- *Cumulative time*: the moving time of the running splits against the planned time of the same splits.
- *Coverage*: the share of the plan's running distance covered; it scales the score.
- *GPS suspect*: a split whose pace jumps off its target while heart rate and cadence say it was run
  as planned (`progrun.gps_trust`) is not judged on pace: no band, slower-split or stall check, and
  the next split is compared with the split before it. The drift does not stop at a split mark: the
  extra (or missing) metres move the next split's start and part of the drift can fall inside it, so
  that split is no anchor either: the split after it is compared with the last split before the
  drift too (`SplitVerdict.compared_with`). A well-run split after the drift then never looks slower.

Every pace and difference the verdict shows is computed once, on paces rounded to whole seconds per
mile or km (the unit of the plan), so the table, the sentences and the score's details agree.
Only runs are judged: any other sport raises PlanError naming it (`progrun.sport`).

The pace-control score is `progrun.score`. The verdict text leads with the most important finding.
The matching lives in `progrun.step_matching`, the Verdict and its text in `progrun.verdict`.
"""

from __future__ import annotations

import math
import sys
import types
from dataclasses import dataclass, replace

from progrun.activity import Activity
from progrun.errors import PlanError, ProgrunError
from progrun.gps_trust import read_body
from progrun.paces import training_paces_from_race
from progrun.plan import Plan, SplitUnit, Step, StepKind
from progrun.route_plan import flat_paces_of
from progrun.score import (
    COOLDOWN_DONE_S,
    NOISE_ALLOWANCE_S_PER_KM,
    TEMPO_CAP,
    ScoreInputs,
    pace_control_score,
)
from progrun.split_frame import PreparedRun
from progrun.splits import Split
from progrun.sport import not_a_run_reason
from progrun.step_matching import Span, match_by_distance, match_by_workout, measure, ran_workout
from progrun.verdict import SplitStatus, SplitVerdict, Verdict
from progrun.verdict_words import coach_findings

__all__ = ["TEMPO_TOLERANCE_S_PER_KM", "SplitVerdict", "Verdict", "judge", "plan_threshold_s_per_km"]

#: A split this much slower than the target band still counts as at tempo.
TEMPO_TOLERANCE_S_PER_KM = 2.0
#: Stopped time in a split (elapsed minus moving) this long or longer is named as a stop.
STOP_REPORT_S = 20.0
#: What a route-aware plan's splits are judged on (`Verdict.judged_on`).
ROUTE_JUDGED_ON = "watch pace against the route's hill-adjusted targets"
#: The race distance whose pace each plan target kind is.
_TARGET_RACE_M = {"5k": 5000.0, "10k": 10000.0}


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


def plan_threshold_s_per_km(plan: Plan) -> float | None:
    """The runner's threshold pace for `plan` (s/km), or None when the plan does not say.

    The plan's own `options["threshold_s_per_km"]` if it carries one; else, for a target that is a race
    pace (5k or 10k), the VDOT threshold pace of that race run at the target pace; for a threshold
    target, the target itself.
    """
    given = plan.options.get("threshold_s_per_km")
    if isinstance(given, int | float) and math.isfinite(given) and given > 0:
        return float(given)
    if plan.target_kind == "threshold":
        return plan.target_pace_s_per_km
    race_m = _TARGET_RACE_M.get(plan.target_kind)
    if race_m is None or not math.isfinite(plan.target_pace_s_per_km):
        return None
    try:
        paces = training_paces_from_race(race_m, plan.target_pace_s_per_km * race_m / 1000.0)
    except ProgrunError:
        return None
    return paces.threshold_s_per_km


@dataclass(frozen=True)
class _Rounding:
    """Paces rounded once to whole seconds per display unit (returned in s/km)."""

    per_km: float  # display units per km

    def __call__(self, pace_s_per_km: float) -> float:
        if not math.isfinite(pace_s_per_km):
            return math.nan
        return math.floor(pace_s_per_km * self.per_km + 0.5) / self.per_km


def _off(pace: float, low: float, high: float) -> float:
    if not math.isfinite(pace):
        return math.nan
    if pace > high:
        return pace - high
    if pace < low:
        return pace - low
    return 0.0


def _not_run(
    index: int, label: str, step: Step, paces: tuple[float, float, float], planned_delta: float
) -> SplitVerdict:
    nan = math.nan
    return SplitVerdict(
        index=index + 1,
        label=label,
        kind=step.kind,
        status=SplitStatus.NOT_RUN,
        planned_distance_m=step.distance_m or nan,
        distance_m=nan,
        start_s=nan,
        end_s=nan,
        elapsed_s=nan,
        planned_s=step.expected_time_s,
        target_s_per_km=paces[0],
        low_s_per_km=paces[1],
        high_s_per_km=paces[2],
        actual_s_per_km=nan,
        gap_s_per_km=nan,
        judged_s_per_km=nan,
        off_s_per_km=nan,
        in_band=None,
        delta_prev_s_per_km=nan,
        planned_delta_s_per_km=planned_delta,
        slower_than_previous=False,
        pace_cv=nan,
        heart_rate_avg_bpm=nan,
        elevation_gain_m=nan,
    )


def _split_verdicts(
    plan: Plan,
    spans: list[Span | None],
    splits: list[Split | None],
    cvs: list[float],
    tempo_edge_s_per_km: float,
) -> list[SplitVerdict]:
    labels = _labels(plan)
    rounded = _Rounding(plan.unit.metres / 1000.0)
    steps = plan.running_steps
    # A route-aware plan's targets already follow the hills: judge the watch's pace against them.
    on_route = flat_paces_of(plan) is not None
    judged = [
        rounded(split.pace_s_per_km if on_route else split.judged_s_per_km) if split is not None else math.nan
        for split in splits
    ]
    readings = read_body(
        judged,
        [rounded(step.pace_s_per_km) for step in steps],
        [split.heart_rate_avg_bpm if split is not None else math.nan for split in splits],
        [split.cadence_avg if split is not None else math.nan for split in splits],
    )
    result: list[SplitVerdict] = []
    previous: SplitVerdict | None = None  # the last split run that GPS drift did not disturb
    after_suspect = False  # the split before this one was GPS-suspect: its metres set this one's start
    for index, step in enumerate(steps):
        split, span = splits[index], spans[index]
        target, low, high = (
            rounded(pace) for pace in (step.pace_s_per_km, step.low_s_per_km, step.high_s_per_km)
        )
        planned_delta = target - previous.target_s_per_km if previous is not None else math.nan
        if index and previous is None:
            planned_delta = target - rounded(steps[index - 1].pace_s_per_km)
        if split is None or span is None:
            result.append(_not_run(index, labels[index], step, (target, low, high), planned_delta))
            after_suspect = False
            continue
        pace = judged[index]
        reading = readings[index]
        suspect = reading.suspect
        off = math.nan if suspect else _off(pace, low, high)
        delta = pace - previous.judged_s_per_km if previous is not None and not suspect else math.nan
        slower = bool(math.isfinite(delta) and delta > NOISE_ALLOWANCE_S_PER_KM + max(0.0, planned_delta))
        stalled = bool(
            math.isfinite(delta)
            and planned_delta < 0.0
            and not slower
            and delta > planned_delta / 2.0
            and pace > tempo_edge_s_per_km
        )
        stopped_s = split.elapsed_s - split.moving_s if math.isfinite(split.moving_s) else 0.0
        verdict = SplitVerdict(
            index=index + 1,
            label=labels[index],
            kind=step.kind,
            status=SplitStatus.RUN if span.fraction >= 1.0 else SplitStatus.PARTIAL,
            planned_distance_m=step.distance_m or math.nan,
            distance_m=split.distance_m,
            start_s=split.start_s,
            end_s=split.end_s,
            elapsed_s=split.elapsed_s,
            planned_s=step.expected_time_s * span.fraction,
            target_s_per_km=target,
            low_s_per_km=low,
            high_s_per_km=high,
            actual_s_per_km=rounded(split.pace_s_per_km),
            gap_s_per_km=rounded(split.gap_s_per_km),
            judged_s_per_km=pace,
            off_s_per_km=off,
            in_band=off == 0.0 if math.isfinite(off) else None,
            delta_prev_s_per_km=delta,
            planned_delta_s_per_km=planned_delta,
            slower_than_previous=slower,
            pace_cv=cvs[index],
            heart_rate_avg_bpm=split.heart_rate_avg_bpm,
            elevation_gain_m=split.elevation_gain_m,
            cadence_avg=split.cadence_avg,
            moving_s=split.moving_s,
            stopped_s=max(0.0, stopped_s),
            stalled=stalled,
            gps_suspect=suspect,
            heart_rate_pace_s_per_km=rounded(reading.heart_rate_pace_s_per_km),
            cadence_pace_s_per_km=rounded(reading.cadence_pace_s_per_km),
            compared_with=previous.index if previous is not None and math.isfinite(delta) else None,
        )
        result.append(verdict)
        # The split after a suspect one starts where the drifted metres put it and may hold some of the
        # drift: it is judged (band, slower, stall against the split before the drift) but is no anchor.
        if not suspect and not after_suspect:
            previous = verdict
        after_suspect = suspect
    return result


def judge(
    plan: Plan, activity: Activity | PreparedRun, *, threshold_s_per_km: float | None = None
) -> Verdict:
    """Judge `activity` against `plan`; see the module docstring for the matching and the checks.

    `threshold_s_per_km` is the runner's threshold pace (default: `plan_threshold_s_per_km(plan)`).
    Raises PlanError naming the sport when the activity is not a run. Given a `PreparedRun`, the
    judge reuses (and keeps for later callers) its pace trace and splits.
    Example: ``judge(plan, read_activity("run.fit")).text`` -> "Good progression: ..."
    """
    if not plan.running_steps:
        raise ValueError("the plan has no running steps to judge")
    run = PreparedRun.of(activity)
    activity = run.activity
    reason = not_a_run_reason(activity)
    if reason is not None:
        raise PlanError(
            "sport",
            f"{activity.source or 'the activity'}: {reason}; a progression-run plan judges runs only",
            "judge a running activity (if the watch saved a run under another sport, change its sport "
            "on the watch's app and export it again)",
        )
    return _judge(plan, run, threshold_s_per_km)


def _judge(plan: Plan, prepared: PreparedRun, threshold_s_per_km: float | None) -> Verdict:
    activity = prepared.activity
    by_workout = ran_workout(activity)
    match = match_by_workout(plan, activity) if by_workout else match_by_distance(plan, prepared)
    splits, cvs = measure(prepared, match.spans)  # the laps and the 100 m pieces share one preparation
    final_step = plan.running_steps[-1]
    rounded = _Rounding(plan.unit.metres / 1000.0)
    threshold = threshold_s_per_km if threshold_s_per_km is not None else plan_threshold_s_per_km(plan)
    threshold_q = rounded(threshold) if threshold is not None else math.nan
    tempo_edge = rounded(final_step.high_s_per_km) + TEMPO_TOLERANCE_S_PER_KM
    if math.isfinite(threshold_q):
        tempo_edge = max(tempo_edge, threshold_q)
    verdicts = _split_verdicts(plan, match.spans, splits, cvs, tempo_edge)
    run = [split for split in verdicts if split.was_run]
    trusted = [split for split in run if not split.gps_suspect]
    tempo_splits = sum(
        1 for split in trusted if split.judged_s_per_km <= tempo_edge and split.kind is not StepKind.WARMUP
    )
    tempo_cap = max(TEMPO_CAP, plan.tempo_splits)
    final_q = rounded(final_step.high_s_per_km)
    target_split = trusted[-1] if trusted else None
    target_miss = target_split.judged_s_per_km - final_q if target_split is not None else math.inf
    target_reached = target_split is not None and target_miss <= 0.0
    progressed = (
        len(trusted) >= 2
        and not any(split.slower_than_previous for split in trusted)
        and trusted[0].judged_s_per_km - trusted[-1].judged_s_per_km
        >= 0.5 * (trusted[0].target_s_per_km - trusted[-1].target_s_per_km)
    )
    early = [split for split in trusted[:2] if split.kind is not StepKind.TEMPO and split.off_s_per_km < 0]
    went_out_too_fast = bool(early)
    not_run = sum(1 for split in verdicts if not split.was_run)
    planned_m = plan.total_distance_m
    coverage = min(1.0, match.covered_m / planned_m) if planned_m > 0 else 1.0
    inputs = ScoreInputs(
        slower_by_s_per_km=[split.delta_prev_s_per_km for split in trusted if split.slower_than_previous],
        target_miss_s_per_km=target_miss,
        tempo_splits=tempo_splits,
        tempo_cap=tempo_cap,
        cooldown_s=match.cooldown_s,
        went_out_too_fast=went_out_too_fast,
        band_offsets_s_per_km=[split.off_s_per_km for split in trusted],
        split_cvs=[split.pace_cv for split in trusted],
        stalled_short_s_per_km=[
            split.delta_prev_s_per_km - split.planned_delta_s_per_km for split in trusted if split.stalled
        ],
        coverage=coverage,
        unit=plan.unit.value,
        unit_m=plan.unit.metres,
        too_fast_label=early[0].label if early else "the first split",
    )
    score = pace_control_score(inputs)
    stopped_s = sum(split.stopped_s for split in run if split.stopped_s >= STOP_REPORT_S)
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
        cooldown_s=match.cooldown_s,
        cooldown_done=match.cooldown_s >= COOLDOWN_DONE_S,
        went_out_too_fast=went_out_too_fast,
        running_s=sum(split.elapsed_s for split in run),
        planned_running_s=sum(split.planned_s for split in run),
        extra_distance_m=match.extra_m,
        splits_not_run=not_run,
        findings=(),
        warnings=tuple(match.warnings),
        coverage=coverage,
        covered_m=match.covered_m,
        stopped_s=stopped_s,
        threshold_s_per_km=threshold if threshold is not None else math.nan,
        tempo_edge_s_per_km=tempo_edge,
        judged_on=_judged_on(plan, run),
    )
    return replace(verdict, findings=tuple(coach_findings(verdict)))


def _judged_on(plan: Plan, run: list[SplitVerdict]) -> str:
    """What the splits were judged on: watch pace for a route-aware plan, else GAP when there is altitude."""
    if flat_paces_of(plan) is not None:
        return ROUTE_JUDGED_ON
    return "grade-adjusted pace" if any(math.isfinite(split.gap_s_per_km) for split in run) else "pace"


class _JudgeModule(types.ModuleType):
    """This module, callable as the verb it is named after.

    `progrun.judge` is both the verb of `import progrun` and this module; once any code imports the
    module, Python binds the package attribute to it, so the module answers calls as `judge` does.
    """

    def __call__(self, plan: Plan, activity: Activity, *, threshold_s_per_km: float | None = None) -> Verdict:
        return judge(plan, activity, threshold_s_per_km=threshold_s_per_km)


sys.modules[__name__].__class__ = _JudgeModule
