"""Training load per session, and fitness, fatigue, form and ACWR from the daily loads.

The frequency guard and what makes a day hard are in `progrun.training_guard`; the weekly trend of
progression runs in `progrun.progression_trend`, the VDOT re-estimate in `progrun.fitness`, blocks in
`progrun.block`. Core module: standard library and numpy only. The storage layer feeds it plain values.

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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from progrun.activity import FloatArray

CTL_DAYS = 42
ATL_DAYS = 7
CTL_DECAY = math.exp(-1 / CTL_DAYS)
ATL_DECAY = math.exp(-1 / ATL_DAYS)
ACWR_ACUTE_DAYS = 7
ACWR_CHRONIC_DAYS = 28
ACWR_SPIKE = 1.5
WEEKLY_SPIKE = 1.3


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
