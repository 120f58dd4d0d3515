"""One run for the log: the runner's analysis context read from the log, and the storable ImportedRun.

The analysis itself is the pure core's (`progrun.analysis.analyse_activity`: splits, kind, verdict,
detection, load); this module adds what the log keeps besides (the raw file's hash and zlib stream,
the encoded streams, the file's facts) and reads the context (profile, stored plans) from the store.
"""

from __future__ import annotations

import hashlib
import math
import zlib
from typing import TYPE_CHECKING

import numpy as np

from progrun.activity import Activity
from progrun.analysis import AnalysisContext, analyse_activity, is_run
from progrun.device_timer import elapsed_s

__all__ = ["AnalysisContext", "analyse", "is_run", "load_context", "sha256_hex"]
from progrun.storage.records import ImportedRun, Profile, encode_streams
from progrun.units import SplitUnit

if TYPE_CHECKING:
    from progrun.storage.store import Store

#: The profile fields the analysis reads: setting one of them re-analyses the stored runs.
#: "units": runs are split per km or per mile, in the runner's unit.
ANALYSIS_PROFILE_FIELDS = (
    "threshold_s_per_km",
    "max_heart_rate_bpm",
    "resting_heart_rate_bpm",
    "sex",
    "units",
)


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
            "set a race result (e.g. 5k in 20:00) or a threshold pace in your profile and the stored "
            "runs are re-analysed"
        )
    if profile.threshold_s_per_km is None and not (
        profile.max_heart_rate_bpm and profile.resting_heart_rate_bpm
    ):
        notes.append(
            "no training load: it needs a threshold pace (rTSS) or your maximum and resting heart rate "
            "(TRIMP) in your profile"
        )
    return tuple(notes)


def load_context(store: Store) -> AnalysisContext:
    """The runner's profile and stored plans, as the analysis needs them (`Store.plans` leaves out a
    plan that no longer parses: it cannot be judged against)."""
    profile = store.profile()
    return AnalysisContext(
        max_heart_rate_bpm=profile.max_heart_rate_bpm,
        resting_heart_rate_bpm=profile.resting_heart_rate_bpm,
        threshold_s_per_km=profile.threshold_s_per_km,
        sex=profile.sex,
        plans=tuple(store.plans()),
        split_unit=SplitUnit.MILE if profile.units == SplitUnit.MILE.value else SplitUnit.KM,
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


def deflate_of(raw_z: bytes) -> bytes:
    """The deflate stream inside a zlib stream from `compress_raw` (its header and trailer cut off)."""
    return raw_z[len(ZLIB_HEADER) : -4]


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
    decided = analyse_activity(activity, context)
    gap = decided.gap_s_per_km
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
        "split_unit": decided.split_unit.value,
    }
    raw_z = compress_raw(raw, deflate)
    return ImportedRun(
        sha256=digest or sha256_hex(raw),
        raw_size=len(raw),
        raw_z=raw_z,
        deflate_sha256=sha256_hex(deflate_of(raw_z)),
        source_name=source_name,
        name=name or activity.workout_name,
        format=activity.format.value,
        sport=activity.sport or "running",
        start=activity.start,
        distance_m=activity.total_distance_m,
        duration_s=elapsed_s(activity),
        moving_s=decided.moving_s,
        heart_rate_avg_bpm=float(np.mean(hr)) if hr.size else None,
        heart_rate_max_bpm=float(np.max(hr)) if hr.size else None,
        kind=decided.kind,
        is_progression=decided.is_progression,
        score=decided.score,
        load=decided.load,
        splits=decided.splits,
        verdict=decided.verdict,
        n_samples=n_samples,
        channels=channels,
        streams_z=streams_z,
        summary=summary,
        partial=str(activity.extra.get("partial", "")),
    )
