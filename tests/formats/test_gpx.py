"""GPX reader: versions, extensions, times, segments, and files that cannot be split."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from progrun.activity import Format
from progrun.errors import CorruptFile
from progrun.formats import read_activity
from progrun.formats.gpx import _read_points, _read_points_slowly, normalise_sport
from progrun.formats.xml_safety import parse_xml
from tests.conftest import ACTIVITIES, DATA
from tests.formats.xml_samples import TPX_V2, gpx, straight_points, trkpt


def test_garmin_connect_gpx_of_the_fr220_run() -> None:
    activity = read_activity(DATA / "gpx" / "fr220-same-run.gpx")
    assert activity.format is Format.GPX
    assert activity.records == 46
    assert activity.start == datetime(2021, 4, 16, 13, 37, 53, tzinfo=UTC)
    assert activity.time_s[-1] == 222.0
    assert activity.sport == "running"
    assert activity.device == "Garmin Connect"
    assert activity.laps == ()
    assert activity.heart_rate_bpm[:3].tolist() == [71.0, 73.0, 76.0]
    assert np.nanmax(activity.heart_rate_bpm) == 100.0
    assert activity.altitude_m[0] == 1626.0
    assert activity.extra["distance_source"] == "positions"
    # 2-D haversine after the GPS filter; the watch measured 158.7 m over 3 pauses (see docs/formats.md)
    assert activity.total_distance_m == pytest.approx(169.98, abs=0.05)


def test_empty_segment_is_skipped() -> None:
    activity = read_activity(DATA / "gpx" / "empty-segment.gpx")
    assert activity.records == 9
    assert activity.time_s[-1] == 76.0
    assert activity.sport == ""
    assert activity.total_distance_m == pytest.approx(83.73, abs=0.05)


def test_gpx_with_few_times_is_refused_with_counts() -> None:
    with pytest.raises(CorruptFile, match=r"only 5 of 296 track points have a timestamp; splits need times"):
        read_activity(DATA / "gpx" / "gpx10-few-times.gpx", name="cerknicko.gpx")


def test_gpx_without_any_time_is_refused() -> None:
    data = gpx("<trkseg>" + trkpt(50.0, 14.0, None) + trkpt(50.001, 14.0, None) + "</trkseg>")
    with pytest.raises(CorruptFile, match=r"^x.gpx: has no timestamps; splits need times"):
        read_activity(data, name="x.gpx")


def test_gpx_without_points_and_route_gpx() -> None:
    with pytest.raises(CorruptFile, match="has no track points; export the run as FIT or TCX"):
        read_activity(gpx("<trkseg></trkseg>"), name="treadmill.gpx")
    route = gpx("").replace(b"<trk>", b'<rte><rtept lat="1" lon="1"/></rte><trk>')
    with pytest.raises(CorruptFile, match="is a planned route, not a recorded track"):
        read_activity(route, name="route.gpx")


def test_gpx_1_0_without_extensions() -> None:
    activity = read_activity(gpx("<trkseg>" + straight_points(30) + "</trkseg>", version="1.0"))
    assert activity.records == 30
    assert activity.time_s[-1] == 29.0
    assert activity.total_distance_m == pytest.approx(29 * 0.00003 * 111194.93, rel=1e-3)
    assert not activity.has("heart_rate_bpm")


def test_trackpoint_extension_v2_and_other_spellings() -> None:
    v2 = "<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>150</gpxtpx:hr><gpxtpx:cad>88</gpxtpx:cad>"
    v2 += "</gpxtpx:TrackPointExtension></extensions>"
    other = "<extensions><x:heartrate>151</x:heartrate><x:cadence>89</x:cadence>"
    other += "<x:power>250</x:power></extensions>"
    points = (
        trkpt(50.0, 14.0, "2024-05-01T10:00:00Z", v2)
        + trkpt(50.00003, 14.0, "2024-05-01T10:00:01Z", other)
        + trkpt(50.00006, 14.0, "2024-05-01T10:00:02Z")
    )
    namespaces = f' xmlns:gpxtpx="{TPX_V2}" xmlns:x="urn:example:custom"'
    activity = read_activity(gpx("<trkseg>" + points + "</trkseg>", extra_ns=namespaces))
    assert activity.heart_rate_bpm[:2].tolist() == [150.0, 151.0]
    assert np.isnan(activity.heart_rate_bpm[2])
    # per-foot running cadence (median under 120) is doubled to steps per minute, as for FIT
    assert activity.cadence_spm[:2].tolist() == [176.0, 178.0]
    assert activity.power_w[1] == 250.0


def test_times_with_offsets_fractions_and_no_zone() -> None:
    points = (
        trkpt(50.0, 14.0, "2024-05-01T12:00:00.250+02:00")
        + trkpt(50.00003, 14.0, "2024-05-01T10:00:01.750Z")
        + trkpt(50.00006, 14.0, "2024-05-01T10:00:03")
    )
    activity = read_activity(gpx("<trkseg>" + points + "</trkseg>"))
    assert activity.start == datetime(2024, 5, 1, 10, 0, 0, 250000, tzinfo=UTC)
    assert activity.time_s.tolist() == pytest.approx([0.0, 1.5, 2.75])
    assert "times have no time zone; assumed UTC" in activity.warnings


def test_some_points_without_time_are_dropped_and_counted() -> None:
    points = straight_points(9) + trkpt(50.1, 14.0, None)
    activity = read_activity(gpx("<trkseg>" + points + "</trkseg>"))
    assert activity.records == 9
    assert "dropped 1 track points without a valid time" in activity.warnings


def test_segment_break_is_a_pause_and_adds_no_distance() -> None:
    first = straight_points(10)
    second = "".join(
        trkpt(51.0 + k * 0.00003, 14.0, f"2024-05-01T10:05:{k:02d}Z") for k in range(10)
    )  # 111 km further north, five minutes later
    activity = read_activity(gpx(f"<trkseg>{first}</trkseg><trkseg>{second}</trkseg>"))
    assert [(p.start_s, p.end_s) for p in activity.pauses] == [(9.0, 300.0)]
    assert activity.total_distance_m == pytest.approx(18 * 0.00003 * 111194.93, rel=1e-3)


@pytest.mark.parametrize(
    ("label", "sport"),
    [
        ("running", "running"),
        ("Run", "running"),
        ("9", "running"),
        ("1", "cycling"),
        ("Hiking", "hiking"),
        ("", ""),
    ],
)
def test_sport_labels(label: str, sport: str) -> None:
    assert normalise_sport(label) == sport


def test_strava_type_nine_is_a_run() -> None:
    activity = read_activity(ACTIVITIES / "gpx" / "runpandas__strava_export.gpx")
    assert activity.sport == "running"
    assert activity.device == "StravaGPX"


def test_undeclared_prefix_is_recovered_with_a_warning() -> None:
    activity = read_activity(ACTIVITIES / "broken" / "sports-lib__6037744996.gpx", name="6037744996.gpx")
    assert activity.records == 4040
    assert activity.warnings[0] == (
        "namespace prefix gpxdata: used without a declaration; read by local element names"
    )
    assert activity.has("cadence_spm")  # the only extension it carries, gpxdata:cadence


def test_bad_numbers_become_nan_and_out_of_range_positions_are_flagged() -> None:
    points = (
        straight_points(5)
        + '<trkpt lat="abc" lon="14.0"><time>2024-05-01T10:00:05Z</time></trkpt>'
        + '<trkpt lat="999" lon="14.0"><time>2024-05-01T10:00:06Z</time></trkpt>'
        + straight_points(3, start_second=7)
    )
    activity = read_activity(gpx("<trkseg>" + points + "</trkseg>"))
    assert activity.records == 10
    assert np.isnan(activity.lat_deg[5:7]).all()
    assert "ignored 2 positions that are missing, out of range or (0, 0)" in activity.warnings


@pytest.mark.parametrize("path", sorted((ACTIVITIES / "gpx").glob("*.gpx")), ids=lambda p: p.name)
def test_fast_column_path_matches_the_walk_per_point(path) -> None:
    root = parse_xml(path.read_bytes(), name=path.name).root
    fast, fast_starts, fast_sport = _read_points(root)
    slow, slow_starts, slow_sport = _read_points_slowly(root)
    assert (fast_starts, fast_sport) == (slow_starts, slow_sport)
    for key in ("time", "lat", "lon", "ele", "hr", "cad", "power"):
        np.testing.assert_array_equal(np.asarray(fast[key], float), np.asarray(slow[key], float), err_msg=key)
