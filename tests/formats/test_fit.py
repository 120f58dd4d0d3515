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
from progrun.errors import ActivityFileError, CorruptFile, NotAnActivity, UnknownFormat
from progrun.formats.fit import FIT_EPOCH_S, decode_fit, read_fit
from progrun.formats.fit_container import starts_segment
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


def message(local: int, fmt: str, *values: int | bytes, big: bool = False) -> bytes:
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


def test_b1_16_big_endian_definition_gives_the_same_values() -> None:
    little = read_fit(record_file(), name="le.fit")
    big = read_fit(record_file(big=True), name="be.fit")
    for channel in ("time_s", "distance_m", "lat_deg", "lon_deg", "heart_rate_bpm"):
        np.testing.assert_array_equal(getattr(big, channel), getattr(little, channel))


def test_b1_04_twelve_byte_header_and_zero_header_crc_are_accepted() -> None:
    assert read_fit(record_file(header_size=12), name="h12.fit").records == 5
    assert read_fit(record_file(header_crc=False), name="crc0.fit").records == 5
    # a real 14-byte header whose CRC is 0 (FR110, 2013)
    activity = read_fit((FIT_DIR / "fitparse__2013-02-06-12-11-14.fit").read_bytes(), name="fr110.fit")
    assert activity.records == 590
    assert activity.device == "garmin fr110"


def test_b1_04_bad_header_crc_is_refused_strict_and_decoded_lenient() -> None:
    data = bytearray(record_file())
    data[12] ^= 0xFF
    with pytest.raises(
        CorruptFile, match=r"bad header CRC \(header CRC 0x[0-9A-F]{4}, computed 0x[0-9A-F]{4}\)"
    ):
        read_fit(bytes(data), name="hcrc.fit")
    activity = read_fit(bytes(data), name="hcrc.fit", on_error=OnError.WARN)
    assert activity.records == 5
    assert activity.warnings[0].startswith("bad header CRC")


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


def test_b1_17_compressed_timestamps_roll_over_every_32_seconds() -> None:
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


def test_b1_19_developer_fields_are_skipped_by_size() -> None:
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


def test_b1_20_invalid_sentinels_become_nan_and_maxima_are_kept() -> None:
    data = fit_bytes(
        definition(0, 20, RECORD_FIELDS),
        message(0, "IiiIB", T0, 0x7FFFFFFF, 0x7FFFFFFF, 0xFFFFFFFF, 0xFF),
        message(0, "IiiIB", T0 + 1, 0, 0, 0, 0),
        message(0, "IiiIB", T0 + 2, 0x7FFFFFFE, -0x7FFFFFFF, 0xFFFFFFFE, 0xFE),
    )
    activity = read_fit(data, name="sentinels.fit")
    for channel in ("lat_deg", "lon_deg", "distance_m", "heart_rate_bpm"):
        values = getattr(activity, channel)
        assert np.isnan(values[0]), channel
        assert values[1] == 0.0, channel  # a legitimate 0 is kept
    # the largest legitimate values of each type are kept, not taken for the sentinel
    assert activity.heart_rate_bpm[2] == 254.0
    assert activity.distance_m[2] == 0xFFFFFFFE / 100
    assert activity.lat_deg[2] == pytest.approx(0x7FFFFFFE * 180 / 2**31)
    assert activity.lon_deg[2] == pytest.approx(-0x7FFFFFFF * 180 / 2**31)
    assert np.nanmax(activity.heart_rate_bpm) == 254.0  # NaN-aware aggregates ignore the sentinel


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


def test_b1_23_relative_timestamps_use_timestamp_correlation_when_present() -> None:
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


def test_b1_23_relative_timestamps_without_correlation_have_no_start() -> None:
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


def test_b1_10_chained_file_triathlon_keeps_the_run() -> None:
    activity = read_fit((FIT_DIR / "fitparse__sample_mulitple_header.fit").read_bytes(), name="tri.fit")
    assert activity.extra["fit_files"] == 4
    assert activity.extra["sessions"] == ["swimming", "transition", "cycling", "transition", "running"]
    assert activity.records == 518
    assert len(activity.laps) == 1
    assert activity.laps[0].distance_m == 9805.92
    # the device kept counting from the swim start; the run starts near 0
    assert activity.distance_m[0] == pytest.approx(2.46)
    assert activity.total_distance_m == pytest.approx(9805.92, abs=25)


def test_b1_10_11_chained_copies_are_all_read_and_each_crc_checked() -> None:
    first = write_fit_activity(synthetic_run(30))
    second = write_fit_activity(synthetic_run(30, start=datetime(2024, 5, 1, 8, 0, tzinfo=UTC)))
    activity = read_fit(first + second, name="chained.fit")
    assert activity.records == 60
    assert activity.extra["fit_files"] == 2
    damaged = bytearray(first + second)
    damaged[len(first) + 100] ^= 0x01
    with pytest.raises(
        CorruptFile,
        match=rf"bad CRC .* at offset \d+ \(segment 2 of the chained file, starting at offset {len(first)}\)",
    ):
        read_fit(bytes(damaged), name="chained.fit")
    lenient = read_fit(bytes(damaged), name="chained.fit", on_error=OnError.WARN)
    assert lenient.records == 60  # a bad CRC: everything decoded, with the warning
    assert lenient.warnings[0].startswith("bad CRC")


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


# --- the bad-input catalogue, section B1 (../shared/reference/bad-input-catalogue.md) ------------------
# Test names carry the case number; docs/fit.md maps every case to its behaviour and test.

STRING = 0x07
BYTE = 0x0D
SETTINGS, WORKOUT, MONITORING_A = 2, 5, 15


def file_id(file_type: int = 4, *, local: int = 1, product_name: bytes | None = None) -> bytes:
    fields: tuple[tuple[int, int, int], ...] = ((0, 1, ENUM), (1, 2, UINT16))
    values: tuple[int | bytes, ...] = (file_type, 1)  # manufacturer 1 = garmin
    fmt = "BH"
    if product_name is not None:
        fields += ((8, len(product_name), STRING),)
        values += (product_name,)
        fmt += f"{len(product_name)}s"
    return definition(local, 0, fields) + bytes([local]) + struct.pack("<" + fmt, *values)


def records(count: int = 3, *, local: int = 0) -> list[bytes]:
    return [definition(local, 20, ((253, 4, UINT32), (3, 1, UINT8)))] + [
        message(local, "IB", T0 + i, 150 + i) for i in range(count)
    ]


def set_data_size(data: bytes, data_size: int) -> bytes:
    """`data` with another data_size in its (14-byte) header and the header CRC recomputed."""
    patched = bytearray(data)
    struct.pack_into("<I", patched, 4, data_size)
    struct.pack_into("<H", patched, 12, CrcCalculator.calculate_crc(bytes(patched), 0, 12))
    return bytes(patched)


def test_b1_01_empty_file_is_an_error_in_both_modes() -> None:
    for mode in OnError:
        with pytest.raises(CorruptFile, match=r"empty\.fit: empty file \(0 bytes\)"):
            read_fit(b"", name="empty.fit", on_error=mode)


@pytest.mark.parametrize(
    ("content", "detected"),
    [
        (b'  <?xml version="1.0"?><gpx></gpx>', "; it looks like XML (a GPX or TCX file?)"),
        (b"<!DOCTYPE html><html><body>Sign in</body></html>", "; it looks like an HTML page"),
        (gzip.compress(b"not fit"), "; it looks like gzip data; did you mean .fit.gz?"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 30, "; it looks like a PNG image"),
        (b"PK\x03\x04" + b"\x00" * 30, "; it looks like a zip archive; unpack it first"),
        (b'{"type": "run"}', "; it looks like JSON"),
        (b"\x0e\x10" + b"\x00" * 40, ""),
    ],
    ids=["xml", "html", "gzip", "png", "zip", "json", "zeros"],
)
def test_b1_02_not_a_fit_file_names_what_it_looks_like(content: bytes, detected: str) -> None:
    for mode in OnError:
        with pytest.raises(UnknownFormat) as raised:
            read_fit(content, name="x.fit", on_error=mode)
        assert str(raised.value).startswith(f"x.fit: not a FIT file (no .FIT signature{detected})")


@pytest.mark.parametrize("header_size", [0, 13, 255])
def test_b1_03_header_size_not_12_or_14(header_size: int) -> None:
    data = bytes([header_size]) + record_file()[1:]
    expected = f"bad header size {header_size} at offset 0 (a FIT header has 12 or 14 bytes)"
    with pytest.raises(CorruptFile, match=re.escape(expected)):
        read_fit(data, name="hsize.fit")
    with pytest.raises(CorruptFile, match=re.escape(f"no records could be decoded ({expected})")):
        read_fit(data, name="hsize.fit", on_error=OnError.WARN)


@pytest.mark.parametrize("header_size", [12, 14])
def test_b1_05_a_single_bit_flipped_anywhere_is_refused(header_size: int) -> None:
    original = record_file(header_size=header_size)
    for offset in range(len(original)):
        for bit in range(8):
            data = bytearray(original)
            data[offset] ^= 1 << bit
            with pytest.raises((CorruptFile, UnknownFormat)):
                read_fit(bytes(data), name="flip.fit")
    # a flip in a record value is caught by the file CRC alone; lenient mode keeps the data and says so
    data = bytearray(original)
    data[header_size + 21 + 1 + 4] ^= 0x01  # latitude of the first record
    with pytest.raises(CorruptFile, match=r"bad CRC \(file CRC 0x[0-9A-F]{4}, computed 0x[0-9A-F]{4}\)"):
        read_fit(bytes(data), name="flip.fit")
    activity = read_fit(bytes(data), name="flip.fit", on_error=OnError.WARN)
    assert activity.records == 5
    assert activity.warnings[0].endswith("the data decoded but could not be verified")


def test_b1_06_truncation_at_every_offset_is_refused_with_the_offset() -> None:
    data = write_fit_activity(synthetic_run(8))
    full = read_fit(data, name="full.fit").records
    for end in range(1, len(data)):
        with pytest.raises(CorruptFile, match=r"truncated at offset \d+ \(expected \d+ "):
            read_fit(data[:end], name="cut.fit")
        try:
            lenient = read_fit(data[:end], name="cut.fit", on_error=OnError.WARN)
        except CorruptFile as error:
            assert "no records could be decoded (truncated at offset" in str(error), end
        else:
            assert 0 < lenient.records <= full
            assert any(w.startswith("truncated at offset") for w in lenient.warnings)


def test_b1_06_a_chained_file_cut_in_its_second_segment_is_refused() -> None:
    first = write_fit_activity(synthetic_run(5))
    chained = first + record_file()
    for end in range(len(first) + 1, len(chained)):
        with pytest.raises(CorruptFile, match=r"truncated at offset \d+ .*\(segment 2 of the chained file"):
            read_fit(chained[:end], name="cut.fit")


def test_b1_07_header_data_size_beyond_the_bytes_present() -> None:
    data = record_file()
    (data_size,) = struct.unpack_from("<I", data, 4)
    longer = set_data_size(data, data_size + 11)
    # the scan reads the CRC as the start of a message and finds it cut short
    with pytest.raises(CorruptFile, match=r"^long\.fit: truncated at offset 125 \(expected 6 bytes, got 2\)"):
        read_fit(longer, name="long.fit")


def test_b1_08_data_size_zero_is_refused_strict_and_recovered_lenient() -> None:
    data = bytearray(set_data_size(record_file(), 0))
    data[-2:] = b"\x00\x00"  # old Garmin files: no data_size and no CRC
    expected = f"the header says the file holds no data (data_size 0) but {len(data) - 14} bytes follow it"
    with pytest.raises(CorruptFile, match=re.escape(expected)):
        read_fit(bytes(data), name="nosize.fit")
    activity = read_fit(bytes(data), name="nosize.fit", on_error=OnError.WARN)
    assert activity.records == 5
    assert activity.heart_rate_bpm.tolist() == [140.0, 141.0, 142.0, 143.0, 144.0]
    assert activity.warnings[0].endswith("recovered: decoded the bytes after the header as the file's data")
    assert not any("CRC" in w for w in activity.warnings)  # a CRC of 0 was never computed


HRM_APPENDIX = b"\x00\x03HRM-Tri swim HR" + bytes(range(40))


@pytest.mark.parametrize(
    "tail", [b"\x00" * 17, HRM_APPENDIX, b"\x0e\x00garbage"], ids=["17-zeros", "hrm-appendix", "bad-protocol"]
)
def test_b1_09_trailing_bytes_are_ignored_with_a_warning(tail: bytes) -> None:
    valid = record_file()
    for mode in OnError:
        activity = read_fit(valid + tail, name="tail.fit", on_error=mode)
        assert activity.records == 5
        assert activity.heart_rate_bpm.tolist() == [140.0, 141.0, 142.0, 143.0, 144.0]
        assert activity.warnings[0] == (
            f"trailing bytes ignored: {len(tail)} bytes after the end of the FIT data at offset {len(valid)} "
            "are not a FIT file"
        )


def test_b1_09_random_trailing_bytes_never_crash_and_are_ignored_unless_they_start_a_header() -> None:
    valid = record_file()
    rng = random.Random(9)
    for _ in range(200):
        tail = bytes(rng.randrange(256) for _ in range(rng.randint(1, 300)))
        if starts_segment(valid + tail, len(valid)):
            with pytest.raises(CorruptFile, match="segment 2 of the chained file"):
                read_fit(valid + tail, name="tail.fit")
            continue
        activity = read_fit(valid + tail, name="tail.fit")
        assert activity.records == 5
        assert activity.warnings[0].startswith(f"trailing bytes ignored: {len(tail)} bytes")


def _header(header_size: int, data_size: int, signature: bytes = b".FIT", protocol: int = 0x20) -> bytes:
    return struct.pack("<BBHI4s", header_size, protocol, 2100, data_size, signature) + b"\x00" * (
        header_size - 12
    )


@pytest.mark.parametrize(
    ("rest", "segment"),
    [
        (_header(14, 10) + b"\x00" * 12, True),  # a well-formed header
        (_header(14, 10000), True),  # a well-formed header whose data is cut: truncated, not trailing
        (_header(13, 10) + b"\x00" * 12, True),  # the signature, with a bad header size
        (_header(12, 68, b".GIT", 0x10) + b"\x00" * 71, True),  # damaged signature, data_size fits
        (_header(12, 69, b".GIT", 0x10) + b"\x00" * 68, False),  # damaged signature, data_size does not fit
        (_header(12, 0, b".GIT") + b"\x00" * 10, False),  # no data declared
        (_header(14, 10, b".GIT", 0x00) + b"\x00" * 12, False),  # protocol version 0 is not FIT
        (b"\x0e\x20\x64", True),  # a cut header
        (b"\x0e\x20\x64\x00\x00\x00\x00\x00.F", True),
        (b"\x0e\x20\x64\x00\x00\x00\x00\x00.X", False),
        (b"\x00" * 17, False),
        (b"\xff" * 3, False),
    ],
)
def test_b1_09_11_rule_separating_a_chained_segment_from_trailing_bytes(rest: bytes, segment: bool) -> None:
    valid = record_file()
    assert starts_segment(valid + rest, len(valid)) is segment


def test_b1_10_activity_chained_with_a_settings_file_keeps_the_activity() -> None:
    activity_part = fit_bytes(file_id(), *records(4))
    settings_part = fit_bytes(file_id(SETTINGS))
    activity = read_fit(activity_part + settings_part, name="activity-settings.fit")
    assert activity.records == 4
    assert activity.extra["fit_files"] == 2
    assert activity.heart_rate_bpm.tolist() == [150.0, 151.0, 152.0, 153.0]


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (lambda h: h[:8] + b".GIT" + h[12:], "corrupt FIT header (no .FIT signature) at offset {at}"),
        (lambda h: b"\x0d" + h[1:], "bad header size 13 at offset {at} (a FIT header has 12 or 14 bytes)"),
    ],
    ids=["signature", "header-size"],
)
def test_b1_11_chained_segment_with_a_corrupt_header_names_the_segment(damage: object, problem: str) -> None:
    first = fit_bytes(file_id(), *records(4))
    second = fit_bytes(file_id(SETTINGS))
    data = first + damage(second)  # type: ignore[operator]
    expected = (
        problem.format(at=len(first)) + f" (segment 2 of the chained file, starting at offset {len(first)})"
    )
    with pytest.raises(CorruptFile, match=re.escape(expected)):
        read_fit(data, name="chain.fit")
    activity = read_fit(data, name="chain.fit", on_error=OnError.WARN)
    assert activity.records == 4
    assert activity.warnings[0].startswith(problem.format(at=len(first)))


def test_b1_12_undefined_local_message_type() -> None:
    data = fit_bytes(definition(0, 20, RECORD_FIELDS), message(0, "IiiIB", T0, 1, 1, 1, 1), bytes([5, 1, 2]))
    with pytest.raises(CorruptFile, match="undefined local message type 5 at offset 53"):
        read_fit(data, name="undefined.fit")
    activity = read_fit(data, name="undefined.fit", on_error=OnError.WARN)
    assert activity.records == 1
    assert activity.warnings[0].startswith("undefined local message type 5 at offset 53")


def test_b1_13_misaligned_field_falls_back_to_bytes_and_other_fields_stay_correct() -> None:
    fields = ((253, 4, UINT32), (5, 3, UINT32), (3, 1, UINT8))  # distance: 3 bytes for a uint32
    data = fit_bytes(
        definition(0, 20, fields), *[message(0, "I3sB", T0 + i, bytes([1, 2, i]), 150 + i) for i in range(3)]
    )
    activity = read_fit(data, name="misaligned.fit")  # strict mode: accepted
    assert activity.time_s.tolist() == [0.0, 1.0, 2.0]
    assert activity.heart_rate_bpm.tolist() == [150.0, 151.0, 152.0]
    assert np.isnan(activity.distance_m).all()
    assert activity.warnings[0] == (
        "invalid field size 3 for base type uint32 (field 5 of message 20) in the definition at offset 14; "
        "the field was read as bytes"
    )
    raw = decode_fit(data, name="misaligned.fit").tables["record"].raw["distance"]
    assert raw.tolist() == [[1, 2, 0], [1, 2, 1], [1, 2, 2]]


def test_b1_14_field_size_zero_is_refused_at_its_definition() -> None:
    # the 26-byte shape of polyvertex/fitdecode#40: a definition whose field has size 0
    data = fit_bytes(definition(0, 20, ((253, 4, UINT32), (3, 0, UINT8))), message(0, "I", T0))
    with pytest.raises(
        CorruptFile, match=re.escape("field size 0 (field 3 of message 20) in the definition at offset 14")
    ):
        read_fit(data, name="zero.fit")
    activity = read_fit(data, name="zero.fit", on_error=OnError.WARN)
    assert activity.records == 1
    assert np.isnan(activity.heart_rate_bpm[0])


def test_b1_15_field_declared_twice_is_refused_at_the_definition() -> None:
    fields = ((253, 4, UINT32), (3, 1, UINT8), (3, 2, UINT16))
    rows = [message(0, "IBH", T0 + i, 150 + i, 999) for i in range(12)]
    data = fit_bytes(definition(0, 20, fields), *rows, bytes([7]))  # and damage 12 messages later
    expected = "field 3 of message 20 is declared twice (sizes 1 and 2 bytes) in the definition at offset 14"
    with pytest.raises(CorruptFile, match=re.escape(expected)):
        read_fit(data, name="twice.fit")
    activity = read_fit(data, name="twice.fit", on_error=OnError.WARN)
    assert activity.time_s.tolist() == [float(i) for i in range(12)]  # every declared byte is skipped
    assert activity.heart_rate_bpm.tolist() == [150.0 + i for i in range(12)]  # the first declaration
    assert activity.warnings[0] == expected + "; used the first declaration"


def test_b1_18_unknown_and_manufacturer_specific_messages_are_ignored_and_counted() -> None:
    data = fit_bytes(
        definition(2, 0xFF01, ((0, 2, UINT16),)),
        message(2, "H", 7),
        *records(3),
        definition(3, 4242, ((0, 1, UINT8), (1, 4, UINT32))),
        message(3, "BI", 1, 2),
        message(2, "H", 8),
    )
    activity = read_fit(data, name="unknown.fit")
    assert activity.heart_rate_bpm.tolist() == [150.0, 151.0, 152.0]
    assert not any("0xFF01" in w or "4242" in w for w in activity.warnings)
    extra = decode_fit(data, name="unknown.fit").extra
    assert extra["ignored_messages"] == {0xFF01: 2, 4242: 1}
    assert extra["manufacturer_specific_messages"] == 2


def test_b1_19_developer_field_before_its_description_and_missing_application_id() -> None:
    developer_data_id = definition(2, 207, ((3, 1, UINT8),)) + message(2, "B", 0)  # no application_id
    description = definition(3, 206, ((0, 1, UINT8), (1, 1, UINT8), (2, 1, UINT8))) + message(
        3, "BBB", 0, 7, 2
    )
    used = definition(0, 20, ((253, 4, UINT32), (3, 1, UINT8)), developer=((7, 2, 0),))
    rows = [message(0, "IBH", T0 + i, 150 + i, 0xBEEF) for i in range(3)]
    data = fit_bytes(developer_data_id, used, *rows, description)
    activity = read_fit(data, name="developer.fit")  # strict mode: accepted
    assert activity.heart_rate_bpm.tolist() == [150.0, 151.0, 152.0]
    assert activity.time_s.tolist() == [0.0, 1.0, 2.0]
    assert activity.warnings[:2] == (
        "developer_data_id at offset 23 has no application_id; its developer fields were skipped (native "
        "fields are unaffected)",
        "developer field 7 of developer data index 0 is used at offset 41 before any field_description of "
        "it; it was skipped (native fields are unaffected)",
    )
    # in the right order, with an application_id, there is nothing to say
    application = definition(2, 207, ((1, 16, BYTE), (3, 1, UINT8))) + message(2, "16sB", b"\x01" * 16, 0)
    clean = fit_bytes(application, description, used, *rows)
    assert not any("developer" in w for w in read_fit(clean, name="developer.fit").warnings)


REPLACED = "the undecodable bytes were replaced with U+FFFD"


def test_b1_21_non_utf8_strings_are_replaced_with_a_warning() -> None:
    workout = definition(2, 26, ((8, 8, STRING),)) + message(2, "8s", b"Caf\xe9\x00\x00\x00\x00")  # cp1252
    data = fit_bytes(file_id(product_name=b"Fenix \x9f Pro\x00"), workout, *records(2))
    activity = read_fit(data, name="strings.fit")
    assert activity.device == "garmin Fenix \ufffd Pro"
    assert activity.workout_name == "Caf\ufffd"
    assert activity.warnings[:2] == (
        f"file_id.product_name at offset 29 is not valid UTF-8; {REPLACED}",
        f"workout.wkt_name at offset 54 is not valid UTF-8; {REPLACED}",
    )


@pytest.mark.parametrize(
    ("file_type", "name", "with_records"),
    [(MONITORING_A, "monitoring_a", True), (WORKOUT, "workout", False), (SETTINGS, "settings", False)],
)
def test_b1_22_a_file_that_is_not_an_activity_is_refused(
    file_type: int, name: str, with_records: bool
) -> None:
    data = fit_bytes(file_id(file_type), *(records(3) if with_records else []))
    for mode in OnError:
        with pytest.raises(NotAnActivity) as raised:
            read_fit(data, name="other.fit", on_error=mode)
        assert str(raised.value).startswith(f"other.fit: not an activity file (FIT file type {name})")


def test_b1_22_an_activity_without_records_is_refused() -> None:
    data = fit_bytes(file_id(), definition(0, 0, ((0, 1, ENUM),)), message(0, "B", 4))
    for mode in OnError:
        with pytest.raises(CorruptFile, match="no records in the file"):
            read_fit(data, name="norecords.fit", on_error=mode)


def test_b1_24_no_session_message_is_accepted_with_a_warning() -> None:
    activity = read_fit(record_file(), name="reset.fit")
    assert activity.records == 5
    assert activity.laps == ()
    assert activity.warnings == (
        "no session message (the recording may have been cut short by a device reset); sport and laps come "
        "only from what the file holds, nothing was rebuilt",
    )
    assert "no session" not in " ".join(
        read_fit(write_fit_activity(synthetic_run(30)), name="ok.fit").warnings
    )


# --- every broken file of the shared corpus -------------------------------------------------------------

#: every FIT file in ../shared/data/activities/broken/: (strict result: records returned or the class raised,
#: fragments of the error or of the first matching warning, lenient result: records or the class raised)
BROKEN: dict[str, tuple[int | type[Exception], tuple[str, ...], int | type[Exception]]] = {
    "fitdecode__activity-filecrc.fit": (
        CorruptFile, ("bad CRC (file CRC 0xB1D5, computed 0xA1D5) at offset 769",), 14,
    ),
    "fitdecode__activity-unexpected-eof.fit": (
        CorruptFile, ("truncated at offset 751 (expected 18 bytes, got 17)",), 14,
    ),
    "fitdecode__activity-settings-corruptheader.fit": (
        CorruptFile,
        ("corrupt FIT header (no .FIT signature) at offset 771", "segment 2 of the chained file"),
        14,
    ),
    "fitdecode__activity-settings-nodata.fit": (
        CorruptFile,
        ("truncated at offset 783 (expected 6 bytes, got 3)", "segment 2 of the chained file"),
        14,
    ),
    "fitdecode__activity-activity-filecrc.fit": (
        CorruptFile,
        ("bad CRC (file CRC 0xB1D5, computed 0xA1D5) at offset 1540", "segment 2 of the chained file"),
        28,
    ),
    "fitparse__nick.fit": (CorruptFile, ("truncated at offset 403437 (expected 28 bytes, got 17)",), 14391),
    "fitparse__strava-android-app-201.10-b1218918.fit": (
        CorruptFile, ("undefined local message type 11 at offset 7471",), 473,
    ),
    "fitparse__coros-pace-2-cycling-misaligned-fields.fit": (
        11272,
        (
            "invalid field size 1 for base type uint32 (field 3 of message 21) in the definition at offset "
            "41093; the field was read as bytes (and 4 more like it)",
        ),
        11272,
    ),
    "sports-lib__empty-activities.fit": (
        CorruptFile, ("the header says the file holds no data (data_size 0) but 86004 bytes follow",), 2319,
    ),
    "sports-lib__empty-sessions.fit": (CorruptFile, ("empty file (0 bytes)",), CorruptFile),
}  # fmt: skip


def test_every_broken_fit_file_is_covered() -> None:
    assert sorted(p.name for p in (ACTIVITIES / "broken").glob("*.fit")) == sorted(BROKEN)


def _check_outcome(
    data: bytes, name: str, mode: OnError, outcome: int | type[Exception], fragments: tuple[str, ...]
) -> None:
    if isinstance(outcome, int):
        activity = read_fit(data, name=name, on_error=mode)
        assert activity.records == outcome
        assert activity.warnings, "a damaged file is never returned without saying what was wrong"
        assert any(fragments[0] in w for w in activity.warnings)
        return
    with pytest.raises(outcome) as raised:
        read_fit(data, name=name, on_error=mode)
    assert type(raised.value) is outcome
    assert str(raised.value).startswith(f"{name}: ")
    for fragment in fragments:
        assert fragment in str(raised.value)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_strict_and_lenient(name: str) -> None:
    local = INVALID_DIR / name
    data = (local if local.exists() else ACTIVITIES / "broken" / name).read_bytes()
    strict, fragments, lenient = BROKEN[name]
    _check_outcome(data, name, OnError.RAISE, strict, fragments)
    _check_outcome(data, name, OnError.WARN, lenient, fragments)


def test_coros_misaligned_file_keeps_every_other_field() -> None:
    data = (INVALID_DIR / "fitparse__coros-pace-2-cycling-misaligned-fields.fit").read_bytes()
    activity = read_fit(data, name="coros.fit")
    assert activity.sport == "cycling"
    assert len(activity.laps) == 4
    assert activity.total_distance_m == pytest.approx(
        sum(lap.distance_m or 0.0 for lap in activity.laps), rel=0.01
    )
    # the malformed field (event.data, 1 byte for a uint32) is kept as its bytes
    event = decode_fit(data, name="coros.fit").tables["event"]
    assert event.raw["data"].shape == (len(event), 1)
    assert np.isnan(event.column("data")).all()


# --- no escape but progrun errors -----------------------------------------------------------------------


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
    except ActivityFileError:
        return
    assert activity.records > 0
    assert len(activity.distance_m) == activity.records
    assert mode is OnError.WARN or cut == len(SMALL), "a strict read of a cut file must fail"


def test_seeded_random_damage_on_a_larger_file() -> None:
    original = (FIT_DIR / "runpandas__run.fit").read_bytes()
    rng = random.Random(20240501)
    for _ in range(60):
        data = bytearray(original)
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        data = data[: rng.randint(1, len(data))] if rng.random() < 0.3 else data
        for mode in OnError:
            with contextlib.suppress(ActivityFileError):
                read_fit(bytes(data), name="damaged.fit", on_error=mode)
                assert mode is OnError.WARN or bytes(data) == original
