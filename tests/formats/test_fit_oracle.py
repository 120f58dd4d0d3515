"""Oracle tests (issue 3): our numpy FIT decoder against Garmin's SDK and against fitdecode.

Every FIT file in ../shared/data/activities/fit/ (plus synthetic files from our writer that carry a
workout and relative timestamps) is decoded by both, and every record field we use, and the lap,
session, event and workout-step messages must agree (NaN-aware, 1e-6 relative). garmin-fit-sdk
refuses files with compressed-timestamp headers (old FR70 firmware): for those the test checks
that it still refuses them, and fitdecode is the oracle.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
import warnings
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import fitdecode
import numpy as np
import pytest
from garmin_fit_sdk import Decoder, Stream

from progrun.formats import fit_summary
from progrun.formats.fit import DEGREES_PER_SEMICIRCLE, FitDecoded, decode_fit, record_channels
from progrun.formats.fit_columns import MessageTable
from progrun.formats.fit_container import ProblemKind
from progrun.formats.fit_profile import FIELDS
from progrun.formats.fit_writer import write_fit_activity
from tests.conftest import ACTIVITIES, DATA
from tests.formats.run_builders import synthetic_run

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


@cache
def synthetic(name: str) -> bytes:
    """Synthetic files from our writer: a workout, and power-on-relative timestamps."""
    if name == "synthetic-workout.fit":
        return write_fit_activity(synthetic_run(300))
    assert name == "synthetic-relative.fit", name
    return write_fit_activity(synthetic_run(120, start=None))


SYNTHETIC = ("synthetic-workout.fit", "synthetic-relative.fit")
ALL_FILES = [pytest.param(p.name, p, id=p.name) for p in CORPUS] + [
    pytest.param(name, None, id=name) for name in SYNTHETIC
]
#: a broken file the oracles can read: a field size that is not a multiple of its base type (case B1-13)
MISALIGNED = DATA / "invalid" / "fitparse__coros-pace-2-cycling-misaligned-fields.fit"


def load(name: str, path: Path | None) -> bytes:
    return synthetic(name) if path is None else path.read_bytes()


#: the oracle messages the tests compare (the rest is dropped before it leaves the worker process)
KEPT = frozenset({"record", "workout", *COMPARED})


def sdk_decode(data: bytes) -> tuple[dict[str, list[Message]], list[str]]:
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read(
        convert_datetimes_to_dates=False, merge_heart_rates=False
    )
    kept: dict[str, list[Message]] = {}
    for name, value in messages.items():
        if name.removesuffix("_mesgs") in KEPT:
            kept[name.removesuffix("_mesgs")] = value  # type: ignore[assignment]
    return kept, [str(e) for e in errors]


class RawValues(fitdecode.DataProcessorBase):  # type: ignore[misc]
    """fitdecode without its cosmetic conversions (date_time to datetime, bool): the raw FIT values,
    which are what we compare, and about a fifth less time per file."""

    def on_process_type(self, reader: Any, field_data: Any) -> None:
        pass

    def on_process_field(self, reader: Any, field_data: Any) -> None:
        pass

    def on_process_unit(self, reader: Any, field_data: Any) -> None:
        pass

    def on_process_message(self, reader: Any, data_message: Any) -> None:
        pass


@cache
def _main_fields(mesg: str) -> dict[int, str]:
    """Field number -> our (main) field name, for the unscaled fields of a message."""
    return {f.num: n for n, f in FIELDS.get(mesg, {}).items() if f.scale == 1.0}


def fitdecode_decode(data: bytes) -> tuple[dict[str, list[Message]], list[str]]:
    """Every kept data message as {field name: value}, and the warnings fitdecode gave."""
    result: dict[str, list[Message]] = {}
    developer = fitdecode.types.DevFieldDefinition
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        reader = fitdecode.FitReader(data, processor=RawValues(), check_crc=fitdecode.CrcCheck.RAISE)
        with reader:
            for frame in reader:
                if not isinstance(frame, fitdecode.FitDataMessage) or frame.name not in KEPT:
                    continue
                fields: Message = {}
                main_names = _main_fields(frame.name)
                for item in frame.fields:
                    if item.name not in fields and item.value is not None:
                        fields[item.name] = item.value
                    native = item.field_def is not None and not isinstance(item.field_def, developer)
                    main = main_names.get(item.def_num) if native else None
                    if main is not None and main != item.name and item.raw_value is not None:
                        # fitdecode names a field by its sub-field (duration_distance); our table keeps the
                        # raw main field (duration_value)
                        fields[main] = item.raw_value
                result.setdefault(frame.name, []).append(fields)
    return result, [str(w.message) for w in caught]


@dataclass(frozen=True)
class Oracle:
    """One reference decode of one file."""

    #: the compared messages but the records, as the decoder gives them
    messages: dict[str, list[Message]]
    #: the record channels as `record_channels` defines them (`expected_records`)
    records: dict[str, np.ndarray]
    #: the SDK's errors, or fitdecode's warnings
    notes: list[str]


def oracle_decode(kind: str, data: bytes) -> Oracle:
    """One reference decode, in a worker process (the record channels are built there too)."""
    messages, notes = sdk_decode(data) if kind == "sdk" else fitdecode_decode(data)
    records = expected_records(messages.pop("record", []))
    return Oracle(messages, records, notes)


def _workers() -> int:
    """Worker processes for the reference decoders: the CPUs this process may use, at most 4
    (PROGRUN_ORACLE_WORKERS overrides; 1 decodes in this process, lazily)."""
    override = os.environ.get("PROGRUN_ORACLE_WORKERS")
    if override:
        return max(1, int(override))
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(4, cpus)


class Oracles:
    """Every reference decode of this module, each done once, in parallel worker processes when there
    is more than one CPU (the reference decoders are pure Python: 9-24 k records/s)."""

    def __init__(self, inputs: dict[str, bytes], pool: ProcessPoolExecutor | None) -> None:
        self._inputs = inputs
        self._jobs: dict[tuple[str, str], Future[Oracle]] = {}
        if pool is not None:
            # in the order the tests ask for them (the SDK tests run first, and need fitdecode for the
            # files the SDK refuses), so that the main process compares while the workers decode
            names = list(inputs)
            first = [("sdk", n) for n in names]
            first[1:1] = [("fitdecode", n) for n in names if n in COMPRESSED_TIMESTAMP_FILES]
            rest = [("fitdecode", n) for n in names if n not in COMPRESSED_TIMESTAMP_FILES]
            for kind, name in first + rest:
                self._jobs[kind, name] = pool.submit(oracle_decode, kind, inputs[name])

    def get(self, kind: str, name: str) -> Oracle:
        job = self._jobs.get((kind, name))
        if job is not None:
            return job.result()
        return _decode_here(kind, name, self._inputs[name])


@cache
def _decode_here(kind: str, name: str, data: bytes) -> Oracle:
    return oracle_decode(kind, data)


def _start_method() -> multiprocessing.context.BaseContext:
    """fork where it is safe (Linux, Python 3.11: the pool forks its workers before it starts a thread), so
    that workers start at once and never re-import the main script; spawn elsewhere."""
    if "fork" in multiprocessing.get_all_start_methods() and sys.version_info < (3, 12):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


@pytest.fixture(scope="module")
def oracles() -> Iterator[Oracles]:
    inputs = {path.name: path.read_bytes() for path in CORPUS}
    inputs |= {name: synthetic(name) for name in SYNTHETIC}
    inputs[MISALIGNED.name] = MISALIGNED.read_bytes()
    workers = _workers()
    if workers < 2:
        yield Oracles(inputs, None)
        return
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_start_method())
    try:
        yield Oracles(inputs, pool)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def number(value: Any) -> float:
    if value is None or isinstance(value, str | tuple | list):
        return math.nan
    return float(value)


def expected_records(records: list[Message]) -> dict[str, np.ndarray]:
    """The record channels as `record_channels` defines them, computed from the oracle's messages."""

    def column(*names: str) -> np.ndarray:
        """The first of `names` that a message has (not None), as a number, per message."""
        values = []
        for message in records:
            value = None
            for name in names:
                value = message.get(name)
                if value is not None:
                    break
            values.append(number(value))
        return np.array(values, dtype=np.float64)

    cadence = column("cadence") + np.nan_to_num(column("fractional_cadence"))
    return {
        "timestamp": column("timestamp"),
        "distance_m": column("distance"),
        "speed_m_s": column("enhanced_speed", "speed"),
        "lat_deg": column("position_lat") * DEGREES_PER_SEMICIRCLE,
        "lon_deg": column("position_long") * DEGREES_PER_SEMICIRCLE,
        "altitude_m": column("enhanced_altitude", "altitude"),
        "heart_rate_bpm": column("heart_rate"),
        "cadence_rpm": cadence,
        "power_w": column("power"),
    }


def assert_same(ours: np.ndarray, theirs: np.ndarray, what: str) -> None:
    assert ours.shape == theirs.shape, f"{what}: {ours.shape} values, oracle {theirs.shape}"
    both_nan = np.isnan(ours) & np.isnan(theirs)
    close = np.isclose(ours, theirs, rtol=1e-6, atol=1e-9) | both_nan
    if not close.all():
        i = int(np.flatnonzero(~close)[0])
        differ = int((~close).sum())
        pytest.fail(f"{what}: {differ} values differ; first at {i}: ours {ours[i]!r}, oracle {theirs[i]!r}")


def compare_records(decoded: FitDecoded, theirs: dict[str, np.ndarray], name: str) -> int:
    ours = record_channels(decoded.tables["record"])
    for channel, values in theirs.items():
        assert_same(ours[channel], values, f"{name} record.{channel}")
    return len(theirs["timestamp"])


def enum_text(value: Any) -> str:
    return "" if value is None else str(value)


def compare_messages(table: MessageTable, messages: list[Message], mesg: str, name: str) -> None:
    numeric, enums = COMPARED[mesg]
    assert len(table) == len(messages), f"{name}: {len(table)} {mesg} messages, oracle {len(messages)}"
    for field in numeric:
        theirs = np.array([number(m.get(field)) for m in messages], dtype=np.float64)
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
def test_same_values_as_official_sdk(name: str, path: Path | None, oracles: Oracles) -> None:
    decoded = decode_fit(load(name, path), name=name)
    assert decoded.problems == []
    oracle = oracles.get("sdk", name)
    if name in COMPRESSED_TIMESTAMP_FILES:
        # The SDK cannot read these at all; we must, and fitdecode is the oracle instead.
        assert any("Compressed timestamp messages are not currently supported" in e for e in oracle.notes)
        assert decoded.extra["compressed_timestamps"] is True
        oracle = oracles.get("fitdecode", name)
    else:
        assert oracle.notes == []
    records = compare_records(decoded, oracle.records, name)
    assert records == len(decoded.tables["record"]) > 0
    for mesg in COMPARED:
        compare_messages(decoded.tables[mesg], oracle.messages.get(mesg, []), mesg, name)


@pytest.mark.parametrize(("name", "path"), ALL_FILES)
def test_same_values_as_fitdecode(name: str, path: Path | None, oracles: Oracles) -> None:
    decoded = decode_fit(load(name, path), name=name)
    oracle = oracles.get("fitdecode", name)
    assert oracle.notes == []
    assert compare_records(decoded, oracle.records, name) == len(decoded.tables["record"]) > 0
    for mesg in COMPARED:
        compare_messages(decoded.tables[mesg], oracle.messages.get(mesg, []), mesg, name)


def test_misaligned_field_file_matches_both_oracles_in_every_other_field(oracles: Oracles) -> None:
    """Catalogue B1-13: the Coros file whose event.data is 1 byte for a uint32. Every other field equals
    the SDK's and fitdecode's values; the bad field comes back as the bytes fitdecode falls back to."""
    name = MISALIGNED.name
    decoded = decode_fit(MISALIGNED.read_bytes(), name=name)
    assert {p.kind for p in decoded.problems} == {ProblemKind.BAD_FIELD}
    assert [p.offset for p in decoded.problems] == [41093, 243027, 244035, 245443, 252579]
    sdk = oracles.get("sdk", name)
    assert sdk.notes == []
    by_fitdecode = oracles.get("fitdecode", name)
    assert by_fitdecode.notes[0].startswith(
        "invalid field size 1 in definition message @ 41093 for type uint32"
    )
    for oracle in (sdk, by_fitdecode):
        assert compare_records(decoded, oracle.records, name) == 11272
        for mesg in COMPARED:
            compare_messages(decoded.tables[mesg], oracle.messages.get(mesg, []), mesg, name)
    events = decoded.tables["event"]
    theirs = [m.get("data") for m in by_fitdecode.messages["event"]]
    ours = [tuple(row) if row[0] != 0xFF else None for row in events.raw["data"].tolist()]
    assert sum(value is not None for value in theirs) > 0
    assert ours == [tuple(value) if value is not None else None for value in theirs]


def test_workout_steps_match_sdk_subfields(oracles: Oracles) -> None:
    oracle = oracles.get("sdk", "synthetic-workout.fit")
    assert oracle.notes == []
    decoded = decode_fit(synthetic("synthetic-workout.fit"), name="synthetic-workout.fit")
    name, steps = fit_summary.workout(decoded.tables["workout"], decoded.tables["workout_step"])
    assert name == oracle.messages["workout"][0]["wkt_name"] == "progression"
    first = oracle.messages["workout_step"][0]
    assert steps[0].duration_value == first["duration_distance"] == 1000.0
    assert steps[0].target_low == first["custom_target_speed_low"] == 2.8
    assert steps[0].target_high == first["custom_target_speed_high"] == 3.0
    assert len(steps) == len(oracle.messages["workout_step"]) == 2
