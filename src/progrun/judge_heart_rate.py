"""Judge a heart-rate-guided progression run by heart rate: each split's average against its band, the climb.

Used when the plan is HR-guided (`progrun.heart_rate`, `plan.options["heart_rate"]`). It reads the pace
verdict (`progrun.judge.judge`): the same splits, matched the same way (the watch's workout laps or the
plan laid on the distance), with each split's average heart rate; a split whose pace the pace judge
distrusts (`gps_suspect`, `progrun.gps_trust`) is still judged here, since heart rate does not depend on
GPS, and the verdict names it.

**Per split.** The average heart rate against the split's band, allowing:

- `HR_TOLERANCE_BPM` (3 bpm) either side: heart rate lags a change of effort by a minute or more, so a
  split's average carries some of the split before it; and chest straps and optical sensors differ
  by a few bpm;
- cardiovascular drift on the high edge: at a steady effort heart rate climbs by 10-15 % between the
  10th and 60th minute (Coyle & González-Alonso 2001, "Cardiovascular drift during prolonged exercise",
  Exerc Sport Sci Rev 29:88-92). progrun raises the band's high edge by `DRIFT_BPM_PER_MIN` (0.2 bpm)
  per minute after minute 10 at the split's middle: 10 bpm at an hour, a cautious reading of it.

**Checks and score** (100, minus):

- *outside band*: each split off its band (beyond the allowances) loses its distance in bpm, at most
  `MAX_SPLIT_DEDUCTION` (10) points;
- *climbed*: each split whose average is more than `CLIMB_NOISE_BPM` (2 bpm) below the split before
  loses `NO_CLIMB_DEDUCTION` (8) points;
- *threshold reached*: the last split run averages at least the threshold band's floor (less the
  tolerance), else `THRESHOLD_DEDUCTION` (15) points.

A recording with no heart rate cannot be judged this way: `heart_rate_verdict` returns None and the pace
verdict stands alone (the CLI says so).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from progrun.heart_rate import HeartRateBand, hr_bands_of, threshold_of
from progrun.plan import Plan, StepKind
from progrun.verdict import SplitStatus, Verdict

__all__ = ["HeartRateSplit", "HeartRateVerdict", "heart_rate_verdict"]

HR_TOLERANCE_BPM = 3.0
DRIFT_BPM_PER_MIN = 0.2
DRIFT_FROM_S = 600.0
CLIMB_NOISE_BPM = 2.0
MAX_SPLIT_DEDUCTION = 10.0
NO_CLIMB_DEDUCTION = 8.0
THRESHOLD_DEDUCTION = 15.0


@dataclass(frozen=True)
class HeartRateSplit:
    """One split by heart rate: its band, the drift allowed, its average, how far off (+ above, - below)."""

    label: str
    band: HeartRateBand
    drift_bpm: float
    average_bpm: float
    off_bpm: float
    climbed: bool
    gps_suspect: bool

    def to_dict(self) -> dict[str, object]:
        """The split as JSON-ready values."""
        return {
            "label": self.label,
            "low_bpm": round(self.band.low_bpm, 1),
            "high_bpm": round(self.band.high_bpm, 1),
            "zone": self.band.zone,
            "drift_bpm": round(self.drift_bpm, 1),
            "average_bpm": round(self.average_bpm, 1),
            "off_bpm": round(self.off_bpm, 1),
            "climbed": self.climbed,
            "gps_suspect": self.gps_suspect,
        }


@dataclass(frozen=True)
class HeartRateVerdict:
    """The run by heart rate: splits, checks, score 0-100 and the deductions, and one paragraph."""

    splits: tuple[HeartRateSplit, ...]
    climbed: bool
    threshold_reached: bool
    score: float
    deductions: tuple[tuple[str, float, str], ...]
    text: str

    def to_dict(self) -> dict[str, object]:
        """The verdict as JSON-ready values."""
        return {
            "score": self.score,
            "climbed": self.climbed,
            "threshold_reached": self.threshold_reached,
            "splits": [split.to_dict() for split in self.splits],
            "deductions": [{"check": c, "points": p, "detail": d} for c, p, d in self.deductions],
            "text": self.text,
        }


def _off(average: float, low: float, high: float) -> float:
    if average < low:
        return average - low
    if average > high:
        return average - high
    return 0.0


def heart_rate_verdict(plan: Plan, verdict: Verdict) -> HeartRateVerdict | None:
    """The HR verdict of an HR-guided `plan` from its pace `verdict`; None for a plan not guided by heart rate
    or a recording with no heart rate in the running splits."""
    bands = hr_bands_of(plan)
    threshold = threshold_of(plan)
    if bands is None or threshold is None:
        return None
    running = [index for index, step in enumerate(plan.steps) if step.kind is not StepKind.COOLDOWN]
    splits: list[HeartRateSplit] = []
    previous = math.nan
    for index, judged in zip(running, verdict.splits, strict=False):
        band = bands[index]
        if (
            band is None
            or judged.status is SplitStatus.NOT_RUN
            or not math.isfinite(judged.heart_rate_avg_bpm)
        ):
            continue
        middle_s = (judged.start_s + judged.end_s) / 2.0
        drift = max(0.0, middle_s - DRIFT_FROM_S) / 60.0 * DRIFT_BPM_PER_MIN
        average = judged.heart_rate_avg_bpm
        off = _off(average, band.low_bpm - HR_TOLERANCE_BPM, band.high_bpm + drift + HR_TOLERANCE_BPM)
        climbed = not math.isfinite(previous) or average >= previous - CLIMB_NOISE_BPM
        splits.append(HeartRateSplit(judged.label, band, drift, average, off, climbed, judged.gps_suspect))
        previous = average
    if not splits:
        return None
    deductions: list[tuple[str, float, str]] = []
    for split in splits:
        if split.off_bpm != 0.0:
            side = "above" if split.off_bpm > 0 else "below"
            deductions.append(
                (
                    "outside_band",
                    min(MAX_SPLIT_DEDUCTION, abs(split.off_bpm)),
                    f"{split.label} averaged {split.average_bpm:.0f} bpm, "
                    f"{abs(split.off_bpm):.0f} bpm {side} {split.band.low_bpm:.0f}-{split.band.high_bpm:.0f} "
                    f"(allowing {HR_TOLERANCE_BPM:g} bpm and +{split.drift_bpm:.0f} drift)",
                )
            )
    falls = [split for split in splits if not split.climbed]
    for split in falls:
        deductions.append(
            ("no_climb", NO_CLIMB_DEDUCTION, f"{split.label}'s heart rate fell from the split before")
        )
    last = splits[-1]
    reached = last.average_bpm >= threshold.low_bpm - HR_TOLERANCE_BPM
    if not reached:
        deductions.append(
            (
                "threshold_missed",
                THRESHOLD_DEDUCTION,
                f"{last.label} averaged {last.average_bpm:.0f} bpm, under threshold "
                f"({threshold.zone}, {threshold.low_bpm:.0f}-{threshold.high_bpm:.0f})",
            )
        )
    score = round(max(0.0, 100.0 - sum(points for _, points, _ in deductions)), 1)
    climb = " -> ".join(f"{split.average_bpm:.0f}" for split in splits)
    in_band = sum(split.off_bpm == 0.0 for split in splits)
    words = [
        f"By heart rate (score {score:g}): {climb} bpm, {in_band} of {len(splits)} splits in their band",
        "climbing split by split" if not falls else f"falling back in {', '.join(s.label for s in falls)}",
        f"threshold reached ({last.average_bpm:.0f} bpm in {last.label})"
        if reached
        else f"threshold not reached ({last.average_bpm:.0f} bpm in {last.label}, "
        f"threshold {threshold.low_bpm:.0f}-{threshold.high_bpm:.0f})",
    ]
    suspect = [split.label for split in splits if split.gps_suspect]
    text = "; ".join(words) + "."
    if suspect:
        text += f" GPS suspect in {', '.join(suspect)}: judged by heart rate, not pace."
    return HeartRateVerdict(tuple(splits), not falls, reached, score, tuple(deductions), text)
