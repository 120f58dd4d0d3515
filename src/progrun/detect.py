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
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, replace

import numpy as np

from progrun.activity import CHANNELS, Activity, FloatArray
from progrun.plan import METRES_PER_MILE, Plan, SplitUnit, Step, StepKind
from progrun.plan_rules import (
    BUILD_BAND_S_PER_KM,
    COOLDOWN_OFFSET_S_PER_KM,
    COOLDOWN_WALK_S_PER_KM,
    DEFAULT_COOLDOWN_S,
    TEMPO_BAND_S_PER_KM,
)
from progrun.score import NOISE_ALLOWANCE_S_PER_KM
from progrun.split_frame import arrays_key, memo, shared_work
from progrun.splits import Crossing, Split, distance_frame

#: Seconds of the centred window that smooths the pace for the cooldown search.
SMOOTHING_S = 30.0
#: Share of the seconds after the cooldown start that must be slow.
COOLDOWN_SLOW_SHARE = 0.85
#: A slow tail shorter than this is the watch being stopped, not a cooldown.
MIN_COOLDOWN_S = 20.0
#: Slower than this share of the speed of the REFERENCE_S seconds before counts as cooldown (detection only).
COOLDOWN_SPEED_RATIO = 0.8
#: Seconds of running before a candidate cooldown start that set its reference speed.
REFERENCE_S = 120.0
#: Moving: faster than this (m/s), a brisk walk.
MOVING_M_S = 1.0
#: Piece length for the within-split variation.
PIECE_M = 100.0
MIN_SPLITS = 3
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
    #: "mi" or "km".
    unit: str
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


@dataclass(frozen=True, eq=False)
class PaceTrace:
    """The run on a 1 s grid: cumulative distance and speed smoothed over SMOOTHING_S seconds."""

    time_s: FloatArray
    distance_m: FloatArray
    speed_m_s: FloatArray


def pace_trace(activity: Activity) -> PaceTrace | None:
    """Resample distance to 1 s and smooth the speed; None without at least two distance samples."""
    return memo(
        ("pace_trace", arrays_key(activity, "time_s", "distance_m")),
        (activity.time_s, activity.distance_m),
        lambda: _pace_trace(activity),
    )


def _pace_trace(activity: Activity) -> PaceTrace | None:
    valid = ~np.isnan(activity.time_s) & ~np.isnan(activity.distance_m)
    if np.count_nonzero(valid) < 2:
        return None
    times = activity.time_s[valid]
    distances = np.maximum.accumulate(activity.distance_m[valid])
    grid = np.arange(times[0], times[-1] + 0.5, 1.0)
    along = np.interp(grid, times, distances)
    half = int(SMOOTHING_S // 2)
    index = np.arange(len(along))
    ahead = np.minimum(index + half, len(along) - 1)
    behind = np.maximum(index - half, 0)
    span = (ahead - behind).astype(np.float64)
    speed = np.divide(along[ahead] - along[behind], span, out=np.zeros_like(along), where=span > 0)
    return PaceTrace(grid, along, speed)


def find_cooldown_start(trace: PaceTrace, slow_below_m_s: float, earliest_s: float) -> float | None:
    """The earliest time after `earliest_s` from which >= 85 % of the rest is slower than `slow_below_m_s`.

    None when no such slow tail of at least MIN_COOLDOWN_S seconds exists.
    """
    slow = trace.speed_m_s < slow_below_m_s
    remaining = np.arange(len(slow), 0, -1)
    slow_after = np.cumsum(slow[::-1])[::-1]
    share = slow_after / remaining
    candidates = np.flatnonzero(slow & (share >= COOLDOWN_SLOW_SHARE) & (trace.time_s >= earliest_s))
    if candidates.size == 0:
        return None
    start_s = float(trace.time_s[candidates[0]])
    if trace.time_s[-1] - start_s < MIN_COOLDOWN_S:
        return None
    return start_s


def find_cooldown_after_running(trace: PaceTrace, earliest_s: float) -> float | None:
    """The earliest time after `earliest_s` from which >= 85 % of the rest is slower than 80 % of the
    mean speed of the REFERENCE_S seconds before it; None without such a tail of MIN_COOLDOWN_S seconds.
    """
    grid = trace.time_s
    before = np.interp(grid - REFERENCE_S, grid, trace.distance_m)
    span = np.minimum(grid - grid[0], REFERENCE_S)
    reference = np.divide(trace.distance_m - before, span, out=np.zeros_like(span), where=span > 0)
    threshold = COOLDOWN_SPEED_RATIO * reference
    candidates = np.flatnonzero((trace.speed_m_s < threshold) & (grid >= earliest_s))
    for index in candidates.tolist():
        if grid[-1] - grid[index] < MIN_COOLDOWN_S:
            return None
        if np.mean(trace.speed_m_s[index:] < threshold[index]) >= COOLDOWN_SLOW_SHARE:
            return float(grid[index])
    return None


def head(activity: Activity, end_s: float) -> Activity:
    """The activity up to `end_s` (samples, laps and pauses that start before it)."""
    keep = activity.time_s <= end_s + 1e-9
    columns = {name: getattr(activity, name)[keep] for name in CHANNELS}
    laps = tuple(lap for lap in activity.laps if lap.start_s < end_s)
    pauses = tuple(pause for pause in activity.pauses if pause.start_s < end_s)
    return replace(activity, **columns, laps=laps, pauses=pauses)


def split_gap(split: Split) -> float:
    """The split's grade-adjusted pace, or its pace when the file has no altitude."""
    return split.gap_s_per_km if math.isfinite(split.gap_s_per_km) else split.pace_s_per_km


def _piece_paces(activity: Activity, bounds_s: list[tuple[float, float]]) -> list[FloatArray]:
    """The grade-adjusted paces of the whole 100 m pieces inside each (start_s, end_s) span, in order.

    Pieces use interpolated crossings whatever the device's lap rule: a piece boundary snapped to a
    sample recorded every 5-6 s would make even pieces look uneven.
    """
    pieces = distance_frame(activity, PIECE_M, crossing=Crossing.INTERPOLATE, full=False)
    whole = pieces.distance_m >= PIECE_M * 0.99
    if not np.any(whole):
        return [np.array([]) for _ in bounds_s]
    middles = (pieces.start_s[whole] + pieces.end_s[whole]) / 2.0
    paces = pieces.judged_s_per_km[whole]
    finite = np.isfinite(paces)
    return [paces[(middles >= start_s) & (middles <= end_s) & finite] for start_s, end_s in bounds_s]


def split_pace_cvs(activity: Activity, bounds_s: list[tuple[float, float]]) -> list[float]:
    """Coefficient of variation of the 100 m grade-adjusted paces inside each (start_s, end_s) span.

    NaN for a span holding fewer than 3 whole 100 m pieces.
    """
    result: list[float] = []
    for inside in _piece_paces(activity, bounds_s):
        if inside.size < 3:
            result.append(math.nan)
            continue
        # np.mean and np.std computed as numpy computes them (the same sums and divisions).
        count = inside.size
        mean = np.add.reduce(inside) / count
        deviation = inside - mean
        deviation *= deviation
        std = np.sqrt(np.add.reduce(deviation) / count)
        result.append(math.nan if float(mean) <= 0 else float(std / mean))
    return result


def sustained_variation(activity: Activity, bounds_s: list[tuple[float, float]]) -> float:
    """How much the pace varies inside the spans in surges that last more than one 100 m piece.

    The square root of the lag-1 autocovariance of the pieces' deviations from their span's mean pace,
    pooled over the spans, over the mean pace (0 when negative; NaN without two pairs of pieces). A surge
    makes consecutive pieces fast together; GPS noise that moves a piece boundary makes one piece slow
    and the next fast, so it cancels out instead of adding up as it does in a plain CV.
    """
    products: list[FloatArray] = []
    means: list[float] = []
    for inside in _piece_paces(activity, bounds_s):
        if inside.size < 3:
            continue
        mean = float(np.mean(inside))
        deviation = inside - mean
        products.append(deviation[:-1] * deviation[1:])
        means.append(mean)
    pooled = np.concatenate(products) if products else np.zeros(0)
    if pooled.size < 2 or not means:
        return math.nan
    return math.sqrt(max(0.0, float(np.mean(pooled)))) / float(np.mean(means))


def decreasing_fit(values: FloatArray) -> FloatArray:
    """The closest non-increasing sequence in least squares (pool-adjacent-violators)."""
    blocks: list[list[float]] = []  # [mean, count]
    for value in values.tolist():
        blocks.append([value, 1.0])
        while len(blocks) > 1 and blocks[-2][0] < blocks[-1][0]:
            mean, count = blocks.pop()
            blocks[-1] = [
                (blocks[-1][0] * blocks[-1][1] + mean * count) / (blocks[-1][1] + count),
                blocks[-1][1] + count,
            ]
    return np.concatenate([np.full(int(count), mean) for mean, count in blocks])


def largest_jump_share(paces: FloatArray) -> float:
    """The largest speed-up of the decreasing fit as a share of its whole drop (1.0 when it has none)."""
    finite = paces[np.isfinite(paces)]
    if finite.size < 2:
        return 1.0
    jumps = -np.diff(decreasing_fit(finite))
    total = float(jumps.sum())
    return float(jumps.max() / total) if total > 0 else 1.0


def _unit_m(activity: Activity) -> float:
    full = [lap.distance_m for lap in activity.laps[:-1] if lap.distance_m]
    if full and abs(_median(full) - METRES_PER_MILE) <= 0.02 * METRES_PER_MILE:
        return METRES_PER_MILE
    return 1000.0


def _ramp(value: float, zero_at: float, one_at: float) -> float:
    if not math.isfinite(value):
        return 0.0
    return float(min(1.0, max(0.0, (value - zero_at) / (one_at - zero_at))))


def _spearman(values: FloatArray) -> float:
    """Spearman's rank correlation of `values` with their order (`np.corrcoef` of the ranks, computed
    with the same operations without its overhead: the values are the same to the last bit)."""
    count = len(values)
    if count < 2:  # the ranks are a permutation of 0..count-1: constant only for a single value
        return 0.0
    ranks = np.argsort(np.argsort(values)).astype(np.float64)
    centred = np.stack([np.arange(count, dtype=np.float64), ranks])
    centred -= centred.mean(axis=1)[:, None]
    covariance = np.dot(centred, centred.T)
    covariance *= np.true_divide(1, count - 1)
    rho = float(covariance[0, 1] / np.sqrt(covariance[0, 0]) / np.sqrt(covariance[1, 1]))
    return rho if math.isnan(rho) else min(1.0, max(-1.0, rho))


@functools.lru_cache(maxsize=64)
def _line_design(count: int) -> tuple[FloatArray, FloatArray, float]:
    """`np.polyfit`'s scaled design matrix, column scales and rcond for a line through `count` points."""
    design = np.vander(np.arange(count, dtype=np.float64), 2)
    scale = np.sqrt((design * design).sum(axis=0))
    design /= scale
    design.flags.writeable = False
    scale.flags.writeable = False
    return design, scale, count * float(np.finfo(np.float64).eps)


def _slope(values: FloatArray) -> float:
    """The least-squares slope of `values` against their index, as `np.polyfit(index, values, 1)[0]`
    computes it (same scaled least-squares problem, same LAPACK call)."""
    design, scale, rcond = _line_design(len(values))
    solution = np.linalg.lstsq(design, values + 0.0, rcond)[0]
    return float(solution[0] / scale[0])


def _median(values: list[float]) -> float:
    """`np.median` of a short list of floats (NaN if any is NaN), without numpy's overhead."""
    if any(math.isnan(value) for value in values):
        return math.nan
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2.0


@dataclass(frozen=True)
class _Reading:
    """The six signs read on the splits from `first_split` on."""

    first_split: int
    signs: tuple[tuple[str, float], ...]
    confidence: float
    reasons: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class _Pieces:
    """Pieces of a run as columns: start and end (s), grade-adjusted pace (or pace) in s/km."""

    start_s: FloatArray
    end_s: FloatArray
    judged_s_per_km: FloatArray


def _read_signs(
    paces: FloatArray,
    first_start_s: float,
    last_end_s: float,
    halves: _Pieces,
    sustained: float,
    *,
    first_split: int = 0,
) -> _Reading:
    """The signs of the split `paces` (a run's splits, or all but its first), which run from
    `first_start_s` to `last_end_s`; `halves` are the run's half-unit pieces and `sustained` its
    within-split surge measure."""
    deltas = np.diff(paces)
    monotone_share = float(np.mean(deltas <= NOISE_ALLOWANCE_S_PER_KM))
    worst_slowdown = float(deltas.max())
    slope = _slope(paces)
    drop = -slope * (len(paces) - 1)
    rho = _spearman(paces)
    inside = (halves.start_s >= first_start_s - 1.0) & (halves.end_s <= last_end_s + 1.0)
    spread = largest_jump_share(halves.judged_s_per_km[inside])
    signs = (
        ("monotone", _ramp(monotone_share, 0.5, 0.9)),
        ("reversal", _ramp(-worst_slowdown, -12.0, -4.0)),
        ("drop", _ramp(drop, 3.0, 12.0)),
        ("order", _ramp(-rho, 0.5, 0.9)),
        ("spread", _ramp(-spread, -0.85, -0.5)),
        ("steady", _ramp(-sustained, -0.04, -0.02) if math.isfinite(sustained) else 1.0),
    )
    variation = f"{sustained * 100:.1f} %" if math.isfinite(sustained) else "unknown (too few 100 m pieces)"
    reasons = (
        f"{round(monotone_share * len(deltas))} of {len(deltas)} splits no slower than the one before "
        f"(within {NOISE_ALLOWANCE_S_PER_KM:g} s/km)",
        f"worst slowdown {max(worst_slowdown, 0.0):.0f} s/km from one split to the next",
        f"{drop:.0f} s/km faster from first to last split (least-squares line)",
        f"rank correlation of pace with split number {rho:.2f}",
        f"largest single speed-up {spread * 100:.0f} % of all speed-ups",
        f"sustained within-split variation (surges) {variation}",
    )
    return _Reading(first_split, signs, min(value for _, value in signs), reasons)


def _not_progression(
    unit: str, reason: str, paces: tuple[float, ...] = (), cooldown_s: float = 0.0
) -> Detection:
    return Detection(False, 0.0, math.nan, math.nan, math.nan, 0, unit, paces, cooldown_s, (), (reason,))


def detect_progression(activity: Activity) -> Detection:
    """Decide whether `activity` was a progression run and infer its plan (see the module docstring)."""
    with shared_work():  # the km, half-unit and 100 m splits share one preparation of the run
        return _detect(activity)


def _detect(activity: Activity) -> Detection:
    unit_m = _unit_m(activity)
    unit = "mi" if unit_m == METRES_PER_MILE else "km"
    trace = pace_trace(activity)
    if trace is None:
        return _not_progression(unit, "the file has no distance to split")
    if not np.any(trace.speed_m_s > MOVING_M_S):
        return _not_progression(unit, "the run never moved faster than a walk")
    half_s = float(np.interp(trace.distance_m[-1] / 2.0, trace.distance_m, trace.time_s))
    cooldown_start = find_cooldown_after_running(trace, half_s)
    cooldown_s = float(trace.time_s[-1] - cooldown_start) if cooldown_start is not None else 0.0
    running = head(activity, cooldown_start) if cooldown_start is not None else activity
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
    halves = _Pieces(pieces.start_s[half], pieces.end_s[half], pieces.judged_s_per_km[half])
    starts_s = km.start_s[whole]
    ends_s = km.end_s[whole]
    sustained = sustained_variation(running, list(zip(starts_s.tolist(), ends_s.tolist(), strict=True)))
    reading = _read_signs(paces_arr, float(starts_s[0]), float(ends_s[-1]), halves, sustained)
    if count - 1 >= MIN_SPLITS and reading.confidence < 1.0:  # (at 1.0 no reading can be better)
        # A warm-up split before the build: read the run without it too, and keep the better reading.
        without_warmup = _read_signs(
            paces_arr[1:], float(starts_s[1]), float(ends_s[-1]), halves, sustained, first_split=1
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
    unit = SplitUnit.MILE if detection.unit == "mi" else SplitUnit.KM
    tempo = max(1, min(detection.tempo_splits, count - 1))
    builds = count - tempo
    start, target = detection.start_s_per_km, detection.target_s_per_km
    build_fast, build_slow = BUILD_BAND_S_PER_KM
    tempo_fast, tempo_slow = TEMPO_BAND_S_PER_KM
    steps: list[Step] = []
    for index in range(builds):
        pace = start + (target - start) * index / builds
        steps.append(
            Step(
                StepKind.BUILD,
                pace,
                max(target, pace - build_fast),
                pace + build_slow,
                distance_m=unit.metres,
            )
        )
    for _ in range(tempo):
        steps.append(
            Step(StepKind.TEMPO, target, target - tempo_fast, target + tempo_slow, distance_m=unit.metres)
        )
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
