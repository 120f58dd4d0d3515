"""read_fit: container features, record channels, summaries, broken files, strict and lenient modes."""

from __future__ import annotations

import contextlib
import random
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from progrun.activity import LapTrigger
from progrun.errors import ActivityFileError, CorruptFile
from progrun.formats.fit import FIT_EPOCH_S, decode_fit, read_fit
from progrun.formats.fit_writer import write_fit_activity
from progrun.formats.on_error import OnError
from tests.conftest import ACTIVITIES, DATA
from tests.formats.fit_builders import (
    RECORD_FIELDS,
    T0,
    UINT8,
    UINT16,
    UINT32,
    definition,
    fit_bytes,
    message,
    record_file,
)
from tests.formats.run_builders import synthetic_run

FIT_DIR = DATA / "fit"
INVALID_DIR = DATA / "invalid"


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
    # a strict read of a cut file fails, unless it is a truncated recording (header CRC holds, clean up to
    # the cut), which is read as a partial run
    truncated = str(activity.extra.get("partial", "")).startswith("truncated recording")
    assert mode is OnError.WARN or cut == len(SMALL) or truncated, "a strict read of a cut file must fail"


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
                activity = read_fit(bytes(data), name="damaged.fit", on_error=mode)
                truncated = str(activity.extra.get("partial", "")).startswith("truncated recording")
                assert mode is OnError.WARN or bytes(data) == original or truncated
