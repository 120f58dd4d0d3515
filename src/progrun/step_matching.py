"""Where each planned step was run: the plan laid on a recorded run, and what was run in each place.

By the watch's own workout laps when it ran the workout (`match_by_workout`), otherwise by distance
with the cooldown found by its slowdown (`match_by_distance`); `measure` then splits the run at the
matched spans. The rules are in `progrun.judge`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from progrun.activity import Activity, Lap, LapTrigger
from progrun.pace_trace import find_cooldown_start, pace_trace
from progrun.plan import Plan, StepKind
from progrun.split_evenness import split_pace_cvs
from progrun.split_frame import PreparedRun
from progrun.splits import Split, split_by_lap

#: Slower than the plan's slowest build/tempo band by this much counts as the cooldown.
COOLDOWN_MARGIN_S_PER_KM = 30.0
#: Extra distance shorter than this is GPS rounding, not extra running.
EXTRA_MIN_M = 50.0


@dataclass(frozen=True)
class Match:
    """The plan laid on a run: a span per running step (None: not run), the cooldown's seconds, metres run
    past the plan, metres of the plan's running steps that were covered, and warnings."""

    spans: list[Span | None]
    cooldown_s: float
    extra_m: float
    covered_m: float
    warnings: list[str]


@dataclass(frozen=True)
class Span:
    """Where a planned step was run: seconds from the start, and how much of it."""

    start_s: float
    end_s: float
    fraction: float


def ran_workout(activity: Activity) -> bool:
    return bool(activity.workout_steps) and any(lap.workout_step_index is not None for lap in activity.laps)


def match_by_workout(plan: Plan, activity: Activity) -> Match:
    """Spans of the running steps from the watch's workout laps, cooldown seconds, extra metres."""
    warnings: list[str] = []
    if len(activity.workout_steps) != len(plan.steps):
        warnings.append(
            f"the watch ran a workout of {len(activity.workout_steps)} steps and the plan has "
            f"{len(plan.steps)}; "
            "steps were matched by their number"
        )
    by_step: dict[int, list[Lap]] = {}
    for lap in activity.laps:
        if lap.workout_step_index is not None:
            by_step.setdefault(lap.workout_step_index, []).append(lap)
    spans: list[Span | None] = []
    covered_m = 0.0
    for index, step in enumerate(plan.running_steps):
        laps = by_step.get(index, [])
        if not laps:
            spans.append(None)
            continue
        start_s = min(lap.start_s for lap in laps)
        end_s = max(lap.start_s + lap.elapsed_s for lap in laps)
        covered = sum(lap.distance_m or 0.0 for lap in laps)
        planned = step.distance_m or 0.0
        fraction = min(1.0, covered / planned) if planned > 0 and covered > 0 else 1.0
        if planned > 0 and covered >= planned - EXTRA_MIN_M:
            fraction = 1.0
        covered_m += fraction * planned
        spans.append(Span(start_s, end_s, fraction) if fraction >= 0.5 else None)
    cooldown_index = len(plan.running_steps)
    cooldown_laps = by_step.get(cooldown_index, []) if len(plan.steps) > cooldown_index else []
    cooldown_s = sum(lap.elapsed_s for lap in cooldown_laps)
    extra_m = sum(
        lap.distance_m or 0.0 for key, laps in by_step.items() if key >= len(plan.steps) for lap in laps
    )
    return Match(spans, cooldown_s, extra_m, covered_m, warnings)


def match_by_distance(plan: Plan, activity: Activity | PreparedRun) -> Match:
    """Spans of the running steps laid on by distance, cooldown seconds from the slowdown, extra metres."""
    trace = pace_trace(activity)
    running = plan.running_steps
    if trace is None:
        return Match(
            [None] * len(running), 0.0, 0.0, 0.0, ["the file has no distance, so no split could be matched"]
        )
    judged = [step for step in running if step.kind is not StepKind.WARMUP] or list(running)
    slow_pace = max(step.high_s_per_km for step in judged) + COOLDOWN_MARGIN_S_PER_KM
    half_s = float(np.interp(plan.total_distance_m / 2.0, trace.distance_m, trace.time_s))
    cooldown_start = find_cooldown_start(trace, 1000.0 / slow_pace, half_s)
    end_s = cooldown_start if cooldown_start is not None else float(trace.time_s[-1])
    cooldown_s = float(trace.time_s[-1]) - end_s if cooldown_start is not None else 0.0
    run_m = float(np.interp(end_s, trace.time_s, trace.distance_m))
    if plan.timed:  # a plan by time: the splits are laid on by the clock
        return _match_by_time(plan, trace.time_s, trace.distance_m, end_s, cooldown_s)
    edges = np.concatenate([[0.0], np.cumsum([step.distance_m or 0.0 for step in running])])
    crossings = np.interp(edges, trace.distance_m, trace.time_s)
    spans: list[Span | None] = []
    for index, step in enumerate(running):
        planned = step.distance_m or 0.0
        covered = min(run_m, float(edges[index + 1])) - float(edges[index])
        if planned <= 0 or covered < 0.5 * planned:
            spans.append(None)
            continue
        full = covered >= planned - EXTRA_MIN_M
        stop_s = float(crossings[index + 1]) if run_m >= edges[index + 1] else end_s
        spans.append(Span(float(crossings[index]), stop_s, 1.0 if full else covered / planned))
    extra_m = max(0.0, run_m - float(edges[-1]))
    covered_m = min(max(run_m, 0.0), float(edges[-1]))
    if covered_m >= float(edges[-1]) - EXTRA_MIN_M:
        covered_m = float(edges[-1])
    return Match(spans, cooldown_s, extra_m if extra_m >= EXTRA_MIN_M else 0.0, covered_m, [])


#: A timed split run this many seconds short still counts as whole (the watch's last second, rounding).
SHORT_MIN_S = 15.0


def _match_by_time(
    plan: Plan, time_s: np.ndarray, distance_m: np.ndarray, end_s: float, cooldown_s: float
) -> Match:
    """Spans of a timed plan's running steps, laid on from the start of the run by their durations; the
    plan's metres covered count each split's expected distance by the share of its time that was run."""
    durations = [step.duration_s or step.expected_time_s for step in plan.running_steps]
    edges = float(time_s[0]) + np.concatenate([[0.0], np.cumsum(durations)])
    spans: list[Span | None] = []
    covered_m = 0.0
    for index, planned in enumerate(durations):
        start, stop = float(edges[index]), min(float(edges[index + 1]), end_s)
        covered = stop - start
        fraction = 1.0 if covered >= planned - SHORT_MIN_S else max(0.0, covered / planned)
        covered_m += fraction * plan.running_steps[index].expected_distance_m
        spans.append(Span(start, stop, fraction) if covered >= 0.5 * planned else None)
    extra_s = end_s - float(edges[-1])
    extra_m = float(np.interp(end_s, time_s, distance_m) - np.interp(edges[-1], time_s, distance_m))
    extra = extra_m if extra_s > 0 and extra_m >= EXTRA_MIN_M else 0.0
    return Match(spans, cooldown_s, extra, covered_m, [])


def measure(
    activity: Activity | PreparedRun, spans: list[Span | None]
) -> tuple[list[Split | None], list[float]]:
    """split_by_lap over synthetic laps at the spans; within-split CVs."""
    real = [(index, span) for index, span in enumerate(spans) if span is not None]
    if not real:
        return [None] * len(spans), [math.nan] * len(spans)
    laps = tuple(
        Lap(
            number,
            span.start_s,
            span.end_s - span.start_s,
            span.end_s - span.start_s,
            None,
            LapTrigger.UNKNOWN,
        )
        for number, (_, span) in enumerate(real)
    )
    measured = split_by_lap(PreparedRun.of(activity).with_laps(laps))
    cvs = split_pace_cvs(activity, [(span.start_s, span.end_s) for _, span in real])
    splits: list[Split | None] = [None] * len(spans)
    cv_list = [math.nan] * len(spans)
    for (index, _), split, cv in zip(real, measured, cvs, strict=True):
        splits[index] = split
        cv_list[index] = cv
    return splits, cv_list
