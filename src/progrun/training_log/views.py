"""Views over the training log for the progress, next and block commands (store in, core objects out)."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from progrun.analysis import SplitRecord, whole_splits
from progrun.fitness import Effort, FitnessEstimate, best_effort, estimate_vdot
from progrun.progression_trend import (
    ProgressionRun,
    Trend,
    final_progression_pace,
    hr_at_pace_runs,
    tempo_splits_held,
    weekly_trend,
)
from progrun.storage.store import Store
from progrun.training_guard import GUARD_HISTORY_DAYS, GuardResult, Session, frequency_guard
from progrun.training_load import LoadSeries, load_series


@dataclass(frozen=True)
class ProgressView:
    runs: tuple[ProgressionRun, ...]
    trend: Trend
    reference_pace_s_per_km: float
    tempo_pace_s_per_km: float


def _whole(splits: tuple[SplitRecord, ...]) -> list[SplitRecord]:
    return whole_splits(splits)


def progress_view(store: Store) -> ProgressView:
    """Progression runs with their final-split pace, score, HR at a fixed pace and tempo splits.

    The final split and the tempo splits are the judge's: the last split of the progression it
    matched (never the cooldown, `final_progression_pace`) and its tempo count, against the plan the
    run was judged by. A run without a verdict falls back to its last whole split (km or mile, as it was
    split) and its trailing splits at the profile's threshold pace (else the median final split).
    """
    summaries = [s for s in store.list_activities(progression_only=True) if s.start is not None]
    splits = store.splits_for([s.id for s in summaries])
    verdicts = store.verdicts_for([s.id for s in summaries])
    profile = store.profile()
    finals = [_final_pace(splits[s.id], verdicts.get(s.id)) for s in summaries]
    known_finals = [pace for pace in finals if pace is not None]
    all_paces = [split.pace_s_per_km for s in summaries for split in _whole(splits[s.id])]
    reference = profile.threshold_s_per_km or (statistics.median(all_paces) if all_paces else 300.0)
    tempo = profile.threshold_s_per_km or (statistics.median(known_finals) if known_finals else 300.0)
    kept = [
        (summary, final, _whole(splits[summary.id]))
        for summary, final in zip(summaries, finals, strict=True)
        if final is not None and summary.start is not None
    ]
    hrs = hr_at_pace_runs(
        [([s.pace_s_per_km for s in whole], [s.heart_rate_avg_bpm for s in whole]) for _, _, whole in kept],
        reference,
    )
    runs: list[ProgressionRun] = []
    for (summary, final, whole), hr in zip(kept, hrs, strict=True):
        assert summary.start is not None
        paces = [s.pace_s_per_km for s in whole]
        judged = verdicts.get(summary.id, {}).get("tempo_splits")
        runs.append(
            ProgressionRun(
                day=summary.start.date(),
                final_split_pace_s_per_km=final,
                score=summary.score,
                hr_at_reference_bpm=hr,
                # As the judge counted them against the run's plan (in its unit); else against tempo.
                tempo_splits_held=judged if isinstance(judged, int) else tempo_splits_held(paces, tempo),
                activity_id=summary.id,
            )
        )
    return ProgressView(tuple(runs), weekly_trend(runs), reference, tempo)


def _final_pace(splits: tuple[SplitRecord, ...], verdict: dict[str, object] | None) -> float | None:
    """The final split of the progression as the judge matched it; without a verdict, the last whole
    km split."""
    if verdict is not None:
        matched = verdict.get("splits")
        if isinstance(matched, list):
            return final_progression_pace([split for split in matched if isinstance(split, dict)])
    whole = _whole(splits)
    return whole[-1].pace_s_per_km if whole else None


def sessions(store: Store, since: date | None = None, until: date | None = None) -> list[Session]:
    """The logged sessions from `since` to `until` (inclusive) with kind, load, moving time, distance."""
    start = None if since is None else _midnight(since)
    end = None if until is None else _midnight(until + timedelta(days=1))
    return [
        Session(s.start.date(), s.kind, s.load, s.moving_s or s.duration_s, s.distance_m)
        for s in store.list_activities(since=start, until=end)
        if s.start is not None
    ]


def guard(store: Store, today: date) -> GuardResult:
    """The frequency guard and the hard-day rules over the log (for `progrun plan` and `progrun next`)."""
    history = sessions(store, today - timedelta(days=GUARD_HISTORY_DAYS), today)
    return frequency_guard(history, today, unit=store.profile().units)


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
            suspect=[s.suspect_distance for s in split_rows],
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
