"""Was a run a progression run? Decide without a plan, and infer its start, target, step and tempo splits.

What counts (the method in /work/shared/reference/progression-run-article.txt): start easy and get faster
split by split over several splits, finish at the fastest pace and hold it, each split run at an even
pace. Not progressions: a steady run, a negative split or a fast finish (one jump, however big), a warm-up
then a steady tempo block (one jump), a progression that collapses at the end (it did not finish at tempo),
fartlek, strides and intervals (surges inside the splits, even when the split averages get faster). A
slower first split before the build (a warm-up) does not stop a run being a progression.

Method (all paces grade-adjusted when the file has altitude, so a course that ends downhill does not
pass for a progression and a hilly progression still counts):

1. **Unit.** Mile splits when the device auto-lapped every mile (median full lap within 2 % of
   1609 m), km splits otherwise.
2. **Cooldown.** The pace is smoothed over 30 s on a 1 s grid; the cooldown starts at the earliest
   moment after half the distance from which at least 85 % of the remaining seconds are slower than
   80 % of the mean speed of the two minutes before that moment (a jog or walk after running, whatever
   the run's own paces: a long progression from a slow start has a median close to its cooldown jog).
   It is cut off before splitting, so the final jog or walk is not mistaken for a slower split.
3. **Splits.** `progrun.splits.split_by_distance` on the running part (the device's crossing rule); a
   last partial split shorter than half a unit is dropped. At least 3 splits are needed. Pieces inside
   the splits (half units, 100 m) use interpolated crossings, so a device that records every few
   seconds does not make them look uneven.
4. **Six signs of a progression**, each scored 0 to 1 with 0.5 at the rule:
   - *monotone*: the share of splits no slower than the one before, within 3 s/km (0 at 50 %,
     1 at 90 %; rule 70 %);
   - *reversal*: the worst slowdown from one split to the next (1 up to 4 s/km, 0 at 12 s/km; rule
     8 s/km): one split that collapses is not a progression;
   - *drop*: how much faster the run got, from a least-squares line through the split paces
     (0 at 3 s/km, 1 at 12 s/km; rule 7.5 s/km);
   - *order*: Spearman's rank correlation of pace with split number (0 at -0.5, 1 at -0.9; rule -0.7);
   - *spread*: the largest single speed-up as a share of the whole speed-up, on half-unit pieces of the
     splits fitted with the closest never-slower sequence (isotonic regression), so noise does not count
     as steps. A negative split does it in one jump (share near 1, whatever the split boundaries); a
     progression spreads it over several (1 at 0.5, 0 at 0.85; rule 0.675). A warm-up split is allowed:
     the share is also taken without the first split (when 3 splits remain) and the smaller one counts;
   - *steady*: the sustained within-split variation of the 100 m paces: the square root of the lag-1
     autocovariance of each piece's deviation from its split's mean, over the mean pace (1 at 2 %, 0 at
     4 %; rule 3 %). A fartlek's surges last several pieces, so consecutive deviations share a sign;
     GPS noise moves a piece boundary, which makes one piece slow and the next fast, so it cancels
     (real progressions recorded with noisy GPS score 0-1.5 %, simulated fartleks 2-8 %).
   Every sign is necessary: the confidence is the weakest sign, and a run is a progression when the
   confidence is at least 0.5, that is when every rule holds.
5. **Inference.** Start: the first split's pace. Tempo splits: the splits within max(3 s/km, half the
   median speed-up) of the fastest split; target: their mean pace. Step: the median speed-up between
   the first split and the first tempo split, in seconds per unit (s/mi or s/km, like the planner's
   `step_s`).

The trace and the cooldown search live in `progrun.pace_trace`, the within-split variation in
`progrun.split_evenness` and the six signs in `progrun.progression_signs`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from progrun.activity import Activity
from progrun.pace_trace import find_cooldown_after_running, head, pace_trace
from progrun.plan import Plan, SplitUnit, Step, StepKind
from progrun.plan_rules import (
    BUILD_BAND_PERCENT,
    COOLDOWN_OFFSET_S_PER_KM,
    COOLDOWN_WALK_S_PER_KM,
    DEFAULT_COOLDOWN_S,
    TEMPO_BAND_PERCENT,
    band_edges,
)
from progrun.progression_signs import Pieces, decreasing_fit, largest_jump_share, read_signs
from progrun.score import NOISE_ALLOWANCE_S_PER_KM
from progrun.split_evenness import sustained_variation
from progrun.split_frame import PreparedRun
from progrun.splits import Crossing, distance_frame
from progrun.sport import not_a_run_reason
from progrun.units import METRES_PER_MILE

__all__ = [
    "CONFIDENCE_THRESHOLD",
    "MIN_SPLITS",
    "MOVING_M_S",
    "Detection",
    "decreasing_fit",
    "detect_progression",
    "head",
    "largest_jump_share",
    "plan_from_detection",
    "sustained_variation",
]

#: Moving: faster than this (m/s), a brisk walk.
MOVING_M_S = 1.0
MIN_SPLITS = 3
#: A run longer than this many splits is no progression run (the method's runs are 4-10 miles; a
#: marathon is 42 km splits): it is refused before its splits are built, so memory stays bounded
#: by this cap and not by the distance a hand-crafted file claims (up to 50 m/s x elapsed).
MAX_SPLITS = 200
#: Every sign's ramp passes 0.5 at its rule; the confidence is the weakest sign.
CONFIDENCE_THRESHOLD = 0.5


@dataclass(frozen=True)
class Detection:
    """Whether a run was a progression run, and the plan it looks like (paces in s/km; NaN if unknown)."""

    is_progression: bool
    confidence: float
    start_s_per_km: float
    target_s_per_km: float
    #: Speed-up per split in seconds per unit (s/mi for mile splits, s/km for km splits).
    step_s: float
    tempo_splits: int
    unit: SplitUnit
    split_paces_s_per_km: tuple[float, ...] = ()
    cooldown_s: float = 0.0
    #: The six signs (monotone, reversal, drop, order, spread, steady), each 0..1.
    signs: tuple[tuple[str, float], ...] = ()
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """The JSON contract of `progrun detect --json` (NaN as None)."""
        return {
            "is_progression": self.is_progression,
            "confidence": _plain(round(self.confidence, 3)),
            "start_s_per_km": _plain(self.start_s_per_km),
            "target_s_per_km": _plain(self.target_s_per_km),
            "step_s": _plain(self.step_s),
            "tempo_splits": self.tempo_splits,
            "unit": self.unit,
            "split_paces_s_per_km": [_plain(pace) for pace in self.split_paces_s_per_km],
            "cooldown_s": _plain(self.cooldown_s),
            "signs": {name: round(value, 3) for name, value in self.signs},
            "reasons": list(self.reasons),
        }


def _plain(value: float) -> float | None:
    return None if not math.isfinite(value) else round(float(value), 2)


def _unit_m(activity: Activity) -> float:
    full = [lap.distance_m for lap in activity.laps[:-1] if lap.distance_m]
    if full and abs(_median(full) - METRES_PER_MILE) <= 0.02 * METRES_PER_MILE:
        return METRES_PER_MILE
    return 1000.0


def _median(values: list[float]) -> float:
    """`np.median` of a short list of floats (NaN if any is NaN), without numpy's overhead."""
    if any(math.isnan(value) for value in values):
        return math.nan
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2.0


def _not_progression(
    unit: SplitUnit, reason: str, paces: tuple[float, ...] = (), cooldown_s: float = 0.0
) -> Detection:
    return Detection(False, 0.0, math.nan, math.nan, math.nan, 0, unit, paces, cooldown_s, (), (reason,))


def detect_progression(activity: Activity | PreparedRun) -> Detection:
    """Decide whether `activity` was a progression run and infer its plan (see the module docstring).

    Given a `PreparedRun`, the detector reuses (and keeps for later callers) its pace trace and splits.
    """
    run = PreparedRun.of(activity)
    return _detect(run.activity, run)


def _detect(activity: Activity, run: PreparedRun) -> Detection:
    unit_m = _unit_m(activity)
    unit = SplitUnit.MILE if unit_m == METRES_PER_MILE else SplitUnit.KM
    not_a_run = not_a_run_reason(activity)
    if not_a_run is not None:
        return _not_progression(unit, f"{not_a_run}: only runs are progression runs")
    trace = pace_trace(run)
    if trace is None:
        return _not_progression(unit, "the file has no distance to split")
    if not np.any(trace.speed_m_s > MOVING_M_S):
        return _not_progression(unit, "the run never moved faster than a walk")
    half_s = float(np.interp(trace.distance_m[-1] / 2.0, trace.distance_m, trace.time_s))
    cooldown_start = find_cooldown_after_running(trace, half_s)
    cooldown_s = float(trace.time_s[-1] - cooldown_start) if cooldown_start is not None else 0.0
    # the km, half-unit and 100 m splits of the running part share one preparation
    running = PreparedRun(head(activity, cooldown_start)) if cooldown_start is not None else run
    running_m = float(
        np.interp(cooldown_start, trace.time_s, trace.distance_m)
        if cooldown_start is not None
        else trace.distance_m[-1]
    )
    if running_m > MAX_SPLITS * unit_m:
        return _not_progression(
            unit,
            f"{running_m / unit_m:,.0f} {unit} of running, more than the {MAX_SPLITS} {unit} splits of "
            "any progression run",
            cooldown_s=cooldown_s,
        )
    km = distance_frame(running, unit_m, full=False)
    whole = km.distance_m >= 0.5 * unit_m
    paces_arr = km.judged_s_per_km[whole]
    paces = tuple(paces_arr.tolist())
    count = len(paces)
    if count < MIN_SPLITS or not np.all(np.isfinite(paces_arr)):
        return _not_progression(
            unit,
            f"only {count} whole {unit} splits; a progression needs {MIN_SPLITS}",
            paces,
            cooldown_s,
        )

    pieces = distance_frame(running, unit_m / 2.0, crossing=Crossing.INTERPOLATE, full=False)
    half = pieces.distance_m >= 0.25 * unit_m
    halves = Pieces(pieces.start_s[half], pieces.end_s[half], pieces.judged_s_per_km[half])
    starts_s = km.start_s[whole]
    ends_s = km.end_s[whole]
    sustained = sustained_variation(running, list(zip(starts_s.tolist(), ends_s.tolist(), strict=True)))
    reading = read_signs(paces_arr, float(starts_s[0]), float(ends_s[-1]), halves, sustained, unit=unit)
    if count - 1 >= MIN_SPLITS and reading.confidence < 1.0:  # (at 1.0 no reading can be better)
        # A warm-up split before the build: read the run without it too, and keep the better reading.
        without_warmup = read_signs(
            paces_arr[1:], float(starts_s[1]), float(ends_s[-1]), halves, sustained, first_split=1, unit=unit
        )
        if without_warmup.confidence > reading.confidence:
            reading = without_warmup
    is_progression = reading.confidence >= CONFIDENCE_THRESHOLD

    deltas = np.diff(paces_arr)
    speedups = np.maximum(-deltas, 0.0)
    steps = speedups[speedups > 0]
    median_step = _median(steps.tolist()) if steps.size else 0.0
    tolerance = max(NOISE_ALLOWANCE_S_PER_KM, median_step / 2.0)
    at_tempo = paces_arr <= float(np.min(paces_arr)) + tolerance
    tempo = int(np.count_nonzero(at_tempo))
    target = float(np.mean(paces_arr[at_tempo]))
    first_tempo = int(np.argmax(at_tempo))
    build = speedups[:first_tempo]
    build = build[build > 0]
    step_s_per_km = _median(build.tolist()) if build.size else 0.0
    reasons = list(reading.reasons)
    if reading.first_split > 0:
        reasons.insert(0, "read from split 2 on: the first split is a warm-up")
    return Detection(
        is_progression=is_progression,
        confidence=reading.confidence,
        start_s_per_km=paces[0],
        target_s_per_km=target,
        step_s=step_s_per_km * unit_m / 1000.0,
        tempo_splits=tempo,
        unit=unit,
        split_paces_s_per_km=paces,
        cooldown_s=cooldown_s,
        signs=reading.signs,
        reasons=tuple(reasons),
    )


def plan_from_detection(detection: Detection, *, cooldown_s: float = DEFAULT_COOLDOWN_S) -> Plan:
    """The plan a detected progression looks like: one step per detected split, bands as the planner's.

    The build splits go in equal steps from the detected start to the target, then the tempo splits hold
    the target, then a walk/jog cooldown. Raises ValueError for a detection without a progression shape.
    """
    count = len(detection.split_paces_s_per_km)
    if count < MIN_SPLITS or not (
        math.isfinite(detection.start_s_per_km) and math.isfinite(detection.target_s_per_km)
    ):
        raise ValueError("the detection has too few splits to plan from")
    unit = SplitUnit(detection.unit)
    tempo = max(1, min(detection.tempo_splits, count - 1))
    builds = count - tempo
    start, target = detection.start_s_per_km, detection.target_s_per_km
    steps: list[Step] = []
    for index in range(builds):
        pace = start + (target - start) * index / builds
        # the planner's rule (`plan_rules.band_edges`): bands in percent of speed, a build split's
        # fast edge never past the target pace
        fast, slow = band_edges(pace, BUILD_BAND_PERCENT)
        steps.append(Step(StepKind.BUILD, pace, max(fast, min(target, pace)), slow, distance_m=unit.metres))
    tempo_low, tempo_high = band_edges(target, TEMPO_BAND_PERCENT)
    for _ in range(tempo):
        steps.append(Step(StepKind.TEMPO, target, tempo_low, tempo_high, distance_m=unit.metres))
    cooldown_pace = max(start + COOLDOWN_OFFSET_S_PER_KM, steps[0].high_s_per_km)
    steps.append(
        Step(
            StepKind.COOLDOWN,
            cooldown_pace,
            steps[0].high_s_per_km,
            max(COOLDOWN_WALK_S_PER_KM, cooldown_pace),
            duration_s=cooldown_s,
        )
    )
    return Plan(
        steps=tuple(steps),
        unit=unit,
        start_pace_s_per_km=start,
        target_pace_s_per_km=target,
        step_s_per_unit=(start - target) / builds * unit.metres / 1000.0,
        tempo_splits=tempo,
        start_kind="detected",
        target_kind="detected",
        reasons=("inferred from the run by progrun.detect",),
    )
