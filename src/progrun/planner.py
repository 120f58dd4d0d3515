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
from collections.abc import Sequence

from progrun import plan_rules as rules
from progrun.errors import PlanError
from progrun.plan import Plan, SplitUnit, Step, StepKind
from progrun.plan_layout import (
    EPSILON,
    Layout,
    Rules,
    StartChoice,
    TargetChoice,
    best_layout,
    per_km,
    per_unit,
    start_ranges,
    target_pace,
)
from progrun.plan_reasons import explain, impossible, range_text, units_text
from progrun.training_paces import TrainingPaces
from progrun.units import format_distance, format_pace

__all__ = ["StartChoice", "TargetChoice", "build_plan", "split_distances"]


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


def _shown(pace_s_per_unit: float) -> int:
    """A per-unit pace rounded the way `format_pace` shows it (half up)."""
    return math.floor(pace_s_per_unit + 0.5)


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
    second within the method's bounds. `tempo_splits` caps the splits at the target (1 to 3).
    A request outside the method's ranges is planned with a warning, or refused if `strict_method`.
    A request that cannot work raises PlanError saying why and what would.
    """
    if not math.isfinite(distance_m) or distance_m <= 0:
        raise PlanError("distance", f"{distance_m!r} m is not a distance to run", "give e.g. 5mi or 8km")
    if not 1 <= tempo_splits <= rules.MAX_TEMPO_SPLITS:
        raise PlanError(
            "tempo_splits",
            f"{tempo_splits} splits at the target is outside the method (1 to {rules.MAX_TEMPO_SPLITS})",
            f"use --tempo-splits {rules.DEFAULT_TEMPO_SPLITS} (the default) or {rules.MAX_TEMPO_SPLITS}",
        )
    if step_s is not None and (not math.isfinite(step_s) or step_s <= 0):
        raise PlanError(
            "step", f"{step_s!r} s is not a step", "give a positive number of seconds, e.g. --step 20"
        )
    if not math.isfinite(cooldown_s) or cooldown_s < 0:
        raise PlanError("cooldown", f"{cooldown_s!r} s is not a cooldown", "give e.g. 300 (5 minutes)")

    u = unit.value
    warnings: list[str] = list(paces.warnings)
    method_warnings: list[str] = []
    reasons: list[str] = []
    target_s_per_km = target_pace(paces, target)
    target_s_per_unit = per_unit(target_s_per_km, unit)

    distance_text = format_distance(distance_m, u)
    if not (
        rules.METHOD_MIN_DISTANCE_M - rules.DISTANCE_TOLERANCE_M
        <= distance_m
        <= rules.METHOD_MAX_DISTANCE_M + rules.DISTANCE_TOLERANCE_M
    ):
        method_warnings.append(f"{distance_text} is outside the method's 3 to 6 miles (5 to 10 km)")
    low, high = rules.step_bounds(unit)
    if step_s is None:
        request = Rules(
            target_s_per_unit,
            tempo_splits,
            tuple(float(step) for step in range(low, high + 1)),
            low,
            high,
            rules.step_midpoint(unit),
        )
    else:
        if not low <= step_s <= high:
            method_warnings.append(f"a {step_s:g} s/{u} step is outside the method's {low}-{high} s/{u}")
        request = Rules(
            target_s_per_unit, tempo_splits, (float(step_s),), min(low, step_s), max(high, step_s), step_s
        )

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
            f"try --distance {units_text(len(warmup_distances) + 3, unit)}",
        )

    all_starts = start_ranges(paces, unit)
    if start is StartChoice.AUTO:
        starts = list(all_starts.values())
        if not starts:
            raise PlanError("start", "neither an easy nor a marathon pace is known", "enter --marathon-pace")
    elif start in all_starts:
        starts = [all_starts[start]]
    else:
        raise PlanError(
            "start", f"no {start.value} pace is known", f"enter --{start.value}-pace or a race result"
        )
    faster = [candidate for candidate in starts if candidate.slow_s_per_unit > target_s_per_unit + EPSILON]
    if not faster:
        slowest = max(starts, key=lambda candidate: candidate.slow_s_per_unit)
        raise PlanError(
            "target",
            f"{target.value} pace {format_pace(target_s_per_km, u)} is not faster than the start "
            f"({range_text(slowest, unit)})",
            "enter a faster target pace or a slower start pace",
        )
    starts = faster

    layout = best_layout(starts, len(moving), request)
    if layout is None:
        layout = next(
            (
                found
                for hold in range(1, len(moving) - 1)
                if (found := best_layout(starts, len(moving), request, hold=hold)) is not None
            ),
            None,
        )
        if layout is None:
            raise impossible(
                paces=paces,
                starts=starts,
                all_starts=all_starts,
                splits=len(moving),
                whole_before=len(warmup_distances),
                request=request,
                unit=unit,
                target=target,
                explicit_step=step_s is not None,
            )
        method_warnings.append(
            f"the first {layout.hold_splits} split(s) hold the start pace: "
            f"{range_text(layout.start, unit)} is too close to the target for {len(moving)} splits "
            f"of {low}-{high} s/{u} steps"
            + (" (an easy start would fill the distance)" if layout.start.kind == "marathon" else "")
        )
    if strict_method and method_warnings:
        raise PlanError(
            "method", "; ".join(method_warnings), "ask for a run inside the method, or drop strict mode"
        )
    warnings.extend(method_warnings)
    reasons[:0] = explain(
        layout=layout,
        starts=starts,
        all_starts=all_starts,
        splits=len(moving),
        request=request,
        unit=unit,
        target=target,
        choice=start,
    )

    steps = _steps(
        layout=layout,
        paces=paces,
        unit=unit,
        warmup_distances=warmup_distances,
        moving=moving,
        cooldown_s=cooldown_s,
        target_s_per_km=target_s_per_km,
    )
    if cooldown_s < rules.DEFAULT_COOLDOWN_S:
        warnings.append(f"a {cooldown_s:g} s cooldown is shorter than the method's 5 minutes")
    return Plan(
        steps=steps,
        unit=unit,
        start_pace_s_per_km=per_km(layout.start_s_per_unit, unit),
        target_pace_s_per_km=target_s_per_km,
        step_s_per_unit=float(layout.step_s_per_unit),
        tempo_splits=layout.tempo_splits,
        start_kind=layout.start.kind,
        target_kind=target.value,
        reasons=tuple(reasons),
        warnings=tuple(warnings),
        options={
            "distance_m": distance_m,
            "start": start.value,
            "target": target.value,
            "step_s": step_s,
            "tempo_splits": tempo_splits,
            "warmup": warmup,
            "cooldown_s": cooldown_s,
            "strict_method": strict_method,
            "hold_splits": layout.hold_splits,
        },
    )


def _band(pace: float, offsets: tuple[float, float], floor_pace: float | None = None) -> tuple[float, float]:
    """(fast edge, slow edge) around `pace`; the fast edge stops at `floor_pace` (the target) if given."""
    fast, slow = offsets
    low = pace - fast if floor_pace is None else max(pace - fast, min(floor_pace, pace))
    return low, pace + slow


def _steps(
    *,
    layout: Layout,
    paces: TrainingPaces,
    unit: SplitUnit,
    warmup_distances: Sequence[float],
    moving: Sequence[float],
    cooldown_s: float,
    target_s_per_km: float | None = None,
) -> tuple[Step, ...]:
    target = layout.target_s_per_unit
    exact_target_s_per_km = per_km(target, unit) if target_s_per_km is None else target_s_per_km
    paces_per_unit = [layout.start_s_per_unit] * layout.hold_splits
    paces_per_unit += [
        layout.start_s_per_unit - i * layout.step_s_per_unit for i in range(layout.build_splits)
    ]
    paces_per_unit += [target] * layout.tempo_splits
    target_km = per_km(target, unit)
    start_km = per_km(layout.start_s_per_unit, unit)
    easy = [p for p in (paces.easy_slow_s_per_km, paces.easy_fast_s_per_km) if p is not None] or [start_km]
    easy_slow = max(*easy, start_km)
    easy_fast = min(easy)

    steps: list[Step] = []
    for distance in warmup_distances:
        pace = easy_slow
        steps.append(
            Step(
                StepKind.WARMUP,
                pace,
                easy_fast,
                pace + rules.WARMUP_SLOW_MARGIN_S_PER_KM,
                distance_m=distance,
                cue="warm up easy",
            )
        )
    previous: float | None = None
    for index, (pace_u, distance) in enumerate(zip(paces_per_unit, moving, strict=True)):
        is_tempo = index >= len(paces_per_unit) - layout.tempo_splits
        pace = exact_target_s_per_km if is_tempo else per_km(pace_u, unit)
        faster = None if previous is None else _shown(previous) - _shown(pace_u)
        if is_tempo:
            low, high = _band(pace, rules.TEMPO_BAND_S_PER_KM)
            first_tempo = previous is not None and previous > target + EPSILON
            cue = f"{faster} s faster: tempo" if first_tempo else "hold tempo"
        else:
            low, high = _band(pace, rules.BUILD_BAND_S_PER_KM, target_km)
            if previous is None:
                cue = "settle in"
            elif index <= layout.hold_splits:
                cue = "hold this pace"
            else:
                cue = f"{faster} s faster"
        kind = StepKind.TEMPO if is_tempo else StepKind.BUILD
        steps.append(Step(kind, pace, low, high, distance_m=distance, cue=cue))
        previous = pace_u
    if cooldown_s > 0:
        pace = easy_slow + rules.COOLDOWN_OFFSET_S_PER_KM
        high = max(rules.COOLDOWN_WALK_S_PER_KM, pace + rules.COOLDOWN_OFFSET_S_PER_KM)
        minutes = cooldown_s / 60.0
        length = f"{minutes:g} min" if minutes == int(minutes) else f"{cooldown_s:g} s"
        steps.append(
            Step(StepKind.COOLDOWN, pace, easy_slow, high, duration_s=cooldown_s, cue=f"walk/jog {length}")
        )
    return tuple(steps)
