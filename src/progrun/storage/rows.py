"""Row and value helpers of the Store: UTC times, ActivitySummary from a row, safe error texts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from progrun.storage.records import ActivitySummary


def utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def db_time(moment: datetime | None) -> datetime | None:
    """UTC, microseconds kept; SQLite stores it as text, so every value is normalised to UTC first."""
    return utc(moment)


def summary_from_row(row: Any) -> ActivitySummary:
    return ActivitySummary(
        id=int(row.id),
        start=utc(row.start),
        sport=row.sport,
        format=row.format,
        name=row.name,
        source_name=row.source_name,
        distance_m=float(row.distance_m),
        duration_s=float(row.duration_s),
        moving_s=float(row.moving_s),
        heart_rate_avg_bpm=row.heart_rate_avg_bpm,
        heart_rate_max_bpm=row.heart_rate_max_bpm,
        kind=row.kind,
        is_progression=bool(row.is_progression),
        score=row.score,
        load=row.load,
        sha256=row.sha256,
        analysis_version=int(row.analysis_version),
        partial=row.partial_reason or "",
    )


def first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
