"""One test per adaptation rule, on generated run histories (`progrun.adaptation`)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from progrun.adaptation import RecentRun, adapt
from progrun.plan_layout import StartChoice, TargetChoice
from progrun.units import METRES_PER_MILE

TODAY = date(2025, 6, 16)
MI = METRES_PER_MILE


def _history(*outcomes: str, last_days_ago: int = 3, tempo: int = 1) -> list[RecentRun]:
    """Runs three days apart, the last `last_days_ago` days before TODAY: "good", "missed", "fast", "flat"."""
    runs = []
    for index, outcome in enumerate(outcomes):
        day = TODAY - timedelta(days=last_days_ago + 3 * (len(outcomes) - 1 - index))
        runs.append(
            RecentRun(
                day=day,
                target_reached=outcome in {"good", "flat"},
                progressed=outcome == "good",
                went_out_too_fast=outcome == "fast",
                tempo_splits=tempo,
            )
        )
    return runs


@pytest.mark.parametrize("tempo", [1, 2])
def test_two_good_runs_advance_one_tempo_split(tempo: int) -> None:
    result = adapt(_history("good", "good", tempo=tempo), TODAY, distance_m=4 * MI, acwr=1.0)
    assert (result.rule, result.tempo_splits, result.distance_m) == ("advance", tempo + 1, 4 * MI)
    assert result.sentence == (
        f"Target reached and progressed in your last two runs: one more split at the target ({tempo + 1})."
    )


@pytest.mark.parametrize("miles", [3.0, 4.5, 5.5])
def test_at_the_tempo_cap_advance_half_a_mile(miles: float) -> None:
    result = adapt(_history("missed", "good", "good", tempo=3), TODAY, distance_m=miles * MI, acwr=0.9)
    assert (result.rule, result.tempo_splits) == ("advance", 3)
    assert result.distance_m == pytest.approx((miles + 0.5) * MI)


def test_at_six_miles_and_three_splits_the_target_moves_to_5k() -> None:
    result = adapt(_history("good", "good", tempo=3), TODAY, distance_m=6 * MI, acwr=1.0)
    assert (result.rule, result.target, result.distance_m) == ("advance", TargetChoice.FIVE_K, 6 * MI)


@pytest.mark.parametrize("before", [(), ("good",), ("missed", "good")])
def test_missed_target_holds(before: tuple[str, ...]) -> None:
    result = adapt(_history(*before, "missed", tempo=2), TODAY, distance_m=4.5 * MI, acwr=1.1)
    assert (result.rule, result.distance_m, result.tempo_splits) == ("hold", 4.5 * MI, 2)
    assert result.sentence == "You missed the target last time: hold at 4.5 miles until you reach it."


def test_one_good_run_holds_until_two_in_a_row() -> None:
    for history in (_history("good"), _history("missed", "good"), _history("good", "flat")):
        assert adapt(history, TODAY, distance_m=4 * MI, acwr=1.0).rule == "hold"


def test_went_out_too_fast_starts_slower() -> None:
    result = adapt(_history("good", "fast"), TODAY, distance_m=5 * MI, acwr=1.2)
    assert (result.rule, result.start, result.distance_m) == ("start_slower", StartChoice.EASY, 5 * MI)
    assert "went out too fast" in result.sentence


@pytest.mark.parametrize(("acwr", "rule"), [(1.49, "advance"), (1.51, "shorter"), (2.3, "shorter")])
def test_load_spike_shortens(acwr: float, rule: str) -> None:
    result = adapt(_history("good", "good"), TODAY, distance_m=5 * MI, acwr=acwr)
    assert result.rule == rule
    if rule == "shorter":
        assert result.distance_m == pytest.approx(4.5 * MI)
        assert result.sentence == (
            f"Your load is spiking (acute:chronic {acwr:.2f}, over 1.5): keep it shorter, 4.5 miles."
        )


@pytest.mark.parametrize(("days", "miles", "tempo"), [(13, 5.0, 2), (14, 4.5, 1), (28, 4.0, 1), (70, 3.0, 1)])
def test_time_off_steps_back(days: int, miles: float, tempo: int) -> None:
    result = adapt(_history("good", "good", last_days_ago=days, tempo=2), TODAY, distance_m=5 * MI, acwr=0.4)
    if days < 14:
        assert result.rule == "advance"
        return
    assert (result.rule, result.tempo_splits) == ("step_back", tempo)
    assert result.distance_m == pytest.approx(miles * MI)
    assert result.sentence.startswith(f"{days} days since your last progression run: step back to")


def test_no_history_holds_at_the_current_distance() -> None:
    result = adapt([], TODAY, distance_m=2 * MI, acwr=None)
    assert (result.rule, result.distance_m, result.tempo_splits) == ("hold", 3 * MI, 1)
