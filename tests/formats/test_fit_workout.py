"""FIT workout export (bad-input catalogue B8, cases 111-114): every file is decoded with Garmin's official
decoder and with fitdecode in strict mode, and compared with the plan."""

from __future__ import annotations

import hashlib
import io
import math
import os
import warnings
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import fitdecode
import pytest
from click.testing import CliRunner
from garmin_fit_sdk import Decoder, Stream
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from progrun.cli import cli
from progrun.errors import ExportError, PlanError
from progrun.formats.export import ExportFormat, Fidelity, export_plan, plan_name
from progrun.formats.fit_workout import (
    FIT_EPOCH,
    MAX_NAME_BYTES,
    MAX_NOTES_BYTES,
    MAX_TARGET_PACE_S_PER_KM,
    MIN_TARGET_PACE_S_PER_KM,
    UINT32_MAX_VALID,
    compact,
    pace_from_mm_s,
    speed_mm_s,
    step_name,
    truncate,
    write_fit_workout,
)
from progrun.paces import race_time_for_vdot, training_paces_for_vdot, training_paces_from_race
from progrun.plan import Plan, SplitUnit, Step, StepKind
from progrun.planner import StartChoice, TargetChoice, build_plan

CREATED = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
#: Multiplies the examples of the round-trip properties (docs/export.md reports the figure for 1 and 10).
SCALE = int(os.environ.get("PROGRUN_FIT_EXAMPLES_SCALE", "1"))
FILE_TYPE_WORKOUT = 5
MANUFACTURER_DEVELOPMENT = 255


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


def plan_of(steps: list[Step] | tuple[Step, ...], unit: SplitUnit = SplitUnit.KM) -> Plan:
    """A Plan around hand-made steps (the summary fields are not written to FIT)."""
    return Plan(tuple(steps), unit, 300.0, 270.0, 10.0, 1)


# --- decoding helpers ------------------------------------------------------------------------------


def decode(data: bytes) -> dict[str, Any]:
    """Decode with the official SDK: it must be FIT, pass its integrity check and read without errors."""
    assert Decoder(Stream.from_byte_array(bytearray(data))).is_fit()
    assert Decoder(Stream.from_byte_array(bytearray(data))).check_integrity()
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    assert errors == []
    return dict(messages)


@dataclass(frozen=True)
class Strict:
    """What fitdecode reads in strict mode: data messages in file order, and the size in bytes of each
    message's fields (from the definition the message was written with)."""

    messages: list[tuple[str, dict[str, Any]]]
    sizes: list[dict[str, int]]


def decode_strict(data: bytes) -> Strict:
    """Decode with fitdecode, CRC and errors raising, and no warning of any kind."""
    messages: list[tuple[str, dict[str, Any]]] = []
    sizes: list[dict[str, int]] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with fitdecode.FitReader(
            io.BytesIO(data),
            check_crc=fitdecode.CrcCheck.RAISE,
            error_handling=fitdecode.ErrorHandling.RAISE,
        ) as reader:
            for frame in reader:
                if isinstance(frame, fitdecode.FitDataMessage):
                    messages.append((frame.name, {field.name: field.value for field in frame.fields}))
                    sizes.append({field.name: field.size for field in frame.def_mesg.field_defs})
    assert [str(warning.message) for warning in caught] == []
    return Strict(messages, sizes)


def identity(data: bytes) -> tuple[Any, ...]:
    """The watch's key for a workout file: (type, manufacturer, product, serial, time_created)."""
    (file_id,) = decode(data)["file_id_mesgs"]
    return tuple(file_id[key] for key in ("type", "manufacturer", "product", "serial_number", "time_created"))


def pace_of(speed_m_s: float) -> float:
    return 1000.0 / speed_m_s


def assert_valid_workout(plan: Plan, data: bytes, *, name: str | None = None) -> dict[str, Any]:
    """Case 111: both decoders read the file cleanly and it holds the plan, step for step."""
    messages = decode(data)
    strict = decode_strict(data)
    names = [message_name for message_name, _ in strict.messages]
    assert names[0] == "file_id"
    assert strict.messages[0][1]["type"] == "workout"
    assert names.count("file_id") == 1 and names.count("workout") == 1
    assert names.count("workout_step") == len(plan.steps)
    (file_id,) = messages["file_id_mesgs"]
    assert file_id["type"] == "workout"
    assert file_id["manufacturer"] == "development"
    assert file_id["serial_number"] > 0
    (workout,) = messages["workout_mesgs"]
    assert workout["sport"] == "running"
    assert workout["num_valid_steps"] == len(plan.steps)
    assert len(workout["wkt_name"].encode("utf-8")) <= MAX_NAME_BYTES
    if name is not None:
        assert workout["wkt_name"] == truncate(name, MAX_NAME_BYTES)
    steps = messages["workout_step_mesgs"]
    assert [step["message_index"] for step in steps] == list(range(len(plan.steps)))
    strict_steps = [fields for message_name, fields in strict.messages if message_name == "workout_step"]
    assert [step["message_index"] for step in strict_steps] == list(range(len(plan.steps)))
    intensity = {"warmup": "warmup", "build": "active", "tempo": "active", "cooldown": "cooldown"}
    for index, (decoded, step) in enumerate(zip(steps, plan.steps, strict=True)):
        assert decoded["intensity"] == intensity[step.kind.value]
        assert decoded["target_type"] == "speed"
        assert decoded["target_value"] == 0
        # low speed = slow edge (high s/km), high speed = fast edge (low s/km)
        assert abs(pace_of(decoded["custom_target_speed_low"]) - step.high_s_per_km) < 1.0
        assert abs(pace_of(decoded["custom_target_speed_high"]) - step.low_s_per_km) < 1.0
        assert decoded["custom_target_speed_low"] <= decoded["custom_target_speed_high"]
        assert decoded["wkt_step_name"] == step_name(plan, index)
        assert len(decoded["wkt_step_name"].encode("utf-8")) <= MAX_NAME_BYTES
        assert len(decoded["notes"].encode("utf-8")) <= MAX_NOTES_BYTES
        assert strict_steps[index]["wkt_step_name"] == decoded["wkt_step_name"]
        if step.distance_m is not None:
            assert decoded["duration_type"] == "distance"
            assert decoded["duration_distance"] == pytest.approx(step.distance_m, abs=0.006)
        else:
            assert decoded["duration_type"] == "time"
            assert decoded["duration_time"] == pytest.approx(step.duration_s, abs=0.001)
    # every string is NUL-terminated: its field is its UTF-8 length plus one byte
    for (_, fields), field_sizes in zip(strict.messages, strict.sizes, strict=True):
        for field_name in ("wkt_name", "wkt_step_name", "notes"):
            if field_name in field_sizes:
                assert field_sizes[field_name] == len(fields[field_name].encode("utf-8")) + 1
    return messages


# --- strategies: plans from the planner and plans made by hand ----------------------------------------

RACES_M = [1500.0, 3000.0, 5000.0, 10000.0, 21097.5, 42195.0]


@st.composite
def planner_plans(draw: st.DrawFn) -> Plan:
    """A plan as `progrun plan` builds it, from random paces, distances, units and options."""
    vdot = draw(st.floats(20.0, 90.0))
    if draw(st.booleans()):
        paces = training_paces_for_vdot(vdot)
    else:
        race_m = draw(st.sampled_from(RACES_M))
        paces = training_paces_from_race(race_m, race_time_for_vdot(vdot, race_m))
    unit = draw(st.sampled_from(list(SplitUnit)))
    try:
        return build_plan(
            paces,
            draw(st.floats(1000.0, 42195.0)),
            unit=unit,
            start=draw(st.sampled_from(list(StartChoice))),
            target=draw(st.sampled_from(list(TargetChoice))),
            step_s=draw(st.one_of(st.none(), st.floats(1.0, 60.0))),
            tempo_splits=draw(st.integers(1, 3)),
            warmup=draw(st.booleans()),
            cooldown_s=draw(st.sampled_from([0.0, 60.0, 300.0, 600.0, 1234.5])),
        )
    except PlanError:
        assume(False)
        raise


plans = st.builds(
    make_plan,
    unit=st.sampled_from(list(SplitUnit)),
    start_s_per_km=st.floats(240.0, 480.0),
    step_s_per_km=st.floats(5.0, 15.0),  # the fastest edge stays at or above 60 s/km: 240 - 11 x 15 - 15
    splits=st.integers(3, 12),
    tempo_splits=st.integers(1, 3),
    last_fraction=st.sampled_from([1.0, 0.25, 0.5, 0.75]),
    warmup=st.booleans(),
    band_fast_s=st.floats(0.0, 15.0),
    band_slow_s=st.floats(0.0, 15.0),
    cooldown_s=st.floats(60.0, 600.0),
    cooldown_s_per_km=st.floats(360.0, 900.0),
)

cues = st.text(max_size=120)


@st.composite
def hand_steps(draw: st.DrawFn) -> Step:
    """Any step a FIT workout carries: a band inside the field's pace range, a distance or a duration."""
    low, pace, high = sorted(
        draw(st.floats(MIN_TARGET_PACE_S_PER_KM, MAX_TARGET_PACE_S_PER_KM)) for _ in range(3)
    )
    kind = draw(st.sampled_from(list(StepKind)))
    if draw(st.booleans()):
        return Step(kind, pace, low, high, distance_m=draw(st.floats(0.01, 100_000.0)), cue=draw(cues))
    return Step(kind, pace, low, high, duration_s=draw(st.floats(0.001, 86_400.0)), cue=draw(cues))


hand_plans = st.builds(
    plan_of, st.lists(hand_steps(), min_size=1, max_size=50), st.sampled_from(list(SplitUnit))
)
any_plan = st.one_of(planner_plans(), plans, hand_plans)


# --- 111: round trip ---------------------------------------------------------------------------------


@settings(max_examples=120 * SCALE, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(planner_plans())
def test_every_planner_plan_round_trips_through_both_decoders(plan: Plan) -> None:
    assert_valid_workout(plan, export_plan(plan, ExportFormat.FIT, created=CREATED).data)


@settings(max_examples=60 * SCALE, deadline=None)
@given(plans)
def test_any_valid_plan_round_trips_through_the_official_decoder(plan: Plan) -> None:
    assert_valid_workout(plan, export_plan(plan, ExportFormat.FIT, created=CREATED).data)


@settings(max_examples=60 * SCALE, deadline=None)
@given(hand_plans, st.text(max_size=120))
def test_any_hand_made_plan_and_name_round_trip(plan: Plan, name: str) -> None:
    data = write_fit_workout(plan, name=name, created=CREATED).data
    expected = name if truncate(name, MAX_NAME_BYTES).strip() else None
    assert_valid_workout(plan, data, name=expected)


def test_five_mile_plan_decodes_with_the_official_decoder() -> None:
    plan = make_plan()
    result = export_plan(plan, ExportFormat.FIT, created=CREATED)
    messages = assert_valid_workout(plan, result.data)
    (file_id,) = messages["file_id_mesgs"]
    assert file_id["manufacturer"] == "development"
    assert file_id["product"] == 0
    assert file_id["time_created"] == CREATED
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
    first_name, first = decode_strict(result.data).messages[0]
    assert (first_name, first["type"], first["manufacturer"]) == ("file_id", "workout", "development")


def test_km_plan_with_warmup_and_partial_last_split() -> None:
    plan = make_plan(unit=SplitUnit.KM, splits=8, last_fraction=0.5, warmup=True, step_s_per_km=10.0)
    result = export_plan(plan, ExportFormat.FIT, created=CREATED)
    steps = assert_valid_workout(plan, result.data)["workout_step_mesgs"]
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
    cues_row = next(row for row in rows if row.target == "cues")
    assert cues_row.fidelity is Fidelity.APPROXIMATE
    name_row = next(row for row in rows if row.target == "workout name")
    assert (name_row.fidelity, name_row.reason) == (Fidelity.EXACT, "'Progression 5mi'")


def test_a_very_slow_band_edge_is_reported_approximate() -> None:
    # A slow edge of 1e6/833.5 s/km (1199.76) is 833.5 mm/s: stored as 834 mm/s, read back as 1199.04 s/km.
    plan = make_plan(cooldown_s_per_km=1_000_000 / 833.5 - 150.0)
    result = export_plan(plan, ExportFormat.FIT, created=CREATED)
    cooldown_band = next(
        row for row in result.fidelity if row.step == len(plan.steps) - 1 and row.target == "pace band"
    )
    assert cooldown_band.fidelity is Fidelity.APPROXIMATE
    assert cooldown_band.reason.endswith("off by at most 0.72 s/km")
    decoded = assert_valid_workout(plan, result.data)["workout_step_mesgs"][-1]
    assert decoded["custom_target_value_low"] == 834


# --- 112: edge cases ---------------------------------------------------------------------------------


def test_a_plan_without_steps_is_refused_at_the_api() -> None:
    empty = plan_of([])
    with pytest.raises(ExportError, match=r"^plan export: the plan has no steps"):
        export_plan(empty, ExportFormat.FIT, created=CREATED)
    with pytest.raises(
        ExportError, match=r"^FIT export: the plan has no steps; build one with `progrun plan`$"
    ):
        write_fit_workout(empty, name="x", created=CREATED)


def test_more_than_fifty_steps_is_refused_and_fifty_are_written() -> None:
    plan = make_plan(unit=SplitUnit.KM, splits=50, tempo_splits=2, step_s_per_km=0.5)
    assert len(plan.steps) == 51
    message = (
        "FIT export: the plan has 51 steps and Garmin watches run at most 50; plan fewer or longer "
        "splits (for example mile splits instead of km)"
    )
    with pytest.raises(ExportError) as refused:
        export_plan(plan, ExportFormat.FIT)
    assert str(refused.value) == message
    with pytest.raises(ExportError, match=r"51 steps"):
        write_fit_workout(plan, name="x", created=CREATED)
    fifty = make_plan(unit=SplitUnit.KM, splits=49, tempo_splits=2, step_s_per_km=0.5)
    assert len(fifty.steps) == 50
    messages = assert_valid_workout(fifty, export_plan(fifty, ExportFormat.FIT, created=CREATED).data)
    assert messages["workout_step_mesgs"][-1]["message_index"] == 49


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("", "Progression 5mi"),  # no name: the plan's own
        ("   ", "Progression 5mi"),
        ("x", "x"),
        ("Progression 5mi", "Progression 5mi"),
        ("a" * 100, "a" * 15),
        ("Fortschrittslauf Überlänge", "Fortschrittslau"),
        ("Überlänge Überlänge", "Überlänge"),  # 11 bytes: "Überlänge Ü" would be 13, cut at the space
        ("🏃" * 100, "🏃🏃🏃"),  # 4 bytes each: 3 fit in 15
        ("ab 🏃\u200d♀️🏃\u200d♀️", "ab"),  # a 13-byte emoji sequence is kept whole or not at all
        ("日本語のプログレッション走", "日本語のプ"),  # 3 bytes each
        ("e\u0301" * 20, "e\u0301" * 5),  # an accent stays with its letter
        ("tab\there\nnewline", "tab here"),  # control characters become spaces
    ],
)
def test_workout_names_are_cut_on_a_utf8_boundary_and_nul_terminated(name: str, written: str) -> None:
    plan = make_plan()
    data = export_plan(plan, ExportFormat.FIT, created=CREATED, name=name).data
    messages = assert_valid_workout(plan, data)
    decoded = messages["workout_mesgs"][0]["wkt_name"]
    assert decoded == written
    encoded = written.encode("utf-8")
    assert len(encoded) <= MAX_NAME_BYTES
    assert encoded + b"\x00" in data
    strict = decode_strict(data)
    (workout_sizes,) = [
        sizes
        for (message, _), sizes in zip(strict.messages, strict.sizes, strict=True)
        if message == "workout"
    ]
    assert workout_sizes["wkt_name"] == len(encoded) + 1
    if name.strip() and "\t" not in name:
        assert name.startswith(decoded)


def test_the_api_falls_back_to_the_plans_name_and_reports_a_cut_name() -> None:
    plan = make_plan()
    result = write_fit_workout(plan, name="", created=CREATED)
    assert decode(result.data)["workout_mesgs"][0]["wkt_name"] == plan_name(plan) == "Progression 5mi"
    row = next(row for row in result.fidelity if row.target == "workout name")
    assert (row.fidelity, row.reason) == (
        Fidelity.APPROXIMATE,
        "no name given: the plan's name 'Progression 5mi'",
    )
    cut = write_fit_workout(plan, name="Fortschrittslauf Überlänge", created=CREATED)
    row = next(row for row in cut.fidelity if row.target == "workout name")
    assert row.fidelity is Fidelity.APPROXIMATE
    assert row.reason.startswith("'Fortschrittslau': names hold 15 UTF-8 bytes")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.integers(1, 60))
def test_truncate_keeps_a_prefix_within_the_byte_limit(text: str, limit: int) -> None:
    cut = truncate(text, limit)
    assert len(cut.encode("utf-8")) <= limit
    if all(ord(char) >= 0x20 and not 0x7F <= ord(char) <= 0x9F for char in text):
        assert text.startswith(cut)
    if len(text.encode("utf-8")) <= limit and text.isprintable():
        assert cut == text


def test_long_and_non_ascii_cues_name_the_steps_within_the_limit() -> None:
    cue = "Fortschritt: 🏃 schneller werden bis zur Schwelle, dann halten"
    step = Step(StepKind.BUILD, 300.0, 295.0, 303.0, distance_m=1000.0, cue=cue)
    walk = Step(StepKind.COOLDOWN, 700.0, 600.0, 900.0, duration_s=300.0, cue="\u0301" * 30)
    plan = plan_of([step, walk])
    steps = assert_valid_workout(plan, write_fit_workout(plan, name="x", created=CREATED).data)[
        "workout_step_mesgs"
    ]
    assert steps[0]["wkt_step_name"] == "K1 Fortschritt"
    assert steps[0]["notes"] == "Fortschritt: 🏃 schneller werden bis zur"
    assert len(steps[0]["notes"].encode("utf-8")) <= MAX_NOTES_BYTES
    assert steps[1]["wkt_step_name"] == "CD 11:40/km"  # a cue of lone accents cannot name a step


@pytest.mark.parametrize(
    "pace_s_per_km",
    [MIN_TARGET_PACE_S_PER_KM, 150.0, 151.3, 360.0, 900.0, 1200.0, 1234.5, MAX_TARGET_PACE_S_PER_KM],
)
def test_extreme_paces_fit_the_uint32_speed_field_within_one_second(pace_s_per_km: float) -> None:
    # 2:30/km is 6667 mm/s, 20:00/km 833 mm/s; the field holds up to 4,294,967,294 mm/s.
    step = Step(StepKind.BUILD, pace_s_per_km, pace_s_per_km, pace_s_per_km, distance_m=1000.0)
    walk = Step(StepKind.COOLDOWN, pace_s_per_km, pace_s_per_km, pace_s_per_km, duration_s=60.0)
    plan = plan_of([step, walk])
    steps = assert_valid_workout(plan, write_fit_workout(plan, name="edge", created=CREATED).data)[
        "workout_step_mesgs"
    ]
    for decoded in steps:
        for key in ("custom_target_value_low", "custom_target_value_high"):
            assert 0 < decoded[key] <= UINT32_MAX_VALID
            assert abs(pace_from_mm_s(decoded[key]) - pace_s_per_km) < 1.0
    assert steps[0]["custom_target_value_low"] == speed_mm_s(pace_s_per_km)


def test_the_speed_field_resolution_bounds_the_slow_limit() -> None:
    # Whole mm/s carry a pace p within p^2/(2e6 - p) s/km: under 0.98 s/km up to 23:20/km, but a
    # pace near 23:33/km (1e6/707.5 mm/s) is 1 s/km off, and slower ones more.
    def error(pace_s_per_km: float) -> float:
        return abs(pace_from_mm_s(speed_mm_s(pace_s_per_km)) - pace_s_per_km)

    in_range = [MIN_TARGET_PACE_S_PER_KM + tenth / 10 for tenth in range(13_401)]
    assert in_range[-1] == MAX_TARGET_PACE_S_PER_KM
    assert all(error(pace) <= pace * pace / (2e6 - pace) * (1 + 1e-9) for pace in in_range)
    assert 0.9 < max(error(pace) for pace in in_range) < 0.98
    assert error(1_000_000 / 707.5 - 0.001) == pytest.approx(0.998, abs=0.001)  # 707.5005 mm/s -> 708
    assert max(error(1400.0 + tenth / 10) for tenth in range(1_000)) > 1.0
    assert speed_mm_s(MIN_TARGET_PACE_S_PER_KM) == 16_667  # far below the uint32 limit


@settings(max_examples=300, deadline=None)
@given(st.floats(MIN_TARGET_PACE_S_PER_KM, MAX_TARGET_PACE_S_PER_KM))
def test_every_pace_in_range_reads_back_within_one_second(pace_s_per_km: float) -> None:
    assert abs(pace_from_mm_s(speed_mm_s(pace_s_per_km)) - pace_s_per_km) < 1.0


@pytest.mark.parametrize(
    ("low", "high", "edge", "shown"),
    [
        (59.9, 300.0, "fast", "1:00/km"),  # 59.9 s/km shows as 1:00/km, but is over the line
        (1e-6, 300.0, "fast", "0:00/km"),  # would be 1e12 mm/s: overflows uint32
        (300.0, 1400.5, "slow", "23:21/km"),
        (300.0, 1e9, "slow", "16666666:40/km"),  # would round to 0 mm/s
        (300.0, math.inf, "slow", "inf s/km"),
    ],
)
def test_paces_outside_the_field_are_refused_clearly(low: float, high: float, edge: str, shown: str) -> None:
    step = Step(StepKind.BUILD, 300.0, low, high, distance_m=1000.0)
    plan = plan_of([step])
    with pytest.raises(ExportError) as refused:
        write_fit_workout(plan, name="x", created=CREATED)
    assert str(refused.value) == (
        f"FIT export: step 1 (km 1) has a {edge} band edge of {shown}, and a FIT speed target carries paces "
        "from 1:00/km to 23:20/km within 1 s/km; give the step a band inside that range"
    )


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (Step(StepKind.BUILD, 300.0, 290.0, 310.0, distance_m=0.004), "lasts 0 cm"),
        (Step(StepKind.BUILD, 300.0, 290.0, 310.0, distance_m=5e7), "lasts 5000000000 cm"),
        (Step(StepKind.COOLDOWN, 600.0, 500.0, 700.0, duration_s=5e6), "lasts 5000000000 ms"),
    ],
)
def test_lengths_outside_the_uint32_field_are_refused(step: Step, message: str) -> None:
    with pytest.raises(ExportError, match=message + r", outside the FIT field \(1 to 4,294,967,294"):
        write_fit_workout(plan_of([step]), name="x", created=CREATED)


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("M4 26s faster: tempo", 15, "M4 26s faster"),
        ("settle in", 15, "settle in"),
        ("abcdefghijklmnopqrstuvwxyz", 15, "abcdefghijklmno"),
        ("M10 walk/jog 5min", 15, "M10 walk/jog"),
        ("---------------------", 15, "---------------"),
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
    bare = replace(plan, steps=tuple(replace(step, cue="") for step in plan.steps))
    assert step_name(bare, 0) == "M1 8:03/mi"
    assert step_name(bare, len(bare.steps) - 1) == "CD 12:04/mi"
    assert_valid_workout(bare, write_fit_workout(bare, name="bare", created=CREATED).data)


# --- 113: uniqueness ---------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(any_plan, any_plan)
def test_two_different_plans_never_share_a_file_identity(first: Plan, second: Plan) -> None:
    assume(first.steps != second.steps)
    a = export_plan(first, ExportFormat.FIT, created=CREATED).data
    b = export_plan(second, ExportFormat.FIT, created=CREATED).data
    assert identity(a)[:3] == identity(b)[:3] == ("workout", "development", 0)
    assert identity(a) != identity(b)


def test_the_same_steps_under_another_name_or_time_are_another_file() -> None:
    plan = make_plan()
    base = identity(write_fit_workout(plan, name="Tuesday", created=CREATED).data)
    renamed = identity(write_fit_workout(plan, name="Friday", created=CREATED).data)
    later = identity(write_fit_workout(plan, name="Tuesday", created=CREATED + timedelta(days=1)).data)
    assert base[3] != renamed[3]
    assert (base[3], base[4]) == (later[3], CREATED) and later[4] == CREATED + timedelta(days=1)
    other = make_plan(start_s_per_km=310.0)
    assert identity(write_fit_workout(other, name="Tuesday", created=CREATED).data)[3] != base[3]


# --- 114: determinism and the time_created policy -----------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(any_plan)
def test_the_same_plan_exported_twice_is_byte_identical(plan: Plan) -> None:
    first = export_plan(plan, ExportFormat.FIT, created=CREATED).data
    assert export_plan(plan, ExportFormat.FIT, created=CREATED).data == first


def test_golden_bytes_of_the_five_mile_plan() -> None:
    data = export_plan(make_plan(), ExportFormat.FIT, created=CREATED).data
    assert len(data) == 564
    assert hashlib.sha256(data).hexdigest() == GOLDEN_SHA256


GOLDEN_SHA256 = "75ead8b43c02995a25dbccde1fa7f62601da0a6035c5b792b4fded4d3911c59f"


def test_a_naive_created_time_is_read_as_utc_and_cut_to_the_second() -> None:
    plan = make_plan()
    aware = export_plan(plan, ExportFormat.FIT, created=CREATED).data
    naive = export_plan(
        plan, ExportFormat.FIT, created=CREATED.replace(tzinfo=None, microsecond=999_999)
    ).data
    assert naive == aware


@pytest.mark.parametrize(
    "created",
    [
        datetime(1998, 7, 3, 21, 24, 15, tzinfo=UTC),
        datetime(1970, 1, 1, tzinfo=UTC),
        datetime(2200, 1, 1, tzinfo=UTC),
    ],
)
def test_a_created_time_a_fit_date_cannot_hold_is_refused(created: datetime) -> None:
    with pytest.raises(ExportError, match=r"outside what a FIT date holds \(1998-07-03 to 2126\)"):
        write_fit_workout(make_plan(), name="x", created=created)


def test_source_date_epoch_pins_time_created_when_none_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")  # 2025-12-01T00:00:00Z
    first = write_fit_workout(make_plan(), name="x").data
    assert write_fit_workout(make_plan(), name="x").data == first
    assert identity(first)[4] == datetime(2025, 12, 1, tzinfo=UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ExportError, match=r"SOURCE_DATE_EPOCH='yesterday' is not a Unix time"):
        write_fit_workout(make_plan(), name="x")


def test_without_created_the_file_is_stamped_with_the_current_second(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = datetime.now(UTC).replace(microsecond=0)
    data = write_fit_workout(make_plan(), name="x").data
    after = datetime.now(UTC)
    assert before <= identity(data)[4] <= after
    assert (identity(data)[4] - FIT_EPOCH).total_seconds() % 1 == 0


def test_the_cli_export_is_byte_identical_under_source_date_epoch(tmp_path: Path) -> None:
    outputs = []
    for attempt in range(2):
        out = tmp_path / f"run{attempt}.fit"
        result = CliRunner().invoke(
            cli,
            ["export", "--race", "5k=20:00", "--distance", "5mi", "--to", "fit", "-o", str(out)],
            env={"SOURCE_DATE_EPOCH": "1764547200"},
        )
        assert result.exit_code == 0, result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert identity(outputs[0])[4] == datetime(2025, 12, 1, tzinfo=UTC)
