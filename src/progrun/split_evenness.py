"""How evenly a run's splits were run, from the 100 m pieces inside them (longer past MAX_PIECES).

`split_pace_cvs` gives each split's coefficient of variation (the judge's per-split CV);
`sustained_variation` keeps only surges that last more than one piece (the detector's *steady* sign),
so GPS noise that moves a piece boundary cancels out. Paces are grade-adjusted where the file has altitude.
"""

from __future__ import annotations

import math

import numpy as np

from progrun.activity import Activity, FloatArray
from progrun.split_frame import PreparedRun
from progrun.splits import Crossing, distance_frame

#: Piece length for the within-split variation.
PIECE_M = 100.0
#: The most pieces a run is cut into: past it (6,554 km at 100 m, longer than any run recorded in one
#: file) the pieces grow, so memory is bounded by this cap, never by the file's distance (a
#: hand-crafted file may claim 50 m/s for days: 200 samples 6 hours apart reach 215,000 km, 2.1 million
#: pieces of 100 m).
MAX_PIECES = 2**16


def piece_length_m(activity: Activity) -> float:
    """PIECE_M, or longer for a recording that claims more than MAX_PIECES x PIECE_M."""
    return max(PIECE_M, activity.total_distance_m / MAX_PIECES)


def _piece_paces(run: Activity | PreparedRun, bounds_s: list[tuple[float, float]]) -> list[FloatArray]:
    """The grade-adjusted paces of the whole 100 m pieces inside each (start_s, end_s) span, in order.

    Pieces use interpolated crossings whatever the device's lap rule: a piece boundary snapped to a
    sample recorded every 5-6 s would make even pieces look uneven.
    """
    piece_m = piece_length_m(run.activity if isinstance(run, PreparedRun) else run)
    pieces = distance_frame(run, piece_m, crossing=Crossing.INTERPOLATE, full=False)
    whole = pieces.distance_m >= piece_m * 0.99
    if not np.any(whole):
        return [np.array([]) for _ in bounds_s]
    middles = (pieces.start_s[whole] + pieces.end_s[whole]) / 2.0
    paces = pieces.judged_s_per_km[whole]
    finite = np.isfinite(paces)
    return [paces[(middles >= start_s) & (middles <= end_s) & finite] for start_s, end_s in bounds_s]


def split_pace_cvs(activity: Activity | PreparedRun, bounds_s: list[tuple[float, float]]) -> list[float]:
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


def sustained_variation(activity: Activity | PreparedRun, bounds_s: list[tuple[float, float]]) -> float:
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
