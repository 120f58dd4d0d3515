"""FIT workout export, edge cases (bad-input catalogue B8, case 112): the limits of the FIT fields (steps,
name and note bytes, the speed field's pace range, uint32 lengths) and how a plan beyond them is cut or
refused. Files are checked with both decoders by `assert_valid_workout` (case 111, test_fit_workout.py)."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from progrun.errors import ExportError
from progrun.formats.export import ExportFormat, Fidelity, export_plan, plan_name
from progrun.formats.fit_workout import (
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
from progrun.plan import SplitUnit, Step, StepKind
from tests.formats.workout_checks import assert_valid_workout, decode, decode_strict
from tests.formats.workout_plans import CREATED, make_plan, plan_of


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
    # 2:30/km is 6667 mm/s, 20:00/km 833 mm/s; the field holds up to 4,294,967,294 mm/s. (A warm-up: its
    # band is written as it is; build and tempo splits carry a wider watch-alert range.)
    step = Step(StepKind.WARMUP, pace_s_per_km, pace_s_per_km, pace_s_per_km, distance_m=1000.0)
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
