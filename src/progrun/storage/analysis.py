"""The analysis step of the importer: one Activity in, one storable ImportedRun out.

Small replaceable parts: `is_run` (skip what is not a run), `compute_splits`, `classify`
(progression / threshold / easy), `session_load`. When `progrun.detect` and `progrun.judge`
exist, `classify` uses them; until then a pace-trend rule stands in (documented below).
"""

from __future__ import annotations

import hashlib
import math
import zlib
from dataclasses import dataclass

import numpy as np

from progrun.activity import Activity
from progrun.progress import rtss, tempo_splits_held, trimp
from progrun.splits import split_by_distance
from progrun.storage.records import ImportedRun, SplitRecord, VerdictRecord, encode_streams

RUN_WORDS = ("run", "treadmill", "trail", "jog")
UNKNOWN_SPORTS = {"", "generic", "unknown", "other", "all", "multisport", "none"}
#: A generic activity counts as a run when its moving speed sits between these (2:34 to 10:25 per km).
RUN_SPEED_M_S = (1.6, 6.5)
#: The fallback progression rule: at least 3 full splits, the last at least this much faster than the first.
PROGRESSION_GAIN = 0.04


@dataclass(frozen=True)
class AnalysisContext:
    """What the analysis needs to know about the runner (from the stored profile)."""

    hr_max_bpm: float | None = None
    hr_rest_bpm: float | None = None
    threshold_s_per_km: float | None = None
    sex: str = ""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_run(activity: Activity, strava_type: str = "") -> tuple[bool, str]:
    """Whether an activity is a run, and if not, why (for the 'skipped' report)."""
    if strava_type:
        if any(word in strava_type.lower() for word in RUN_WORDS):
            return True, ""
        return False, f"not a run (Strava type {strava_type!r})"
    sport = activity.sport.lower()
    if any(word in sport for word in RUN_WORDS):
        return True, ""
    if sport not in UNKNOWN_SPORTS:
        return False, f"not a run (sport {activity.sport!r})"
    moving = activity.speed_m_s[~np.isnan(activity.speed_m_s) & (activity.speed_m_s > 0.9)]
    if moving.size == 0 and activity.duration_s > 0 and activity.total_distance_m > 0:
        moving = np.array([activity.total_distance_m / activity.duration_s])
    if moving.size and RUN_SPEED_M_S[0] <= float(np.median(moving)) <= RUN_SPEED_M_S[1]:
        return True, ""
    return False, f"not a run (sport {activity.sport or 'unknown'!r} at a non-running speed)"


def compute_splits(activity: Activity) -> tuple[tuple[SplitRecord, ...], float, float]:
    """1 km splits (the last one partial), the moving time and the grade-adjusted pace of the whole run."""
    splits = split_by_distance(activity, 1000.0)
    records = tuple(
        SplitRecord(
            index=split.index,
            distance_m=float(split.distance_m),
            elapsed_s=float(split.elapsed_s),
            pace_s_per_km=float(split.pace_s_per_km) if math.isfinite(split.pace_s_per_km) else 0.0,
            avg_hr_bpm=float(split.heart_rate_avg) if math.isfinite(split.heart_rate_avg) else None,
        )
        for split in splits.splits
    )
    total = splits.total
    gap = total.gap_s_per_km if math.isfinite(total.gap_s_per_km) else total.pace_s_per_km
    moving = total.moving_s if math.isfinite(total.moving_s) else activity.duration_s
    return records, float(moving), float(gap) if math.isfinite(gap) else math.nan


def classify(
    splits: tuple[SplitRecord, ...], context: AnalysisContext
) -> tuple[str, bool, float | None, VerdictRecord | None]:
    """Kind, is-progression, score and verdict of a run from its full km splits.

    Fallback rule (until progrun.detect lands): three or more full splits whose pace gets faster
    (the last at least 4 % faster than the first, and no split more than 5 s/km slower than the
    one before) is a progression run; its score (0-100) is 100 minus 10 per split that slowed down
    and minus the spread of the step-to-step changes around their mean (s/km).
    """
    full = [s for s in splits if s.distance_m >= 990.0 and s.pace_s_per_km > 0]
    paces = [s.pace_s_per_km for s in full]
    if len(paces) >= 3:
        steps = np.diff(paces)
        faster = paces[-1] <= paces[0] * (1.0 - PROGRESSION_GAIN)
        if faster and bool(np.all(steps <= 5.0)):
            slowed = int(np.sum(steps > 0))
            spread = float(np.std(steps))
            score = max(0.0, min(100.0, 100.0 - 10.0 * slowed - spread))
            tempo = context.threshold_s_per_km or min(paces)
            held = tempo_splits_held(paces, tempo)
            details: dict[str, object] = {
                "method": "pace-trend fallback",
                "first_pace_s_per_km": paces[0],
                "final_pace_s_per_km": paces[-1],
                "tempo_splits_held": held,
                "slowed_splits": slowed,
            }
            verdict = VerdictRecord(
                score=round(score, 1),
                progressed=True,
                target_reached=context.threshold_s_per_km is None or paces[-1] <= tempo + 5.0,
                details=details,
            )
            return "progression", True, round(score, 1), verdict
    if context.threshold_s_per_km and paces:
        mean_pace = float(np.mean(paces))
        if mean_pace <= context.threshold_s_per_km * 1.03:
            return "threshold", False, None, None
    return "easy", False, None, None


def session_load(
    activity: Activity, moving_s: float, gap_s_per_km: float, context: AnalysisContext
) -> float | None:
    """TRIMP with heart rate and known HR max/rest, else rTSS from grade-adjusted pace, else None."""
    if context.hr_max_bpm and context.hr_rest_bpm and activity.has("heart_rate_bpm"):
        return round(
            trimp(
                activity.time_s,
                activity.heart_rate_bpm,
                hr_rest_bpm=context.hr_rest_bpm,
                hr_max_bpm=context.hr_max_bpm,
                sex=context.sex,
            ),
            2,
        )
    if context.threshold_s_per_km and math.isfinite(gap_s_per_km) and gap_s_per_km > 0:
        return round(rtss(moving_s, gap_s_per_km, context.threshold_s_per_km), 2)
    return None


def analyse(
    activity: Activity,
    raw: bytes,
    *,
    source_name: str,
    name: str,
    context: AnalysisContext,
    digest: str | None = None,
) -> ImportedRun:
    """Everything to store for one run: summary, compressed streams, splits, classification, load."""
    splits, moving_s, gap = compute_splits(activity)
    kind, progression, score, verdict = classify(splits, context)
    channels, n_samples, streams_z = encode_streams(activity)
    hr = activity.heart_rate_bpm[~np.isnan(activity.heart_rate_bpm)]
    summary: dict[str, object] = {
        "device": activity.device,
        "workout_name": activity.workout_name,
        "laps": len(activity.laps),
        "pauses": [[p.start_s, p.end_s] for p in activity.pauses],
        "warnings": list(activity.warnings),
        "relative_time": activity.relative_time,
        "gap_s_per_km": gap if math.isfinite(gap) else None,
    }
    return ImportedRun(
        sha256=digest or sha256_hex(raw),
        raw_size=len(raw),
        raw_z=zlib.compress(raw, 6),
        source_name=source_name,
        name=name or activity.workout_name,
        format=activity.format.value,
        sport=activity.sport or "running",
        start=activity.start,
        distance_m=activity.total_distance_m,
        duration_s=activity.duration_s,
        moving_s=moving_s,
        avg_hr_bpm=float(np.mean(hr)) if hr.size else None,
        max_hr_bpm=float(np.max(hr)) if hr.size else None,
        kind=kind,
        is_progression=progression,
        score=score,
        load=session_load(activity, moving_s, gap, context),
        splits=splits,
        verdict=verdict,
        n_samples=n_samples,
        channels=channels,
        streams_z=streams_z,
        summary=summary,
    )
