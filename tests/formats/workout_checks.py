"""Shared test helpers (moved from test_fit_workout.py so tests never import from another test module)."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Any

import fitdecode
import pytest
from garmin_fit_sdk import Decoder, Stream

from progrun.formats.fit_workout import (
    MAX_NAME_BYTES,
    MAX_NOTES_BYTES,
    step_name,
    truncate,
)
from progrun.plan import Plan, StepKind


def decode(data: bytes) -> dict[str, Any]:
    """Decode with the official SDK: it must be FIT, pass its integrity check and read without errors."""
    assert Decoder(Stream.from_byte_array(bytearray(data))).is_fit()
    assert Decoder(Stream.from_byte_array(bytearray(data))).check_integrity()
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    assert errors == []
    return dict(messages)


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
        # low speed = slow edge (high s/km), high speed = fast edge (low s/km); build and tempo splits
        # carry the watch-alert range: the band widened by 4 % of speed each side (within the field's range)
        fast, slow = step.low_s_per_km, step.high_s_per_km
        if step.kind in (StepKind.BUILD, StepKind.TEMPO):
            fast, slow = max(60.0, fast / 1.04), min(1400.0, slow / 0.96)
        assert abs(pace_of(decoded["custom_target_speed_low"]) - slow) < 1.0
        assert abs(pace_of(decoded["custom_target_speed_high"]) - fast) < 1.0
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


@dataclass(frozen=True)
class Strict:
    """What fitdecode reads in strict mode: data messages in file order, and the size in bytes of each
    message's fields (from the definition the message was written with)."""

    messages: list[tuple[str, dict[str, Any]]]
    sizes: list[dict[str, int]]


def pace_of(speed_m_s: float) -> float:
    return 1000.0 / speed_m_s
