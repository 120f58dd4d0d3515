"""The regular-expression fast path of the GPX/TCX readers gives exactly what the tree walk gives."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from progrun.formats.gpx import _read_points, _read_points_slowly
from progrun.formats.tcx import _read_laps, _read_laps_slowly
from progrun.formats.xml_safety import parse_xml, parse_xml_time
from progrun.formats.xml_scan import scan_points, texts_to_floats, texts_to_times
from progrun.track import _cumulative_length, _haversine_scalar
from tests.conftest import ACTIVITIES

BROKEN = ACTIVITIES / "broken"
CORPUS_GPX = [*sorted((ACTIVITIES / "gpx").glob("*.gpx")), BROKEN / "sports-lib__6037744996.gpx"]
CORPUS_TCX = [*sorted((ACTIVITIES / "tcx").glob("*.tcx")), BROKEN / "sports-lib__6281425038.tcx"]


def _assert_same(fast: dict[str, object], slow: dict[str, object]) -> None:
    for key, value in slow.items():
        if key != "naive":
            np.testing.assert_array_equal(np.asarray(fast[key], float), np.asarray(value, float), key)
    assert bool(fast.get("naive")) == bool(slow.get("naive"))


@pytest.mark.parametrize("path", CORPUS_GPX, ids=lambda p: p.name)
def test_gpx_corpus_takes_the_fast_path_with_identical_arrays(path) -> None:
    parsed = parse_xml(path.read_bytes(), name=path.name)
    slow, slow_starts, slow_sport = _read_points_slowly(parsed.root)
    assert scan_points(parsed.data, "gpx", len(slow["time"])) is not None  # no fallback on real files
    fast, fast_starts, fast_sport = _read_points(parsed.root, parsed.data)
    assert (fast_starts, fast_sport) == (slow_starts, slow_sport)
    _assert_same(fast, slow)


@pytest.mark.parametrize("path", CORPUS_TCX, ids=lambda p: p.name)
def test_tcx_corpus_takes_the_fast_path_with_identical_arrays(path) -> None:
    parsed = parse_xml(path.read_bytes(), name=path.name)
    activity = next(parsed.root.iter("{*}Activity"))
    slow, slow_laps, slow_naive = _read_laps_slowly(activity)
    assert scan_points(parsed.data, "tcx", len(slow["time"])) is not None
    fast, fast_laps, fast_naive = _read_laps(activity, parsed.data)
    assert (fast_laps, fast_naive) == (slow_laps, slow_naive)
    _assert_same(fast, slow)


def _tcx_doc(points: str) -> bytes:
    return (
        '<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        'TrainingCenterDatabase/v2" xmlns:x="urn:x"><Activities><Activity Sport="Running"><Id>i</Id>'
        f'<Lap StartTime="2024-05-01T10:00:00Z"><Track>{points}</Track></Lap></Activity></Activities>'
        "</TrainingCenterDatabase>"
    ).encode()


POINT = "<Time>2024-05-01T10:00:0{s}Z</Time><DistanceMeters>{d}</DistanceMeters>"
ODD_TCX = {
    "comment inside a point": "<!-- x --><DistanceMeters>9</DistanceMeters>",
    "field twice, last wins": (
        "<DistanceMeters>9</DistanceMeters><Cadence>80</Cadence><DistanceMeters>10</DistanceMeters>"
    ),
    "lower-case field name": "<cadence>77</cadence>",
    "field with a prefix the core does not use": "<x:Cadence>78</x:Cadence>",
    "character reference in a value": "<Cadence>8&#48;</Cadence>",
    "attribute on a field": '<Cadence unit="rpm">81</Cadence>',
    "empty field": "<Cadence/>",
    "field nested in an unknown element": "<Foo><Cadence>82</Cadence></Foo>",
    "CDATA value": "<Cadence><![CDATA[83]]></Cadence>",
    "heart rate with two values": "<HeartRateBpm><Value>120</Value><Value>130</Value></HeartRateBpm>",
    "unicode digits": "<Cadence>\u0668\u0664</Cadence>",
}


@pytest.mark.parametrize("extra", list(ODD_TCX.values()), ids=list(ODD_TCX))
def test_unusual_tcx_points_give_what_the_tree_walk_gives(extra: str) -> None:
    points = "".join(
        f"<Trackpoint>{POINT.format(s=s, d=s * 3.0)}{extra if s == 2 else ''}</Trackpoint>" for s in range(5)
    )
    parsed = parse_xml(_tcx_doc(points), name="odd.tcx")
    activity = next(parsed.root.iter("{*}Activity"))
    fast, fast_laps, fast_naive = _read_laps(activity, parsed.data)
    slow, slow_laps, slow_naive = _read_laps_slowly(activity)
    assert (fast_laps, fast_naive) == (slow_laps, slow_naive)
    _assert_same(fast, slow)


def test_a_point_outside_the_strict_layout_makes_the_scan_give_up() -> None:
    points = "".join(f"<Trackpoint>{POINT.format(s=s, d=s)}</Trackpoint>" for s in range(3))
    plain = parse_xml(_tcx_doc(points), name="t.tcx").data
    assert scan_points(plain, "tcx", 3) is not None
    assert scan_points(plain, "tcx", 4) is None  # the tree holds another point somewhere
    hidden = plain.replace(b"<Track>", b"<Track><!-- <Trackpoint></Trackpoint> -->")
    assert scan_points(hidden, "tcx", 3) is None  # a point name in a comment
    commented = plain.replace(b"<DistanceMeters>1<", b"<!-- c --><DistanceMeters>1<")
    assert scan_points(commented, "tcx", 3) is None


def _gpx_doc(points: str) -> bytes:
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1" '
        f'xmlns:g="urn:g"><trk><trkseg>{points}</trkseg></trk></gpx>'
    ).encode()


PT = '<trkpt lat="50.5" lon="14.5">'
ODD_GPX = {
    "single-quoted attributes": "<trkpt lon='14.5' lat='50.5'><time>2024-05-01T10:00:02Z</time></trkpt>",
    "attribute value with a >": (
        '<trkpt name="a>b" lat="50.5" lon="14.5"><time>2024-05-01T10:00:02Z</time></trkpt>'
    ),
    "entity in lat": '<trkpt lat="5&#48;.5" lon="14.5"><time>2024-05-01T10:00:02Z</time></trkpt>',
    "time twice, the first without zone": (
        PT + "<time>2024-05-01T10:00:01</time><time>2024-05-01T10:00:02Z</time></trkpt>"
    ),
    "capitalised time": '<trkpt lat="50.5" lon="14.5"><Time>2024-05-01T10:00:02Z</Time></trkpt>',
    "time nested in another child": PT + "<link><time>2024-05-01T10:00:09Z</time></link></trkpt>",
    "empty heart rate": '<trkpt lat="50.5" lon="14.5"><extensions><g:hr/></extensions></trkpt>',
    "heart rate with children": PT + "<extensions><g:hr><v>1</v></g:hr></extensions></trkpt>",
    "power and two heart rates": (
        '<trkpt lat="50.5" lon="14.5"><extensions><g:hr>150</g:hr><x><HeartRate>151</HeartRate>'
        "<power>250</power></x></extensions></trkpt>"
    ),
}


@pytest.mark.parametrize("odd", list(ODD_GPX.values()), ids=list(ODD_GPX))
def test_unusual_gpx_points_give_what_the_tree_walk_gives(odd: str) -> None:
    plain = '<trkpt lat="50.{k}" lon="14.{k}"><ele>1{k}</ele><time>2024-05-01T10:00:0{k}Z</time></trkpt>'
    points = plain.format(k=0) + plain.format(k=1) + odd + plain.format(k=3)
    parsed = parse_xml(_gpx_doc(points), name="odd.gpx")
    fast, fast_starts, _ = _read_points(parsed.root, parsed.data)
    slow, slow_starts, _ = _read_points_slowly(parsed.root)
    assert fast_starts == slow_starts
    _assert_same(fast, slow)


def test_floats_read_exactly_as_float_does() -> None:
    texts = (
        b"1.5",
        b"",
        b"-0.0",
        b"1e3",
        b"nan",
        b"inf",
        b"1_0",
        b"abc",
        b"41.16303957067430019378662109375",
    )
    expected = [float(t) if t not in (b"", b"abc") else math.nan for t in texts]
    np.testing.assert_array_equal(texts_to_floats(texts), expected)
    assert np.isnan(texts_to_floats((b"", b""))).all()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=1, max_size=30))
def test_floats_round_trip_any_repr(values: list[float]) -> None:
    texts = tuple(repr(v).encode() for v in values)
    np.testing.assert_array_equal(texts_to_floats(texts), values)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.just(b""),
            st.builds(
                lambda moment, zone, digits: (
                    moment.isoformat(timespec="microseconds")[: 20 + digits].rstrip(".") + zone
                ).encode(),
                st.datetimes(min_value=__import__("datetime").datetime(1971, 1, 1)),
                st.sampled_from(["Z", "", "+00:00", "-05:30", "+14:00"]),
                st.integers(0, 6),
            ),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_times_match_fromisoformat(texts: list[bytes]) -> None:
    values, naive = texts_to_times(tuple(texts))
    reference = [parse_xml_time(t.decode()) for t in texts]
    np.testing.assert_array_equal(values, [value for value, _ in reference])
    assert naive == any(no_zone for _, no_zone in reference)


def _plain_loop_length(lat, lon, min_step_m, counted):
    """The jitter rule fix by fix, as it was written before it was sped up (the reference)."""
    out = np.zeros(lat.size)
    last = 0
    total = 0.0
    for k in range(1, lat.size):
        if not counted[k - 1]:
            last = k
        d = _haversine_scalar(lat[last], lon[last], lat[k], lon[k])
        if d >= min_step_m:
            total += d
            last = k
        out[k] = total
    return out


@settings(max_examples=150, deadline=None)
@given(
    st.integers(2, 300),
    st.sampled_from([1e-6, 1e-5, 3e-5, 1e-3]),
    st.sampled_from([0.5, 3.0, 10.0]),
    st.integers(0, 2**32 - 1),
)
def test_jitter_filter_is_bit_identical_to_the_plain_loop(n, scale, min_step_m, seed) -> None:
    rng = np.random.default_rng(seed)
    lat = 45.0 + np.cumsum(rng.normal(0, scale, n))
    lon = 7.0 + np.cumsum(rng.normal(0, scale, n))
    counted = rng.random(n - 1) > 0.05
    np.testing.assert_array_equal(
        _cumulative_length(lat, lon, min_step_m, counted), _plain_loop_length(lat, lon, min_step_m, counted)
    )
