"""The planner's reasons: why it chose its start, step and tempo splits, and why a request cannot work.

`explain` writes the Plan's `reasons` lines (start, step, time at tempo); `impossible` builds the
PlanError for a request no layout fits, with concrete alternatives that do (a longer run, the other
start, a 10k target, a free step). Paces are shown per split unit, as a runner reads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from progrun import plan_rules as rules
from progrun.errors import PlanError, Suggestion
from progrun.plan import SplitUnit
from progrun.plan_layout import (
    EPSILON,
    Layout,
    Rules,
    StartChoice,
    StartRange,
    TargetChoice,
    best_layout,
    per_km,
    per_unit,
    solve,
)
from progrun.training_paces import TrainingPaces
from progrun.units import format_distance, format_pace


def range_text(start: StartRange, unit: SplitUnit) -> str:
    fast = format_pace(per_km(start.fast_s_per_unit, unit), unit.value)
    if abs(start.slow_s_per_unit - start.fast_s_per_unit) < EPSILON:
        return f"{start.kind} pace {fast}"
    fast = format_pace(per_km(start.fast_s_per_unit, unit), unit.value, suffix=False)
    slow = format_pace(per_km(start.slow_s_per_unit, unit), unit.value)
    return f"easy pace {fast}-{slow}"


def units_text(splits: int, unit: SplitUnit) -> str:
    return format_distance(splits * unit.metres, unit.value).replace(" ", "")


def impossible(
    *,
    paces: TrainingPaces,
    starts: Sequence[StartRange],
    all_starts: dict[StartChoice, StartRange],
    splits: int,
    whole_before: int,
    request: Rules,
    unit: SplitUnit,
    target: TargetChoice,
    explicit_step: bool,
) -> PlanError:
    """Why no layout fits, and concrete alternatives that do."""
    u = unit.value
    target_text = f"{target.value} pace {format_pace(per_km(request.target_s_per_unit, unit), u)}"
    closest = min(starts, key=lambda start: start.fast_s_per_unit)
    gap = closest.fast_s_per_unit - request.target_s_per_unit
    largest_step = max(request.steps)
    most = (splits - 2) * largest_step + request.jump_high
    if gap < request.jump_low:
        reason = (
            f"{range_text(closest, unit)} is only {gap:.0f} s/{u} slower than {target_text}, "
            f"less than the smallest step ({request.jump_low:.0f} s/{u})"
        )
    else:
        reason = (
            f"{range_text(closest, unit)} is {gap:.0f} s/{u} slower than {target_text}; "
            f"{splits} splits with {largest_step:.0f} s steps close at most {most:.0f} s/{u}"
        )
    ideas: list[list[str | Suggestion]] = []
    for extra in range(1, 16):
        if best_layout(starts, splits + extra, request) is not None:
            ideas.append(
                [
                    "a longer run (",
                    Suggestion("distance", units_text(whole_before + splits + extra, unit)),
                    ")",
                ]
            )
            break
    marathon = all_starts.get(StartChoice.MARATHON)
    if (
        marathon is not None
        and marathon not in starts
        and best_layout([marathon], splits, request) is not None
    ):
        ideas.append(
            ["a marathon-pace start (", Suggestion("start", "marathon"), f", {range_text(marathon, unit)})"]
        )
    easy = all_starts.get(StartChoice.EASY)
    if easy is not None and easy not in starts and best_layout([easy], splits, request) is not None:
        ideas.append(["an easy start (", Suggestion("start", "easy"), f", {range_text(easy, unit)})"])
    if target is TargetChoice.FIVE_K and paces.race_10k_s_per_km is not None:
        ten_k = per_unit(paces.race_10k_s_per_km, unit)
        relaxed = replace(request, target_s_per_unit=ten_k)
        if best_layout(starts, splits, relaxed) is not None:
            ideas.append(
                [
                    "a 10k target (",
                    Suggestion("target", "10k"),
                    f", {format_pace(paces.race_10k_s_per_km, u)})",
                ]
            )
    if explicit_step:
        low, high = rules.step_bounds(unit)
        free = replace(
            request, steps=tuple(float(step) for step in range(low, high + 1)), jump_low=low, jump_high=high
        )
        if best_layout(starts, splits, free) is not None:
            ideas.append(["letting the planner choose the step (leave out ", Suggestion("step"), ")"])
    suggestion: list[str | Suggestion] = ["try a longer run or a slower start"]
    if ideas:
        suggestion = ["try "]
        for index, idea in enumerate(ideas):
            suggestion += [", or "] * (index > 0) + idea
    return PlanError("distance", reason, suggestion)


def explain(
    *,
    layout: Layout,
    starts: Sequence[StartRange],
    all_starts: dict[StartChoice, StartRange],
    splits: int,
    request: Rules,
    unit: SplitUnit,
    target: TargetChoice,
    choice: StartChoice,
) -> list[str]:
    """One line each on the start, the step and the time at tempo."""
    u = unit.value
    start_text = format_pace(per_km(layout.start_s_per_unit, unit), u)
    if choice is not StartChoice.AUTO:
        why = "as asked"
    else:
        others = [
            (candidate, solve(candidate, splits, 0, request))
            for candidate in all_starts.values()
            if candidate is not layout.start
        ]
        other, alternative = others[0] if others else (None, None)
        if other is None:
            why = "the only start pace known"
        elif other not in starts:
            why = f"{range_text(other, unit)} is not slower than the target"
        elif alternative is None:
            gap = other.fast_s_per_unit - request.target_s_per_unit
            why = (
                f"{range_text(other, unit)} is {gap:.0f} s/{u} from the target, "
                f"which does not fit {splits} splits of "
                f"{request.jump_low:.0f}-{request.jump_high:.0f} s steps"
            )
        elif alternative.tempo_splits < layout.tempo_splits:
            why = (
                f"it gives {layout.tempo_splits} splits at the target; "
                f"{range_text(other, unit)} gives {alternative.tempo_splits}"
            )
        else:
            article = "an" if layout.start.kind == "easy" else "a"
            why = f"both starts fit; {article} {layout.start.kind} start gives the more even steps"
    lines = [f"start: {layout.start.kind} pace {start_text} ({why})"]
    if layout.start.kind == "easy" and layout.start.slow_s_per_unit - layout.start.fast_s_per_unit > EPSILON:
        lines[0] += (
            f", placed inside the easy range {range_text(layout.start, unit).removeprefix('easy pace ')}"
        )
    jump = layout.last_jump_s_per_unit
    step = layout.step_s_per_unit
    if layout.build_splits == 1:
        lines.append(f"step: one jump of {jump:.0f} s/{u} from the start to the target")
    elif abs(jump - step) < 0.5:
        lines.append(f"step: {step:g} s/{u} faster each split, landing on the target")
    else:
        lines.append(
            f"step: {step:g} s/{u} faster each split; the last jump to the target is {jump:.0f} s/{u} "
            "(no build split is faster than the target)"
        )
    tempo_time = layout.tempo_splits
    lines.append(
        f"tempo: the last {tempo_time} of {splits} splits at {target.value} pace "
        f"{format_pace(per_km(request.target_s_per_unit, unit), u)} (cap {request.cap})"
    )
    return lines
