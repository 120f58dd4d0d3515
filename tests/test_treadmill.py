"""Treadmill: belt speeds, the 1 % rule (Jones & Doust 1996), the card, and judging runs with no GPS."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from progrun.cli import cli
from progrun.errors import PlanError
from progrun.formats.export import ExportFormat, export_plan
from progrun.formats.fit_writer import write_fit_activity
from progrun.judge import judge
from progrun.plan_request import PlanRequest, plan_from_request
from progrun.simulate import simulate_run
from progrun.treadmill import (
    INCLINE_PERCENT,
    belt_speed,
    card_text,
    distance_scaled,
    pace_of_speed,
    treadmill_card,
)


@pytest.mark.parametrize("pace_s_per_km", [180.0, 214.3, 240.0, 300.0, 342.5, 420.0, 540.0])
def test_belt_speed_round_trips_in_both_units(pace_s_per_km: float) -> None:
    kmh = belt_speed(pace_s_per_km, "kmh")
    assert kmh == pytest.approx(3600.0 / pace_s_per_km)
    assert belt_speed(pace_s_per_km, "mph") == pytest.approx(kmh / 1.609344)
    for unit in ("kmh", "mph"):
        assert pace_of_speed(belt_speed(pace_s_per_km, unit), unit) == pytest.approx(pace_s_per_km)


def test_jones_and_doust_speeds() -> None:
    """The study's six speeds, 2.92 to 5.0 m/s, are 10.5 to 18 km/h (5:43 to 3:20 /km)."""
    speeds = [2.92, 3.33, 3.75, 4.17, 4.58, 5.0]
    assert [round(belt_speed(1000.0 / v, "kmh"), 1) for v in speeds] == [10.5, 12.0, 13.5, 15.0, 16.5, 18.0]
    assert INCLINE_PERCENT == 1.0


@pytest.mark.parametrize("race", ["5k=17:00", "5k=20:00", "5k=25:00", "10k=60:00", "5k=33:00"])
@pytest.mark.parametrize("unit", ["kmh", "mph"])
def test_card_rounds_to_a_tenth_and_keeps_the_plan_within_the_rounding(race: str, unit: str) -> None:
    plan, _ = plan_from_request(PlanRequest(race=race, distance="8km", treadmill=unit))
    card = treadmill_card(plan, unit)
    assert len(card.rows) == len(plan.steps)
    for row, step in zip(card.rows, plan.steps, strict=True):
        assert row.speed == round(row.speed, 1)
        assert abs(row.speed - belt_speed(step.pace_s_per_km, unit)) <= 0.05 + 1e-9
        assert row.incline_percent == (0.0 if row.label == "CD" else 1.0)
    speeds = [row.speed for row in card.rows if row.label != "CD"]
    assert speeds == sorted(speeds)  # the belt only ever speeds up
    slowest_m_s = 1000.0 / plan.steps[0].pace_s_per_km
    outside = not 2.92 <= slowest_m_s <= 5.0
    assert any("extrapolation" in note for note in card.notes) == outside or outside is False


def test_slow_runner_card_says_the_rule_is_extrapolated() -> None:
    plan, _ = plan_from_request(PlanRequest(race="5k=33:00", distance="8km"))
    card = treadmill_card(plan, "kmh")
    assert card.rows[0].speed < 10.5
    assert "outside the studied 10.5-18 km/h" in card.rows[0].note
    assert any("extrapolation" in note for note in card.notes)


def test_text_card_and_plan_reason() -> None:
    plan, _ = plan_from_request(PlanRequest(race="5k=20:00", distance="8km", treadmill="kmh"))
    assert plan.options["treadmill"] == "kmh"
    assert any(reason.startswith("treadmill: belt speed in km/h at 1 % incline") for reason in plan.reasons)
    lines = card_text(treadmill_card(plan, "kmh")).splitlines()
    assert lines[2].split()[:5] == ["1", "1", "km", "10.8", "1%"]
    assert lines[-2].startswith("- incline 1 %")


@pytest.mark.parametrize("fmt", [ExportFormat.PNG, ExportFormat.PDF])
def test_png_and_pdf_export_draw_the_card(fmt: ExportFormat) -> None:
    plan, _ = plan_from_request(PlanRequest(race="5k=20:00", distance="8km", treadmill="mph"))
    result = export_plan(plan, fmt)
    assert result.data[:4] in {b"\x89PNG", b"%PDF"}
    assert any("0.1 mph" in row.reason for row in result.fidelity)


def _treadmill_fit(tmp_path: Path, watch_factor: float, seed: int) -> tuple[Path, object]:
    """The plan run on the belt; the watch (no GPS) reads `watch_factor` x the belt distance."""
    plan, _ = plan_from_request(PlanRequest(race="5k=20:00", distance="8km", treadmill="kmh"))
    run = simulate_run(plan, seed=seed, ran_workout=False, hills=False, noise=0.3)
    nan = np.full(run.records, math.nan)
    watch = dataclasses.replace(
        run,
        lat_deg=nan,
        lon_deg=nan,
        altitude_m=nan.copy(),
        distance_m=run.distance_m * watch_factor,
        speed_m_s=run.speed_m_s * watch_factor,
        laps=(),
        extra={**run.extra, "sub_sport": "treadmill"},
    )
    path = tmp_path / f"treadmill-{seed}.fit"
    path.write_bytes(write_fit_activity(watch))
    return path, plan


@pytest.mark.parametrize("watch_factor", [0.95, 0.97, 1.03])
def test_judge_a_treadmill_run_without_positions_and_correct_its_calibration(
    tmp_path: Path, watch_factor: float
) -> None:
    path, _ = _treadmill_fit(tmp_path, watch_factor, seed=int(watch_factor * 100))
    args = ["judge", str(path), "--race", "5k=20:00", "--distance", "8km", "--treadmill", "kmh", "--json"]
    runner = CliRunner()
    raw = runner.invoke(cli, args)
    assert raw.exit_code == 0, raw.output
    corrected = runner.invoke(cli, [*args, "--distance-scale", f"{1.0 / watch_factor:.4f}"])
    assert corrected.exit_code == 0, corrected.output
    raw_score = json.loads(raw.output)["score"]
    corrected_score = json.loads(corrected.output)["score"]
    assert corrected_score >= 90.0
    assert corrected_score > raw_score


def test_distance_scale_scales_distance_and_speed_and_refuses_nonsense(tmp_path: Path) -> None:
    plan, _ = plan_from_request(PlanRequest(race="5k=20:00", distance="8km"))
    run = simulate_run(plan, seed=1, ran_workout=False)
    scaled = distance_scaled(run, 1.02)
    assert scaled.total_distance_m == pytest.approx(run.total_distance_m * 1.02)
    assert np.nanmax(scaled.speed_m_s) == pytest.approx(np.nanmax(run.speed_m_s) * 1.02)
    assert judge(plan, scaled).score.value <= judge(plan, run).score.value
    for bad in (0.5, 1.4, math.nan):
        with pytest.raises(PlanError) as refused:
            distance_scaled(run, bad)
        assert refused.value.field == "distance_scale"
