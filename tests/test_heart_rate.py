"""Heart-rate-guided progressions: Karvonen and Friel zones, the climb, FIT and intervals.icu, HR judge."""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from garmin_fit_sdk import Decoder, Stream

from progrun.cli import cli
from progrun.errors import PlanError, RequestError
from progrun.formats.export import ExportFormat, export_plan
from progrun.formats.fit_writer import write_fit_activity
from progrun.heart_rate import hr_bands_of, hr_climb, karvonen_zones, lthr_zones
from progrun.judge import judge
from progrun.judge_heart_rate import heart_rate_verdict
from progrun.plan import Plan
from progrun.plan_request import PlanRequest, plan_from_request
from progrun.simulate import simulate_run
from tests.heart_rate_traces import with_heart_rate_trace as _with_heart_rate


def test_karvonen_reserve_numbers() -> None:
    """Karvonen: resting + fraction x (max - resting); max 190, resting 50: 60 % -> 134, 80 % -> 162."""
    zones = karvonen_zones(190, 50)
    assert [(z.name, z.low_bpm, z.high_bpm) for z in zones.zones] == [
        ("Z1", 120.0, 134.0),
        ("Z2", 134.0, 148.0),
        ("Z3", 148.0, 162.0),
        ("Z4", 162.0, 176.0),
        ("Z5", 176.0, 190.0),
    ]
    assert (zones.threshold.low_bpm, zones.threshold.high_bpm) == (162.0, 176.0)


def test_friel_lthr_numbers() -> None:
    """Friel's running zones at LTHR 170: Z2 85-89 % = 144.5-153, Z4 95-99 % from 161.5, Z5a to 102 %."""
    zones = lthr_zones(170)
    assert zones.zone("Z2").low_bpm == pytest.approx(144.5)
    assert zones.zone("Z3").low_bpm == pytest.approx(153.0)
    assert zones.zone("Z4").low_bpm == pytest.approx(161.5)
    assert zones.zone("Z5a").low_bpm == pytest.approx(170.0)
    assert zones.threshold.low_bpm == pytest.approx(161.5)
    assert zones.threshold.high_bpm == pytest.approx(175.1)


@pytest.mark.parametrize("max_bpm", [165, 180, 195, 210])
@pytest.mark.parametrize("resting_bpm", [38, 55, 72])
@pytest.mark.parametrize("builds", [1, 2, 3, 5, 7])
def test_climb_is_contiguous_and_each_split_one_step_harder(
    max_bpm: int, resting_bpm: int, builds: int
) -> None:
    zones = karvonen_zones(max_bpm, resting_bpm)
    bands = hr_climb(zones, build_splits=builds, tempo_splits=2)
    assert bands[0].low_bpm == zones.zone("Z2").low_bpm
    for before, after in itertools.pairwise(bands[:builds]):
        assert after.low_bpm == pytest.approx(before.high_bpm)
        assert after.low_bpm > before.low_bpm
    assert bands[builds - 1].high_bpm == pytest.approx(zones.threshold.low_bpm)
    assert all(band.low_bpm == zones.threshold.low_bpm for band in bands[builds:])


def test_bad_heart_rates_name_their_field() -> None:
    for request, field in (
        (PlanRequest(race="5k=20:00", distance="5mi", max_hr="250", resting_hr="50"), "max_hr"),
        (PlanRequest(race="5k=20:00", distance="5mi", max_hr="150", resting_hr="120"), "resting_hr"),
        (PlanRequest(race="5k=20:00", distance="5mi", lthr="80"), "lthr"),
    ):
        with pytest.raises(PlanError) as refused:
            plan_from_request(request)
        assert refused.value.field == field
    with pytest.raises(RequestError) as alone:
        plan_from_request(PlanRequest(race="5k=20:00", distance="5mi", max_hr="190"))
    assert alone.value.field == "resting_hr"
    with pytest.raises(RequestError):
        plan_from_request(
            PlanRequest(race="5k=20:00", distance="5mi", max_hr="190", resting_hr="50", lthr="170")
        )


def _hr_plan(**fields: str) -> Plan:
    plan, _ = plan_from_request(PlanRequest(race="5k=20:00", **fields))
    return plan


def test_fit_workout_carries_custom_heart_rate_as_bpm_plus_100() -> None:
    """FIT profile: custom_target_heart_rate_low/high hold % (0-100) or bpm + 100; the SDK reads them back."""
    plan = _hr_plan(distance="5mi", max_hr="190", resting_hr="50")
    data = export_plan(plan, ExportFormat.FIT).data
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    assert errors == []
    steps = messages["workout_step_mesgs"]
    bands = hr_bands_of(plan)
    assert bands is not None
    for step, band in zip(steps, bands, strict=True):
        if band is None:
            assert step["target_type"] == "speed"
            continue
        assert step["target_type"] == "heart_rate"
        assert step["custom_target_heart_rate_low"] == round(band.low_bpm) + 100
        assert step["custom_target_heart_rate_high"] == round(band.high_bpm) + 100
    assert [s["custom_target_heart_rate_low"] - 100 for s in steps[:5]] == [134, 143, 153, 162, 162]


def test_intervals_icu_text_targets_heart_rate() -> None:
    karvonen = export_plan(_hr_plan(distance="5mi", max_hr="190", resting_hr="50"), ExportFormat.INTERVALS)
    lines = karvonen.data.decode().splitlines()
    assert lines[1] == "- settle in 1mi 71-75% HR"  # 134/190, 143/190 of maximum
    assert lines[4] == "- 26 s faster: tempo 1mi 85-93% HR"
    friel = export_plan(_hr_plan(distance="8km", lthr="170"), ExportFormat.INTERVALS).data.decode()
    assert "- settle in 1km 85-87% LTHR" in friel.splitlines()


@pytest.mark.parametrize(
    "fields",
    [
        {"distance": "5mi", "max_hr": "190", "resting_hr": "50"},
        {"distance": "8km", "max_hr": "172", "resting_hr": "62"},
        {"distance": "6mi", "max_hr": "205", "resting_hr": "40"},
        {"distance": "8km", "lthr": "168"},
        {"distance": "10km", "lthr": "182"},
        {"distance": "5km", "lthr": "155"},
    ],
)
def test_hr_judge_across_runners(fields: dict[str, str]) -> None:
    plan = _hr_plan(**fields)
    run = simulate_run(plan, seed=5, ran_workout=False, noise=0.3)
    good = heart_rate_verdict(plan, judge(plan, _with_heart_rate(run, plan, {}, 1)))
    assert good is not None
    assert good.score >= 90.0, good.deductions
    assert good.climbed and good.threshold_reached
    hot = heart_rate_verdict(plan, judge(plan, _with_heart_rate(run, plan, {0: 15.0, 1: 15.0}, 2)))
    assert hot is not None and hot.score <= good.score - 15.0
    assert [check for check, _, _ in hot.deductions].count("outside_band") >= 2
    count = len(plan.running_steps)
    stuck = dict.fromkeys(range(count - 2, count), -25.0)  # never gets to threshold
    flat = heart_rate_verdict(plan, judge(plan, _with_heart_rate(run, plan, stuck, 3)))
    assert flat is not None and not flat.threshold_reached
    assert "threshold_missed" in [check for check, _, _ in flat.deductions]


def test_judge_cli_scores_by_heart_rate_and_says_when_there_is_none(tmp_path: Path) -> None:
    plan = _hr_plan(distance="5mi", max_hr="190", resting_hr="50")
    run = simulate_run(plan, seed=5, ran_workout=False, noise=0.3)
    path = tmp_path / "hr.fit"
    path.write_bytes(write_fit_activity(_with_heart_rate(run, plan, {}, 4)))
    args = [
        "judge",
        str(path),
        "--race",
        "5k=20:00",
        "--distance",
        "5mi",
        "--max-hr",
        "190",
        "--resting-hr",
        "50",
    ]
    result = CliRunner().invoke(cli, [*args, "--json"])
    assert result.exit_code == 0, result.output
    by_hr = json.loads(result.output)["heart_rate"]
    assert by_hr["score"] >= 90.0
    assert [split["zone"] for split in by_hr["splits"]] == ["Z2", "Z2-Z3", "Z3", "Z4", "Z4"]
    no_hr = tmp_path / "no-hr.fit"
    no_hr.write_bytes(
        write_fit_activity(dataclasses.replace(run, heart_rate_bpm=np.full(run.records, math.nan)))
    )
    text = CliRunner().invoke(cli, [*args[:1], str(no_hr), *args[2:]], env={"COLUMNS": "200"})
    assert text.exit_code == 0, text.output
    assert "holds no heart rate" in text.output
