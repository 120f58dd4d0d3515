"""TCX reader: laps, pauses, distance sources, quirks of real exports."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from progrun.activity import Format, LapTrigger
from progrun.errors import CorruptFile
from progrun.formats import read_activity
from progrun.formats.tcx import _read_laps, _read_laps_slowly
from progrun.formats.xml_safety import parse_xml
from tests.conftest import ACTIVITIES, DATA
from tests.formats.xml_samples import lap, tcx, trackpoint


def test_fr220_manual_laps_and_pauses() -> None:
    activity = read_activity(DATA / "tcx" / "fr220-manual-laps-pauses.tcx")
    assert activity.format is Format.TCX
    assert activity.start == datetime(2021, 4, 16, 13, 37, 53, tzinfo=UTC)
    assert activity.device == "Garmin Forerunner 220"
    assert activity.sport == "running"
    assert activity.records == 46  # 49 trackpoints; each lap repeats the previous lap's last second
    assert activity.warnings == ("dropped 3 samples repeating the previous time",)
    assert activity.total_distance_m == pytest.approx(158.71, abs=0.01)
    assert [lap.start_s for lap in activity.laps] == [0.0, 63.0, 114.0, 180.0]
    assert [lap.elapsed_s for lap in activity.laps] == [63.0, 51.0, 66.0, 42.0]
    assert [lap.timer_s for lap in activity.laps] == [44.526, 50.356, 66.625, 28.848]
    assert [lap.distance_m for lap in activity.laps] == [52.8, 36.27, 27.42, 42.22]
    assert {lap.trigger for lap in activity.laps} == {LapTrigger.MANUAL}
    assert activity.laps[0].intensity == "active"
    # TCX has no timer events: each lap's (span - TotalTimeSeconds) goes into its largest gaps
    assert [(round(p.start_s, 3), p.end_s) for p in activity.pauses] == [(26.526, 45.0), (195.0, 208.0)]
    timer_s = sum(lap.timer_s for lap in activity.laps)
    assert activity.paused_s == pytest.approx(222.0 - timer_s, abs=0.2)


def test_fr410_mile_autolaps() -> None:
    activity = read_activity(DATA / "tcx" / "fr410-mile-autolaps.tcx")
    assert activity.device == "Forerunner 410 Software Version 2.20"
    assert [lap.trigger for lap in activity.laps] == [
        LapTrigger.DISTANCE,
        LapTrigger.DISTANCE,
        LapTrigger.MANUAL,
    ]
    assert [lap.distance_m for lap in activity.laps] == pytest.approx(
        [1609.344, 1609.344, 1470.555], abs=1e-3
    )
    assert [lap.start_s for lap in activity.laps] == [0.0, 609.0, 1323.0]
    assert activity.records == 384
    assert np.isnan(activity.distance_m[-1])  # the last trackpoint has only <Time>
    assert activity.total_distance_m == pytest.approx(4686.31, abs=0.01)
    assert np.nanmax(activity.heart_rate_bpm) == 189.0
    assert activity.pauses == ()


def test_treadmill_run_without_positions_uses_device_distance() -> None:
    activity = read_activity(ACTIVITIES / "tcx" / "sports-lib__6860622783.tcx")
    assert not activity.has("lat_deg")
    assert activity.extra["distance_source"] == "device"
    assert activity.total_distance_m == pytest.approx(10630.37, abs=0.01)
    assert len(activity.pauses) == 3
    assert activity.paused_s == pytest.approx(3763.0 - 3097.789, abs=1.0)


def test_missing_distance_is_computed_from_positions() -> None:
    activity = read_activity(ACTIVITIES / "tcx" / "sports-lib__unknown_example.tcx")
    assert activity.extra["distance_source"] == "positions"
    assert "trackpoints carry no DistanceMeters; distance computed from positions" in activity.warnings
    assert activity.total_distance_m == pytest.approx(5014.67, abs=0.5)
    assert len(activity.laps) == 32


def test_leading_whitespace_before_xml_declaration_is_read() -> None:
    activity = read_activity(ACTIVITIES / "broken" / "sports-lib__6281425038.tcx")
    assert activity.warnings[0] == "ignored 10 bytes of whitespace before <?xml"
    assert activity.device == "Polar V800"
    assert [lap.trigger for lap in activity.laps] == [LapTrigger.DISTANCE] * 5
    assert activity.total_distance_m == pytest.approx(4155.1, abs=0.1)
    assert "lap start times disagree with their trackpoints by up to 618 s" in activity.warnings


def test_offset_times_and_one_line_document() -> None:
    activity = read_activity(ACTIVITIES / "tcx" / "tcxreader__mapmyride_biking.tcx")
    assert activity.start == datetime(2022, 11, 12, 15, 58, 25, tzinfo=UTC)
    assert activity.sport == "cycling"
    assert activity.device == ""
    assert activity.records == 3112
    assert activity.total_distance_m == pytest.approx(15350.43, abs=0.01)


def _points(count: int, inner: str = "", hour: int = 10, first: int = 0) -> str:
    return "".join(
        trackpoint(f"2024-05-01T{hour:02d}:{(first + k) // 60:02d}:{(first + k) % 60:02d}Z", inner)
        for k in range(count)
    )


def test_treadmill_speed_only_is_integrated() -> None:
    speed = "<Extensions><ns3:TPX><ns3:Speed>3.0</ns3:Speed>"
    speed += "<ns3:RunCadence>85</ns3:RunCadence></ns3:TPX></Extensions>"
    data = tcx(lap("2024-05-01T10:00:00Z", 59.0, None, _points(60, speed)))
    activity = read_activity(data, name="treadmill.tcx")
    assert activity.extra["distance_source"] == "speed"
    assert activity.total_distance_m == pytest.approx(177.0)
    assert activity.cadence_spm[0] == 170.0
    assert "no positions or DistanceMeters; distance integrated from speed" in activity.warnings


def test_lap_distance_only_is_spread_over_the_lap() -> None:
    laps = lap("2024-05-01T10:00:00Z", 60.0, 200.0, _points(61)) + lap(
        "2024-05-01T10:01:00Z", 60.0, 250.0, _points(60, first=61)
    )
    activity = read_activity(tcx(laps))
    assert activity.extra["distance_source"] == "laps"
    assert activity.distance_m[30] == pytest.approx(100.0)
    assert activity.total_distance_m == pytest.approx(450.0)


def test_time_zone_offset_is_normalised_to_utc() -> None:
    points = "".join(trackpoint(f"2024-05-01T12:00:{k:02d}+02:00") for k in range(5))
    activity = read_activity(tcx(lap("2024-05-01T12:00:00+02:00", 4.0, 10.0, points)))
    assert activity.start == datetime(2024, 5, 1, 10, 0, 0, tzinfo=UTC)
    assert activity.start.tzinfo is UTC


def test_naive_times_are_read_as_utc_with_a_warning() -> None:
    points = "".join(trackpoint(f"2024-05-01T10:00:{k:02d}") for k in range(5))
    activity = read_activity(tcx(lap("2024-05-01T10:00:00", 4.0, 10.0, points)))
    assert activity.start == datetime(2024, 5, 1, 10, 0, 0, tzinfo=UTC)
    assert "times have no time zone; assumed UTC" in activity.warnings


def test_trackpoints_without_time_are_dropped() -> None:
    points = _points(5) + trackpoint(None, "<DistanceMeters>9</DistanceMeters>")
    activity = read_activity(tcx(lap("2024-05-01T10:00:00Z", 4.0, 10.0, points)))
    assert activity.records == 5
    assert "dropped 1 trackpoints without a valid time" in activity.warnings


def test_file_without_activity_or_trackpoint_times() -> None:
    empty = (
        tcx("")
        .replace(b'<Activity Sport="Running"><Id>2024-05-01T10:00:00Z</Id>', b"")
        .replace(b"</Activity>", b"")
    )
    with pytest.raises(CorruptFile, match=r"^course.tcx: has no <Activity>"):
        read_activity(empty, name="course.tcx")
    with pytest.raises(CorruptFile, match="has no trackpoints with a time; splits need times"):
        read_activity(tcx(lap("2024-05-01T10:00:00Z", 4.0, 10.0, "")), name="x.tcx")


def test_several_activities_read_the_first() -> None:
    one = lap("2024-05-01T10:00:00Z", 4.0, 10.0, _points(5))
    data = tcx(one).replace(b"</Activity>", b'</Activity><Activity Sport="Biking"><Id>x</Id></Activity>', 1)
    activity = read_activity(data)
    assert activity.sport == "running"
    assert "file holds 2 activities (running, cycling); read the first" in activity.warnings


@pytest.mark.parametrize("path", sorted((ACTIVITIES / "tcx").glob("*.tcx")), ids=lambda p: p.name)
def test_fast_column_path_matches_the_walk_per_point(path) -> None:
    root = parse_xml(path.read_bytes(), name=path.name).root
    activity = next(root.iter("{*}Activity"))
    fast, fast_laps, fast_naive = _read_laps(activity)
    slow, slow_laps, slow_naive = _read_laps_slowly(activity)
    assert fast_naive == slow_naive
    assert fast_laps == slow_laps
    for key in slow:
        np.testing.assert_array_equal(np.asarray(fast[key], float), np.asarray(slow[key], float), err_msg=key)
