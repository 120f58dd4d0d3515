"""Progress over weeks: training load, fitness/fatigue/form, ACWR, trends, VDOT re-estimate, blocks.

The frequency guard and what makes a day hard are in `progrun.training_guard`.

Core module: standard library and numpy only. The storage layer feeds it plain values.

**Load per session.** Banister TRIMP when heart rate and the runner's HR max/rest are known
(men a=0.64, b=1.92; women a=0.86, b=1.67; integrated sample by sample), otherwise rTSS from
grade-adjusted pace: 100 x hours x IF^2 with IF = threshold speed / GAP speed (TrainingPeaks'
definition; GAP from Minetti 2002 stands in for their unpublished NGP).

**Fitness, fatigue, form.** Exponentially weighted daily load with GoldenCheetah's constants
(`CTL = load x (1 - e^(-1/42)) + CTL x e^(-1/42)`, ATL the same with 7 days: lambda 0.0235 / 0.1331).
TrainingPeaks uses 1/42 and 1/7 and Runalyze 2/(N+1); we use GoldenCheetah's. TSB for a day is
yesterday's CTL - ATL ("form going into today"), as WKO and GoldenCheetah show it.

**ACWR.** EWMA acute:chronic ratio (Williams et al. 2017: lambda = 2/(N+1), N = 7 and 28), shown as
a trend. Its injury thresholds (0.8-1.3 "sweet spot", >= 1.5 "danger") come from team sports and
are disputed (Lolli 2019, Impellizzeri 2020/2021); we only flag a *spike*: ratio >= 1.5 or a week
with more than 1.3 x the mean load of the four weeks before.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from progrun.activity import FloatArray
from progrun.errors import PaceError
from progrun.paces import vdot_from_race
from progrun.plan import StepKind
from progrun.units import METRES_PER_MILE
from progrun.verdict import SplitStatus

CTL_DAYS = 42
ATL_DAYS = 7
CTL_DECAY = math.exp(-1 / CTL_DAYS)
ATL_DECAY = math.exp(-1 / ATL_DAYS)
ACWR_ACUTE_DAYS = 7
ACWR_CHRONIC_DAYS = 28
ACWR_SPIKE = 1.5
WEEKLY_SPIKE = 1.3


# -- load ------------------------------------------------------------------------------------------


def trimp(
    time_s: FloatArray,
    heart_rate_bpm: FloatArray,
    *,
    resting_heart_rate_bpm: float,
    max_heart_rate_bpm: float,
    sex: str = "",
) -> float:
    """Banister TRIMP, integrated over samples: sum of minutes x HRr x a x e^(b x HRr).

    60 min at 150 bpm with rest 50 / max 190 gives 108.1 (men's constants). Samples without heart
    rate are skipped; each sample's value holds until the next sample.
    """
    if max_heart_rate_bpm <= resting_heart_rate_bpm:
        raise ValueError("max_heart_rate_bpm must be above resting_heart_rate_bpm")
    a, b = (0.86, 1.67) if sex.lower().startswith(("f", "w")) else (0.64, 1.92)
    if len(time_s) < 2:
        return 0.0
    minutes = np.diff(time_s) / 60.0
    hr = heart_rate_bpm[:-1]
    valid = ~np.isnan(hr) & (minutes > 0) & (minutes < 5)
    reserve = np.clip(
        (hr[valid] - resting_heart_rate_bpm) / (max_heart_rate_bpm - resting_heart_rate_bpm), 0.0, 1.2
    )
    return float(np.sum(minutes[valid] * reserve * a * np.exp(b * reserve)))


def rtss(moving_s: float, pace_s_per_km: float, threshold_s_per_km: float) -> float:
    """Running TSS: 100 x hours x IF^2, IF = threshold pace / (grade-adjusted) pace.

    45 min at 5:00/km with a 4:30/km threshold: IF 0.900, rTSS 60.8.
    """
    if not (pace_s_per_km > 0 and threshold_s_per_km > 0 and moving_s >= 0):
        return 0.0
    intensity = threshold_s_per_km / pace_s_per_km
    return 100.0 * moving_s / 3600.0 * intensity * intensity


# -- fitness, fatigue, form; ACWR -------------------------------------------------------------------


@dataclass(frozen=True)
class LoadSeries:
    """Daily load and what follows from it, one value per day from `first_day`."""

    first_day: date
    load: FloatArray
    ctl: FloatArray
    atl: FloatArray
    tsb: FloatArray
    acwr: FloatArray
    warnings: tuple[str, ...] = ()

    def day(self, index: int) -> date:
        return self.first_day + timedelta(days=index)


def daily_loads(sessions: Sequence[tuple[date, float]], first_day: date, last_day: date) -> FloatArray:
    """Sum the load of each day from first_day to last_day inclusive (rest days are 0)."""
    days = (last_day - first_day).days + 1
    loads = np.zeros(max(days, 0))
    for day, load in sessions:
        index = (day - first_day).days
        if 0 <= index < days and math.isfinite(load):
            loads[index] += load
    return loads


def ewma(values: FloatArray, decay: float) -> FloatArray:
    """x_t = v_t (1 - decay) + x_(t-1) decay, starting from 0."""
    out = np.empty_like(values)
    level = 0.0
    for index, value in enumerate(values):
        level = value * (1.0 - decay) + level * decay
        out[index] = level
    return out


def load_series(sessions: Sequence[tuple[date, float]], first_day: date, last_day: date) -> LoadSeries:
    """CTL/ATL/TSB (GoldenCheetah constants) and the EWMA ACWR, with spike warnings."""
    load = daily_loads(sessions, first_day, last_day)
    ctl = ewma(load, CTL_DECAY)
    atl = ewma(load, ATL_DECAY)
    tsb = np.concatenate(([0.0], (ctl - atl)[:-1])) if load.size else load.copy()
    acute = ewma(load, 1.0 - 2.0 / (ACWR_ACUTE_DAYS + 1))
    chronic = ewma(load, 1.0 - 2.0 / (ACWR_CHRONIC_DAYS + 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        acwr = np.where(chronic > 1e-9, acute / chronic, np.nan)
    acwr[: min(ACWR_CHRONIC_DAYS, acwr.size)] = np.nan  # meaningless before four weeks of data
    return LoadSeries(first_day, load, ctl, atl, tsb, acwr, spike_warnings(load, acwr, first_day))


def spike_warnings(load: FloatArray, acwr: FloatArray, first_day: date) -> tuple[str, ...]:
    """Flag a jump in load: EWMA ACWR >= 1.5, or a week over 1.3 x the mean of the four weeks before."""
    warnings: list[str] = []
    if acwr.size and np.isfinite(acwr[-1]) and acwr[-1] >= ACWR_SPIKE:
        warnings.append(
            f"load spike: acute:chronic ratio {acwr[-1]:.2f} (>= {ACWR_SPIKE}); "
            "ease off for a few days (a trend flag, not an injury prediction)"
        )
    weeks = load.size // 7
    if weeks >= 5:
        weekly = load[load.size - weeks * 7 :].reshape(weeks, 7).sum(axis=1)
        before = weekly[-5:-1].mean()
        if before > 0 and weekly[-1] > WEEKLY_SPIKE * before:
            last_week = first_day + timedelta(days=load.size - 7)
            warnings.append(
                f"load spike: the week from {last_week.isoformat()} carries {weekly[-1]:.0f}, "
                f"{weekly[-1] / before:.1f} x the mean of the four weeks before ({before:.0f})"
            )
    return tuple(warnings)


# -- progression trends ------------------------------------------------------------------------------


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


def hr_at_pace(
    paces_s_per_km: Sequence[float], heart_rates_bpm: Sequence[float | None], reference_s_per_km: float
) -> float | None:
    """Heart rate at a reference pace, from a line through one run's (speed, HR) splits.

    Needs three splits with heart rate whose paces bracket the reference within 30 s/km.
    """
    pairs = [
        (1000.0 / p, h)
        for p, h in zip(paces_s_per_km, heart_rates_bpm, strict=True)
        if h is not None and math.isfinite(h) and p > 0 and math.isfinite(p)
    ]
    if len(pairs) < 3:
        return None
    speeds = np.array([p[0] for p in pairs])
    hrs = np.array([p[1] for p in pairs])
    reference = 1000.0 / reference_s_per_km
    if np.ptp(speeds) < 0.05:
        return None
    span = (1000.0 / (reference_s_per_km + 30.0), 1000.0 / max(reference_s_per_km - 30.0, 1.0))
    if speeds.max() < span[0] or speeds.min() > span[1]:
        return None
    slope, intercept = np.polyfit(speeds, hrs, 1)
    return float(slope * reference + intercept)


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


# -- fitness: VDOT re-estimate ------------------------------------------------------------------------

#: Only efforts at least this long count (shorter ones overstate VDOT in the Daniels formula's use here).
MIN_EFFORT_M = 3000.0
#: The 1000 m world record speed (Noah Ngeny, 2:11.96 in 1999; World Athletics): no split is faster.
FASTEST_SPEED_M_S = 1000.0 / 131.96
FITNESS_WINDOW_DAYS = 56


@dataclass(frozen=True)
class Effort:
    """The fastest stretch of whole splits in one run."""

    day: date
    distance_m: float
    time_s: float
    vdot: float
    activity_id: int = 0


@dataclass(frozen=True)
class FitnessEstimate:
    """The re-estimated VDOT and the effort it came from; None when no run qualifies."""

    vdot: float | None
    best: Effort | None
    efforts: int
    method: str


def best_effort(
    day: date,
    split_distances_m: Sequence[float],
    split_times_s: Sequence[float],
    activity_id: int = 0,
    suspect: Sequence[bool] = (),
) -> Effort | None:
    """The highest-VDOT stretch of >= 3 consecutive whole (~1 km) splits of one run.

    A stretch never crosses a split with glitched distance: one flagged `suspect` (`Split.suspect_distance`)
    or faster than the 1000 m world record, which no runner's split can be.
    """
    flags = list(suspect) or [False] * len(split_distances_m)
    whole = [
        (d, t, flag or d / t > FASTEST_SPEED_M_S)
        for d, t, flag in zip(split_distances_m, split_times_s, flags, strict=True)
        if d >= 990.0 and t > 0
    ]
    best: Effort | None = None
    for start in range(len(whole)):
        distance = 0.0
        time = 0.0
        for d, t, glitched in whole[start:]:
            if glitched:
                break
            distance += d
            time += t
            if distance >= MIN_EFFORT_M:
                try:
                    vdot = vdot_from_race(distance, time)
                except PaceError:  # outside what the Daniels-Gilbert model covers
                    continue
                if best is None or vdot > best.vdot:
                    best = Effort(day, distance, time, vdot, activity_id)
    return best


def estimate_vdot(
    efforts: Sequence[Effort], today: date, *, window_days: int = FITNESS_WINDOW_DAYS
) -> FitnessEstimate:
    """Best VDOT of the efforts in the last `window_days` (a lower bound: most runs are not all-out)."""
    recent = [e for e in efforts if today - timedelta(days=window_days) <= e.day <= today]
    method = (
        f"best Daniels-Gilbert VDOT of the fastest >= {MIN_EFFORT_M / 1000:g} km of whole splits "
        f"in each run of the last {window_days // 7} weeks"
    )
    if not recent:
        return FitnessEstimate(None, None, 0, method)
    best = max(recent, key=lambda e: e.vdot)
    return FitnessEstimate(round(best.vdot, 1), best, len(recent), method)


# -- multi-week block ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BlockSession:
    """One progression run of a block."""

    day: date
    week: int
    distance_m: float
    tempo_splits: int
    down_week: bool


def build_block(
    start: date, weeks: int, *, current_distance_m: float = 3 * METRES_PER_MILE, per_week: int = 2
) -> tuple[BlockSession, ...]:
    """A progression block: 3 build weeks then 1 down week, repeated.

    Build weeks add half a mile (3 to 6 miles) and a tempo split every other week (1 to 3);
    a down week has one shorter session (one mile less, 1 tempo split). Sessions fall on the
    block's first day and 3 days later, so never two hard days in a row.
    """
    if not 1 <= weeks <= 26:
        raise ValueError("a block lasts 1 to 26 weeks")
    if per_week not in (1, 2):
        raise ValueError("the method allows one or two progression runs a week")
    miles = min(max(round(current_distance_m / METRES_PER_MILE * 2) / 2, 3.0), 6.0)  # whole or half miles
    tempo = 1
    sessions: list[BlockSession] = []
    build = 0
    for week in range(weeks):
        monday = start + timedelta(weeks=week)
        down = week % 4 == 3
        if down:
            distance = max(3.0, miles - 1.0)
            sessions.append(BlockSession(monday, week + 1, distance * METRES_PER_MILE, 1, True))
            continue
        if build > 0:
            miles = min(6.0, miles + 0.5)
            if build % 2 == 0:
                tempo = min(3, tempo + 1)
        build += 1
        for offset in range(per_week):
            sessions.append(
                BlockSession(
                    monday + timedelta(days=3 * offset), week + 1, miles * METRES_PER_MILE, tempo, False
                )
            )
    return tuple(sessions)
