"""read_fit: container features, record channels, summaries, broken files, strict and lenient modes."""

from __future__ import annotations

import contextlib
import gzip
import random
import re
import struct
from datetime import UTC, datetime

import numpy as np
import pytest
from garmin_fit_sdk import CrcCalculator
from hypothesis import given, settings
from hypothesis import strategies as st

from progrun.activity import LapTrigger
from progrun.errors import CorruptFile, UnknownFormat
from progrun.formats.fit import FIT_EPOCH_S, read_fit
from progrun.formats.fit_writer import write_fit_activity
from progrun.formats.on_error import OnError
from tests.conftest import ACTIVITIES, DATA
from tests.formats.test_fit_writer import synthetic_run

FIT_DIR = DATA / "fit"
INVALID_DIR = DATA / "invalid"
UINT8, ENUM, UINT16, SINT32, UINT32 = 0x02, 0x00, 0x84, 0x85, 0x86
T0 = 1_000_000_000  # a FIT timestamp: 2021-09-08T01:46:40Z; T0 % 32 == 0
RECORD_FIELDS = ((253, 4, UINT32), (0, 4, SINT32), (1, 4, SINT32), (5, 4, UINT32), (3, 1, UINT8))


# --- a tiny FIT byte builder, checked against Garmin's CRC ---------------------------------------


def fit_bytes(*messages: bytes, header_size: int = 14, header_crc: bool = True) -> bytes:
    body = b"".join(messages)
    header = struct.pack("<BBHI4s", header_size, 0x20, 2100, len(body), b".FIT")
    if header_size == 14:
        header += struct.pack("<H", CrcCalculator.calculate_crc(header, 0, 12) if header_crc else 0)
    data = header + body
    return data + struct.pack("<H", CrcCalculator.calculate_crc(data, 0, len(data)))


def definition(
    local: int,
    global_num: int,
    fields: tuple[tuple[int, int, int], ...],
    *,
    big: bool = False,
    developer: tuple[tuple[int, int, int], ...] = (),
) -> bytes:
    header = 0x40 | local | (0x20 if developer else 0)
    out = bytes([header, 0, 1 if big else 0]) + struct.pack(">H" if big else "<H", global_num)
    out += bytes([len(fields)]) + b"".join(bytes(f) for f in fields)
    if developer:
        out += bytes([len(developer)]) + b"".join(bytes(f) for f in developer)
    return out


def message(local: int, fmt: str, *values: int, big: bool = False) -> bytes:
    return bytes([local]) + struct.pack((">" if big else "<") + fmt, *values)


def record_file(*, big: bool = False, header_size: int = 14, header_crc: bool = True) -> bytes:
    rows = [
        message(0, "IiiIB", T0 + i, 600_000_000 + i * 1000, -1_000_000 + i, i * 250, 140 + i, big=big)
        for i in range(5)
    ]
    return fit_bytes(
        definition(0, 20, RECORD_FIELDS, big=big), *rows, header_size=header_size, header_crc=header_crc
    )


# --- container features ---------------------------------------------------------------------------


def test_records_decode_with_scale_semicircles_and_start() -> None:
    activity = read_fit(record_file(), name="tiny.fit")
    assert activity.records == 5
    assert activity.time_s.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert activity.distance_m.tolist() == [0.0, 2.5, 5.0, 7.5, 10.0]
    assert activity.lat_deg[1] == pytest.approx(600_001_000 * 180 / 2**31)
    assert activity.lon_deg[0] == pytest.approx(-1_000_000 * 180 / 2**31)
    assert activity.heart_rate_bpm.tolist() == [140.0, 141.0, 142.0, 143.0, 144.0]
    assert activity.start == datetime(2021, 9, 8, 1, 46, 40, tzinfo=UTC)
    assert activity.sport == "generic"  # no session, lap or sport message
    assert np.isnan(activity.speed_m_s).all()


def test_big_endian_definition_gives_the_same_values() -> None:
    little = read_fit(record_file(), name="le.fit")
    big = read_fit(record_file(big=True), name="be.fit")
    for channel in ("time_s", "distance_m", "lat_deg", "lon_deg", "heart_rate_bpm"):
        np.testing.assert_array_equal(getattr(big, channel), getattr(little, channel))


def test_twelve_byte_header_and_zero_header_crc_are_accepted() -> None:
    assert read_fit(record_file(header_size=12), name="h12.fit").records == 5
    assert read_fit(record_file(header_crc=False), name="crc0.fit").records == 5
    # a real 14-byte header whose CRC is 0 (FR110, 2013)
    activity = read_fit((FIT_DIR / "fitparse__2013-02-06-12-11-14.fit").read_bytes(), name="fr110.fit")
    assert activity.records == 590
    assert activity.device == "garmin fr110"


def test_bad_header_crc_is_refused() -> None:
    data = bytearray(record_file())
    data[12] ^= 0xFF
    with pytest.raises(
        CorruptFile, match=r"bad header CRC \(header CRC 0x[0-9A-F]{4}, computed 0x[0-9A-F]{4}\)"
    ):
        read_fit(bytes(data), name="hcrc.fit")


def test_local_type_redefined_mid_file() -> None:
    data = fit_bytes(
        definition(0, 20, RECORD_FIELDS),
        message(0, "IiiIB", T0, 1, 1, 100, 150),
        definition(0, 20, ((253, 4, UINT32), (3, 1, UINT8))),  # local 0 now has only time and HR
        message(0, "IB", T0 + 1, 151),
        message(0, "IB", T0 + 2, 152),
    )
    activity = read_fit(data, name="redefined.fit")
    assert activity.time_s.tolist() == [0.0, 1.0, 2.0]
    assert activity.heart_rate_bpm.tolist() == [150.0, 151.0, 152.0]
    assert activity.distance_m[0] == 1.0
    assert np.isnan(activity.distance_m[1:]).all()


def test_compressed_timestamps_roll_over_every_32_seconds() -> None:
    def compressed(offset_s: int, heart_rate: int) -> bytes:
        return bytes([0x80 | (1 << 5) | offset_s, heart_rate])

    data = fit_bytes(
        definition(0, 20, ((253, 4, UINT32), (3, 1, UINT8))),
        definition(1, 20, ((3, 1, UINT8),)),
        message(0, "IB", T0, 100),
        compressed(10, 110),
        compressed(20, 120),
        compressed(30, 130),
        compressed(5, 105),  # 30 -> 5 rolls over: +7 s
        compressed(3, 103),  # 5 -> 3 rolls over: +30 s
        message(0, "IB", T0 + 100, 200),  # a full timestamp resets the reference
        compressed(6, 106),  # (T0 + 100) % 32 == 4: +2 s
    )
    activity = read_fit(data, name="compressed.fit")
    assert activity.time_s.tolist() == [0.0, 10.0, 20.0, 30.0, 37.0, 67.0, 100.0, 102.0]
    assert activity.heart_rate_bpm.tolist() == [100.0, 110.0, 120.0, 130.0, 105.0, 103.0, 200.0, 106.0]


def test_developer_fields_are_skipped_by_size() -> None:
    data = fit_bytes(
        definition(0, 20, ((253, 4, UINT32), (3, 1, UINT8)), developer=((0, 4, 0), (1, 2, 0))),
        message(0, "IBIH", T0, 150, 0xDEADBEEF, 0xBEEF),
        message(0, "IBIH", T0 + 1, 151, 0xDEADBEEF, 0xBEEF),
    )
    activity = read_fit(data, name="developer.fit")
    assert activity.heart_rate_bpm.tolist() == [150.0, 151.0]
    real = read_fit((FIT_DIR / "fitparse__developer-types-sample.fit").read_bytes(), name="stryd.fit")
    assert real.records == 3424
    assert real.device == "stryd"
    assert real.has("power_w")


def test_invalid_sentinels_become_nan() -> None:
    data = fit_bytes(
        definition(0, 20, RECORD_FIELDS),
        message(0, "IiiIB", T0, 0x7FFFFFFF, 0x7FFFFFFF, 0xFFFFFFFF, 0xFF),
        message(0, "IiiIB", T0 + 1, 0, 0, 0, 0),
    )
    activity = read_fit(data, name="sentinels.fit")
    for channel in ("lat_deg", "lon_deg", "distance_m", "heart_rate_bpm"):
        values = getattr(activity, channel)
        assert np.isnan(values[0]), channel
        assert values[1] == 0.0, channel  # a legitimate 0 is kept


def test_enhanced_speed_and_altitude_are_preferred() -> None:
    fields = ((253, 4, UINT32), (6, 2, UINT16), (73, 4, UINT32), (2, 2, UINT16), (78, 4, UINT32))
    data = fit_bytes(
        definition(0, 20, fields),
        message(0, "IHIHI", T0, 1000, 2500, 2600, 3000),  # enhanced: 2.5 m/s, (3000 / 5) - 500 = 100 m
        message(0, "IHIHI", T0 + 1, 1000, 0xFFFFFFFF, 2600, 0xFFFFFFFF),  # enhanced invalid: 1.0 m/s, 20 m
    )
    activity = read_fit(data, name="enhanced.fit")
    assert activity.speed_m_s.tolist() == [2.5, 1.0]
    assert activity.altitude_m.tolist() == [100.0, 20.0]


def test_relative_timestamps_use_timestamp_correlation_when_present() -> None:
    relative = 5_000
    correlation = definition(1, 162, ((253, 4, UINT32), (1, 4, UINT32)))
    data = fit_bytes(
        definition(0, 20, ((253, 4, UINT32), (3, 1, UINT8))),
        message(0, "IB", relative, 120),
        message(0, "IB", relative + 1, 121),
        correlation,
        message(1, "II", T0 + 10, relative + 10),
    )
    activity = read_fit(data, name="correlated.fit")
    assert activity.relative_time is True
    assert activity.start == datetime.fromtimestamp(T0 + FIT_EPOCH_S, UTC)
    assert any("timestamp_correlation" in w for w in activity.warnings)


def test_relative_timestamps_without_correlation_have_no_start() -> None:
    activity = read_fit(write_fit_activity(synthetic_run(60, start=None)), name="relative.fit")
    assert activity.relative_time is True
    assert activity.start is None
    assert activity.time_s[-1] == 59.0
    assert "power-on" in activity.warnings[0]


def test_fr70_compressed_speed_distance_and_relative_time() -> None:
    activity = read_fit((FIT_DIR / "fitparse__compressed-speed-distance.fit").read_bytes(), name="fr70.fit")
    assert activity.relative_time is True
    assert activity.start is None
    assert activity.device == "garmin fr70"
    assert activity.records == 755
    # values fitdecode gives for the same records (speed 12 bits / 100, distance 12 bits / 16, accumulated)
    assert activity.speed_m_s[1:3].tolist() == [3.54, 3.55]
    assert activity.distance_m[1:3].tolist() == [0.0, 14.25]
    assert activity.distance_m[299] == 2918.5
    assert activity.time_s[1] == 5.0
    assert activity.distance_m[-1] == pytest.approx(10248.7, abs=1.0)
    assert [lap.trigger for lap in activity.laps] == [LapTrigger.DISTANCE] * 10 + [LapTrigger.SESSION_END]
    assert activity.paused_s == pytest.approx(3883.3 - 3772.8, abs=1.0)


def test_clean_run_laps_cadence_and_device() -> None:
    activity = read_fit((FIT_DIR / "runpandas__run.fit").read_bytes(), name="run.fit")
    assert activity.records == 1202
    assert activity.sport == "running"
    assert activity.device == "garmin fr645m"
    assert activity.start == datetime(2019, 9, 14, 15, 22, 5, tzinfo=UTC)
    assert activity.cadence_spm[0] == 123.0  # cadence 61 + fractional 0.5 strides/min -> 123 steps/min
    assert [lap.distance_m for lap in activity.laps] == [1000.0] * 5 + [839.77]
    assert [lap.trigger for lap in activity.laps] == [LapTrigger.DISTANCE] * 5 + [LapTrigger.SESSION_END]
    assert activity.laps[0].start_s == 0.0
    assert activity.pauses == ()
    assert np.all(np.diff(activity.time_s) >= 0)


def test_timer_pauses_from_stop_and_start_events() -> None:
    activity = read_fit((FIT_DIR / "heartandsole__testdata.fit").read_bytes(), name="fr220.fit")
    assert len(activity.laps) == 4
    assert [lap.trigger for lap in activity.laps] == [LapTrigger.MANUAL] * 3 + [LapTrigger.SESSION_END]
    assert len(activity.pauses) == 2
    assert activity.paused_s == 32.0
    assert all(p.end_s > p.start_s for p in activity.pauses)


def test_multisport_keeps_the_run_legs() -> None:
    data = (FIT_DIR / "fitparse__activity-large-fenxi2-multisport.fit").read_bytes()
    activity = read_fit(data, name="multisport.fit")
    assert activity.sport == "running"
    assert activity.extra["sessions"] == [
        "generic", "transition", "running", "transition", "running", "transition", "cycling",
    ]  # fmt: skip
    assert [(lap.distance_m, lap.sport) for lap in activity.laps] == [
        (2245.57, "running"),
        (12743.29, "running"),
    ]
    assert activity.laps[1].start_s == 2301.0
    # device distance restarts in each session; the legs are joined into one continuous distance
    assert activity.distance_m[0] == 0.21
    assert activity.total_distance_m == pytest.approx(14985.6)
    assert np.all(np.diff(activity.distance_m[~np.isnan(activity.distance_m)]) >= 0)
    # the transition between the legs is a pause
    assert [(p.start_s, p.end_s) for p in activity.pauses] == [(2295.0, 2301.0)]


def test_chained_file_triathlon_keeps_the_run() -> None:
    activity = read_fit((FIT_DIR / "fitparse__sample_mulitple_header.fit").read_bytes(), name="tri.fit")
    assert activity.extra["fit_files"] == 4
    assert activity.extra["sessions"] == ["swimming", "transition", "cycling", "transition", "running"]
    assert activity.records == 518
    assert len(activity.laps) == 1
    assert activity.laps[0].distance_m == 9805.92
    # the device kept counting from the swim start; the run starts near 0
    assert activity.distance_m[0] == pytest.approx(2.46)
    assert activity.total_distance_m == pytest.approx(9805.92, abs=25)


def test_chained_copies_are_all_read_and_each_crc_checked() -> None:
    first = write_fit_activity(synthetic_run(30))
    second = write_fit_activity(synthetic_run(30, start=datetime(2024, 5, 1, 8, 0, tzinfo=UTC)))
    activity = read_fit(first + second, name="chained.fit")
    assert activity.records == 60
    assert activity.extra["fit_files"] == 2
    damaged = bytearray(first + second)
    damaged[len(first) + 100] ^= 0x01
    with pytest.raises(CorruptFile, match=r"bad CRC .* at offset \d+ \(FIT file 2 of the chain\)"):
        read_fit(bytes(damaged), name="chained.fit")


def test_writer_round_trip_laps_pauses_workout() -> None:
    run = synthetic_run(600)
    activity = read_fit(write_fit_activity(run), name="roundtrip.fit")
    np.testing.assert_allclose(activity.distance_m, run.distance_m, atol=0.005)
    np.testing.assert_allclose(activity.speed_m_s, run.speed_m_s, atol=0.0005)
    np.testing.assert_allclose(activity.cadence_spm, run.cadence_spm)
    assert np.isnan(activity.heart_rate_bpm[10])
    assert activity.laps == run.laps
    assert activity.pauses == run.pauses
    assert activity.workout_name == "progression"
    assert activity.workout_steps == run.workout_steps
    assert activity.device == "garmin fr945"


# --- errors ---------------------------------------------------------------------------------------


def test_empty_file_is_an_error_in_both_modes() -> None:
    for mode in OnError:
        with pytest.raises(CorruptFile, match=r"empty\.fit: empty file"):
            read_fit(b"", name="empty.fit", on_error=mode)


@pytest.mark.parametrize(
    "content",
    [b'<?xml version="1.0"?><gpx></gpx>', gzip.compress(b"not fit"), b"\x0e\x10" + b"\x00" * 40],
    ids=["xml", "gzip", "zeros"],
)
def test_not_a_fit_file(content: bytes) -> None:
    with pytest.raises(UnknownFormat, match=re.escape("x.fit: not a FIT file (no .FIT signature)")):
        read_fit(content, name="x.fit", on_error=OnError.WARN)


def test_undefined_local_message_type() -> None:
    data = fit_bytes(definition(0, 20, RECORD_FIELDS), message(0, "IiiIB", T0, 1, 1, 1, 1), bytes([5, 1, 2]))
    with pytest.raises(CorruptFile, match="undefined local message type 5 at offset 53"):
        read_fit(data, name="undefined.fit")
    activity = read_fit(data, name="undefined.fit", on_error=OnError.WARN)
    assert activity.records == 1
    assert activity.warnings[0].startswith("undefined local message type 5 at offset 53")


def test_header_without_records_is_an_error_in_both_modes() -> None:
    data = fit_bytes(definition(0, 0, ((0, 1, ENUM),)), message(0, "B", 4))
    for mode in OnError:
        with pytest.raises(CorruptFile, match="no records in the file"):
            read_fit(data, name="norecords.fit", on_error=mode)


#: every FIT file in ../shared/data/activities/broken/: (strict class, strict message fragments,
#: lenient result: records recovered, or the class raised)
BROKEN: dict[str, tuple[type[Exception], tuple[str, ...], int | type[Exception]]] = {
    "fitdecode__activity-filecrc.fit": (
        CorruptFile, ("bad CRC (file CRC 0xB1D5, computed 0xA1D5) at offset 769",), 14,
    ),
    "fitdecode__activity-unexpected-eof.fit": (
        CorruptFile, ("truncated at offset 751 (expected 18 bytes, got 17)",), 14,
    ),
    "fitdecode__activity-settings-corruptheader.fit": (
        CorruptFile, ("corrupt FIT header (no .FIT signature) at offset 771", "FIT file 2 of the chain"), 14,
    ),
    "fitdecode__activity-settings-nodata.fit": (
        CorruptFile, ("truncated at offset 783 (expected 6 bytes, got 3)",), 14,
    ),
    "fitdecode__activity-activity-filecrc.fit": (
        CorruptFile,
        ("bad CRC (file CRC 0xB1D5, computed 0xA1D5) at offset 1540", "FIT file 2 of the chain"),
        28,
    ),
    "fitparse__nick.fit": (CorruptFile, ("truncated at offset 403437 (expected 28 bytes, got 17)",), 14391),
    "fitparse__strava-android-app-201.10-b1218918.fit": (
        CorruptFile, ("undefined local message type 11 at offset 7471",), 473,
    ),
    "fitparse__coros-pace-2-cycling-misaligned-fields.fit": (
        CorruptFile,
        ("invalid field size 1 for base type uint32 (field 3 of message 21)", "offset 41093"),
        11272,
    ),
    "sports-lib__empty-activities.fit": (
        CorruptFile,
        ("the header says the file holds no data (data_size 0) but 86004 bytes follow",),
        CorruptFile,
    ),
    "sports-lib__empty-sessions.fit": (CorruptFile, ("empty file (0 bytes)",), CorruptFile),
}  # fmt: skip


def test_every_broken_fit_file_is_covered() -> None:
    assert sorted(p.name for p in (ACTIVITIES / "broken").glob("*.fit")) == sorted(BROKEN)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_strict_and_lenient(name: str) -> None:
    local = INVALID_DIR / name
    data = (local if local.exists() else ACTIVITIES / "broken" / name).read_bytes()
    error_class, fragments, lenient = BROKEN[name]
    with pytest.raises(error_class) as raised:
        read_fit(data, name=name)
    assert type(raised.value) is error_class
    assert str(raised.value).startswith(f"{name}: ")
    for fragment in fragments:
        assert fragment in str(raised.value)
    if isinstance(lenient, int):
        activity = read_fit(data, name=name, on_error=OnError.WARN)
        assert activity.records == lenient
        assert activity.warnings, "lenient mode must say what was wrong"
        assert fragments[0] in activity.warnings[0]
    else:
        with pytest.raises(lenient):
            read_fit(data, name=name, on_error=OnError.WARN)


def test_truncation_at_every_offset_gives_a_specific_error() -> None:
    data = write_fit_activity(synthetic_run(8))
    for end in range(1, len(data)):
        with pytest.raises((CorruptFile, UnknownFormat)) as raised:
            read_fit(data[:end], name="cut.fit")
        assert "truncated" in str(raised.value) or "no records" in str(raised.value), end


SMALL = (FIT_DIR / "heartandsole__testdata.fit").read_bytes()


@settings(max_examples=150, deadline=None)
@given(
    flips=st.lists(st.tuples(st.integers(0, len(SMALL) - 1), st.integers(1, 255)), min_size=1, max_size=8),
    cut=st.integers(1, len(SMALL)),
    lenient=st.booleans(),
)
def test_fuzzed_bytes_only_raise_progrun_errors(
    flips: list[tuple[int, int]], cut: int, lenient: bool
) -> None:
    data = bytearray(SMALL)
    for offset, mask in flips:
        data[offset] ^= mask
    mode = OnError.WARN if lenient else OnError.RAISE
    try:
        activity = read_fit(bytes(data[:cut]), name="fuzz.fit", on_error=mode)
    except (CorruptFile, UnknownFormat):
        return
    assert activity.records > 0
    assert len(activity.distance_m) == activity.records


def test_seeded_random_damage_on_a_larger_file() -> None:
    original = (FIT_DIR / "runpandas__run.fit").read_bytes()
    rng = random.Random(20240501)
    for _ in range(60):
        data = bytearray(original)
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        data = data[: rng.randint(1, len(data))] if rng.random() < 0.3 else data
        for mode in OnError:
            with contextlib.suppress(CorruptFile, UnknownFormat):
                read_fit(bytes(data), name="damaged.fit", on_error=mode)
