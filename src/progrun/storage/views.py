"""Views over the training log for the progress, next and block commands (store in, core objects out)."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from progrun.progress import (
    Effort,
    FitnessEstimate,
    GuardResult,
    LoadSeries,
    ProgressionRun,
    Session,
    Trend,
    best_effort,
    estimate_vdot,
    frequency_guard,
    hr_at_pace,
    load_series,
    tempo_splits_held,
    weekly_trend,
)
from progrun.storage.records import SplitRecord
from progrun.storage.store import Store


@dataclass(frozen=True)
class ProgressView:
    runs: tuple[ProgressionRun, ...]
    trend: Trend
    reference_pace_s_per_km: float
    tempo_pace_s_per_km: float


def _whole(splits: tuple[SplitRecord, ...]) -> list[SplitRecord]:
    return [s for s in splits if s.distance_m >= 990.0 and s.pace_s_per_km > 0]


def progress_view(store: Store) -> ProgressView:
    """Progression runs with their final-split pace, score, HR at a fixed pace and tempo splits held.

    Tempo splits are the judge's count, against the plan the run was judged by and in its split
    unit; a run without a verdict counts its trailing km splits at the profile's threshold pace.
    """
    summaries = [s for s in store.list_activities(progression_only=True) if s.start is not None]
    splits = store.splits_for([s.id for s in summaries])
    judged_tempo = store.tempo_splits_for([s.id for s in summaries])
    profile = store.profile()
    finals = [_whole(splits[s.id])[-1].pace_s_per_km for s in summaries if _whole(splits[s.id])]
    all_paces = [split.pace_s_per_km for s in summaries for split in _whole(splits[s.id])]
    reference = profile.threshold_s_per_km or (statistics.median(all_paces) if all_paces else 300.0)
    tempo = profile.threshold_s_per_km or (statistics.median(finals) if finals else 300.0)
    runs: list[ProgressionRun] = []
    for summary in summaries:
        whole = _whole(splits[summary.id])
        if not whole or summary.start is None:
            continue
        paces = [s.pace_s_per_km for s in whole]
        runs.append(
            ProgressionRun(
                day=summary.start.date(),
                final_split_pace_s_per_km=paces[-1],
                score=summary.score,
                hr_at_reference_bpm=hr_at_pace(paces, [s.avg_hr_bpm for s in whole], reference),
                # As the judge counted them against the run's plan (in its unit); else against tempo.
                tempo_splits_held=judged_tempo.get(summary.id, tempo_splits_held(paces, tempo)),
                activity_id=summary.id,
            )
        )
    return ProgressView(tuple(runs), weekly_trend(runs), reference, tempo)


def sessions(store: Store, since: date | None = None) -> list[Session]:
    start = None if since is None else _midnight(since)
    return [
        Session(s.start.date(), s.kind) for s in store.list_activities(since=start) if s.start is not None
    ]


def guard(store: Store, today: date) -> GuardResult:
    """The frequency guard over the last 8 days of the log (for `progrun plan` and `progrun next`)."""
    return frequency_guard(sessions(store, today - timedelta(days=8)), today)


def fitness(store: Store, today: date) -> FitnessEstimate:
    since = today - timedelta(days=70)
    summaries = [
        s for s in store.list_activities(since=_midnight(since)) if s.start is not None and not s.partial
    ]
    splits = store.splits_for([s.id for s in summaries])
    efforts: list[Effort] = []
    for summary in summaries:
        assert summary.start is not None
        split_rows = splits[summary.id]
        effort = best_effort(
            summary.start.date(),
            [s.distance_m for s in split_rows],
            [s.elapsed_s for s in split_rows],
            summary.id,
        )
        if effort is not None:
            efforts.append(effort)
    return estimate_vdot(efforts, today)


def load(store: Store, today: date, days: int = 120) -> LoadSeries:
    first = today - timedelta(days=days - 1)
    pairs = [
        (s.start.date(), float(s.load))
        for s in store.list_activities(since=_midnight(first))
        if s.start is not None and s.load is not None and math.isfinite(s.load)
    ]
    return load_series(pairs, first, today)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
