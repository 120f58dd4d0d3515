"""The seven signs of a progression, read on a run's split paces: monotone, reversal, drop, order,
spread, steady and step, each scored 0 to 1 with 0.5 at the method's rule (the rules are in
`progrun.detect`).

The statistics behind them are here too: the closest never-slower sequence (`decreasing_fit`), the
largest single speed-up's share (`largest_jump_share`), Spearman's rank correlation and the
least-squares slope, each computed as numpy computes it so the values are the same to the last bit.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from progrun.activity import FloatArray
from progrun.score import NOISE_ALLOWANCE_S_PER_KM
from progrun.units import METRES_PER_MILE, pace_difference_text

#: The method's least step: "each mile increase your pace by 15-30 seconds per mile" (9.3 s/km).
LEAST_STEP_S_PER_KM = 15.0 / METRES_PER_MILE * 1000.0
#: A build's mean step is read within this of the truth (s/km): the judge's split-to-split noise.
STEP_TOLERANCE_S_PER_KM = NOISE_ALLOWANCE_S_PER_KM


def build_step(paces: FloatArray) -> float:
    """The build's mean step (s/km): from the first split to the first split at the target, per split.

    The target splits are those within max(3 s/km, half the median speed-up) of the fastest, as the
    detector infers them; 0 when the first split is already at the target.
    """
    speedups = np.maximum(-np.diff(paces), 0.0)
    positive = speedups[speedups > 0]
    median_step = float(np.median(positive)) if positive.size else 0.0
    tolerance = max(NOISE_ALLOWANCE_S_PER_KM, median_step / 2.0)
    at_tempo = paces <= float(np.min(paces)) + tolerance
    first_tempo = int(np.argmax(at_tempo))
    if first_tempo == 0:
        return 0.0
    return (float(paces[0]) - float(np.mean(paces[at_tempo]))) / first_tempo


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


@dataclass(frozen=True)
class Reading:
    """The six signs read on the splits from `first_split` on."""

    first_split: int
    signs: tuple[tuple[str, float], ...]
    confidence: float
    reasons: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Pieces:
    """Pieces of a run as columns: start and end (s), grade-adjusted pace (or pace) in s/km."""

    start_s: FloatArray
    end_s: FloatArray
    judged_s_per_km: FloatArray


def read_signs(
    paces: FloatArray,
    first_start_s: float,
    last_end_s: float,
    halves: Pieces,
    sustained: float,
    *,
    first_split: int = 0,
    unit: str = "km",
) -> Reading:
    """The signs of the split `paces` (a run's splits, or all but its first), which run from
    `first_start_s` to `last_end_s`; `halves` are the run's half-unit pieces and `sustained` its
    within-split surge measure. The reasons give paces per `unit` (the splits' own, "mi" or "km")."""
    deltas = np.diff(paces)
    monotone_share = float(np.mean(deltas <= NOISE_ALLOWANCE_S_PER_KM))
    worst_slowdown = float(deltas.max())
    slope = _slope(paces)
    drop = -slope * (len(paces) - 1)
    rho = _spearman(paces)
    inside = (halves.start_s >= first_start_s - 1.0) & (halves.end_s <= last_end_s + 1.0)
    spread = largest_jump_share(halves.judged_s_per_km[inside])
    step = build_step(paces)
    least = LEAST_STEP_S_PER_KM
    signs = (
        ("monotone", _ramp(monotone_share, 0.5, 0.9)),
        ("reversal", _ramp(-worst_slowdown, -12.0, -4.0)),
        ("drop", _ramp(drop, 3.0, 12.0)),
        ("order", _ramp(-rho, 0.5, 0.9)),
        ("spread", _ramp(-spread, -0.85, -0.5)),
        ("steady", _ramp(-sustained, -0.04, -0.02) if math.isfinite(sustained) else 1.0),
        ("step", _ramp(step, least - 2.0 * STEP_TOLERANCE_S_PER_KM, least)),
    )
    variation = f"{sustained * 100:.1f} %" if math.isfinite(sustained) else "unknown (too few 100 m pieces)"

    def per(delta_s_per_km: float, decimals: int = 0) -> str:
        return pace_difference_text(delta_s_per_km, unit, decimals)

    reasons = (
        f"{round(monotone_share * len(deltas))} of {len(deltas)} splits no slower than the one before "
        f"(within {per(NOISE_ALLOWANCE_S_PER_KM, 0 if unit == 'km' else 1)})",
        f"worst slowdown {per(max(worst_slowdown, 0.0))} from one split to the next",
        f"{per(drop)} faster from first to last split (least-squares line)",
        f"rank correlation of pace with split number {rho:.2f}",
        f"largest single speed-up {spread * 100:.0f} % of all speed-ups",
        f"sustained within-split variation (surges) {variation}",
        f"build step {per(step, 1)} a split (the method's least is {per(least, 1)}, "
        f"{per(STEP_TOLERANCE_S_PER_KM, 0 if unit == 'km' else 1)} allowed for noise)",
    )
    return Reading(first_split, signs, min(value for _, value in signs), reasons)
