"""Verdict: the judgement of one run against one plan, split by split, and the coach's words for it.

`SplitVerdict` is one planned split against what was run, `Verdict` the whole run with the method's
checks and the pace-control score; `Verdict.to_dict` is the JSON contract of `progrun judge --json` and
`progrun.verdict_words.coach_findings` the verdict text, most important finding first. `progrun.judge`
builds them. Every pace in a SplitVerdict is already rounded to whole seconds per display unit (mile or
km) and every difference is taken between rounded paces, so what the table, the sentences and the
chart show is one number each.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

from progrun.plan import Plan, SplitUnit, StepKind
from progrun.score import Score


class SplitStatus(enum.StrEnum):
    """Whether a planned split was run: whole, in part (the run ended inside it) or not at all."""

    RUN = "run"
    PARTIAL = "partial"
    NOT_RUN = "not run"


@dataclass(frozen=True)
class SplitVerdict:
    """One planned split against what was run. Paces s/km; NaN where not run or not measurable."""

    index: int
    label: str
    kind: StepKind
    status: SplitStatus
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
    heart_rate_avg_bpm: float
    elevation_gain_m: float
    cadence_avg: float = math.nan
    moving_s: float = math.nan
    #: Elapsed minus moving seconds: time stopped inside the split.
    stopped_s: float = 0.0
    #: Planned faster than the split before, got faster by less than half the planned step.
    stalled: bool = False
    #: The pace jumped off target while heart rate and cadence say it was run as planned.
    gps_suspect: bool = False
    #: The paces heart rate and cadence imply (`progrun.gps_trust`); NaN when they cannot say.
    heart_rate_pace_s_per_km: float = math.nan
    cadence_pace_s_per_km: float = math.nan
    #: The split (1-based index) `delta_prev_s_per_km` is measured against: the last one whose pace and
    #: start GPS drift did not disturb (never a GPS-suspect split or the one right after it); None if none.
    compared_with: int | None = None

    @property
    def was_run(self) -> bool:
        return self.status is not SplitStatus.NOT_RUN


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
    #: Share of the plan's running distance covered (0..1); it scales the score.
    coverage: float = 1.0
    covered_m: float = math.nan
    #: Seconds stopped inside the splits run (only stops of 20 s or more).
    stopped_s: float = 0.0
    #: The runner's threshold pace the tempo count uses (NaN when unknown).
    threshold_s_per_km: float = math.nan
    #: A split at or faster than this counts as at tempo (s/km).
    tempo_edge_s_per_km: float = math.nan
    #: "grade-adjusted pace" or "pace": what the checks were judged on.
    judged_on: str = "pace"

    @property
    def final_split(self) -> SplitVerdict | None:
        """The last split of the progression that was run, as the judge matched it (never the cooldown)."""
        run = [split for split in self.splits if split.was_run]
        return run[-1] if run else None

    @property
    def text(self) -> str:
        """The verdict in a coach's words."""
        return " ".join(self.findings)

    @property
    def cumulative_delta_s(self) -> float:
        """Moving time minus planned time for the splits run (+ slower than plan); stops are apart."""
        return self.running_s - self.stopped_s - self.planned_running_s

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
            "coverage": round(self.coverage, 4),
            "covered_m": _plain(self.covered_m),
            "stopped_s": _plain(self.stopped_s),
            "threshold_s_per_km": _plain(self.threshold_s_per_km),
            "judged_on": self.judged_on,
            "final_split": self.final_split.index if self.final_split is not None else None,
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
                    "compared_with": split.compared_with,
                    "planned_delta_s": _plain(split.planned_delta_s_per_km),
                    "off_s_per_km": _plain(split.off_s_per_km),
                    "in_band": split.in_band,
                    "distance_m": _plain(split.distance_m),
                    "elapsed_s": _plain(split.elapsed_s),
                    "heart_rate_avg_bpm": _plain(split.heart_rate_avg_bpm),
                    "pace_cv": _plain(split.pace_cv),
                    "cadence_avg": _plain(split.cadence_avg),
                    "stopped_s": _plain(split.stopped_s),
                    "stalled": split.stalled,
                    "gps_suspect": split.gps_suspect,
                }
                for split in self.splits
            ],
            "warnings": list(self.warnings),
        }


def _plain(value: float) -> float | None:
    return round(float(value), 2) if math.isfinite(value) else None
