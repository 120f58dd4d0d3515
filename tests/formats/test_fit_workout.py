"""FIT workout export (bad-input catalogue B8, cases 111, 113 and 114): every file is decoded with Garmin's
official decoder and with fitdecode in strict mode, and compared with the plan. Case 112, the edge cases,
is test_fit_workout_limits.py."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from progrun.cli import cli
from progrun.errors import ExportError
from progrun.formats.export import ExportFormat, Fidelity, export_plan
from progrun.formats.fit_workout import (
    FIT_EPOCH,
    MAX_NAME_BYTES,
    truncate,
    write_fit_workout,
)
from progrun.plan import Plan, SplitUnit
from tests.formats.workout_checks import assert_valid_workout, decode, decode_strict
from tests.formats.workout_plans import CREATED, any_plan, hand_plans, make_plan, planner_plans, plans

#: Multiplies the examples of the round-trip properties (docs/export.md reports the figure for 1 and 10).
SCALE = int(os.environ.get("PROGRUN_FIT_EXAMPLES_SCALE", "1"))


# --- decoding helpers ------------------------------------------------------------------------------


def identity(data: bytes) -> tuple[Any, ...]:
    """The watch's key for a workout file: (type, manufacturer, product, serial, time_created)."""
    (file_id,) = decode(data)["file_id_mesgs"]
    return tuple(file_id[key] for key in ("type", "manufacturer", "product", "serial_number", "time_created"))


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
    # mile 1 at 300 s/km with a (294, 304) band (3.289 to 3.401 m/s); the watch alerts outside the band
    # widened by 4 % of speed: 304 / 0.96 = 316.7 s/km (3.158 m/s) to 294 / 1.04 = 282.7 s/km (3.537 m/s)
    assert steps[0]["custom_target_value_low"] == 3158
    assert steps[0]["custom_target_value_high"] == 3537
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
    # the splits carry the wider watch-alert range (approximate, and says so); the cooldown its band
    assert [row.fidelity for row in bands] == [Fidelity.APPROXIMATE] * 5 + [Fidelity.EXACT]
    # a mile plan's report speaks miles: 316.7 s/km is 8:30/mi, 282.7 s/km 7:35/mi; the band 7:53-8:09/mi
    assert bands[0].reason.startswith(
        "the watch alerts outside 7:35/mi-8:30/mi, the band 7:53/mi-8:09/mi widened by 4 % of speed"
    )
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
    assert cooldown_band.reason.endswith("off by at most 1.16 s/mi")  # 0.72 s/km, in the mile plan's unit
    decoded = assert_valid_workout(plan, result.data)["workout_step_mesgs"][-1]
    assert decoded["custom_target_value_low"] == 834


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


# watch-alert range (issue 9)
GOLDEN_SHA256 = "153d81829353f7abdd8845543919640b21b67cd6d77f7d52dc3ded5bd9e77245"


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
