"""progress: load, CTL/ATL/TSB, ACWR, guard, trends, VDOT re-estimate, block (reference numbers)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from progrun.block import build_block
from progrun.fitness import best_effort, estimate_vdot
from progrun.progression_trend import (
    ProgressionRun,
    final_progression_pace,
    hr_at_pace,
    tempo_splits_held,
    weekly_trend,
)
from progrun.training_guard import Session, frequency_guard
from progrun.training_load import load_series, rtss, trimp

D0 = date(2024, 1, 1)


def test_trimp_and_rtss_match_the_reference_examples() -> None:
    time_s = np.arange(0, 3601, 1.0)
    assert trimp(
        time_s, np.full(3601, 150.0), resting_heart_rate_bpm=50, max_heart_rate_bpm=190
    ) == pytest.approx(108.1, abs=0.05)
    women = trimp(time_s, np.full(3601, 150.0), resting_heart_rate_bpm=50, max_heart_rate_bpm=190, sex="f")
    assert women == pytest.approx(121.5, abs=0.1)
    assert rtss(45 * 60, 300.0, 270.0) == pytest.approx(60.8, abs=0.05)


def test_ctl_atl_tsb_and_acwr_match_the_reference_series() -> None:
    sessions = [(D0 + timedelta(days=i), 50.0) for i in range(42)] + [
        (D0 + timedelta(days=42 + i), 100.0) for i in range(7)
    ]
    series = load_series(sessions, D0, D0 + timedelta(days=48))
    assert series.ctl[-1] == pytest.approx(42.1, abs=0.05)
    assert series.atl[-1] == pytest.approx(81.6, abs=0.05)
    assert series.ctl[-1] - series.atl[-1] == pytest.approx(-39.5, abs=0.05)
    assert series.tsb[-1] == pytest.approx(series.ctl[-2] - series.atl[-2])  # form going into today
    assert series.acwr[-1] == pytest.approx(1.37, abs=0.005)
    assert np.isnan(series.acwr[:28]).all()
    assert any("2.0 x the mean of the four weeks before" in w for w in series.warnings)


def test_steady_load_gives_no_spike_warning() -> None:
    sessions = [(D0 + timedelta(days=i), 40.0) for i in range(0, 70, 2)]
    assert load_series(sessions, D0, D0 + timedelta(days=69)).warnings == ()


def test_frequency_guard() -> None:
    today = date(2024, 5, 24)
    assert frequency_guard([], today).ok
    one = [Session(today - timedelta(days=4), "progression")]
    assert frequency_guard(one, today).ok
    two = [*one, Session(today - timedelta(days=2), "threshold")]
    result = frequency_guard(two, today)
    assert not result.ok and result.quality_last_7_days == 2 and not result.hard_yesterday
    old = [Session(today - timedelta(days=8), "progression"), *one]
    assert frequency_guard(old, today).ok
    # A fixed twice-a-week rhythm (7 and 4 days back, as Tuesday and Friday seen from Tuesday) is allowed.
    rhythm = [
        Session(today - timedelta(days=7), "progression"),
        Session(today - timedelta(days=4), "progression"),
    ]
    assert frequency_guard(rhythm, today).ok
    assert not frequency_guard([*rhythm, Session(today - timedelta(days=6), "threshold")], today).ok
    yesterday = frequency_guard([Session(today - timedelta(days=1), "race")], today)
    assert not yesterday.ok and yesterday.hard_yesterday
    assert frequency_guard([Session(today - timedelta(days=1), "easy")], today).ok


@given(st.lists(st.tuples(st.integers(0, 20), st.sampled_from(["easy", "progression", "threshold"]))))
def test_guard_never_allows_a_third_quality_session(days_kinds: list[tuple[int, str]]) -> None:
    today = date(2024, 5, 24)
    sessions = [Session(today - timedelta(days=d), k) for d, k in days_kinds]
    quality = sum(1 for d, k in days_kinds if d <= 6 and k != "easy")
    assert frequency_guard(sessions, today).ok == (
        quality < 2 and not any(d == 1 and k != "easy" for d, k in days_kinds)
    )


def test_weekly_trend_recovers_the_built_in_improvement() -> None:
    runs = [
        ProgressionRun(D0 + timedelta(weeks=w, days=d), 280.0 - 3.0 * w, 80.0 + w, 160.0 - 0.8 * w, 1)
        for w in range(12)
        for d in (0, 3)
    ]
    trend = weekly_trend(runs)
    assert len(trend.weeks) == 12 and trend.weeks[0].runs == 2
    assert trend.pace_change_s_per_km_per_week == pytest.approx(-3.0)
    assert trend.score_change_per_week == pytest.approx(1.0)
    assert trend.hr_change_bpm_per_week == pytest.approx(-0.8)
    assert trend.verdict.startswith("getting faster: final split 3.0 s/km quicker each week")


def test_hr_at_pace_and_tempo_splits() -> None:
    paces = [330.0, 320.0, 310.0, 300.0]
    hrs = [120 + 12 * 1000 / p for p in paces]
    assert hr_at_pace(paces, hrs, 315.0) == pytest.approx(120 + 12 * 1000 / 315.0, abs=0.05)
    assert hr_at_pace(paces, hrs, 200.0) is None  # far outside the run's paces
    assert tempo_splits_held([330, 300, 271, 268], 270.0) == 2


def test_vdot_re_estimate_takes_the_best_recent_effort() -> None:
    easy = best_effort(D0, [1000.0] * 5, [345.0] * 5)
    hard = best_effort(D0 + timedelta(days=3), [1000.0] * 6, [330, 320, 240, 240, 240, 300])
    assert hard is not None and easy is not None
    assert hard.distance_m == 3000.0 and hard.time_s == 720.0  # 3 km in 12:00 = VDOT 41.9 region
    estimate = estimate_vdot([easy, hard], D0 + timedelta(days=10))
    assert estimate.best == hard and estimate.vdot == pytest.approx(round(hard.vdot, 1))
    assert estimate_vdot([easy, hard], D0 + timedelta(days=100)).vdot is None
    assert best_effort(D0, [1000.0, 1000.0], [300, 300]) is None  # under 3 km


def test_block_has_down_weeks_and_stays_in_the_method() -> None:
    sessions = build_block(D0, 8)
    assert [s.down_week for s in sessions if s.week in (4, 8)] == [True, True]
    assert sum(1 for s in sessions if s.week == 4) == 1
    assert all(1 <= s.tempo_splits <= 3 for s in sessions)
    miles = [round(s.distance_m / 1609.344, 1) for s in sessions]
    assert min(miles) >= 3.0 and max(miles) <= 6.0
    assert miles[:6] == [3.0, 3.0, 3.5, 3.5, 4.0, 4.0]
    days = sorted(s.day for s in sessions)
    assert all((b - a).days >= 2 for a, b in itertools.pairwise(days))


def test_final_progression_pace_skips_the_cooldown_and_unfinished_splits() -> None:
    def split(kind: str, status: str, pace: float | None) -> dict[str, object]:
        return {"kind": kind, "status": status, "actual_s_per_km": pace}

    splits = [split("build", "run", 300.0), split("tempo", "run", 265.0), split("cooldown", "run", 420.0)]
    assert final_progression_pace(splits) == 265.0
    assert final_progression_pace([*splits[:2], split("tempo", "partial", 262.0), splits[2]]) == 265.0
    assert final_progression_pace([*splits[:2], split("tempo", "not run", None)]) == 265.0
    assert final_progression_pace([split("cooldown", "run", 420.0)]) is None
