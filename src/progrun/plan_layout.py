"""The planner's arithmetic: where a progression may start and end, and how its splits are laid between.

The runner's choices (`StartChoice`, `TargetChoice`) become pace ranges in seconds per split unit
(`StartRange`, `target_pace`); `solve` and `best_layout` find the `Layout` (start pace, step, build and
tempo splits) that the planner prefers among those the method's bounds (`Rules`) allow. The
arithmetic and the order of preference are described in `progrun.planner`.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass

from progrun import plan_rules as rules
from progrun.errors import PlanError, Suggestion
from progrun.plan import SplitUnit
from progrun.training_paces import TrainingPaces


class StartChoice(enum.Enum):
    """Where the progression starts: let the planner choose, an easy pace, or marathon pace."""

    AUTO = "auto"
    EASY = "easy"
    MARATHON = "marathon"


class TargetChoice(enum.Enum):
    """The pace the progression builds to."""

    TEN_K = "10k"
    FIVE_K = "5k"


EPSILON = 1e-9


@dataclass(frozen=True)
class StartRange:
    """A start the planner may use: its kind and the (fast, slow) paces it may sit between, s/unit."""

    kind: str
    fast_s_per_unit: float
    slow_s_per_unit: float
    order: int  # tie-break: easy (0) before marathon (1)


@dataclass(frozen=True)
class Layout:
    """One valid arithmetic solution, in seconds per split unit."""

    start: StartRange
    start_s_per_unit: float
    step_s_per_unit: float
    build_splits: int
    tempo_splits: int
    hold_splits: int
    target_s_per_unit: float

    @property
    def last_jump_s_per_unit(self) -> float:
        return self.gap_s_per_unit - (self.build_splits - 1) * self.step_s_per_unit

    @property
    def gap_s_per_unit(self) -> float:
        return self.start_s_per_unit - self.target_s_per_unit

    def paces_s_per_unit(self) -> list[float]:
        """The pace of every progression split, s/unit: held, build, then tempo."""
        paces = [self.start_s_per_unit] * self.hold_splits
        paces += [self.start_s_per_unit - i * self.step_s_per_unit for i in range(self.build_splits)]
        return paces + [self.target_s_per_unit] * self.tempo_splits

    def score(self, midpoint: float) -> tuple[float, ...]:
        return (
            self.hold_splits,
            -self.tempo_splits,
            round(abs(self.step_s_per_unit - self.last_jump_s_per_unit), 6),
            abs(self.step_s_per_unit - midpoint),
            -self.start_s_per_unit,
            self.start.order,
        )


@dataclass(frozen=True)
class Rules:
    """The bounds one request is solved under.

    `lengths` are the progression splits' metres (or seconds, if `timed`); with `threshold_s_per_unit`
    known, a layout may put at most `max_threshold_m` at or faster than it (`threshold_m`).
    """

    target_s_per_unit: float
    cap: int
    steps: tuple[float, ...]
    jump_low: float
    jump_high: float
    midpoint: float
    lengths: tuple[float, ...] = ()
    timed: bool = False
    unit_metres: float = 1000.0
    threshold_s_per_unit: float | None = None
    max_threshold_m: float = math.inf


def per_unit(pace_s_per_km: float, unit: SplitUnit) -> float:
    return pace_s_per_km * unit.metres / 1000.0


def per_km(pace_s_per_unit: float, unit: SplitUnit) -> float:
    return pace_s_per_unit * 1000.0 / unit.metres


def threshold_m(layout: Layout, request: Rules) -> float:
    """Metres the layout runs at or faster than threshold pace (0 when T is unknown)."""
    if request.threshold_s_per_unit is None or not request.lengths:
        return 0.0
    slack = rules.THRESHOLD_SLACK_S_PER_KM * request.unit_metres / 1000.0
    paces = layout.paces_s_per_unit()
    lengths = request.lengths
    if len(lengths) != len(paces):  # a what-if with more or fewer splits: whole splits of the first's length
        lengths = (lengths[0],) * len(paces)
    total = 0.0
    for pace, length in zip(paces, lengths, strict=True):
        if pace <= request.threshold_s_per_unit + slack:
            total += length / pace * request.unit_metres if request.timed else length
    return total


def _within_cap(layout: Layout, request: Rules) -> bool:
    return threshold_m(layout, request) <= request.max_threshold_m + rules.DISTANCE_TOLERANCE_M


def solve(
    start: StartRange, splits: int, hold: int, request: Rules, *, cap: int | None = None
) -> Layout | None:
    """The best layout of `splits` splits (the first `hold` at the start pace), or None if none fits."""
    best: Layout | None = None
    moving = splits - hold
    target = request.target_s_per_unit
    tempo_cap = request.cap if cap is None else cap
    for tempo in range(min(tempo_cap, moving - 1), 0, -1):
        build = moving - tempo
        for step in request.steps:
            gap_low = max((build - 1) * step + request.jump_low, start.fast_s_per_unit - target)
            gap_high = min((build - 1) * step + request.jump_high, start.slow_s_per_unit - target)
            if gap_low > gap_high + EPSILON:
                continue
            preferred = min(max(build * step, gap_low), gap_high)
            for gap in (preferred, gap_high):  # a slower start may keep the builds off threshold
                layout = Layout(start, target + gap, step, build, tempo, hold, target)
                if not _within_cap(layout, request):
                    continue
                if best is None or layout.score(request.midpoint) < best.score(request.midpoint):
                    best = layout
                break
    return best


def best_layout(starts: Sequence[StartRange], splits: int, request: Rules, *, hold: int = 0) -> Layout | None:
    found = [layout for start in starts if (layout := solve(start, splits, hold, request)) is not None]
    return min(found, key=lambda layout: layout.score(request.midpoint)) if found else None


def start_ranges(paces: TrainingPaces, unit: SplitUnit) -> dict[StartChoice, StartRange]:
    ranges: dict[StartChoice, StartRange] = {}
    easy = [pace for pace in (paces.easy_fast_s_per_km, paces.easy_slow_s_per_km) if pace is not None]
    if easy:
        ranges[StartChoice.EASY] = StartRange("easy", per_unit(min(easy), unit), per_unit(max(easy), unit), 0)
    if paces.marathon_s_per_km is not None:
        marathon = per_unit(paces.marathon_s_per_km, unit)
        ranges[StartChoice.MARATHON] = StartRange("marathon", marathon, marathon, 1)
    return ranges


def target_pace(paces: TrainingPaces, target: TargetChoice) -> float:
    pace = paces.race_10k_s_per_km if target is TargetChoice.TEN_K else paces.race_5k_s_per_km
    if pace is None:
        raise PlanError(
            "target",
            f"no {target.value} pace is known",
            [f"give a race result, or enter the {target.value} pace (", Suggestion("target_pace"), ")"],
        )
    return pace
