"""The frequency guard's hard-day rules, one test per rule, and the hard day leading the reasons."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from progrun.training_guard import (
    HARD_KINDS,
    HARD_LOAD_FACTOR,
    LONG_RUN_S,
    MIN_TYPICAL_SESSIONS,
    Session,
    frequency_guard,
    typical_load,
    why_hard,
)

TODAY = date(2024, 5, 24)
YESTERDAY = TODAY - timedelta(days=1)


def _easy_weeks(load: float, *, every_days: int = 2, days: int = 28) -> list[Session]:
    """Easy 45-minute runs every `every_days` days in the `days` before yesterday, each of `load`."""
    return [
        Session(YESTERDAY - timedelta(days=back), "easy", load, 45 * 60.0, 8000.0)
        for back in range(every_days, days + 1, every_days)
    ]


@pytest.mark.parametrize("kind", sorted(HARD_KINDS))
def test_rule_kind_a_hard_kind_yesterday_is_a_hard_day(kind: str) -> None:
    result = frequency_guard([Session(YESTERDAY, kind)], TODAY)
    assert not result.ok and result.hard_yesterday
    assert result.reasons == (f"a hard session yesterday ({YESTERDAY.isoformat()}: a {kind} session)",)


@pytest.mark.parametrize("pace_s_per_km", [240.0, 300.0, 360.0, 420.0, 480.0])
def test_rule_length_a_run_of_90_minutes_is_long_at_every_pace(pace_s_per_km: float) -> None:
    """By time, not distance: 90 minutes is 22.5 km at 4:00/km and 11.25 km at 8:00/km."""
    long_m = LONG_RUN_S / pace_s_per_km * 1000.0
    long_run = Session(YESTERDAY, "easy", None, LONG_RUN_S, long_m)
    result = frequency_guard([long_run], TODAY)
    assert not result.ok and result.hard_yesterday
    assert "a long run (" in result.reasons[0] and "1:30:00; 90 min or more is long)" in result.reasons[0]
    shorter = Session(YESTERDAY, "easy", None, LONG_RUN_S - 60.0, long_m * 0.99)
    assert frequency_guard([shorter], TODAY).ok


def test_rule_length_names_the_50_km_run() -> None:
    ultra = Session(YESTERDAY, "easy", 420.0, 5 * 3600.0, 50_000.0)
    (reason,) = why_hard(ultra, None)
    assert reason == "a long run (50 km in 5:00:00; 90 min or more is long)"
    assert why_hard(ultra, None, "mi") == ("a long run (31.07 mi in 5:00:00; 90 min or more is long)",)


@pytest.mark.parametrize("typical", [20.0, 45.0, 80.0, 140.0])
def test_rule_load_well_above_the_runners_typical_session(typical: float) -> None:
    """For a light and a heavy trainer alike: 1.5 x their own median session is hard, just below is not."""
    history = _easy_weeks(typical)
    assert typical_load(history, YESTERDAY) == pytest.approx(typical)
    heavy = Session(YESTERDAY, "easy", typical * HARD_LOAD_FACTOR, 60 * 60.0, 10_000.0)
    result = frequency_guard([*history, heavy], TODAY)
    assert not result.ok
    assert result.reasons[0] == (
        f"a hard session yesterday ({YESTERDAY.isoformat()}: load {typical * 1.5:.0f}, 1.5 x your typical "
        f"session ({typical:.0f}, the median of the 28 days before))"
    )
    lighter = Session(YESTERDAY, "easy", typical * HARD_LOAD_FACTOR * 0.98, 60 * 60.0, 10_000.0)
    assert frequency_guard([*history, lighter], TODAY).ok


def test_rule_load_needs_a_typical_session() -> None:
    few = _easy_weeks(40.0, every_days=9)[: MIN_TYPICAL_SESSIONS - 1]
    assert typical_load(few, YESTERDAY) is None
    assert frequency_guard([*few, Session(YESTERDAY, "easy", 400.0, 3000.0, 8000.0)], TODAY).ok
    # Sessions older than 28 days before yesterday do not count towards it.
    old = [Session(YESTERDAY - timedelta(days=29 + d), "easy", 40.0) for d in range(10)]
    assert typical_load(old, YESTERDAY) is None


def test_the_hard_day_leads_the_reasons() -> None:
    quality = [
        Session(TODAY - timedelta(days=4), "progression"),
        Session(TODAY - timedelta(days=3), "threshold"),
    ]
    ultra = Session(YESTERDAY, "easy", 500.0, 5 * 3600.0, 50_000.0)
    result = frequency_guard([*_easy_weeks(60.0), *quality, ultra], TODAY)
    assert len(result.reasons) == 2 and result.quality_last_7_days == 2
    assert result.reasons[0].startswith(
        f"a hard session yesterday ({YESTERDAY.isoformat()}: a long run (50 km"
    )
    assert "load 500, 8.3 x your typical session (60" in result.reasons[0]
    assert result.reasons[1].startswith("2 progression/threshold sessions in the last 7 days")


def test_an_easy_day_yesterday_and_two_days_ago_a_long_run_are_not_hard_yesterday() -> None:
    before = Session(TODAY - timedelta(days=2), "easy", 300.0, 4 * 3600.0, 40_000.0)
    assert frequency_guard([before, Session(YESTERDAY, "easy", 30.0, 1800.0, 5000.0)], TODAY).ok
