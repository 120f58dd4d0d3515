"""The analysis step of the importer: one Activity in, one storable ImportedRun out.

Small replaceable parts: `is_run` (skip what is not a run), `compute_splits`,
`progrun.storage.classify.classify` (progression / threshold / easy, with `progrun.detect` and
`progrun.judge`), `session_load`.
"""

from __future__ import annotations

import hashlib
import json
import math
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from progrun.activity import Activity
from progrun.errors import PlanError
from progrun.plan_io import plan_from_json
from progrun.splits import split_by_distance
from progrun.storage.classify import StoredPlan, classify
from progrun.storage.records import ImportedRun, Profile, SplitRecord, encode_streams
from progrun.training_load import rtss, trimp

if TYPE_CHECKING:
    from progrun.storage.store import Store

RUN_WORDS = ("run", "treadmill", "trail", "jog")
UNKNOWN_SPORTS = {"", "generic", "unknown", "other", "all", "multisport", "none"}
#: A generic activity counts as a run when its moving speed sits between these (2:34 to 10:25 per km).
RUN_SPEED_M_S = (1.6, 6.5)


@dataclass(frozen=True)
class AnalysisContext:
    """What the analysis needs to know about the runner (from the stored profile)."""

    hr_max_bpm: float | None = None
    hr_rest_bpm: float | None = None
    threshold_s_per_km: float | None = None
    sex: str = ""
    #: Stored plans a run can be linked to (by FIT workout name or by date).
    plans: tuple[StoredPlan, ...] = ()


#: The profile fields the analysis reads: setting one of them re-analyses the stored runs.
ANALYSIS_PROFILE_FIELDS = ("threshold_s_per_km", "hr_max_bpm", "hr_rest_bpm", "sex")


def profile_changes_analysis(before: Profile, after: Profile) -> bool:
    """Whether the stored runs' kinds and loads would differ under `after` (`ANALYSIS_PROFILE_FIELDS`)."""
    return any(getattr(before, name) != getattr(after, name) for name in ANALYSIS_PROFILE_FIELDS)


def profile_notes(profile: Profile) -> tuple[str, ...]:
    """What the stored analysis lacks for want of a profile, for `history`, `show` and `progress`.

    The threshold pace tells a threshold (tempo) run from an easy one and gives rTSS loads; heart
    rate max and rest give TRIMP loads; without either, runs have no load.
    """
    notes: list[str] = []
    if profile.threshold_s_per_km is None:
        notes.append(
            "runs were classified without a profile: with no threshold pace, a run at threshold pace that "
            "did not progress is stored as 'easy', and the progress table's reference pace is the median "
            "split; "
            "set `progrun profile --race 5k=20:00` (or --threshold-pace) and the stored runs are "
            "re-analysed"
        )
    if profile.threshold_s_per_km is None and not (profile.hr_max_bpm and profile.hr_rest_bpm):
        notes.append(
            "no training load: it needs a threshold pace (rTSS) or `progrun profile --hr-max --hr-rest` "
            "(TRIMP from heart rate)"
        )
    return tuple(notes)


def load_context(store: Store) -> AnalysisContext:
    """The runner's profile and stored plans, as the analysis needs them (a plan that no longer
    parses is left out: it cannot be judged against)."""
    profile = store.profile()
    plans: list[StoredPlan] = []
    for plan_id, planned_on, name, plan_json in store.plans():
        try:
            plans.append(StoredPlan(plan_id, planned_on, name, plan_from_json(json.loads(plan_json))))
        except (PlanError, ValueError):
            continue
    return AnalysisContext(
        hr_max_bpm=profile.hr_max_bpm,
        hr_rest_bpm=profile.hr_rest_bpm,
        threshold_s_per_km=profile.threshold_s_per_km,
        sex=profile.sex,
        plans=tuple(plans),
    )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


#: A zlib stream's header (RFC 1950): deflate, 32 KiB window (the most deflate uses), no dictionary.
ZLIB_HEADER = b"\x78\x01"


def compress_raw(raw: bytes, deflate: bytes | None = None) -> bytes:
    """The raw file as the zlib stream the log keeps (`zlib.decompress` gives `raw` back).

    `deflate`, the file's own deflate stream from its zip (checked against `raw` by the reader), is
    wrapped in a zlib header and Adler-32 trailer instead of compressing `raw` again: an export's
    files arrive compressed, so this skips the importer's costliest single call (zlib level 1,
    about 0.4 ms for a 40 KB FIT file) and keeps the archive's usually smaller stream.
    """
    if deflate is None:
        return zlib.compress(raw, 1)
    return ZLIB_HEADER + deflate + zlib.adler32(raw).to_bytes(4, "big")


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
            avg_hr_bpm=float(split.heart_rate_avg_bpm) if math.isfinite(split.heart_rate_avg_bpm) else None,
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
    if context.hr_max_bpm and context.hr_rest_bpm and activity.has("heart_rate_bpm"):
        return round(
            trimp(
                activity.time_s,
                activity.heart_rate_bpm,
                resting_heart_rate_bpm=context.hr_rest_bpm,
                max_heart_rate_bpm=context.hr_max_bpm,
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
    deflate: bytes | None = None,
) -> ImportedRun:
    """Everything to store for one run: summary, compressed streams, splits, classification, load.

    `deflate`: `raw`'s deflate stream as read from its zip, kept as the blob (`compress_raw`).
    """
    splits, moving_s, gap = compute_splits(activity)
    decided = classify(activity, splits, plans=context.plans, threshold_s_per_km=context.threshold_s_per_km)
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
        "detection": decided.detection,
    }
    return ImportedRun(
        sha256=digest or sha256_hex(raw),
        raw_size=len(raw),
        raw_z=compress_raw(raw, deflate),
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
        kind=decided.kind,
        is_progression=decided.is_progression,
        score=decided.score,
        load=session_load(activity, moving_s, gap, context),
        splits=splits,
        verdict=decided.verdict,
        n_samples=n_samples,
        channels=channels,
        streams_z=streams_z,
        summary=summary,
        partial=str(activity.extra.get("partial", "")),
    )
