"""One activity's analysis, pure: splits, kind, verdict, detection and load (no storage, no I/O).

```
analyse_activity(activity, context) -> RunAnalysis(splits, moving_s, gap, kind, verdict, detection, load)
```

`is_run` says whether an activity is a run at all (`progrun.sport.not_a_run_reason`: a ride is never
analysed as a run). `AnalysisContext` is what the analysis knows of the runner (threshold pace, heart
rate values, the plans a run can be linked to); the application layer (`progrun.training_log`)
builds it from the log and stores the result.

Every run gets a kind (`RunKind`):

1. **Linked to a plan.** A stored plan is linked to the run when its name equals the FIT workout
   name the watch ran (`Activity.workout_name`, compared without case or surrounding spaces), else
   when it is scheduled for the run's date (the UTC date of the start; the latest such plan wins).
   A run linked to a plan was a planned progression session: its kind is "progression" and it is
   judged against that plan (`progrun.judge.judge`), whether or not it progressed -- the verdict
   says so (`progressed`, `target_reached`, the score).
2. **Detected.** Otherwise `progrun.detect.detect_progression` decides; a detected progression is
   judged against the targets inferred from the run itself (`progrun.detect.plan_from_detection`).
0. **Partial.** A run salvaged from a damaged file (`Activity.extra["partial"]`) is "partial": it
   is neither detected nor judged, and fitness and progress leave it out.
3. **Threshold or easy.** A run that is neither, whose mean pace over its whole km splits is within
   3 % of the profile's threshold pace (or faster), is "threshold"; the rest is "easy".

The verdict is stored as the judge's JSON contract (`Verdict.to_dict()`: score, progressed,
target_reached, tempo_splits, cooldown_s, verdict text, splits, deductions) plus what it was judged
against. The detection's confidence, signs and reasons go into the activity's summary.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np

from progrun.activity import Activity
from progrun.detect import Detection, detect_progression, plan_from_detection
from progrun.judge import judge
from progrun.plan import Plan, SplitUnit
from progrun.plan_io import plan_to_dict
from progrun.run_kind import RunKind
from progrun.split_frame import PreparedRun
from progrun.splits import split_by_distance
from progrun.sport import not_a_run_reason
from progrun.training_load import rtss, trimp

#: A run whose mean pace is within this share of the threshold pace (or faster) is a threshold session.
THRESHOLD_MARGIN = 0.03
#: Why a run linked to a plan has no verdict when it has no distance.
NO_DISTANCE = "the recording has no distance, so its splits and paces cannot be judged"
#: A split at least this share of its unit (km or mile) long is whole: all but a short last one.
WHOLE_SPLIT_SHARE = 0.99
#: ... and never one shorter than this (a run shorter than its unit has no whole split).
WHOLE_SPLIT_M = 990.0


#: Strava activity types naming a run (its activities.csv), e.g. "Run", "Trail Run", "Virtual Run".
STRAVA_RUN_WORDS = ("run", "treadmill", "trail", "jog")


@dataclass(frozen=True)
class SplitRecord:
    """One split of a run: `distance_m` long (the last one may be short), `elapsed_s` to run it.

    `suspect_distance`: the watch's distance jumped inside it (`progrun.distance_glitch`), so the
    fitness estimate leaves it out (`progrun.fitness.best_effort`).
    """

    index: int
    distance_m: float
    elapsed_s: float
    pace_s_per_km: float
    heart_rate_avg_bpm: float | None = None
    suspect_distance: bool = False


@dataclass(frozen=True)
class VerdictRecord:
    """The judge's verdict in storable form; `details` is the verdict as JSON-able data."""

    score: float | None
    progressed: bool
    target_reached: bool
    plan_id: int | None = None
    details: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class StoredPlan:
    """A plan kept in the training log (runs are linked to it by name or date): its id, the day it is
    for, its name, the plan, and when it was saved."""

    plan_id: int
    planned_on: date | None
    name: str
    plan: Plan
    created_at: datetime | None = None

    def to_dict(self) -> dict[str, object]:
        """`plan --json`'s shape with the stored plan's id, day, name and time of saving."""
        return {
            **plan_to_dict(self.plan),
            "id": self.plan_id,
            "planned_on": self.planned_on.isoformat() if self.planned_on else None,
            "name": self.name,
            "created_at": self.created_at.isoformat() if self.created_at else None,
        }


@dataclass(frozen=True)
class Classification:
    """What the classifier decided about one run."""

    kind: RunKind
    is_progression: bool
    score: float | None
    verdict: VerdictRecord | None
    detection: dict[str, object]


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def link_plan(
    plans: tuple[StoredPlan, ...], workout_name: str, start: datetime | None
) -> tuple[StoredPlan, str] | None:
    """The stored plan a run belongs to and how it was found ("workout name" or "date"), or None."""
    if workout_name.strip():
        wanted = _key(workout_name)
        named = [plan for plan in plans if plan.name and _key(plan.name) == wanted]
        if named:
            return max(named, key=lambda plan: plan.plan_id), "workout name"
    if start is not None:
        day = start.date()
        dated = [plan for plan in plans if plan.planned_on == day]
        if dated:
            return max(dated, key=lambda plan: plan.plan_id), "date"
    return None


def _verdict_record(
    plan: Plan, activity: Activity | PreparedRun, plan_id: int | None, against: str
) -> tuple[float, VerdictRecord]:
    verdict = judge(plan, activity)
    details = verdict.to_dict()
    details["judged_against"] = against
    score = round(float(verdict.score.value), 1)
    return score, VerdictRecord(
        score=score,
        progressed=verdict.progressed,
        target_reached=verdict.target_reached,
        plan_id=plan_id,
        details=details,
    )


def _detection_summary(detection: Detection) -> dict[str, object]:
    data = detection.to_dict()
    return {key: data[key] for key in ("is_progression", "confidence", "unit", "signs", "reasons")}


def classify(
    activity: Activity | PreparedRun,
    splits: tuple[SplitRecord, ...],
    *,
    plans: tuple[StoredPlan, ...] = (),
    threshold_s_per_km: float | None = None,
) -> Classification:
    """Kind, score and verdict of one run (see the module docstring)."""
    run = PreparedRun.of(activity)  # the detector and the judge share their splits of this activity
    if run.activity.extra.get("partial"):
        return Classification(RunKind.PARTIAL, False, None, None, {})
    return _classify(run, splits, plans, threshold_s_per_km)


def _classify(
    run: PreparedRun,
    splits: tuple[SplitRecord, ...],
    plans: tuple[StoredPlan, ...],
    threshold_s_per_km: float | None,
) -> Classification:
    activity = run.activity
    detection = detect_progression(run)
    summary = _detection_summary(detection)
    linked = link_plan(plans, activity.workout_name, activity.start)
    if linked is not None:
        stored, how = linked
        named = f" {stored.name!r}" if stored.name else ""
        against = f"plan {stored.plan_id}{named} (linked by {how})"
        if not activity.total_distance_m > 0:  # nothing to judge splits or paces by
            return Classification(
                RunKind.PROGRESSION, True, None, None, {**summary, "not_judged": NO_DISTANCE}
            )
        score, record = _verdict_record(stored.plan, run, stored.plan_id, against)
        return Classification(RunKind.PROGRESSION, True, score, record, summary)
    if detection.is_progression:
        try:
            inferred = plan_from_detection(detection)
        except ValueError:
            return Classification(RunKind.PROGRESSION, True, None, None, summary)
        score, record = _verdict_record(inferred, run, None, "targets inferred from the run")
        return Classification(RunKind.PROGRESSION, True, score, record, summary)
    paces = [s.pace_s_per_km for s in whole_splits(splits)]
    if threshold_s_per_km and paces:
        mean_pace = float(np.mean(paces))
        if math.isfinite(mean_pace) and mean_pace <= threshold_s_per_km * (1.0 + THRESHOLD_MARGIN):
            return Classification(RunKind.THRESHOLD, False, None, None, summary)
    return Classification(RunKind.EASY, False, None, None, summary)


@dataclass(frozen=True)
class AnalysisContext:
    """What the analysis needs to know about the runner (from the stored profile)."""

    max_heart_rate_bpm: float | None = None
    resting_heart_rate_bpm: float | None = None
    threshold_s_per_km: float | None = None
    sex: str = ""
    #: Plans a run can be linked to (by FIT workout name or by date).
    plans: tuple[StoredPlan, ...] = ()
    #: The runner's unit: the run is split per km or per mile.
    split_unit: SplitUnit = SplitUnit.KM


@dataclass(frozen=True)
class RunAnalysis:
    """Everything the analysis learns about one run (`splits` are `split_unit` long, the last partial)."""

    splits: tuple[SplitRecord, ...]
    moving_s: float
    gap_s_per_km: float
    kind: RunKind
    is_progression: bool
    score: float | None
    verdict: VerdictRecord | None
    detection: dict[str, object]
    load: float | None
    split_unit: SplitUnit = SplitUnit.KM


def is_run(activity: Activity, strava_type: str = "") -> tuple[bool, str]:
    """Whether an activity is a run, and if not, why (for the import's 'skipped' report).

    Strava's own activity type wins when the export gives one; else `progrun.sport.not_a_run_reason`.
    """
    if strava_type:
        if any(word in strava_type.lower() for word in STRAVA_RUN_WORDS):
            return True, ""
        return False, f"not a run (Strava type {strava_type!r})"
    reason = not_a_run_reason(activity)
    return (True, "") if reason is None else (False, reason)


def whole_splits(splits: tuple[SplitRecord, ...]) -> list[SplitRecord]:
    """The whole splits of one run, km or mile: all but a short last one (with a pace).

    A run's splits are its unit long but for the last, so the longest split gives the unit; a run of
    one split counts it whole from `WHOLE_SPLIT_M` (as for km splits).
    """
    if not splits:
        return []
    length_m = max(split.distance_m for split in splits)
    least_m = max(WHOLE_SPLIT_M, WHOLE_SPLIT_SHARE * length_m)
    return [s for s in splits if s.distance_m >= least_m and s.pace_s_per_km > 0]


def compute_splits(
    activity: Activity | PreparedRun, unit: SplitUnit = SplitUnit.KM
) -> tuple[tuple[SplitRecord, ...], float, float]:
    """Splits of a `unit` (km or mile; the last one partial), the moving time and the grade-adjusted
    pace of the whole run."""
    run = PreparedRun.of(activity)
    activity = run.activity
    splits = split_by_distance(run, unit.metres)
    records = tuple(
        SplitRecord(
            index=split.index,
            distance_m=float(split.distance_m),
            elapsed_s=float(split.elapsed_s),
            pace_s_per_km=float(split.pace_s_per_km) if math.isfinite(split.pace_s_per_km) else 0.0,
            heart_rate_avg_bpm=float(split.heart_rate_avg_bpm)
            if math.isfinite(split.heart_rate_avg_bpm)
            else None,
            suspect_distance=bool(split.suspect_distance),
        )
        for split in splits.splits
    )
    total = splits.total
    gap = total.gap_s_per_km if math.isfinite(total.gap_s_per_km) else total.pace_s_per_km
    moving = total.moving_s if math.isfinite(total.moving_s) else activity.duration_s
    return records, float(moving), float(gap) if math.isfinite(gap) else math.nan


def session_load(
    activity: Activity, moving_s: float, gap_s_per_km: float, context: AnalysisContext
) -> float | None:
    """TRIMP with heart rate and known HR max/rest, else rTSS from grade-adjusted pace, else None."""
    if context.max_heart_rate_bpm and context.resting_heart_rate_bpm and activity.has("heart_rate_bpm"):
        return round(
            trimp(
                activity.time_s,
                activity.heart_rate_bpm,
                resting_heart_rate_bpm=context.resting_heart_rate_bpm,
                max_heart_rate_bpm=context.max_heart_rate_bpm,
                sex=context.sex,
            ),
            2,
        )
    if context.threshold_s_per_km and math.isfinite(gap_s_per_km) and gap_s_per_km > 0:
        return round(rtss(moving_s, gap_s_per_km, context.threshold_s_per_km), 2)
    return None


def analyse_activity(activity: Activity, context: AnalysisContext) -> RunAnalysis:
    """Splits, kind, verdict, detection and load of one run (`is_run` first: a ride is not a run)."""
    run = PreparedRun(activity)  # built once: the splits, the detector and the judge share its work
    splits, moving_s, gap = compute_splits(run, context.split_unit)
    decided = classify(run, splits, plans=context.plans, threshold_s_per_km=context.threshold_s_per_km)
    return RunAnalysis(
        splits=splits,
        moving_s=moving_s,
        gap_s_per_km=gap,
        kind=decided.kind,
        is_progression=decided.is_progression,
        score=decided.score,
        verdict=decided.verdict,
        detection=decided.detection,
        load=session_load(activity, moving_s, gap, context),
        split_unit=context.split_unit,
    )
