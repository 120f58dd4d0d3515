"""Oracle tests (issue 3): our numpy FIT decoder against Garmin's SDK and against fitdecode.

Every FIT file in ../shared/data/activities/fit/ (plus synthetic files from our writer that carry a
workout and relative timestamps) is decoded by both, and every record field we use, and the lap,
session, event and workout-step messages must agree (NaN-aware, 1e-6 relative). garmin-fit-sdk
refuses files with compressed-timestamp headers (old FR70 firmware): for those the test checks
that it still refuses them, and fitdecode is the oracle.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import fitdecode
import numpy as np
import pytest
from garmin_fit_sdk import Decoder, Stream

from progrun.formats import fit_summary
from progrun.formats.fit import DEGREES_PER_SEMICIRCLE, FIT_EPOCH_S, FitDecoded, decode_fit, record_channels
from progrun.formats.fit_columns import MessageTable
from progrun.formats.fit_profile import FIELDS
from progrun.formats.fit_writer import write_fit_activity
from tests.conftest import ACTIVITIES
from tests.formats.test_fit_writer import synthetic_run

CORPUS = sorted(p for p in (ACTIVITIES / "fit").iterdir() if p.suffix.lower() == ".fit")
COMPRESSED_TIMESTAMP_FILES = {"fitparse__compressed-speed-distance.fit", "fitparse__antfs-dump.63.fit"}

Message = dict[str, Any]

#: message name -> (numeric fields, enum fields -> profile type) compared with the oracles
COMPARED: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "lap": (
        (
            "message_index",
            "timestamp",
            "start_time",
            "total_elapsed_time",
            "total_timer_time",
            "total_distance",
            "wkt_step_index",
        ),
        {
            "lap_trigger": "lap_trigger",
            "sport": "sport",
            "sub_sport": "sub_sport",
            "intensity": "intensity",
            "event": "event",
            "event_type": "event_type",
        },
    ),
    "session": (
        (
            "message_index",
            "timestamp",
            "start_time",
            "total_elapsed_time",
            "total_timer_time",
            "total_distance",
            "first_lap_index",
            "num_laps",
        ),
        {"sport": "sport", "sub_sport": "sub_sport", "event": "event", "event_type": "event_type"},
    ),
    "event": (("timestamp", "event_group"), {"event": "event", "event_type": "event_type"}),
    "workout_step": (
        ("message_index", "duration_value", "custom_target_value_low", "custom_target_value_high"),
        {"duration_type": "wkt_step_duration", "target_type": "wkt_step_target", "intensity": "intensity"},
    ),
}


def synthetic_files() -> dict[str, bytes]:
    return {
        "synthetic-workout.fit": write_fit_activity(synthetic_run(300)),
        "synthetic-relative.fit": write_fit_activity(synthetic_run(120, start=None)),
    }


SYNTHETIC = synthetic_files()
ALL_FILES = [
    pytest.param(p.name, p, id=p.name, marks=[pytest.mark.slow] if p.stat().st_size > 250_000 else [])
    for p in CORPUS
] + [pytest.param(name, None, id=name) for name in SYNTHETIC]


def load(name: str, path: Path | None) -> bytes:
    return SYNTHETIC[name] if path is None else path.read_bytes()


def sdk_decode(data: bytes) -> tuple[dict[str, list[Message]], list[str]]:
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read(
        convert_datetimes_to_dates=False, merge_heart_rates=False
    )
    return {name.removesuffix("_mesgs"): value for name, value in messages.items()}, [str(e) for e in errors]


def _fit_seconds(value: Any) -> Any:
    if isinstance(value, datetime):
        return round(value.astimezone(UTC).timestamp()) - FIT_EPOCH_S
    return value


def fitdecode_decode(data: bytes) -> dict[str, list[Message]]:
    result: dict[str, list[Message]] = {}
    with fitdecode.FitReader(data, check_crc=fitdecode.CrcCheck.RAISE) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage):
                fields: Message = {}
                main_names = {f.num: (n, f.scale) for n, f in FIELDS.get(frame.name, {}).items()}
                for item in frame.fields:
                    if item.name not in fields and item.value is not None:
                        fields[item.name] = _fit_seconds(item.value)
                    native = item.field_def is not None and not isinstance(
                        item.field_def, fitdecode.types.DevFieldDefinition
                    )
                    main = main_names.get(item.def_num) if native else None
                    if (
                        main is not None
                        and main[0] != item.name
                        and main[1] == 1.0
                        and item.raw_value is not None
                    ):
                        # fitdecode names a field by its sub-field (duration_distance); our table keeps the
                        # raw main field (duration_value)
                        fields[main[0]] = item.raw_value
                result.setdefault(frame.name, []).append(fields)
    return result


def number(value: Any) -> float:
    if value is None or isinstance(value, str | tuple | list):
        return math.nan
    return float(value)


def expected_records(records: list[Message]) -> dict[str, np.ndarray]:
    """The record channels as `record_channels` defines them, computed from the oracle's messages."""

    def column(get: Any) -> np.ndarray:
        return np.array([number(get(m)) for m in records], dtype=np.float64)

    def first(*names: str) -> Any:
        return lambda m: next((m[n] for n in names if m.get(n) is not None), None)

    cadence = column(first("cadence")) + np.nan_to_num(column(first("fractional_cadence")))
    return {
        "timestamp": column(first("timestamp")),
        "distance_m": column(first("distance")),
        "speed_m_s": column(first("enhanced_speed", "speed")),
        "lat_deg": column(first("position_lat")) * DEGREES_PER_SEMICIRCLE,
        "lon_deg": column(first("position_long")) * DEGREES_PER_SEMICIRCLE,
        "altitude_m": column(first("enhanced_altitude", "altitude")),
        "heart_rate_bpm": column(first("heart_rate")),
        "cadence_rpm": cadence,
        "power_w": column(first("power")),
    }


def assert_same(ours: np.ndarray, theirs: np.ndarray, what: str) -> None:
    assert ours.shape == theirs.shape, f"{what}: {ours.shape} values, oracle {theirs.shape}"
    both_nan = np.isnan(ours) & np.isnan(theirs)
    close = np.isclose(ours, theirs, rtol=1e-6, atol=1e-9) | both_nan
    if not close.all():
        i = int(np.flatnonzero(~close)[0])
        differ = int((~close).sum())
        pytest.fail(f"{what}: {differ} values differ; first at {i}: ours {ours[i]!r}, oracle {theirs[i]!r}")


def compare_records(decoded: FitDecoded, oracle: dict[str, list[Message]], name: str) -> int:
    ours = record_channels(decoded.tables["record"])
    theirs = expected_records(oracle.get("record", []))
    for channel, values in theirs.items():
        assert_same(ours[channel], values, f"{name} record.{channel}")
    return len(theirs["timestamp"])


def enum_text(value: Any) -> str:
    return "" if value is None else str(value)


def compare_messages(table: MessageTable, messages: list[Message], mesg: str, name: str) -> None:
    numeric, enums = COMPARED[mesg]
    assert len(table) == len(messages), f"{name}: {len(table)} {mesg} messages, oracle {len(messages)}"
    for field in numeric:
        theirs = np.array([number(_fit_seconds(m.get(field))) for m in messages], dtype=np.float64)
        assert_same(table.column(field), theirs, f"{name} {mesg}.{field}")
    for field, kind in enums.items():
        ours = [fit_summary.enum_name(kind, v) for v in table.column(field).tolist()]
        theirs_text = [enum_text(m.get(field)) for m in messages]
        assert ours == theirs_text, f"{name} {mesg}.{field}"
    if mesg == "workout_step":
        assert table.strings.get("wkt_step_name", [""] * len(table)) == [
            m.get("wkt_step_name", "") for m in messages
        ]


@pytest.mark.parametrize(("name", "path"), ALL_FILES)
def test_same_values_as_official_sdk(name: str, path: Path | None) -> None:
    data = load(name, path)
    decoded = decode_fit(data, name=name)
    assert decoded.problems == []
    oracle, errors = sdk_decode(data)
    if name in COMPRESSED_TIMESTAMP_FILES:
        # The SDK cannot read these at all; we must, and fitdecode is the oracle instead.
        assert any("Compressed timestamp messages are not currently supported" in e for e in errors)
        assert decoded.extra["compressed_timestamps"] is True
        oracle = fitdecode_decode(data)
    else:
        assert errors == []
    records = compare_records(decoded, oracle, name)
    assert records == len(decoded.tables["record"]) > 0
    for mesg in COMPARED:
        compare_messages(decoded.tables[mesg], oracle.get(mesg, []), mesg, name)


@pytest.mark.parametrize(("name", "path"), ALL_FILES)
def test_same_values_as_fitdecode(name: str, path: Path | None) -> None:
    data = load(name, path)
    decoded = decode_fit(data, name=name)
    oracle = fitdecode_decode(data)
    compare_records(decoded, oracle, name)
    for mesg in COMPARED:
        compare_messages(decoded.tables[mesg], oracle.get(mesg, []), mesg, name)


def test_workout_steps_match_sdk_subfields() -> None:
    data = SYNTHETIC["synthetic-workout.fit"]
    oracle, errors = sdk_decode(data)
    assert errors == []
    decoded = decode_fit(data, name="synthetic-workout.fit")
    name, steps = fit_summary.workout(decoded.tables["workout"], decoded.tables["workout_step"])
    assert name == oracle["workout"][0]["wkt_name"] == "progression"
    first = oracle["workout_step"][0]
    assert steps[0].duration_value == first["duration_distance"] == 1000.0
    assert steps[0].target_low == first["custom_target_speed_low"] == 2.8
    assert steps[0].target_high == first["custom_target_speed_high"] == 3.0
    assert len(steps) == len(oracle["workout_step"]) == 2
