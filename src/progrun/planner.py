"""The progression-run planner: turn training paces and a distance into a split-by-split Plan.

The arithmetic, in seconds per split unit (mile or km). A run of `n` splits starts at pace S and has
`b` build splits then `t` tempo splits at the target T (`b + t = n`, `1 <= t <= cap`). Build split i
runs at `S - i*step`; the jump from the last build split to T is the remainder
`r = (S - T) - (b - 1)*step`. A layout is valid when the step and `r` are within the method's bounds
(15-30 s/mi, 9-19 s/km), so no split is ever faster than T and every split is faster than the last.

Marathon pace is a fixed start. An easy start may sit anywhere in the easy range, which is what makes
longer runs work: the planner slides the start inside the range so that the steps land on T.

Among the valid layouts the planner prefers, in order: the most tempo splits (up to the cap; time at
tempo is what the workout is for), the most even steps (`r` closest to the step), the step nearest the
middle of the bounds, the slower start, and finally an easy start over a marathon one.

>>> from progrun.training_paces import TrainingPaces
>>> paces = TrainingPaces(334.0, 298.0, 272.0, 256.0, 235.0, 220.0, 249.0, 240.0)
>>> plan = build_plan(paces, 8046.72)
>>> [step.cue for step in plan.steps]
['settle in', '27 s faster', '27 s faster', '27 s faster: tempo', 'hold tempo', 'walk/jog 5 min']
"""

from __future__ import annotations

import math
from dataclasses import replace

from progrun import plan_rules as rules
from progrun.errors import PlanError, Suggestion
from progrun.plan import Plan, SplitUnit
from progrun.plan_layout import Layout, StartChoice, TargetChoice
from progrun.plan_problem import PlanProblem
from progrun.plan_reasons import units_text
from progrun.training_paces import TrainingPaces
from progrun.units import format_distance, format_duration

__all__ = ["StartChoice", "TargetChoice", "build_duration_plan", "build_plan", "split_distances"]


def split_distances(distance_m: float, unit: SplitUnit) -> tuple[float, ...]:
    """Metres of each split of a run of `distance_m` in splits of `unit`; they add up to `distance_m`.

    A remainder of a quarter split or more is a partial last split (5.5 mi -> five miles and 0.5 mi);
    a shorter one is folded into the last split (5 mi in km splits -> seven km and 1.047 km).

    >>> [round(d, 1) for d in split_distances(5.5 * 1609.344, SplitUnit.MILE)]
    [1609.3, 1609.3, 1609.3, 1609.3, 1609.3, 804.7]
    """
    if not math.isfinite(distance_m) or distance_m <= 0:
        raise ValueError(f"a distance must be a positive number of metres, not {distance_m!r}")
    whole = int((distance_m + rules.DISTANCE_TOLERANCE_M) // unit.metres)
    remainder = distance_m - whole * unit.metres
    if whole == 0:
        return (distance_m,)
    if remainder >= rules.MIN_PARTIAL_FRACTION * unit.metres:
        return (*([unit.metres] * whole), remainder)
    last = distance_m - (whole - 1) * unit.metres
    return (*([unit.metres] * (whole - 1)), last)


def _check_options(tempo_splits: int, step_s: float | None, cooldown_s: float) -> None:
    if not 1 <= tempo_splits <= rules.MAX_TEMPO_SPLITS:
        raise PlanError(
            "tempo_splits",
            f"{tempo_splits} splits at the target is outside the method (1 to {rules.MAX_TEMPO_SPLITS})",
            [
                "use ",
                Suggestion("tempo_splits", str(rules.DEFAULT_TEMPO_SPLITS)),
                f" (the default) or {rules.MAX_TEMPO_SPLITS}",
            ],
        )
    if step_s is not None and (not math.isfinite(step_s) or step_s <= 0):
        raise PlanError(
            "step",
            f"{step_s!r} s is not a step",
            ["give a positive number of seconds, e.g. ", Suggestion("step", "20")],
        )
    if not math.isfinite(cooldown_s) or cooldown_s < 0:
        raise PlanError("cooldown", f"{cooldown_s!r} s is not a cooldown", "give e.g. 300 (5 minutes)")


def build_plan(
    paces: TrainingPaces,
    distance_m: float,
    *,
    unit: SplitUnit = SplitUnit.MILE,
    start: StartChoice = StartChoice.AUTO,
    target: TargetChoice = TargetChoice.TEN_K,
    step_s: float | None = None,
    tempo_splits: int = rules.DEFAULT_TEMPO_SPLITS,
    warmup: bool = False,
    cooldown_s: float = rules.DEFAULT_COOLDOWN_S,
    strict_method: bool = False,
) -> Plan:
    """A progression run of `distance_m` metres from `paces`, split by split in `unit`.

    `step_s` is seconds per split unit (per mile or per km); None lets the planner choose a whole
    second within the method's bounds. `tempo_splits` caps the splits at the target (1 to 3); the
    planner also keeps every split at or faster than threshold pace to 3 miles in all.
    A request outside the method's ranges is planned with a warning, or refused if `strict_method`.
    A request that cannot work, or a distance no progression run has (over a marathon), raises
    PlanError saying why and what would.
    """
    if not math.isfinite(distance_m) or distance_m <= 0:
        raise PlanError("distance", f"{distance_m!r} m is not a distance to run", "give e.g. 5mi or 8km")
    if distance_m > rules.MAX_PLAN_DISTANCE_M + rules.DISTANCE_TOLERANCE_M:
        raise PlanError(
            "distance",
            f"{format_distance(distance_m, unit.value)} is longer than any progression run "
            f"(at most a marathon, {format_distance(rules.MAX_PLAN_DISTANCE_M, unit.value)})",
            [
                "the method's runs are 3 to 6 miles (5 to 10 km): give e.g. ",
                Suggestion("distance", "5mi"),
                " or ",
                Suggestion("distance", "8km"),
            ],
        )
    _check_options(tempo_splits, step_s, cooldown_s)
    u = unit.value
    distance_text = format_distance(distance_m, u)
    method_warnings: list[str] = []
    if not (
        rules.METHOD_MIN_DISTANCE_M - rules.DISTANCE_TOLERANCE_M
        <= distance_m
        <= rules.METHOD_MAX_DISTANCE_M + rules.DISTANCE_TOLERANCE_M
    ):
        method_warnings.append(f"{distance_text} is outside the method's 3 to 6 miles (5 to 10 km)")
    reasons: list[str] = []
    distances = split_distances(distance_m, unit)
    if len(distances) > 1 and distances[-1] < unit.metres - rules.DISTANCE_TOLERANCE_M:
        reasons.append(f"the last split is {format_distance(distances[-1], u)}")
    elif len(distances) > 1 and distances[-1] > unit.metres + rules.DISTANCE_TOLERANCE_M:
        reasons.append(
            f"the last split is {format_distance(distances[-1], u)} (the short remainder folded in)"
        )
    warmup_distances = distances[:1] if warmup else ()
    moving = distances[1:] if warmup else distances
    if len(moving) < 2:
        raise PlanError(
            "distance",
            f"{distance_text} gives {len(moving)} progression split(s); a progression needs at least 2",
            ["try ", Suggestion("distance", units_text(len(warmup_distances) + 3, unit))],
        )
    problem = PlanProblem(paces, unit, start, target, step_s, tempo_splits, moving, timed=False)
    layout = problem.layout(method_warnings, whole_before=len(warmup_distances))
    plan = problem.plan(
        layout,
        warmup_distances=warmup_distances,
        cooldown_s=cooldown_s,
        strict_method=strict_method,
        method_warnings=method_warnings,
        reasons=reasons,
        options={"distance_m": distance_m, "warmup": warmup},
    )
    running_s = sum(step.expected_time_s for step in plan.running_steps)
    if running_s > rules.LONG_RUN_WARNING_S:
        suggestion = format_duration_text(rules.SUGGESTED_DURATION_S)
        long_run = (
            f"{distance_text} is {format_duration(running_s)} of running at these paces, longer than a "
            f"progression run needs (the method's 3-6 miles take most runners 25-60 minutes); "
            f"a plan by time fits better: a duration of {suggestion}"
        )
        if strict_method:
            raise PlanError("distance", long_run, ["try ", Suggestion("duration", suggestion)])
        plan = replace(plan, warnings=(*plan.warnings, long_run))
    return plan


def format_duration_text(duration_s: float) -> str:
    """A duration as the CLI reads it: "40min"."""
    return f"{round(duration_s / 60.0)}min"


def build_duration_plan(
    paces: TrainingPaces,
    duration_s: float,
    *,
    unit: SplitUnit = SplitUnit.MILE,
    start: StartChoice = StartChoice.AUTO,
    target: TargetChoice = TargetChoice.TEN_K,
    step_s: float | None = None,
    tempo_splits: int = rules.DEFAULT_TEMPO_SPLITS,
    cooldown_s: float = rules.DEFAULT_COOLDOWN_S,
    strict_method: bool = False,
) -> Plan:
    """The same method by time: `duration_s` seconds of running in equal timed splits, each faster.

    The splits last 4 to 15 minutes, as near 8 as the layout allows; `step_s` is still seconds faster
    per `unit` (mile or km) from one split to the next, 15-30 s/mi (9-19 s/km). 20-60 minutes is the
    method's range (outside it: a warning, or refused if `strict_method`); over 3 hours is refused.
    """
    if not math.isfinite(duration_s) or duration_s <= 0:
        raise PlanError(
            "duration",
            f"{duration_s!r} s is not a time to run",
            ["give e.g. ", Suggestion("duration", "40min")],
        )
    if duration_s > rules.MAX_PLAN_DURATION_S:
        raise PlanError(
            "duration",
            f"{format_duration(duration_s)} is longer than any progression run (at most 3 hours)",
            ["the method runs 20 to 60 minutes: give e.g. ", Suggestion("duration", "40min")],
        )
    _check_options(tempo_splits, step_s, cooldown_s)
    counts = [
        count
        for count in range(2, int(duration_s // rules.MIN_TIMED_SPLIT_S) + 1)
        if duration_s / count <= rules.MAX_TIMED_SPLIT_S
    ]
    if not counts:
        raise PlanError(
            "duration",
            f"{format_duration(duration_s)} is too short for 2 splits of at least "
            f"{format_duration(rules.MIN_TIMED_SPLIT_S)}",
            ["give e.g. ", Suggestion("duration", "20min"), " or longer"],
        )
    method_warnings: list[str] = []
    if not rules.METHOD_MIN_DURATION_S - 0.5 <= duration_s <= rules.METHOD_MAX_DURATION_S + 0.5:
        method_warnings.append(f"{format_duration(duration_s)} is outside the method's 20 to 60 minutes")
    candidates: list[tuple[tuple[float, ...], PlanProblem, Layout, list[str]]] = []
    failure: PlanError | None = None
    for count in counts:
        lengths = (duration_s / count,) * count
        problem = PlanProblem(paces, unit, start, target, step_s, tempo_splits, lengths, timed=True)
        warned: list[str] = []
        try:
            layout = problem.layout(warned, whole_before=0)
        except PlanError as error:
            failure = failure or error
            continue
        key = (
            layout.hold_splits,
            round(abs(lengths[0] - rules.PREFERRED_TIMED_SPLIT_S)),
            -layout.tempo_splits,
        )
        candidates.append((key, problem, layout, warned))
    if not candidates:
        assert failure is not None
        raise failure
    _, problem, layout, warned = min(candidates, key=lambda candidate: candidate[0])
    split_text = format_duration(problem.lengths[0])
    return problem.plan(
        layout,
        warmup_distances=(),
        cooldown_s=cooldown_s,
        strict_method=strict_method,
        method_warnings=method_warnings + warned,
        reasons=[f"splits: {len(problem.lengths)} of {split_text}, each faster than the last"],
        options={"duration_s": duration_s, "warmup": False},
    )
