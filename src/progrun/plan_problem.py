"""One progression-run request laid out: the start, the splits, the steps with their bands and cues.

`progrun.planner` validates a request (by distance or by time) and hands the progression splits'
lengths to a `PlanProblem`, which finds the layout (`plan_layout`), explains it (`plan_reasons`) and
builds the `Plan`. Bands scale with the pace (`plan_rules.band_edges`); splits at the target are
called "tempo" unless the target is slower than threshold pace, when they are called by the target.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from progrun import plan_rules as rules
from progrun.errors import PlanError, Suggestion
from progrun.plan import Plan, SplitUnit, Step, StepKind
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
    start_ranges,
    target_pace,
    threshold_m,
)
from progrun.plan_reasons import explain, impossible, range_text
from progrun.training_paces import TrainingPaces
from progrun.units import format_distance, format_pace


def _shown(pace_s_per_unit: float) -> int:
    """A per-unit pace rounded the way `format_pace` shows it (half up)."""
    return math.floor(pace_s_per_unit + 0.5)


class PlanProblem:
    """One request laid out: the paces, the progression splits' lengths (metres, or seconds if timed)."""

    def __init__(  # noqa: PLR0917 (the request, as build_plan takes it)
        self,
        paces: TrainingPaces,
        unit: SplitUnit,
        start: StartChoice,
        target: TargetChoice,
        step_s: float | None,
        tempo_splits: int,
        lengths: Sequence[float],
        *,
        timed: bool,
    ) -> None:
        self.paces, self.unit, self.start, self.target = paces, unit, start, target
        self.step_s, self.tempo_splits, self.lengths, self.timed = step_s, tempo_splits, tuple(lengths), timed
        self.target_s_per_km = target_pace(paces, target)
        self.threshold_s_per_km = paces.threshold_s_per_km
        low, high = rules.step_bounds(unit)
        self.step_bounds = (low, high)
        threshold = None if self.threshold_s_per_km is None else per_unit(self.threshold_s_per_km, unit)
        target_s_per_unit = per_unit(self.target_s_per_km, unit)
        if step_s is None:
            steps = tuple(float(step) for step in range(low, high + 1))
            bounds = (float(low), float(high), rules.step_midpoint(unit))
        else:
            steps = (float(step_s),)
            bounds = (min(low, step_s), max(high, step_s), step_s)
        self.request = Rules(
            target_s_per_unit,
            tempo_splits,
            steps,
            *bounds,
            lengths=self.lengths,
            timed=timed,
            unit_metres=unit.metres,
            threshold_s_per_unit=threshold,
            max_threshold_m=rules.MAX_THRESHOLD_M,
        )
        self.all_starts = start_ranges(paces, unit)
        self.starts: list[StartRange] = []

    def layout(self, method_warnings: list[str], *, whole_before: int) -> Layout:
        """The preferred layout (holding the first splits if need be), or PlanError with what would work."""
        unit, u = self.unit, self.unit.value
        low, high = self.step_bounds
        if self.step_s is not None and not low <= self.step_s <= high:
            method_warnings.append(f"a {self.step_s:g} s/{u} step is outside the method's {low}-{high} s/{u}")
        if self.start is StartChoice.AUTO:
            starts = list(self.all_starts.values())
            if not starts:
                raise PlanError(
                    "start",
                    "neither an easy nor a marathon pace is known",
                    ["enter ", Suggestion("marathon_pace")],
                )
        elif self.start in self.all_starts:
            starts = [self.all_starts[self.start]]
        else:
            raise PlanError(
                "start",
                f"no {self.start.value} pace is known",
                f"enter --{self.start.value}-pace or a race result",
            )
        target_s_per_unit = self.request.target_s_per_unit
        faster = [
            candidate for candidate in starts if candidate.slow_s_per_unit > target_s_per_unit + EPSILON
        ]
        if not faster:
            slowest = max(starts, key=lambda candidate: candidate.slow_s_per_unit)
            raise PlanError(
                "target",
                f"{self.target.value} pace {format_pace(self.target_s_per_km, u)} is not faster than "
                f"the start ({range_text(slowest, unit)})",
                "enter a faster target pace or a slower start pace",
            )
        self.starts = faster
        splits = len(self.lengths)
        layout = best_layout(faster, splits, self.request)
        if layout is not None:
            return layout
        layout = next(
            (
                found
                for hold in range(1, splits - 1)
                if (found := best_layout(faster, splits, self.request, hold=hold)) is not None
            ),
            None,
        )
        if layout is None:
            raise impossible(
                paces=self.paces,
                starts=faster,
                all_starts=self.all_starts,
                splits=splits,
                whole_before=whole_before,
                request=self.request,
                unit=unit,
                target=self.target,
                explicit_step=self.step_s is not None,
            )
        method_warnings.append(
            f"the first {layout.hold_splits} split(s) hold the start pace: "
            f"{range_text(layout.start, unit)} is too close to the target for {splits} splits "
            f"of {low}-{high} s/{u} steps"
            + (" (an easy start would fill the distance)" if layout.start.kind == "marathon" else "")
        )
        return layout

    def threshold_notes(self, layout: Layout) -> tuple[list[str], list[str]]:
        """Reasons and warnings about time at threshold: what counted, and a cap that cut tempo splits."""
        if self.threshold_s_per_km is None:
            return [], []
        u = self.unit.value
        threshold_text = format_pace(self.threshold_s_per_km, u)
        reasons = []
        if self.target_s_per_km > self.threshold_s_per_km + rules.THRESHOLD_SLACK_S_PER_KM:
            reasons.append(
                f"{self.target.value} pace {format_pace(self.target_s_per_km, u)} is slower than your "
                f"threshold pace {threshold_text}, so the last splits are at {self.target.value} pace, "
                "not tempo"
            )
        else:
            at_threshold = threshold_m(layout, self.request)
            reasons.append(
                f"at or faster than threshold pace {threshold_text}: {format_distance(at_threshold, u)} "
                f"(the method's cap is {self._cap_text()})"
            )
        uncapped = best_layout(
            self.starts, len(self.lengths), replace(self.request, max_threshold_m=math.inf)
        )
        warnings = []
        if uncapped is not None and uncapped.tempo_splits > layout.tempo_splits:
            over = threshold_m(uncapped, self.request)
            warnings.append(
                f"{layout.tempo_splits} split(s) at the target, not {uncapped.tempo_splits}: "
                f"{uncapped.tempo_splits} would put {format_distance(over, u)} at or faster than "
                f"threshold pace {threshold_text}, over the method's {self._cap_text()}"
            )
        return reasons, warnings

    def plan(
        self,
        layout: Layout,
        *,
        warmup_distances: Sequence[float],
        cooldown_s: float,
        strict_method: bool,
        method_warnings: list[str],
        reasons: list[str],
        options: dict[str, object],
    ) -> Plan:
        if strict_method and method_warnings:
            raise PlanError(
                "method", "; ".join(method_warnings), "ask for a run inside the method, or drop strict mode"
            )
        warnings: list[str] = [*self.paces.warnings, *method_warnings]
        threshold_reasons, threshold_warnings = self.threshold_notes(layout)
        warnings += threshold_warnings
        all_reasons = explain(
            layout=layout,
            starts=self.starts,
            all_starts=self.all_starts,
            splits=len(self.lengths),
            request=self.request,
            unit=self.unit,
            target=self.target,
            choice=self.start,
        )
        all_reasons += threshold_reasons + reasons
        steps = _steps(
            layout=layout,
            paces=self.paces,
            unit=self.unit,
            warmup_distances=warmup_distances,
            moving=self.lengths,
            timed=self.timed,
            cooldown_s=cooldown_s,
            target_s_per_km=self.target_s_per_km,
            target_word=self._target_word(),
        )
        if cooldown_s < rules.DEFAULT_COOLDOWN_S:
            warnings.append(f"a {cooldown_s:g} s cooldown is shorter than the method's 5 minutes")
        return Plan(
            steps=steps,
            unit=self.unit,
            start_pace_s_per_km=per_km(layout.start_s_per_unit, self.unit),
            target_pace_s_per_km=self.target_s_per_km,
            step_s_per_unit=float(layout.step_s_per_unit),
            tempo_splits=layout.tempo_splits,
            start_kind=layout.start.kind,
            target_kind=self.target.value,
            reasons=tuple(all_reasons),
            warnings=tuple(warnings),
            options={
                **options,
                "start": self.start.value,
                "target": self.target.value,
                "step_s": self.step_s,
                "tempo_splits": self.tempo_splits,
                "cooldown_s": cooldown_s,
                "strict_method": strict_method,
                "hold_splits": layout.hold_splits,
            },
            threshold_pace_s_per_km=self.threshold_s_per_km,
        )

    def _cap_text(self) -> str:
        """The method's 3 miles, in km first for km splits: "4.83 km, 3 mi"."""
        miles = format_distance(rules.MAX_THRESHOLD_M, SplitUnit.MILE)
        return (
            miles
            if self.unit is SplitUnit.MILE
            else f"{format_distance(rules.MAX_THRESHOLD_M, 'km')}, {miles}"
        )

    def _target_word(self) -> str:
        """What the splits at the target are called: "tempo", or "10k pace" when that is slower than T."""
        threshold = self.threshold_s_per_km
        if threshold is not None and self.target_s_per_km > threshold + rules.THRESHOLD_SLACK_S_PER_KM:
            return f"{self.target.value} pace"
        return "tempo"


def _band(pace: float, percent: tuple[float, float], floor_pace: float | None = None) -> tuple[float, float]:
    """(fast edge, slow edge) around `pace`; the fast edge stops at `floor_pace` (the target) if given."""
    fast, slow = rules.band_edges(pace, percent)
    low = fast if floor_pace is None else max(fast, min(floor_pace, pace))
    return low, slow


def _steps(
    *,
    layout: Layout,
    paces: TrainingPaces,
    unit: SplitUnit,
    warmup_distances: Sequence[float],
    moving: Sequence[float],
    cooldown_s: float,
    timed: bool = False,
    target_s_per_km: float | None = None,
    target_word: str = "tempo",
) -> tuple[Step, ...]:
    target = layout.target_s_per_unit
    exact_target_s_per_km = per_km(target, unit) if target_s_per_km is None else target_s_per_km
    paces_per_unit = layout.paces_s_per_unit()
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
            low, high = _band(pace, rules.TEMPO_BAND_PERCENT)
            first_tempo = previous is not None and previous > target + EPSILON
            cue = f"{faster} s faster: {target_word}" if first_tempo else f"hold {target_word}"
        else:
            low, high = _band(pace, rules.BUILD_BAND_PERCENT, target_km)
            if previous is None:
                cue = "settle in"
            elif index <= layout.hold_splits:
                cue = "hold this pace"
            else:
                cue = f"{faster} s faster"
        kind = StepKind.TEMPO if is_tempo else StepKind.BUILD
        if timed:
            steps.append(Step(kind, pace, low, high, duration_s=distance, cue=cue))
        else:
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
