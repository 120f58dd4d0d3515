"""The weekly trend of progression runs: pace, score and heart rate at a reference pace, week by week.

Core module: standard library and numpy only. The storage layer feeds it plain values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from progrun.plan import StepKind
from progrun.verdict import SplitStatus


@dataclass(frozen=True)
class ProgressionRun:
    """One progression run as the trend sees it."""

    day: date
    final_split_pace_s_per_km: float
    score: float | None
    hr_at_reference_bpm: float | None
    tempo_splits_held: int
    activity_id: int = 0


@dataclass(frozen=True)
class WeekRow:
    """One week of progression runs (weeks start on Monday)."""

    week_start: date
    runs: int
    final_split_pace_s_per_km: float
    score: float | None
    hr_at_reference_bpm: float | None
    tempo_splits_held: float


@dataclass(frozen=True)
class Trend:
    """Weekly rows and the least-squares slope per week of each measure (NaN with < 2 weeks)."""

    weeks: tuple[WeekRow, ...]
    pace_change_s_per_km_per_week: float
    score_change_per_week: float
    hr_change_bpm_per_week: float
    verdict: str
    notes: tuple[str, ...] = field(default_factory=tuple)


def _slope(x: Sequence[float], y: Sequence[float | None]) -> float:
    pairs = [(a, b) for a, b in zip(x, y, strict=True) if b is not None and math.isfinite(b)]
    if len(pairs) < 2:
        return math.nan
    xs = np.array([p[0] for p in pairs])
    ys = np.array([p[1] for p in pairs])
    if np.ptp(xs) == 0:
        return math.nan
    return float(np.polyfit(xs, ys, 1)[0])


def _mean(values: Sequence[float | None]) -> float | None:
    real = [v for v in values if v is not None and math.isfinite(v)]
    return float(np.mean(real)) if real else None


def weekly_trend(runs: Sequence[ProgressionRun]) -> Trend:
    """Group progression runs by week and fit a line through each measure."""
    by_week: dict[date, list[ProgressionRun]] = {}
    for run in sorted(runs, key=lambda r: r.day):
        by_week.setdefault(run.day - timedelta(days=run.day.weekday()), []).append(run)
    rows = tuple(
        WeekRow(
            week_start=week,
            runs=len(items),
            final_split_pace_s_per_km=float(np.mean([r.final_split_pace_s_per_km for r in items])),
            score=_mean([r.score for r in items]),
            hr_at_reference_bpm=_mean([r.hr_at_reference_bpm for r in items]),
            tempo_splits_held=float(np.mean([r.tempo_splits_held for r in items])),
        )
        for week, items in sorted(by_week.items())
    )
    first = rows[0].week_start if rows else date.today()
    x = [(row.week_start - first).days / 7.0 for row in rows]
    pace = _slope(x, [row.final_split_pace_s_per_km for row in rows])
    score = _slope(x, [row.score for row in rows])
    hr = _slope(x, [row.hr_at_reference_bpm for row in rows])
    return Trend(rows, pace, score, hr, _verdict(pace, score, hr))


def _verdict(pace: float, score: float, hr: float) -> str:
    parts: list[str] = []
    if math.isfinite(pace):
        if pace < -0.5:
            parts.append(f"getting faster: final split {-pace:.1f} s/km quicker each week")
        elif pace > 0.5:
            parts.append(f"getting slower: final split {pace:.1f} s/km slower each week")
        else:
            parts.append("final-split pace steady")
    if math.isfinite(score):
        if score > 0.5:
            parts.append(f"steadier: score +{score:.1f} a week")
        elif score < -0.5:
            parts.append(f"less even: score {score:.1f} a week")
    if math.isfinite(hr) and hr < -0.3:
        parts.append(f"heart rate at the reference pace {-hr:.1f} bpm lower each week")
    return "; ".join(parts) if parts else "not enough weeks of progression runs for a trend"


#: Fewest splits with heart rate a run needs for its HR at the reference pace.
MIN_HR_SPLITS = 3
#: The run's speeds must spread over at least this many m/s.
MIN_SPEED_SPREAD_M_S = 0.05
#: Its paces must come within this many s/km of the reference pace.
BRACKET_S_PER_KM = 30.0


def hr_at_pace(
    paces_s_per_km: Sequence[float], heart_rates_bpm: Sequence[float | None], reference_s_per_km: float
) -> float | None:
    """Heart rate at a reference pace, from a line through one run's (speed, HR) splits.

    Needs three splits with heart rate whose paces bracket the reference within 30 s/km.
    """
    return hr_at_pace_runs([(paces_s_per_km, heart_rates_bpm)], reference_s_per_km)[0]


def hr_at_pace_runs(
    runs: Sequence[tuple[Sequence[float], Sequence[float | None]]], reference_s_per_km: float
) -> list[float | None]:
    """`hr_at_pace` of many runs at once: one least-squares line per run, in closed form over all runs.

    Each run is (split paces, split heart rates). The line through a run's (speed, HR) points is
    slope = sum(dx dy) / sum(dx^2) about the run's means, evaluated at the reference speed.
    """
    run_of: list[int] = []
    speeds_list: list[float] = []
    hrs_list: list[float] = []
    for index, (paces, hrs) in enumerate(runs):
        for pace, hr in zip(paces, hrs, strict=True):
            if hr is not None and math.isfinite(hr) and pace > 0 and math.isfinite(pace):
                run_of.append(index)
                speeds_list.append(1000.0 / pace)
                hrs_list.append(hr)
    result: list[float | None] = [None] * len(runs)
    if not run_of:
        return result
    group = np.array(run_of, dtype=np.intp)
    speed = np.array(speeds_list, dtype=np.float64)
    hr_bpm = np.array(hrs_list, dtype=np.float64)
    count = np.bincount(group, minlength=len(runs))
    present = np.flatnonzero(count)
    starts = np.searchsorted(group, present)  # the points of each run are contiguous
    fastest = np.maximum.reduceat(speed, starts)
    slowest = np.minimum.reduceat(speed, starts)
    n = count[present].astype(np.float64)
    mean_speed = np.bincount(group, speed)[present] / n
    mean_hr = np.bincount(group, hr_bpm)[present] / n
    dx = speed - np.repeat(mean_speed, count[present])
    dy = hr_bpm - np.repeat(mean_hr, count[present])
    sxx = np.bincount(group, dx * dx)[present]
    sxy = np.bincount(group, dx * dy)[present]
    low_m_s = 1000.0 / (reference_s_per_km + BRACKET_S_PER_KM)
    high_m_s = 1000.0 / max(reference_s_per_km - BRACKET_S_PER_KM, 1.0)
    usable = (
        (count[present] >= MIN_HR_SPLITS)
        & (fastest - slowest >= MIN_SPEED_SPREAD_M_S)
        & (fastest >= low_m_s)
        & (slowest <= high_m_s)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        at_reference = mean_hr + sxy / sxx * (1000.0 / reference_s_per_km - mean_speed)
    for run, ok, value in zip(present.tolist(), usable.tolist(), at_reference.tolist(), strict=True):
        if ok:
            result[run] = value
    return result


def tempo_splits_held(
    paces_s_per_km: Sequence[float], tempo_s_per_km: float, tolerance_s: float = 5.0
) -> int:
    """How many of the final splits (counted back from the end) were at or faster than tempo + tolerance."""
    held = 0
    for pace in reversed(list(paces_s_per_km)):
        if math.isfinite(pace) and pace <= tempo_s_per_km + tolerance_s:
            held += 1
        else:
            break
    return held


def final_progression_pace(verdict_splits: Sequence[Mapping[str, object]]) -> float | None:
    """The pace (s/km) of the final split of the progression, as the judge matched it.

    `verdict_splits` are the verdict's splits (`Verdict.to_dict()["splits"]`): the last one that is
    not the cooldown and was run whole (status "run"), with a measured pace. A cooldown that covers
    a whole km or mile is never the final split. None when the judge matched no such split.
    """
    for split in reversed(verdict_splits):
        pace = split.get("actual_s_per_km")
        if split.get("kind") == StepKind.COOLDOWN or split.get("status") != SplitStatus.RUN:
            continue
        if isinstance(pace, int | float) and math.isfinite(pace) and pace > 0:
            return float(pace)
    return None
