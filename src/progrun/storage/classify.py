"""Classify an imported run and, for a progression run, judge it: `progrun.detect` + `progrun.judge`.

Every run gets a kind:

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
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from progrun.activity import Activity
from progrun.detect import Detection, detect_progression, plan_from_detection
from progrun.judge import judge
from progrun.plan import Plan
from progrun.run_kind import RunKind
from progrun.split_frame import shared_work
from progrun.storage.records import SplitRecord, VerdictRecord

#: A run whose mean pace is within this share of the threshold pace (or faster) is a threshold session.
THRESHOLD_MARGIN = 0.03
#: Why a run linked to a plan has no verdict when it has no distance.
NO_DISTANCE = "the recording has no distance, so its splits and paces cannot be judged"
#: Km splits at least this long count as whole for the threshold rule.
WHOLE_SPLIT_M = 990.0


@dataclass(frozen=True)
class StoredPlan:
    """A plan from the training log that runs can be linked to."""

    plan_id: int
    planned_on: date | None
    name: str
    plan: Plan


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
    plan: Plan, activity: Activity, plan_id: int | None, against: str
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
    activity: Activity,
    splits: tuple[SplitRecord, ...],
    *,
    plans: tuple[StoredPlan, ...] = (),
    threshold_s_per_km: float | None = None,
) -> Classification:
    """Kind, score and verdict of one run (see the module docstring)."""
    if activity.extra.get("partial"):
        return Classification(RunKind.PARTIAL, False, None, None, {})
    with shared_work():  # the detector and the judge share their splits of this activity
        return _classify(activity, splits, plans, threshold_s_per_km)


def _classify(
    activity: Activity,
    splits: tuple[SplitRecord, ...],
    plans: tuple[StoredPlan, ...],
    threshold_s_per_km: float | None,
) -> Classification:
    detection = detect_progression(activity)
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
        score, record = _verdict_record(stored.plan, activity, stored.plan_id, against)
        return Classification(RunKind.PROGRESSION, True, score, record, summary)
    if detection.is_progression:
        try:
            inferred = plan_from_detection(detection)
        except ValueError:
            return Classification(RunKind.PROGRESSION, True, None, None, summary)
        score, record = _verdict_record(inferred, activity, None, "targets inferred from the run")
        return Classification(RunKind.PROGRESSION, True, score, record, summary)
    paces = [s.pace_s_per_km for s in splits if s.distance_m >= WHOLE_SPLIT_M and s.pace_s_per_km > 0]
    if threshold_s_per_km and paces:
        mean_pace = float(np.mean(paces))
        if math.isfinite(mean_pace) and mean_pace <= threshold_s_per_km * (1.0 + THRESHOLD_MARGIN):
            return Classification(RunKind.THRESHOLD, False, None, None, summary)
    return Classification(RunKind.EASY, False, None, None, summary)
