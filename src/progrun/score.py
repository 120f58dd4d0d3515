"""The pace-control score: 0 to 100, how well a run followed its progression plan.

A run that follows the plan perfectly scores 100. Every kind of deviation the method warns about takes
points off, and each deduction grows with the size of the mistake and is capped, so one disaster cannot
hide everything else and no kind of mistake can be traded for another. All paces are grade-adjusted
(GAP), so a split that slowed on a climb but held its effort is not a failure.

    score = max(0, 100 - sum of the deductions), rounded to 0.1

Deductions (paces in s/km of GAP), each capped:

- *a split slower than the one before*: 8 + 0.5 x (s/km beyond the 3 s/km noise allowance) each, at
  most 20 each and 40 in all. The one thing a progression run must not do; the first second over the
  allowance costs the most.
- *target missed*: 10 + 0.5 x (s/km slower than the target band), at most 25 (25 when no split was
  run: `target_miss_s_per_km` is infinite). Finishing at tempo is the point of the workout.
- *too many tempo splits*: 6 per split over the cap (3, or the plan's own if higher), at most 15. More
  time at tempo turns a controlled build into a race.
- *no cooldown*: 10 x (1 - cooldown / 180 s), at most 10. About 5 minutes are planned; 3 minutes or
  more count as done, a shorter one earns part of the points.
- *went out too fast*: 5. The classic mistake, on top of the band misses it causes.
- *splits outside their band*: 0.5 x (s/km outside the band) each, at most 5 each and 25 in all.
  Pace control means hitting the band, not just the trend; a second or two off costs about a point.
- *erratic pace inside a split*: 15 x the mean over splits of min(1, (CV - 5 %) / 10 %), at most 15.
  A split's average can be on target while the running inside it surges and fades.
- *stalled splits*: 5 + 0.5 x (s/km of the planned speed-up not made) for each split planned faster
  than the one before that got faster by less than half the planned step (and was not yet at the
  target), at most 12 each and 30 in all. A steady run is not a progression: not getting faster is
  the first thing the method asks for.

Then *coverage* bounds the score: `score = (100 - deductions) x covered share of the plan's running
distance`. A run that covered 3.6 of 5 planned miles perfectly scores 72; 159 m of a 5-mile plan
scores about 2, whatever it did in those metres.

CV is the coefficient of variation of the grade-adjusted pace of the 100 m pieces of a split. Steady
running with a watch, GPS noise included, stays under 5 %; surges of 30 s/km push it past 10 %.
The weights put the method's own rules first (slower splits, target, tempo cap, cooldown) and pace
precision second, so a runner who progressed every split but sat 4 s/km off a 2 s/km band still scores
in the 80s, while one who went out too fast and faded lands in the 40s to 60s.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from progrun.units import SplitUnit

#: A split may be this much slower than the one before (GAP, s/km) before it counts as slower.
NOISE_ALLOWANCE_S_PER_KM = 3.0
#: A cooldown at least this long counts as done (the method asks for about 5 minutes).
COOLDOWN_DONE_S = 180.0
#: The method's cap on splits at the target pace.
TEMPO_CAP = 3
#: Within-split variation below this coefficient of variation costs nothing.
STEADY_CV = 0.05
#: Variation this far above STEADY_CV costs the full erratic deduction.
ERRATIC_CV_SPAN = 0.10

SLOWER_BASE = 8.0
SLOWER_PER_S = 0.5
SLOWER_SPLIT_CAP = 20.0
SLOWER_CAP = 40.0
TARGET_BASE = 10.0
TARGET_PER_S = 0.5
TARGET_CAP = 25.0
TEMPO_PER_SPLIT = 6.0
TEMPO_EXTRA_CAP = 15.0
COOLDOWN_POINTS = 10.0
TOO_FAST_POINTS = 5.0
BAND_PER_S = 0.5
BAND_SPLIT_CAP = 5.0
BAND_CAP = 25.0
ERRATIC_POINTS = 15.0
STALL_BASE = 5.0
STALL_PER_S = 0.5
STALL_SPLIT_CAP = 12.0
STALL_CAP = 30.0


@dataclass(frozen=True)
class Deduction:
    """Points taken off for one kind of deviation, with the facts behind them."""

    check: str
    points: float
    detail: str


@dataclass(frozen=True)
class Score:
    """The pace-control score and every deduction that made it."""

    value: float
    deductions: tuple[Deduction, ...]

    def points_for(self, check: str) -> float:
        """Points taken off by one check (0 when it cost nothing)."""
        return sum(item.points for item in self.deductions if item.check == check)


@dataclass(frozen=True)
class ScoreInputs:
    """What the judge measured, in the terms the score needs (paces in s/km, grade-adjusted).

    `slower_by_s_per_km`: for each split slower than the one before beyond the allowance, how much
    slower it was (the full difference, allowance included). `target_miss_s_per_km`: how much the final
    split was slower than the target band (0 or less when reached). `band_offsets_s_per_km`: each run
    split's distance outside its band (0 inside). `split_cvs`: each run split's within-split CV (NaN
    when it cannot be measured). `stalled_short_s_per_km`: for each stalled split, the planned speed-up
    it did not make. `coverage`: the share of the plan's running distance covered (0..1).
    `unit`/`unit_m` only choose how the details show paces (s/mi or s/km), `too_fast_label` names the
    split that went out too fast.
    """

    slower_by_s_per_km: Sequence[float] = ()
    target_miss_s_per_km: float = 0.0
    tempo_splits: int = 0
    tempo_cap: int = TEMPO_CAP
    cooldown_s: float = COOLDOWN_DONE_S
    went_out_too_fast: bool = False
    band_offsets_s_per_km: Sequence[float] = ()
    split_cvs: Sequence[float] = ()
    stalled_short_s_per_km: Sequence[float] = ()
    coverage: float = 1.0
    unit: str = SplitUnit.KM
    unit_m: float = 1000.0
    too_fast_label: str = "the first split"

    def per_unit(self, s_per_km: float) -> int:
        """Seconds per km as whole seconds per display unit (as the verdict's table shows them)."""
        return math.floor(s_per_km * self.unit_m / 1000.0 + 0.5)


def _slower(inputs: ScoreInputs) -> Deduction | None:
    if not inputs.slower_by_s_per_km:
        return None
    each = [
        min(SLOWER_SPLIT_CAP, SLOWER_BASE + SLOWER_PER_S * max(0.0, slower - NOISE_ALLOWANCE_S_PER_KM))
        for slower in inputs.slower_by_s_per_km
    ]
    count = len(each)
    return Deduction(
        "slower_split",
        min(SLOWER_CAP, sum(each)),
        f"{count} split{'s' if count > 1 else ''} slower than the one before "
        f"(by up to {inputs.per_unit(max(inputs.slower_by_s_per_km))} s/{inputs.unit})",
    )


def _target(inputs: ScoreInputs) -> Deduction | None:
    miss = inputs.target_miss_s_per_km
    if not (miss > 0.0):
        return None
    if math.isinf(miss):
        return Deduction("missed_target", TARGET_CAP, "no split was run, so the target was not reached")
    return Deduction(
        "missed_target",
        min(TARGET_CAP, TARGET_BASE + TARGET_PER_S * miss),
        f"final split {inputs.per_unit(miss)} s/{inputs.unit} slower than its band",
    )


def _tempo(inputs: ScoreInputs) -> Deduction | None:
    extra = inputs.tempo_splits - inputs.tempo_cap
    if extra <= 0:
        return None
    return Deduction(
        "too_many_tempo_splits",
        min(TEMPO_EXTRA_CAP, TEMPO_PER_SPLIT * extra),
        f"{inputs.tempo_splits} splits at tempo, cap {inputs.tempo_cap}",
    )


def _cooldown(inputs: ScoreInputs) -> Deduction | None:
    cooldown_s = max(0.0, inputs.cooldown_s) if math.isfinite(inputs.cooldown_s) else 0.0
    if cooldown_s >= COOLDOWN_DONE_S:
        return None
    return Deduction(
        "no_cooldown",
        COOLDOWN_POINTS * (1.0 - cooldown_s / COOLDOWN_DONE_S),
        f"cooldown {cooldown_s:.0f} s of the {COOLDOWN_DONE_S:.0f} s that count",
    )


def _band(inputs: ScoreInputs) -> Deduction | None:
    offsets = [
        abs(offset) for offset in inputs.band_offsets_s_per_km if math.isfinite(offset) and offset != 0.0
    ]
    if not offsets:
        return None
    points = min(BAND_CAP, sum(min(BAND_SPLIT_CAP, BAND_PER_S * offset) for offset in offsets))
    count = len(offsets)
    return Deduction(
        "outside_band",
        points,
        f"{count} split{'s' if count > 1 else ''} outside the band "
        f"(up to {inputs.per_unit(max(offsets))} s/{inputs.unit})",
    )


def _erratic(inputs: ScoreInputs) -> Deduction | None:
    cvs = [cv for cv in inputs.split_cvs if math.isfinite(cv)]
    if not cvs:
        return None
    shares = [min(1.0, max(0.0, (cv - STEADY_CV) / ERRATIC_CV_SPAN)) for cv in cvs]
    points = ERRATIC_POINTS * sum(shares) / len(shares)
    if points <= 0.0:
        return None
    return Deduction("erratic_pace", points, f"pace varied by up to {max(cvs) * 100:.0f} % inside a split")


def _stalled(inputs: ScoreInputs) -> Deduction | None:
    shorts = [max(0.0, short) for short in inputs.stalled_short_s_per_km if math.isfinite(short)]
    if not shorts:
        return None
    points = min(STALL_CAP, sum(min(STALL_SPLIT_CAP, STALL_BASE + STALL_PER_S * short) for short in shorts))
    count = len(shorts)
    return Deduction(
        "stalled",
        points,
        f"{count} split{'s' if count > 1 else ''} not faster than the one before "
        f"(up to {inputs.per_unit(max(shorts))} s/{inputs.unit} of the planned speed-up not made)",
    )


def pace_control_score(inputs: ScoreInputs) -> Score:
    """The score for what the judge measured; see the module docstring for the formula."""
    found = [
        _slower(inputs),
        _target(inputs),
        _tempo(inputs),
        _cooldown(inputs),
        Deduction("went_out_too_fast", TOO_FAST_POINTS, f"{inputs.too_fast_label} faster than its band")
        if inputs.went_out_too_fast
        else None,
        _band(inputs),
        _erratic(inputs),
        _stalled(inputs),
    ]
    deductions = [item for item in found if item is not None and item.points > 0.0]
    value = max(0.0, 100.0 - sum(item.points for item in deductions))
    coverage = min(1.0, max(0.0, inputs.coverage)) if math.isfinite(inputs.coverage) else 0.0
    if coverage < 1.0 and value > 0.0:
        deductions.append(
            Deduction(
                "coverage",
                value * (1.0 - coverage),
                f"covered {coverage * 100:.0f} % of the plan's running distance: the score is scaled by it",
            )
        )
        value *= coverage
    return Score(round(value, 1), tuple(deductions))
