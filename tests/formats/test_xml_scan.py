"""The GPX/TCX readers' fast paths (no tree, regular expressions) give exactly what the tree walk gives."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import progrun.formats.gpx as gpx_module
import progrun.formats.tcx as tcx_module
from progrun.errors import CorruptFile
from progrun.formats import read_activity, xml_times
from progrun.formats.gpx import _read_points, _read_points_slowly
from progrun.formats.tcx import _read_laps, _read_laps_slowly
from progrun.formats.xml_safety import parse_xml, parse_xml_time, reads_plainly
from progrun.formats.xml_scan import scan_points, texts_to_floats, texts_to_times
from progrun.formats.xml_times import fixed_layout_times
from progrun.track import _cumulative_length, _haversine_scalar, _median
from tests.conftest import ACTIVITIES
from tests.formats.xml_docs import _assert_same_activity, _gpx_doc, _reference_read, _tcx_doc

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


# --- The fast path without a tree (`xml_skeleton`): same Activity as the whole-tree reference path ---

FAST_CORPUS = [*sorted((ACTIVITIES / "gpx").glob("*.gpx")), *sorted((ACTIVITIES / "tcx").glob("*.tcx"))]


def _read_without_whole_tree(data: bytes, name: str, monkeypatch: pytest.MonkeyPatch):
    """`read_activity`, asserting that the reader did not parse the whole document into a tree."""
    activity, whole_tree = _read_noting_the_tree(data, name, monkeypatch)
    assert not whole_tree, "the whole document was parsed: not on the fast path"
    return activity


def _read_noting_the_tree(data: bytes, name: str, monkeypatch: pytest.MonkeyPatch):
    """`read_activity`, and whether the reader parsed the whole document into a tree."""
    calls: list[bytes] = []

    def noting(data: bytes, *, name: str):
        calls.append(data)
        return parse_xml(data, name=name)

    with monkeypatch.context() as patch:
        patch.setattr(gpx_module, "parse_xml", noting)
        patch.setattr(tcx_module, "parse_xml", noting)
        return read_activity(data, name=name), bool(calls)


@pytest.mark.parametrize("path", FAST_CORPUS, ids=lambda p: p.name)
def test_corpus_is_read_without_a_tree_and_equals_the_tree_walk(path, monkeypatch) -> None:
    data = path.read_bytes()
    try:
        slow = _reference_read(data, path.name, monkeypatch)
    except CorruptFile as error:  # refused on purpose (too few times): refused alike on the fast path
        with pytest.raises(CorruptFile) as caught:
            _read_without_whole_tree(data, path.name, monkeypatch)
        assert str(caught.value) == str(error)
        return
    fast = _read_without_whole_tree(data, path.name, monkeypatch)
    _assert_same_activity(fast, slow)


def _tcx_activity_doc(inner: str) -> bytes:
    return _tcx_doc(inner).replace(b"<Track>", b"<Track>\n").replace(b"</Track>", b"\n</Track>")


UNUSUAL_DOCUMENTS = {
    "comment between points (tree path)": _tcx_doc(
        "<Trackpoint><Time>2024-05-01T10:00:00Z</Time></Trackpoint><!-- x -->"
        "<Trackpoint><Time>2024-05-01T10:00:01Z</Time></Trackpoint>"
    ),
    "processing instruction (tree path)": _gpx_doc(
        '<trkpt lat="50" lon="14"><time>2024-05-01T10:00:00Z</time></trkpt><?pi x?>'
        '<trkpt lat="50.1" lon="14"><time>2024-05-01T10:00:09Z</time></trkpt>'
    ),
    "CDATA in the metadata (tree path)": _gpx_doc(
        '<trkpt lat="50" lon="14"><time>2024-05-01T10:00:00Z</time></trkpt>'
        '<trkpt lat="50.1" lon="14"><time>2024-05-01T10:00:09Z</time></trkpt>'
    ).replace(b"<trk>", b"<trk><name><![CDATA[<trkpt>]]></name>"),
    "heart rate before and in Garmin's block": _gpx_doc(
        "".join(
            f'<trkpt lat="50.{k}" lon="14"><time>2024-05-01T10:00:0{k}Z</time><extensions>'
            f"<heartrate>9{k}</heartrate><g:TrackPointExtension>"
            + (f"<g:hr>12{k}</g:hr>" if k % 2 else "")
            + "</g:TrackPointExtension></extensions></trkpt>"
            for k in range(6)
        )
    ),
    "leaves after Garmin's block (Suunto)": _gpx_doc(
        "".join(
            f'<trkpt lat="50.{k}" lon="14"><time>2024-05-01T10:00:0{k}Z</time><extensions>'
            f"<g:TrackPointExtension><g:hr>12{k}</g:hr></g:TrackPointExtension>"
            f"<g:cadence>8{k}</g:cadence><g:temp>20</g:temp><g:power>2{k}0</g:power>"
            "</extensions></trkpt>"
            for k in range(6)
        )
    ),
    "a point in a route too (counted elsewhere)": _gpx_doc(
        '<trkpt lat="50" lon="14"><time>2024-05-01T10:00:00Z</time></trkpt>'
        '<trkpt lat="50.1" lon="14"><time>2024-05-01T10:00:09Z</time></trkpt>'
    ).replace(
        b"</gpx>", b'<rte><trkpt lat="1" lon="2"><time>2024-05-01T09:00:00Z</time></trkpt></rte></gpx>'
    ),
    "a point declares its own default namespace": _gpx_doc(
        '<trkpt lat="50" lon="14" xmlns="urn:other"><time>2024-05-01T10:00:00Z</time></trkpt>'
        '<trkpt lat="50.1" lon="14"><time>2024-05-01T10:00:09Z</time></trkpt>'
    ),
    "the marker name is used by the document": _gpx_doc(
        '<trkpt lat="50" lon="14"><time>2024-05-01T10:00:00Z</time></trkpt>'
        '<trkpt lat="50.1" lon="14"><time>2024-05-01T10:00:09Z</time><progrun-point/></trkpt>'
    ),
    "points in a second activity": _tcx_doc(
        "<Trackpoint><Time>2024-05-01T10:00:00Z</Time></Trackpoint>"
        "<Trackpoint><Time>2024-05-01T10:00:01Z</Time></Trackpoint>"
    ).replace(
        b"</Activities>",
        b'<Activity Sport="Biking"><Id>j</Id><Lap StartTime="2024-05-01T11:00:00Z"><Track>'
        b"<Trackpoint><Time>2024-05-01T11:00:00Z</Time></Trackpoint></Track></Lap></Activity></Activities>",
    ),
    "times of two layouts and a day change": _tcx_doc(
        "<Trackpoint><Time>2024-05-01T23:59:58Z</Time></Trackpoint>"
        "<Trackpoint><Time>2024-05-01T23:59:59.500Z</Time></Trackpoint>"
        "<Trackpoint><Time>2024-05-02T00:00:01+02:00</Time></Trackpoint>"
        "<Trackpoint><Time>2024-05-02T00:00:02Z</Time></Trackpoint>"
    ),
    "undeclared prefix (repaired on the tree path)": _gpx_doc(
        '<trkpt lat="50" lon="14"><time>2024-05-01T10:00:00Z</time><extensions><u:hr>120</u:hr>'
        '</extensions></trkpt><trkpt lat="50.1" lon="14"><time>2024-05-01T10:00:09Z</time></trkpt>'
    ),
    "non-ASCII attribute value": _gpx_doc(
        '<trkpt lat="50" lon="14" name="caf\u00e9"><time>2024-05-01T10:00:00Z</time></trkpt>'
        '<trkpt lat="\u0665\u0660.1" lon="14"><time>2024-05-01T10:00:09Z</time></trkpt>'
        '<trkpt lat="50.2" lon="14"><time>2024-05-01T10:00:19Z</time></trkpt>'
    ),
}


@pytest.mark.parametrize("data", list(UNUSUAL_DOCUMENTS.values()), ids=list(UNUSUAL_DOCUMENTS))
def test_unusual_documents_read_as_the_tree_walk_reads_them(data: bytes, monkeypatch) -> None:
    _assert_same_activity(read_activity(data, name="odd"), _reference_read(data, "odd", monkeypatch))


def test_plain_documents_are_read_without_a_tree(monkeypatch) -> None:
    for key in ("heart rate before and in Garmin's block", "leaves after Garmin's block (Suunto)"):
        activity = _read_without_whole_tree(UNUSUAL_DOCUMENTS[key], "plain", monkeypatch)
        assert activity.records == 6
    hr = _read_without_whole_tree(
        UNUSUAL_DOCUMENTS["heart rate before and in Garmin's block"], "x", monkeypatch
    )
    np.testing.assert_array_equal(hr.heart_rate_bpm, [90, 121, 92, 123, 94, 125])  # the last one written
    _, whole_tree = _read_noting_the_tree(
        UNUSUAL_DOCUMENTS["comment between points (tree path)"], "c", monkeypatch
    )
    assert whole_tree


MALFORMED = [
    _gpx_doc('<trkpt lat="50" lon="14"><time>2024-05-01T10:00:00Z</time></trkpt>')[:-20],
    _gpx_doc('<trkpt lat="50" lon="14"><time>2024-05-01T10:00:00Z</tim></trkpt>'),
    _gpx_doc('<trkpt lat="50" lat="51" lon="14"><time>2024-05-01T10:00:00Z</time></trkpt>'),
    _gpx_doc('<trkpt lat="50" lon="14"><time>2024-05-01T10:00:00Z</time>&nbsp;</trkpt>'),
    _tcx_doc("<Trackpoint><Time>2024-05-01T10:00:00Z</Time></Trackpoint>").replace(b"Sport", b"\xffSport"),
]


@pytest.mark.parametrize(
    "data", MALFORMED, ids=["truncated", "end tag", "attribute twice", "entity", "bad byte"]
)
def test_malformed_xml_gets_the_parsers_error_with_line_and_column(data: bytes) -> None:
    with pytest.raises(CorruptFile) as caught:
        read_activity(data, name="bad.xml")
    with pytest.raises(CorruptFile) as expected:
        parse_xml(data, name="bad.xml")
    assert str(caught.value) == str(expected.value)
    assert re.search(r"not well-formed XML at line \d+ column \d+", str(caught.value))


@pytest.mark.parametrize(
    ("data", "plain"),
    [
        (b'<?xml version="1.0"?>\n<a>\n  <b x="1">&amp;&#65;</b>\n</a>', True),
        (b"<a><!-- c --></a>", False),
        (b"<!-- c --><a/>", False),
        (b"<a/><?pi x?>", False),
        (b"<!DOCTYPE a><a/>", False),
        (b"<a><![CDATA[x]]></a>", False),
        (b"<a><x:b/></a>", False),  # an undeclared prefix is only a warning for libxml2
        (b"<a><b></a>", False),
        (b"<a>\xff</a>", False),
        (b"<a>&e;</a>", False),
        (b"<a>" * 300 + b"</a>" * 300, False),
    ],
)
def test_reads_plainly(data: bytes, plain: bool) -> None:
    assert reads_plainly(data) is plain


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(["Z", "", "+00:00", "-05:30", "+14:00", "-23:59"]),
    st.integers(0, 6),
    st.datetimes(min_value=datetime(1700, 1, 1), max_value=datetime(2250, 12, 31)),
    st.lists(st.integers(0, 3 * 86_400_000_000), min_size=1, max_size=40),
)
def test_times_of_one_layout_match_fromisoformat(zone: str, digits: int, start: datetime, steps_us) -> None:
    texts = [
        (
            (start + timedelta(microseconds=step))
            .isoformat(timespec="microseconds")[: 20 + digits]
            .rstrip(".")
            + zone
        ).encode()
        for step in steps_us
    ]
    with mock.patch.object(xml_times, "MIN_VECTOR", 1):  # the byte-matrix path even for a few
        if len({len(text) for text in texts}) == 1:
            assert fixed_layout_times(texts) is not None
        values, naive = texts_to_times(texts)
    reference = [parse_xml_time(text.decode()) for text in texts]
    np.testing.assert_array_equal(values, [value for value, _ in reference])
    assert naive == (zone == "")


@pytest.mark.parametrize(
    "text",
    [b"2023-02-29T10:00:00Z", b"2024-13-01T10:00:00Z", b"2024-05-01T24:00:00Z", b"2024-05-01T10:60:00Z"],
)
def test_an_impossible_time_is_left_to_datetime(text: bytes) -> None:
    texts = [b"2024-05-01T10:00:00Z", text] * 100
    assert fixed_layout_times(texts) is None
    values, _ = texts_to_times(texts)
    assert values[0] == datetime(2024, 5, 1, 10, tzinfo=UTC).timestamp()
    assert math.isnan(values[1])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=0.0, max_value=400.0), min_size=1, max_size=60))
def test_median_is_numpys(values: list[float]) -> None:
    array = np.array(values)
    assert _median(array) == float(np.median(array))
