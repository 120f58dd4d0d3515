"""Verdict: the judgement of one run against one plan, split by split, and the coach's words for it.

`SplitVerdict` is one planned split against what was run, `Verdict` the whole run with the method's
checks and the pace-control score; `Verdict.to_dict` is the JSON contract of `progrun judge --json` and
`coach_findings` the verdict text, most important finding first. `progrun.judge` builds them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from progrun.plan import Plan, SplitUnit, StepKind
from progrun.score import NOISE_ALLOWANCE_S_PER_KM, Score
from progrun.units import format_duration, format_pace


@dataclass(frozen=True)
class SplitVerdict:
    """One planned split against what was run. Paces s/km; NaN where not run or not measurable."""

    index: int
    label: str
    kind: StepKind
    status: str  # "run", "partial" or "not run"
    planned_distance_m: float
    distance_m: float
    start_s: float
    end_s: float
    elapsed_s: float
    planned_s: float
    target_s_per_km: float
    low_s_per_km: float
    high_s_per_km: float
    actual_s_per_km: float
    gap_s_per_km: float
    #: The pace the checks use: GAP, or the pace when there is no altitude.
    judged_s_per_km: float
    #: 0 inside the band; otherwise signed distance to the nearer edge (+ slower, - faster).
    off_s_per_km: float
    in_band: bool | None
    delta_prev_s_per_km: float
    planned_delta_s_per_km: float
    slower_than_previous: bool
    pace_cv: float
    heart_rate_avg: float
    elevation_gain_m: float

    @property
    def was_run(self) -> bool:
        return self.status != "not run"


@dataclass(frozen=True)
class Verdict:
    """The judgement of one run against one plan."""

    plan: Plan
    unit: SplitUnit
    matched_by: str  # "workout" or "distance"
    splits: tuple[SplitVerdict, ...]
    score: Score
    progressed: bool
    target_reached: bool
    tempo_splits: int
    tempo_cap: int
    cooldown_s: float
    cooldown_done: bool
    went_out_too_fast: bool
    running_s: float
    planned_running_s: float
    extra_distance_m: float
    splits_not_run: int
    findings: tuple[str, ...]
    warnings: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The verdict in a coach's words."""
        return " ".join(self.findings)

    @property
    def cumulative_delta_s(self) -> float:
        """Running time minus planned time for the splits run (+ slower than plan)."""
        return self.running_s - self.planned_running_s

    def to_dict(self) -> dict[str, object]:
        """The JSON contract of `progrun judge --json` (NaN as None)."""
        return {
            "score": self.score.value,
            "progressed": self.progressed,
            "target_reached": self.target_reached,
            "tempo_splits": self.tempo_splits,
            "tempo_cap": self.tempo_cap,
            "cooldown_s": _plain(self.cooldown_s),
            "went_out_too_fast": self.went_out_too_fast,
            "verdict": self.text,
            "matched_by": self.matched_by,
            "unit": self.unit.value,
            "running_s": _plain(self.running_s),
            "planned_running_s": _plain(self.planned_running_s),
            "cumulative_delta_s": _plain(self.cumulative_delta_s),
            "extra_distance_m": _plain(self.extra_distance_m),
            "splits_not_run": self.splits_not_run,
            "deductions": [
                {"check": item.check, "points": round(item.points, 1), "detail": item.detail}
                for item in self.score.deductions
            ],
            "splits": [
                {
                    "index": split.index,
                    "label": split.label,
                    "kind": split.kind.value,
                    "status": split.status,
                    "target_s_per_km": _plain(split.target_s_per_km),
                    "low_s_per_km": _plain(split.low_s_per_km),
                    "high_s_per_km": _plain(split.high_s_per_km),
                    "actual_s_per_km": _plain(split.actual_s_per_km),
                    "gap_s_per_km": _plain(split.gap_s_per_km),
                    "delta_prev_s": _plain(split.delta_prev_s_per_km),
                    "planned_delta_s": _plain(split.planned_delta_s_per_km),
                    "off_s_per_km": _plain(split.off_s_per_km),
                    "in_band": split.in_band,
                    "distance_m": _plain(split.distance_m),
                    "elapsed_s": _plain(split.elapsed_s),
                    "heart_rate_avg": _plain(split.heart_rate_avg),
                    "pace_cv": _plain(split.pace_cv),
                }
                for split in self.splits
            ],
            "warnings": list(self.warnings),
        }


def _plain(value: float) -> float | None:
    return round(float(value), 2) if math.isfinite(value) else None


def _per_unit(delta_s_per_km: float, unit: SplitUnit) -> float:
    return delta_s_per_km * unit.metres / 1000.0


def _lower(label: str) -> str:
    return label[0].lower() + label[1:] if label.startswith(("Mile", "Km", "The")) else label


def coach_findings(verdict: Verdict) -> list[str]:
    """The verdict as short sentences, most important first (the paces a runner reads: per mile or km)."""
    unit = verdict.unit
    u = unit.value
    run = [split for split in verdict.splits if split.was_run]
    if not run:
        return ["No planned split was run: the file does not cover the plan's first split."]
    findings: list[str] = []
    slower = [split for split in run if split.slower_than_previous]
    if verdict.progressed and verdict.target_reached and verdict.score.value < 90.0:
        findings.append(f"You progressed every split and reached the target (score {verdict.score.value:g}).")
    elif verdict.progressed and verdict.target_reached:
        findings.append(
            "Good progression run: every split as fast or faster than the one before "
            f"(score {verdict.score.value:g})."
        )
    elif verdict.progressed:
        findings.append(f"You progressed split by split (score {verdict.score.value:g}).")
    else:
        findings.append(f"Not a clean progression (score {verdict.score.value:g}).")
    for split in slower:
        previous = run[run.index(split) - 1]
        seconds = _per_unit(split.delta_prev_s_per_km, unit)
        reason = ": you went out too fast" if verdict.went_out_too_fast and split is slower[0] else ""
        findings.append(f"{split.label} was {seconds:.0f} s slower than {_lower(previous.label)}{reason}.")
    if verdict.went_out_too_fast and not slower:
        first = next(split for split in run[:2] if split.off_s_per_km < 0)
        findings.append(
            f"You went out too fast: {_lower(first.label)} at {format_pace(first.judged_s_per_km, u)} "
            "against "
            f"{format_pace(first.target_s_per_km, u)} planned."
        )
    for split in run:
        if split.slower_than_previous or not math.isfinite(split.gap_s_per_km):
            continue
        raw_delta = split.actual_s_per_km - (
            run[run.index(split) - 1].actual_s_per_km if run.index(split) else math.nan
        )
        if math.isfinite(raw_delta) and raw_delta > NOISE_ALLOWANCE_S_PER_KM and split.elevation_gain_m >= 10:
            findings.append(
                f"{split.label} looks slower on the watch, but it climbed {split.elevation_gain_m:.0f} m: "
                "by grade-adjusted pace it held the progression."
            )
    last = run[-1]
    final = verdict.plan.running_steps[-1]
    if verdict.target_reached:
        findings.append(
            f"Target reached: {_lower(last.label)} at {format_pace(last.judged_s_per_km, u)} "
            f"(target {format_pace(final.pace_s_per_km, u)})."
        )
    else:
        miss = _per_unit(last.judged_s_per_km - final.high_s_per_km, unit)
        findings.append(
            f"Target missed: {_lower(last.label)} at {format_pace(last.judged_s_per_km, u)}, "
            f"{miss:.0f} s slower than "
            f"the {format_pace(final.pace_s_per_km, u)} target."
        )
    if verdict.tempo_splits > verdict.tempo_cap:
        findings.append(
            f"{verdict.tempo_splits} splits at tempo, more than the cap of {verdict.tempo_cap}: "
            "keep the early splits easy."
        )
    if verdict.cooldown_done:
        findings.append(f"Cooldown {format_duration(verdict.cooldown_s)}: good.")
    elif verdict.cooldown_s >= 1.0:
        findings.append(f"Cooldown only {format_duration(verdict.cooldown_s)}: walk or jog about 5 minutes.")
    else:
        findings.append("No cooldown: walk or jog about 5 minutes to bring your heart rate down.")
    erratic = [split for split in run if math.isfinite(split.pace_cv) and split.pace_cv > 0.08]
    if erratic:
        worst = max(erratic, key=lambda split: split.pace_cv)
        findings.append(
            f"{worst.label} was uneven (pace varied by {worst.pace_cv * 100:.0f} %): settle into the pace."
        )
    if verdict.splits_not_run:
        findings.append(
            f"{verdict.splits_not_run} planned "
            f"{'splits were' if verdict.splits_not_run > 1 else 'split was'} not run."
        )
    if verdict.extra_distance_m > 0:
        findings.append(f"You ran {verdict.extra_distance_m:.0f} m more than planned before the cooldown.")
    delta = verdict.cumulative_delta_s
    if math.isfinite(delta) and abs(delta) >= 1.0:
        side = "slower" if delta > 0 else "faster"
        findings.append(
            f"Overall {format_duration(abs(delta))} {side} than planned "
            f"({format_duration(verdict.running_s)} against {format_duration(verdict.planned_running_s)})."
        )
    return findings
