"""The strict point patterns (`xml_strict`): no whole-document pass, the same result as the tree walk."""

from __future__ import annotations

import pytest

import progrun.formats.xml_skeleton as skeleton_module
from progrun.errors import CorruptFile
from progrun.formats import read_activity
from progrun.formats.xml_safety import parse_quietly, parse_xml, prepare_xml_bytes
from progrun.formats.xml_scan import split_points
from progrun.formats.xml_strict import split_points_strictly
from tests.conftest import ACTIVITIES
from tests.formats.xml_docs import _assert_same_activity, _gpx_doc, _reference_read, _tcx_doc

#: Corpus files whose points the strict patterns do not read (they would go to the looser ones).
LOOSE_ONLY: set[str] = set()
CORPUS = [*sorted((ACTIVITIES / "gpx").glob("*.gpx")), *sorted((ACTIVITIES / "tcx").glob("*.tcx"))]


def _read_strictly(data: bytes, name: str, monkeypatch: pytest.MonkeyPatch):
    """`read_activity` with the whole-document check (`reads_plainly`) forbidden: the strict tier only."""

    def forbidden(data: bytes) -> bool:
        raise AssertionError("the whole document was checked: not on the strict path")

    with monkeypatch.context() as patch:
        patch.setattr(skeleton_module, "reads_plainly", forbidden)
        return read_activity(data, name=name)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus_points_read_strictly_equal_the_looser_patterns(path) -> None:
    data = prepare_xml_bytes(path.read_bytes())[0]
    fmt = path.suffix[1:]
    strict = split_points_strictly(data, fmt)
    if path.name in LOOSE_ONLY:
        assert strict is None
        return
    loose = split_points(data, fmt)
    assert strict is not None and loose is not None
    assert strict.points.texts == loose.texts
    assert strict.points.skeleton == loose.skeleton


@pytest.mark.parametrize("path", [p for p in CORPUS if p.name not in LOOSE_ONLY], ids=lambda p: p.name)
def test_corpus_is_read_on_the_strict_path_as_the_tree_walk_reads_it(path, monkeypatch) -> None:
    data = path.read_bytes()
    try:
        slow = _reference_read(data, path.name, monkeypatch)
    except CorruptFile as error:  # refused on purpose (too few times): refused alike here
        with pytest.raises(CorruptFile, match=str(error.reason)):
            _read_strictly(data, path.name, monkeypatch)
        return
    _assert_same_activity(_read_strictly(data, path.name, monkeypatch), slow)


def _garmin_points(prefix: str, count: int = 4) -> str:
    return "".join(
        f'<trkpt lat="50.{k}" lon="14"><time>2024-05-01T10:00:0{k}Z</time><extensions>'
        f"<{prefix}TrackPointExtension><{prefix}hr>12{k}</{prefix}hr></{prefix}TrackPointExtension>"
        "</extensions></trkpt>"
        for k in range(count)
    )


#: Documents whose points the strict pattern matches but which it must not read: each goes on to
#: the checked paths, which read it as the tree walk does (or refuse it with the parser's error).
NOT_FOR_THE_STRICT_PATH = {
    "extension prefix never declared": _gpx_doc(_garmin_points("u:")),
    "extension prefix declared on the track, not the root": _gpx_doc(_garmin_points("t:")).replace(
        b"<trk>", b'<trk xmlns:t="urn:t">'
    ),
}


@pytest.mark.parametrize("data", list(NOT_FOR_THE_STRICT_PATH.values()), ids=list(NOT_FOR_THE_STRICT_PATH))
def test_points_whose_prefix_the_root_does_not_declare_leave_the_strict_path(
    data: bytes, monkeypatch
) -> None:
    prepared = prepare_xml_bytes(data)[0]
    assert split_points_strictly(prepared, "gpx") is not None  # the points match ...
    with pytest.raises(CorruptFile, match="not on the strict path"):  # ... but are not read there
        _read_strictly(data, "odd", monkeypatch)
    _assert_same_activity(read_activity(data, name="odd"), _reference_read(data, "odd", monkeypatch))


def test_a_declared_extension_prefix_is_read_strictly(monkeypatch) -> None:
    data = _gpx_doc(_garmin_points("g:"))
    activity = _read_strictly(data, "plain", monkeypatch)
    assert activity.heart_rate_bpm.tolist() == [120.0, 121.0, 122.0, 123.0]
    _assert_same_activity(activity, _reference_read(data, "plain", monkeypatch))


#: Points that are not well-formed, or not plain, in ways only a looser pattern could overlook.
MALFORMED_POINTS = {
    "end tag of another element": '<trkpt lat="50" lon="14"><time>2024-05-01T10:00:00Z</ele></trkpt>',
    "attribute twice": '<trkpt lat="50" lon="14" lon="15"><time>2024-05-01T10:00:00Z</time></trkpt>',
    "undefined entity": '<trkpt lat="50&x;" lon="14"><time>2024-05-01T10:00:00Z</time></trkpt>',
    "control byte in a text": '<trkpt lat="50" lon="14"><time>2024-05-01T10:00:00Z\x01</time></trkpt>',
    "unclosed extension": (
        '<trkpt lat="50" lon="14"><time>2024-05-01T10:00:00Z</time><extensions>'
        "<g:TrackPointExtension><g:hr>120</g:hr></extensions></trkpt>"
    ),
}


@pytest.mark.parametrize("point", list(MALFORMED_POINTS.values()), ids=list(MALFORMED_POINTS))
def test_a_malformed_point_gets_the_parsers_error(point: str) -> None:
    good = '<trkpt lat="50.1" lon="14"><time>2024-05-01T10:00:09Z</time></trkpt>'
    data = _gpx_doc(good + point + good)
    assert split_points_strictly(prepare_xml_bytes(data)[0], "gpx") is None
    with pytest.raises(CorruptFile) as caught:
        read_activity(data, name="bad.gpx")
    with pytest.raises(CorruptFile) as expected:
        parse_xml(data, name="bad.gpx")
    assert str(caught.value) == str(expected.value)


@pytest.mark.parametrize(
    ("data", "quiet"),
    [
        (b'<?xml version="1.0"?>\n<a xmlns:g="urn:g"><g:b x="1">&amp;</g:b></a>', True),
        (b"<a><x:b/></a>", False),  # an undeclared prefix: a message, so no root
        (b'<a xmlns="relative"/>', False),  # a namespace name that is not an absolute URI
        (b"<a><b></a>", False),
        (b"<a><!-- c --></a>", False),
    ],
)
def test_parse_quietly(data: bytes, quiet: bool) -> None:
    assert (parse_quietly(data) is not None) is quiet


def test_tcx_extension_fields_may_have_their_own_prefix(monkeypatch) -> None:
    point = (
        "<Trackpoint><Time>2024-05-01T10:00:0{k}Z</Time><DistanceMeters>{k}0</DistanceMeters>"
        "<Extensions><x:TPX><Speed>3.{k}</Speed></x:TPX></Extensions></Trackpoint>"
    )
    data = _tcx_doc("".join(point.format(k=k) for k in range(3)))  # x: is declared on the root
    activity = _read_strictly(data, "tpx", monkeypatch)
    assert activity.speed_m_s.tolist() == [3.0, 3.1, 3.2]
    _assert_same_activity(activity, _reference_read(data, "tpx", monkeypatch))


def _movescount_points(after: str, count: int = 4) -> str:
    """Points as Movescount writes them: the block declares its prefix, leaves follow it."""
    return "".join(
        f'<trkpt lat="50.{k}" lon="14"><time>2024-05-01T10:00:0{k}Z</time><extensions>'
        f'<t:TrackPointExtension xmlns:t="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"<t:hr>12{k}</t:hr></t:TrackPointExtension>{after.format(k=k)}</extensions></trkpt>"
        for k in range(count)
    )


def test_movescount_layout_is_read_strictly(monkeypatch) -> None:
    after = "<g:cadence>8{k}</g:cadence><g:temp>20.5</g:temp><g:power>2{k}0</g:power><g:hr>9{k}</g:hr>"
    data = _gpx_doc(_movescount_points(after))  # g: is declared on the root, t: only in each block
    activity = _read_strictly(data, "movescount", monkeypatch)
    assert activity.heart_rate_bpm.tolist() == [90.0, 91.0, 92.0, 93.0]  # the last one written wins
    assert activity.power_w.tolist() == [200.0, 210.0, 220.0, 230.0]
    _assert_same_activity(activity, _reference_read(data, "movescount", monkeypatch))


@pytest.mark.parametrize(
    "after",
    [
        "<u:cadence>8{k}</u:cadence>",  # a prefix nobody declares
        "<g:Cadence>8{k}</g:Cadence>",  # a field name in another case: the tree walk reads it
        "<g:temp>20.5</g:tempo>",  # an end tag of another name
    ],
    ids=["undeclared prefix", "capitalised field", "wrong end tag"],
)
def test_leaves_after_the_block_outside_the_strict_layout_read_as_the_tree_walk(after, monkeypatch) -> None:
    data = _gpx_doc(_movescount_points(after))
    with pytest.raises(CorruptFile, match="not on the strict path"):
        _read_strictly(data, "odd", monkeypatch)
    try:
        expected = _reference_read(data, "odd", monkeypatch)
    except CorruptFile as error:
        with pytest.raises(CorruptFile) as caught:
            read_activity(data, name="odd")
        assert str(caught.value) == str(error)
        return
    _assert_same_activity(read_activity(data, name="odd"), expected)
