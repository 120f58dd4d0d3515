"""write_fit_activity: the official decoder reads back what we wrote, and so does our reader."""

from __future__ import annotations

import numpy as np
import pytest
from garmin_fit_sdk import Decoder, Stream

from progrun.activity import make_activity
from progrun.formats.fit_writer import FIT_EPOCH_S, RELATIVE_BASE_S, write_fit_activity
from tests.formats.run_builders import START, synthetic_run


def sdk_read(data: bytes) -> dict[str, list[dict[str, object]]]:
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read(convert_datetimes_to_dates=False)
    assert errors == []
    return messages  # type: ignore[no-any-return]


def test_official_decoder_reads_records_back() -> None:
    run = synthetic_run()
    messages = sdk_read(write_fit_activity(run))
    records = messages["record_mesgs"]
    assert len(records) == 600
    base = int(START.timestamp()) - FIT_EPOCH_S
    assert records[0]["timestamp"] == base
    assert records[599]["timestamp"] == base + 599
    assert records[300]["distance"] == pytest.approx(run.distance_m[300], abs=0.005)
    assert records[300]["enhanced_speed"] == pytest.approx(run.speed_m_s[300], abs=0.0005)
    assert records[300]["enhanced_altitude"] == pytest.approx(run.altitude_m[300], abs=0.1)
    assert records[300]["position_lat"] == round(run.lat_deg[300] * 2**31 / 180)
    assert records[300]["heart_rate"] == 145
    assert "heart_rate" not in records[10]  # the SDK drops invalid values
    assert records[300]["cadence"] == 85
    assert records[300]["fractional_cadence"] == 0.5


def test_official_decoder_reads_laps_session_events_workout() -> None:
    messages = sdk_read(write_fit_activity(synthetic_run()))
    assert messages["file_id_mesgs"][0]["type"] == "activity"
    assert messages["file_id_mesgs"][0]["garmin_product"] == "fr945"
    laps = messages["lap_mesgs"]
    assert [lap["lap_trigger"] for lap in laps] == ["distance", "session_end"]
    assert laps[0]["total_timer_time"] == 270.0
    assert laps[0]["wkt_step_index"] == 0
    session = messages["session_mesgs"][0]
    assert session["sport"] == "running"
    assert session["total_elapsed_time"] == 599.0
    assert session["total_timer_time"] == 569.0
    timer = [(e["event_type"], e["timestamp"]) for e in messages["event_mesgs"]]
    base = int(START.timestamp()) - FIT_EPOCH_S
    assert timer == [
        ("start", base),
        ("stop_all", base + 100),
        ("start", base + 130),
        ("stop_all", base + 599),
    ]
    assert messages["workout_mesgs"][0]["wkt_name"] == "progression"
    steps = messages["workout_step_mesgs"]
    assert steps[0]["duration_distance"] == 1000.0
    assert steps[0]["custom_target_speed_low"] == 2.8
    assert steps[0]["custom_target_speed_high"] == 3.0
    assert steps[1]["duration_type"] == "open"


def test_without_start_writes_relative_timestamps() -> None:
    messages = sdk_read(write_fit_activity(synthetic_run(60, start=None)))
    assert messages["record_mesgs"][0]["timestamp"] == RELATIVE_BASE_S
    assert messages["record_mesgs"][0]["timestamp"] < 0x10000000


def test_default_single_lap_and_missing_channels() -> None:
    run = make_activity(np.arange(30.0), start=START, distance_m=np.arange(30.0) * 3)
    messages = sdk_read(write_fit_activity(run))
    assert set(messages["record_mesgs"][0]) == {"timestamp", "distance"}
    (lap,) = messages["lap_mesgs"]
    assert lap["lap_trigger"] == "session_end"
    assert lap["total_distance"] == 87.0
    assert "workout_mesgs" not in messages


def test_empty_activity_is_refused() -> None:
    with pytest.raises(ValueError, match="without samples"):
        write_fit_activity(make_activity(np.array([]), start=START))
