"""Heat and altitude: Hadley's temperature + dew point chart and Wehrlin & Hallén's VO2max loss."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from progrun.cli import cli
from progrun.conditions import (
    HEAT_BANDS,
    Conditions,
    adjust_pace,
    altitude_vo2max_loss,
    conditions_adjustment,
    heat_slowdown_percent,
    parse_altitude,
    parse_temperature,
)
from progrun.errors import PlanError, UnitError
from progrun.paces import oxygen_cost, training_paces_for_vdot
from progrun.plan_request import PlanRequest, plan_from_request


def _celsius(fahrenheit: float) -> float:
    return (fahrenheit - 32.0) * 5.0 / 9.0


@pytest.mark.parametrize(("low_sum", "high_sum", "low_percent", "high_percent"), HEAT_BANDS)
def test_every_band_of_the_chart_runs_from_its_low_to_its_high_percentage(
    low_sum: float, high_sum: float, low_percent: float, high_percent: float
) -> None:
    """Hadley's chart: 101-110 -> 0-0.5 %, ..., 171-180 -> 8-10 %; the sum split evenly over air and dew."""
    for total, expected in ((low_sum + 0.5, low_percent), (high_sum, high_percent)):
        air_f = total / 2.0 + 5.0
        found_sum, percent = heat_slowdown_percent(_celsius(air_f), _celsius(total - air_f))
        assert found_sum == pytest.approx(total)
        assert percent == pytest.approx(expected, abs=(high_percent - low_percent) / 20.0 + 1e-9)


def test_hadley_examples() -> None:
    """74 °F + 71 °F = 145 -> 3-4.5 % (Hadley's own example); 80 °F + 65 °F turns 9:00/mi into 9:16-9:24."""
    total, percent = heat_slowdown_percent(_celsius(74.0), _celsius(71.0))
    assert total == pytest.approx(145.0)
    assert 3.0 <= percent <= 4.5
    assert percent == pytest.approx(3.75)
    adjustment = conditions_adjustment(Conditions(_celsius(80.0), _celsius(65.0)))
    nine_minute_mile_s_per_km = 540.0 / 1.609344
    slowed_per_mile = adjust_pace(nine_minute_mile_s_per_km, adjustment) * 1.609344
    assert 556.0 <= slowed_per_mile <= 564.0  # 9:16 to 9:24
    assert slowed_per_mile == pytest.approx(560.25)


def test_cool_day_changes_nothing_and_over_180_warns_or_refuses() -> None:
    assert heat_slowdown_percent(15.0, 5.0)[1] == 0.0  # 59 + 41 = 100
    hot = Conditions(35.0, 28.0)  # 95 + 82.4 = 177.4
    assert conditions_adjustment(hot).warnings == ()
    steamy = Conditions(38.0, 30.0)  # 100.4 + 86 = 186.4
    adjustment = conditions_adjustment(steamy)
    assert adjustment.heat_percent == 10.0
    assert "over 180" in adjustment.warnings[0]
    with pytest.raises(PlanError) as refused:
        conditions_adjustment(steamy, strict=True)
    assert refused.value.field == "temperature"


def test_altitude_loss_is_6_3_percent_per_1000_m_above_300_m() -> None:
    assert altitude_vo2max_loss(300.0) == 0.0
    assert altitude_vo2max_loss(0.0) == 0.0
    assert altitude_vo2max_loss(1300.0) == pytest.approx(0.063)
    assert altitude_vo2max_loss(2800.0) == pytest.approx(0.1575)


@pytest.mark.parametrize("vdot", [30.0, 40.0, 50.0, 60.0, 70.0])
def test_every_pace_keeps_its_share_of_the_smaller_vo2max(vdot: float) -> None:
    """At 1800 m each pace costs 90.55 % of its sea-level oxygen: 7.7 to 8.4 % slower."""
    adjustment = conditions_adjustment(Conditions(altitude_m=1800.0))
    paces = training_paces_for_vdot(vdot)
    shares = []
    for pace in (paces.easy_slow_s_per_km, paces.threshold_s_per_km, paces.interval_s_per_km):
        assert pace is not None
        slowed = adjust_pace(pace, adjustment)
        assert oxygen_cost(60_000.0 / slowed) == pytest.approx(oxygen_cost(60_000.0 / pace) * (1 - 0.0945))
        shares.append(slowed / pace)
    assert all(1.077 <= share <= 1.084 for share in shares)


def test_units_and_bad_input_name_the_field() -> None:
    assert parse_temperature("82F") == pytest.approx(27.78, abs=0.01)
    assert parse_temperature("28 °C") == 28.0
    assert parse_altitude("5900ft") == pytest.approx(1798.3, abs=0.1)
    with pytest.raises(UnitError) as bad:
        parse_altitude("9km")
    assert bad.value.field == "altitude"
    with pytest.raises(UnitError) as hot:
        parse_temperature("70C", field="dew_point")
    assert hot.value.field == "dew_point"
    with pytest.raises(PlanError) as impossible:
        conditions_adjustment(Conditions(20.0, 25.0))
    assert impossible.value.field == "dew_point"
    with pytest.raises(PlanError) as alone:
        plan_from_request(PlanRequest(race="5k=20:00", distance="5mi", temperature="28C"))
    assert alone.value.field == "dew_point"


def test_plan_in_the_heat_is_slower_by_the_chart_and_says_why() -> None:
    cool, _ = plan_from_request(PlanRequest(race="5k=20:00", distance="8km"))
    hot, _ = plan_from_request(
        PlanRequest(race="5k=20:00", distance="8km", temperature="30C", dew_point="22C")
    )
    # 86 + 71.6 = 157.6 -> 4.5 + 0.76 * 1.5 = 5.64 %
    assert hot.options["conditions"]["heat_percent"] == pytest.approx(5.64)  # type: ignore[index]
    assert hot.target_pace_s_per_km == pytest.approx(cool.target_pace_s_per_km * 1.0564, rel=1e-6)
    assert any(
        reason.startswith("heat: 30 °C + dew point 22 °C = 86 °F + 72 °F = 158") for reason in hot.reasons
    )
    assert hot.reasons[-1].startswith("conditions: target ")


def test_cli_plan_with_conditions_shows_the_working() -> None:
    result = CliRunner().invoke(
        cli,
        [
            "plan",
            "--race",
            "5k=20:00",
            "--distance",
            "5mi",
            "--temperature",
            "28C",
            "--dew-point",
            "20C",
            "--altitude",
            "1800m",
        ],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "VO2max 9.4 % lower" in result.output
    assert "conditions: target 6:40/mi -> 7:34/mi (+53 s/mi)" in result.output
