"""FIT workout export: every file is decoded with Garmin's official decoder and compared with the plan."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from garmin_fit_sdk import Decoder, Stream
from hypothesis import given, settings
from hypothesis import strategies as st

from progrun.errors import ExportError
from progrun.formats.export import ExportFormat, Fidelity, export_plan
from progrun.formats.fit_workout import MAX_NAME_CHARS, compact, step_name, truncate
from progrun.plan import Plan, SplitUnit, Step, StepKind

CREATED = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)


def make_plan(
    *,
    unit: SplitUnit = SplitUnit.MILE,
    start_s_per_km: float = 300.0,
    step_s_per_km: float = 12.0,
    splits: int = 5,
    tempo_splits: int = 2,
    last_fraction: float = 1.0,
    warmup: bool = False,
    band_fast_s: float = 6.0,
    band_slow_s: float = 4.0,
    cooldown_s: float = 300.0,
    cooldown_s_per_km: float = 450.0,
) -> Plan:
    """A progression plan built by hand: `splits` splits getting `step_s_per_km` faster, the last
    `tempo_splits` at the target pace, then a timed cooldown."""
    steps: list[Step] = []
    if warmup:
        pace = start_s_per_km + 40.0
        steps.append(
            Step(StepKind.WARMUP, pace, pace - 20.0, pace + 30.0, distance_m=unit.metres, cue="warm up easy")
        )
    build_splits = splits - tempo_splits
    target = start_s_per_km - step_s_per_km * build_splits
    for index in range(splits):
        tempo = index >= build_splits
        pace = target if tempo else start_s_per_km - step_s_per_km * index
        distance = unit.metres * (last_fraction if index == splits - 1 else 1.0)
        if index == 0:
            cue = "settle in"
        elif tempo and index == build_splits:
            cue = f"{step_s_per_km:.0f} s faster: tempo"
        elif tempo:
            cue = "hold tempo"
        else:
            cue = f"{step_s_per_km:.0f} s faster"
        steps.append(
            Step(
                StepKind.TEMPO if tempo else StepKind.BUILD,
                pace,
                pace - band_fast_s,
                pace + band_slow_s,
                distance_m=distance,
                cue=cue,
            )
        )
    steps.append(
        Step(
            StepKind.COOLDOWN,
            cooldown_s_per_km,
            cooldown_s_per_km - 60.0,
            cooldown_s_per_km + 150.0,
            duration_s=cooldown_s,
            cue="walk/jog 5 min",
        )
    )
    return Plan(tuple(steps), unit, start_s_per_km, target, step_s_per_km, tempo_splits)


def decode(data: bytes) -> dict[str, Any]:
    """Decode with the official SDK; the file must pass its integrity check and read without errors."""
    assert Decoder(Stream.from_byte_array(data)).check_integrity()
    messages, errors = Decoder(Stream.from_byte_array(data)).read()
    assert errors == []
    return messages


def pace_of(speed_m_s: float) -> float:
    return 1000.0 / speed_m_s


def assert_round_trip(plan: Plan, data: bytes) -> None:
    """Every decoded step matches the plan: kind, length, and band edges within 1 s/km."""
    messages = decode(data)
    (file_id,) = messages["file_id_mesgs"]
    assert file_id["type"] == "workout"
    (workout,) = messages["workout_mesgs"]
    assert workout["sport"] == "running"
    assert workout["num_valid_steps"] == len(plan.steps)
    steps = messages["workout_step_mesgs"]
    assert len(steps) == len(plan.steps)
    intensity = {"warmup": "warmup", "build": "active", "tempo": "active", "cooldown": "cooldown"}
    for index, (decoded, step) in enumerate(zip(steps, plan.steps, strict=True)):
        assert decoded["message_index"] == index
        assert decoded["intensity"] == intensity[step.kind.value]
        assert decoded["target_type"] == "speed"
        assert decoded["target_value"] == 0
        # low speed = slow edge (high s/km), high speed = fast edge (low s/km)
        assert abs(pace_of(decoded["custom_target_speed_low"]) - step.high_s_per_km) < 1.0
        assert abs(pace_of(decoded["custom_target_speed_high"]) - step.low_s_per_km) < 1.0
        assert decoded["custom_target_speed_low"] <= decoded["custom_target_speed_high"]
        assert len(decoded["wkt_step_name"]) <= MAX_NAME_CHARS
        if step.distance_m is not None:
            assert decoded["duration_type"] == "distance"
            assert decoded["duration_distance"] == pytest.approx(step.distance_m, abs=0.006)
        else:
            assert decoded["duration_type"] == "time"
            assert decoded["duration_time"] == pytest.approx(step.duration_s, abs=0.001)


def test_five_mile_plan_decodes_with_the_official_decoder() -> None:
    plan = make_plan()
    result = export_plan(plan, ExportFormat.FIT, created=CREATED)
    assert_round_trip(plan, result.data)
    messages = decode(result.data)
    (file_id,) = messages["file_id_mesgs"]
    assert file_id["manufacturer"] == "development"
    assert file_id["product"] == 0
    assert file_id["time_created"] == CREATED
    assert file_id["serial_number"] > 0
    assert messages["workout_mesgs"][0]["wkt_name"] == "Progression 5mi"
    steps = messages["workout_step_mesgs"]
    assert [step["wkt_step_name"] for step in steps] == [
        "M1 settle in",
        "M2 12s faster",
        "M3 12s faster",
        "M4 12s faster",
        "M5 hold tempo",
        "walk/jog 5min",
    ]
    assert steps[3]["notes"] == "12 s faster: tempo"
    # mile 1 at 300 s/km with a (294, 304) band: 3.289 to 3.401 m/s, stored in mm/s
    assert steps[0]["custom_target_value_low"] == 3289
    assert steps[0]["custom_target_value_high"] == 3401
    assert steps[0]["duration_value"] == 160934  # cm
    assert steps[5]["duration_value"] == 300_000  # ms


def test_same_plan_gives_the_same_bytes() -> None:
    plan = make_plan()
    first = export_plan(plan, ExportFormat.FIT, created=CREATED).data
    assert export_plan(plan, ExportFormat.FIT, created=CREATED).data == first
    other = make_plan(start_s_per_km=310.0)
    assert (
        decode(export_plan(other, ExportFormat.FIT, created=CREATED).data)["file_id_mesgs"][0][
            "serial_number"
        ]
        != decode(first)["file_id_mesgs"][0]["serial_number"]
    )


def test_km_plan_with_warmup_and_partial_last_split() -> None:
    plan = make_plan(unit=SplitUnit.KM, splits=8, last_fraction=0.5, warmup=True, step_s_per_km=10.0)
    result = export_plan(plan, ExportFormat.FIT, created=CREATED)
    assert_round_trip(plan, result.data)
    steps = decode(result.data)["workout_step_mesgs"]
    assert steps[0]["intensity"] == "warmup"
    assert steps[0]["wkt_step_name"] == "warm up easy"
    assert steps[1]["wkt_step_name"] == "K1 settle in"
    assert steps[8]["duration_distance"] == pytest.approx(500.0)
    assert steps[8]["wkt_step_name"] == "K8 hold tempo"


def test_fidelity_reports_every_step_and_the_real_rounding_error() -> None:
    plan = make_plan()
    rows = export_plan(plan, ExportFormat.FIT, created=CREATED).fidelity
    bands = [row for row in rows if row.target == "pace band"]
    assert [row.step for row in bands] == list(range(len(plan.steps)))
    assert all(row.fidelity is Fidelity.EXACT for row in bands)
    lengths = [row for row in rows if row.step is not None and row.target in ("distance", "duration")]
    assert [row.target for row in lengths] == ["distance"] * 5 + ["duration"]
    cues = [row for row in rows if row.target == "cues"]
    assert cues[0].fidelity is Fidelity.APPROXIMATE


def test_a_very_slow_band_edge_is_reported_approximate() -> None:
    # A slow edge of 1e6/833.5 s/km (1199.76) is 833.5 mm/s: stored as 834 mm/s, read back as 1199.04 s/km.
    plan = make_plan(cooldown_s_per_km=1_000_000 / 833.5 - 150.0)
    result = export_plan(plan, ExportFormat.FIT, created=CREATED)
    rows = result.fidelity
    cooldown_band = next(row for row in rows if row.step == len(plan.steps) - 1 and row.target == "pace band")
    assert cooldown_band.fidelity is Fidelity.APPROXIMATE
    assert cooldown_band.reason.endswith("off by at most 0.72 s/km")
    decoded = decode(result.data)["workout_step_mesgs"][-1]
    assert decoded["custom_target_value_low"] == 834
    assert_round_trip(plan, result.data)


def test_more_than_fifty_steps_is_refused() -> None:
    plan = make_plan(unit=SplitUnit.KM, splits=50, tempo_splits=2, step_s_per_km=0.5)
    assert len(plan.steps) == 51
    with pytest.raises(ExportError, match=r"51 steps.*at most 50"):
        export_plan(plan, ExportFormat.FIT)
    fifty = make_plan(unit=SplitUnit.KM, splits=49, tempo_splits=2, step_s_per_km=0.5)
    assert_round_trip(fifty, export_plan(fifty, ExportFormat.FIT, created=CREATED).data)


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("M4 26s faster: tempo", 15, "M4 26s faster"),
        ("settle in", 15, "settle in"),
        ("abcdefghijklmnopqrstuvwxyz", 15, "abcdefghijklmno"),
        ("M10 walk/jog 5min", 15, "M10 walk/jog"),
    ],
)
def test_truncate_cuts_at_a_word_boundary(text: str, limit: int, expected: str) -> None:
    assert truncate(text, limit) == expected


def test_compact_joins_numbers_to_units() -> None:
    assert compact("20 s faster") == "20s faster"
    assert compact("walk/jog 5 min") == "walk/jog 5min"
    assert compact("hold tempo") == "hold tempo"


def test_step_without_cue_is_named_by_its_pace() -> None:
    plan = make_plan()
    bare = Plan(
        tuple(replace(step, cue="") for step in plan.steps),
        plan.unit,
        plan.start_pace_s_per_km,
        plan.target_pace_s_per_km,
        plan.step_s_per_unit,
        plan.tempo_splits,
    )
    assert step_name(bare, 0) == "M1 8:03/mi"
    assert step_name(bare, len(bare.steps) - 1) == "CD 12:04/mi"


plans = st.builds(
    make_plan,
    unit=st.sampled_from(list(SplitUnit)),
    start_s_per_km=st.floats(240.0, 480.0),
    step_s_per_km=st.floats(5.0, 20.0),
    splits=st.integers(3, 12),
    tempo_splits=st.integers(1, 3),
    last_fraction=st.sampled_from([1.0, 0.25, 0.5, 0.75]),
    warmup=st.booleans(),
    band_fast_s=st.floats(0.0, 15.0),
    band_slow_s=st.floats(0.0, 15.0),
    cooldown_s=st.floats(60.0, 600.0),
    cooldown_s_per_km=st.floats(360.0, 900.0),
)


@settings(max_examples=60, deadline=None)
@given(plans)
def test_any_valid_plan_round_trips_through_the_official_decoder(plan: Plan) -> None:
    assert_round_trip(plan, export_plan(plan, ExportFormat.FIT, created=CREATED).data)
