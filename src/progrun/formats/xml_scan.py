"""The GPX and TCX readers' point patterns: every track point's values from one regular expression.

Walking ~5,000 track points element by element in Python costs several times lxml's own parse, so
the readers take the points' values from the bytes of a document that libxml2 has accepted (on the
fast path `xml_skeleton`, without building a tree; otherwise after `xml_safety.parse_xml`) with a
compiled regular expression run in C by `re.split`: one match per point, one group per field,
and the bytes between the points in the same list. Patterns for the layouts devices write are
tried first (the one that reads a point at the start and one in the middle of the document), then
a general one (any order, unknown elements).

The expressions accept only a strict, regular subset of XML, and a point outside it is simply not
matched: a comment, CDATA, an entity or character reference, a field element with attributes or
children, a field twice in one point, a case variant of a field name, or an unknown element
holding a field. The reader then compares what was matched with the tree: as many points as the
tree has where it reads them (counted in C), and the point's element name nowhere else in the
bytes. Any difference, or a declared encoding that is not ASCII-compatible, and the caller walks the
tree instead (the reference path), so both give identical arrays (a test checks this on every
corpus file). Values keep the text of the document, so numbers convert exactly as `float()` does
and times exactly as `datetime.fromisoformat` (`xml_values`).

Nothing is expanded or fetched here: the expressions only read bytes that libxml2 has already
accepted, and anything that would need decoding (`&...;`) makes the point not match.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from progrun.formats.xml_safety import ascii_compatible
from progrun.formats.xml_values import texts_to_floats, texts_to_times

__all__ = [  # the readers' conversions live in `xml_values`; named here too, where they were first
    "FIELD_TEXT",
    "GPX_COLUMNS",
    "GPX_POINT_START",
    "POINT_MARKER",
    "TCX_COLUMNS",
    "TCX_POINT_START",
    "ScannedPoints",
    "ascii_compatible",
    "compile_ascii",
    "gpx_pattern",
    "gpx_sequence_pattern",
    "scan_points",
    "split_points",
    "split_with",
    "tcx_pattern",
    "tcx_sequence_pattern",
    "texts_to_floats",
    "texts_to_times",
]

_NAME = rb"[\w.\x80-\xff-]++"
_PREFIX = rb"(?:" + _NAME + rb":)?+"
_QNAME = _PREFIX + _NAME
_ATTRIBUTE_VALUE = rb"""\s*+=\s*+(?:"[^"<]*+"|'[^'<]*+')"""
_ATTRIBUTES = rb"(?:\s++[\w.:\x80-\xff-]++" + _ATTRIBUTE_VALUE + rb")*+\s*+"
#: A field's text: ASCII letters, digits and . : + - _ (surrounding whitespace is not part of it).
FIELD_TEXT = rb"[\w.:+-]++"
_TEXT = rb"[^<]*+"
#: The end tag closing an element whose content has been matched (well-formed: it is its own).
_END = rb"</[^>]++>"
#: Element names the TCX reader takes a field from, lower-case (as `tcx._read_laps_slowly`).
_TCX_FIELDS = (
    "time",
    "latitudedegrees",
    "longitudedegrees",
    "altitudemeters",
    "distancemeters",
    "heartratebpm",
    "cadence",
    "speed",
    "runcadence",
    "watts",
)
#: Extension leaves read by the GPX reader, by lower-case local name (as `gpx._read_points_slowly`).
GPX_HEART_RATE = ("hr", "heartrate", "heart_rate", "heartratebpm")
GPX_CADENCE = ("cad", "cadence", "runcadence")
GPX_POWER = ("power", "watts")
TCX_POINT_START = re.compile(rb"<(" + _NAME + rb":)?Trackpoint[\s>]")
GPX_POINT_START = re.compile(rb"<(" + _NAME + rb":)?trkpt[\s>]")


def compile_ascii(source: bytes) -> re.Pattern[bytes]:
    """A point pattern with `\\s` and `\\w` spelt out as ASCII sets: the same bytes, matched faster.

    In a bytes pattern `\\w` is `[0-9A-Za-z_]`; `\\s` also takes form feed and vertical tab, which
    cannot occur in XML, so `[ \\t\\r\\n]` matches the same in a well-formed document.
    """
    sets = {ord("s"): rb" \t\r\n", ord("w"): rb"0-9A-Za-z_"}
    out = bytearray()
    in_set = False
    index = 0
    while index < len(source):
        byte = source[index]
        if byte == 0x5C:  # a backslash escape: two bytes
            letter = source[index + 1]
            if letter in sets:
                out += sets[letter] if in_set else b"[" + sets[letter] + b"]"
            else:
                out += source[index : index + 2]
            index += 2
            continue
        if byte == 0x5B and not in_set:  # "[" opens a set (the point patterns never start one with "]")
            in_set = True
        elif byte == 0x5D and in_set:
            in_set = False
        out.append(byte)
        index += 1
    return re.compile(bytes(out))


class _Fields:
    """Numbers the capturing groups of a pattern as it is built: one group per field occurrence."""

    def __init__(self) -> None:
        self.count = 0

    def text(self, *, once: bool = True) -> bytes:
        """A field's text as the next group; with `once`, a second match in the same point fails it."""
        self.count += 1
        guard = b"(?(%d)(?!))" % self.count if once else b""
        return rb"\s*+" + guard + b"(" + FIELD_TEXT + rb")\s*+"


def _names(names: Sequence[str]) -> bytes:
    return rb"(?i:" + "|".join(names).encode() + rb")"


def _not_named(names: Sequence[str]) -> bytes:
    """A lookahead refusing an element whose local name is one of `names`, in any letter case."""
    return rb"(?!" + _PREFIX + _names(names) + rb"[\s/>])"


def _other_leaf(excluded: Sequence[str]) -> bytes:
    """An element without children (or empty) not named in `excluded`; its text is ignored."""
    return rb"<" + _not_named(excluded) + _QNAME + _ATTRIBUTES + rb"(?:/>|>" + _TEXT + _END + rb")"


def _children(prefix: bytes, specific: Sequence[bytes], other: Sequence[bytes]) -> bytes:
    """Any sequence of child elements: `<prefix` + one of `specific`, or one of `other` (whole)."""
    started = rb"<" + prefix + rb"(?:" + rb"|".join(specific) + rb")"
    return rb"(?:\s*+(?:" + rb"|".join([started, *other]) + rb"))*+\s*+"


@lru_cache(maxsize=16)
def tcx_pattern(prefix: bytes) -> re.Pattern[bytes]:
    """One TCX Trackpoint whose core elements carry `prefix` (b"" or b"tcx:"); groups as TCX_COLUMNS."""
    p = re.escape(prefix)
    fields = _Fields()
    other = _other_leaf((*_TCX_FIELDS, "trackpoint"))

    def leaf(name: bytes) -> bytes:
        return name + rb"\s*+>" + fields.text() + _END

    def element(name: bytes, content: bytes) -> bytes:
        return name + _ATTRIBUTES + rb">" + content + _END

    time = leaf(b"Time")
    position = element(
        b"Position", _children(p, [leaf(b"LatitudeDegrees"), leaf(b"LongitudeDegrees")], [other])
    )
    altitude = leaf(b"AltitudeMeters")
    distance = leaf(b"DistanceMeters")
    heart_rate = element(b"HeartRateBpm", rb"\s*+<" + p + leaf(b"Value") + rb"\s*+")
    cadence = leaf(b"Cadence")
    tpx_fields = [name + rb"\s*+>" + fields.text() + _END for name in (b"Speed", b"RunCadence", b"Watts")]
    tpx = rb"TPX" + _ATTRIBUTES + rb">" + _children(_PREFIX, tpx_fields, [other]) + _END
    extensions = element(b"Extensions", _children(_PREFIX, [tpx], [other]))
    body = _children(p, [time, position, altitude, distance, heart_rate, cadence, extensions], [other])
    return compile_ascii(rb"<" + p + element(b"Trackpoint", body))


@lru_cache(maxsize=16)
def tcx_sequence_pattern(prefix: bytes) -> re.Pattern[bytes]:
    """A Trackpoint laid out as devices write it (each element optional, in this order); as `tcx_pattern`.

    Cheaper to match than the general pattern, and a subset of it: every element is named
    exactly, appears at most once, and nothing else is allowed.
    """
    p = re.escape(prefix)
    fields = _Fields()

    def leaf(name: bytes) -> bytes:
        return rb"(?:<" + p + name + rb"\s*+>" + fields.text(once=False) + _END + rb"\s*+)?"

    time = leaf(b"Time")
    position = rb"(?:<" + p + rb"Position" + _ATTRIBUTES + rb">\s*+"
    position += leaf(b"LatitudeDegrees") + leaf(b"LongitudeDegrees") + _END + rb"\s*+)?"
    altitude, distance = leaf(b"AltitudeMeters"), leaf(b"DistanceMeters")
    heart_rate = rb"(?:<" + p + rb"HeartRateBpm" + _ATTRIBUTES + rb">\s*+<" + p + rb"Value\s*+>"
    heart_rate += fields.text(once=False) + _END + rb"\s*+" + _END + rb"\s*+)?"
    cadence = leaf(b"Cadence")
    sensor = rb"(?:<" + p + rb"SensorState\s*+>\s*+[A-Za-z]*+\s*+" + _END + rb"\s*+)?"
    tpx_fields = [name + rb"\s*+>" + fields.text() + _END for name in (b"Speed", b"RunCadence", b"Watts")]
    tpx = rb"<" + _PREFIX + rb"TPX" + _ATTRIBUTES + rb">" + _children(_PREFIX, tpx_fields, []) + _END
    extensions = rb"(?:<" + p + rb"Extensions\s*+>\s*+" + tpx + rb"\s*+" + _END + rb"\s*+)?"
    body = time + position + altitude + distance + heart_rate + cadence + sensor + extensions
    return compile_ascii(rb"<" + p + rb"Trackpoint\s*+>\s*+" + body + _END)


#: The fields of `tcx_pattern`'s groups, in order.
TCX_COLUMNS = ("time", "lat", "lon", "alt", "dist", "hr", "cad", "speed", "runcad", "power")


@lru_cache(maxsize=16)
def gpx_pattern(prefix: bytes) -> re.Pattern[bytes]:
    """One GPX trkpt whose core elements carry `prefix`; groups as GPX_COLUMNS."""
    p = re.escape(prefix)
    fields = _Fields()

    def quoted_value() -> bytes:
        fields.count += 2
        return rb"""\s*+=\s*+(?:"([^"<&]*+)"|'([^'<&]*+)')"""

    lat = rb"lat" + quoted_value()
    lon = rb"lon" + quoted_value()
    other_attribute = rb"(?!lat\s*+=|lon\s*+=)[\w.:\x80-\xff-]++" + _ATTRIBUTE_VALUE
    start = rb"<" + p + rb"trkpt(?:\s++(?:" + lat + b"|" + lon + b"|" + other_attribute + rb"))*+\s*+>"
    elevation = rb"ele\s*+>" + fields.text() + _END
    time = rb"time\s*+>" + fields.text() + _END
    extension_fields = [
        _names(names) + _ATTRIBUTES + rb">" + fields.text(once=False) + _END
        for names in (GPX_HEART_RATE, GPX_CADENCE, GPX_POWER)
    ]
    not_field = _not_named((*GPX_HEART_RATE, *GPX_CADENCE, *GPX_POWER, "extensions", "trkpt"))
    extension_other = [
        rb"<" + not_field + _QNAME + _ATTRIBUTES + rb"/?>",
        rb"</" + not_field + _QNAME + rb"\s*+>",
        rb"[^<\s][^<]*+",
    ]
    extensions = (
        rb"extensions"
        + _ATTRIBUTES
        + rb"(?:/>|>"
        + _children(_PREFIX, extension_fields, extension_other)
        + rb"</"
        + p
        + rb"extensions\s*+>)"
    )
    nested = _other_leaf(("trkpt",))
    other_child = (
        rb"<"
        + _not_named(("time", "ele", "extensions", "trkpt"))
        + _QNAME
        + _ATTRIBUTES
        + rb"(?:/>|>(?:[^<]++|"
        + nested
        + rb")*+"
        + _END
        + rb")"
    )
    body = _children(p, [elevation, time, extensions], [other_child])
    return compile_ascii(start + body + _END)


@lru_cache(maxsize=16)
def gpx_sequence_pattern(prefix: bytes, *, loose: bool = False) -> re.Pattern[bytes]:
    """A trkpt as devices write it: ele, time, Garmin's TrackPointExtension; groups as GPX_SEQUENCE_COLUMNS.

    A subset of the general pattern: ele, time and the extension are named exactly, appear at most
    once and in this order. With `loose`, the extension also holds leaves before and after Garmin's
    block (Suunto's `gpxdata:`, Amazfit's `heartrate`); that costs more to match.
    """
    p = re.escape(prefix)
    field = rb"\s*+(" + FIELD_TEXT + rb")\s*+"
    quoted = rb"""\s*+=\s*+(?:"([^"<&]*+)"|'([^'<&]*+)')"""
    other_attribute = rb"(?!lat\s*+=|lon\s*+=)[\w.:\x80-\xff-]++" + _ATTRIBUTE_VALUE
    start = (
        rb"<"
        + p
        + rb"trkpt(?:\s++(?:lat"
        + quoted
        + rb"|lon"
        + quoted
        + b"|"
        + other_attribute
        + rb"))*+\s*+>"
    )

    def leaf(name: bytes, tag: bytes = p) -> bytes:
        return rb"(?:<" + tag + name + rb"\s*+>" + field + _END + rb"\s*+)?"

    garmin = (
        rb"(?:<"
        + _PREFIX
        + rb"TrackPointExtension"
        + _ATTRIBUTES
        + rb">\s*+"
        + rb"(?:<"
        + _PREFIX
        + rb"atemp\s*+>\s*+[\w.+-]*+\s*+"
        + _END
        + rb"\s*+)?"
        + leaf(b"hr", _PREFIX)
        + leaf(b"cad", _PREFIX)
        + _END
        + rb"\s*+)?"
    )

    def loose_leaves() -> bytes:
        """Leaves beside the TrackPointExtension: a field (its last value kept) or any other, text ignored."""
        fields = [
            _names(names) + _ATTRIBUTES + rb">" + field + _END
            for names in (GPX_HEART_RATE, GPX_CADENCE, GPX_POWER)
        ]
        not_field = _not_named((*GPX_HEART_RATE, *GPX_CADENCE, *GPX_POWER, "extensions", "trkpt"))
        other = not_field + _QNAME + _ATTRIBUTES + rb"(?:/>|>" + _TEXT + _END + rb")"
        return rb"(?:<(?:" + _PREFIX + rb"(?:" + rb"|".join(fields) + rb")|" + other + rb")\s*+)*+"

    # Amazfit writes `<heartrate>` before the block: kept unless the block has a heart rate too.
    content = loose_leaves() + garmin + loose_leaves() if loose else leaf(b"heartrate", _PREFIX) + garmin
    extensions = rb"(?:<" + p + rb"extensions\s*+(?:/>|>\s*+" + content + _END + rb")\s*+)?"
    body = leaf(b"ele") + leaf(b"time") + extensions
    return compile_ascii(start + rb"\s*+" + body + _END)


#: The fields of `gpx_sequence_pattern`'s groups, in order: hr, cad and power with primes are written
#: later in the point (in, after the TrackPointExtension); the last one present is the point's value.
GPX_SEQUENCE_COLUMNS = ("lat", "lat'", "lon", "lon'", "ele", "time", "hr", "hr'", "cad'")
GPX_LOOSE_COLUMNS = (
    *GPX_SEQUENCE_COLUMNS[:6],
    *("hr", "cad", "power", "hr'", "cad'", "hr''", "cad''", "power''"),
)
_EXTENSION_FIELDS = ("hr", "cad", "power")


def _gpx_loose_pattern(prefix: bytes) -> re.Pattern[bytes]:
    return gpx_sequence_pattern(prefix, loose=True)


#: The fields of `gpx_pattern`'s groups, in order (a primed name: the attribute in single quotes).
GPX_COLUMNS = ("lat", "lat'", "lon", "lon'", "ele", "time", "hr", "cad", "power")


#: The empty element that stands for a point in the skeleton, until `xml_skeleton` counts the markers.
POINT_MARKER = b"<progrun-point/>"


@dataclass(frozen=True)
class ScannedPoints:
    """Every matched point's field texts, and the document with each matched point made empty."""

    #: Field name (`GPX_COLUMNS` / `TCX_COLUMNS`) -> one text per point, in document order.
    texts: dict[str, list[bytes | None]]
    #: The bytes with every matched point replaced by `POINT_MARKER`.
    skeleton: bytes
    count: int


def split_points(data: bytes, fmt: str) -> ScannedPoints | None:
    """Each point's field texts from the bytes of a GPX ("gpx") or TCX document, and its skeleton.

    `re.split` on the point pattern returns, in one pass in C, the bytes between the points and
    each point's groups. Returns None when the point's element name occurs anywhere but in the
    start and end tags of matched points (a point the patterns do not read, a name in a comment),
    when the declared encoding is not ASCII-compatible, or when a text is not ASCII.
    """
    element, start, patterns = (
        (
            b"trkpt",
            GPX_POINT_START,
            (
                (gpx_sequence_pattern, GPX_SEQUENCE_COLUMNS),
                (_gpx_loose_pattern, GPX_LOOSE_COLUMNS),
                (gpx_pattern, GPX_COLUMNS),
            ),
        )
        if fmt == "gpx"
        else (
            b"Trackpoint",
            TCX_POINT_START,
            ((tcx_sequence_pattern, TCX_COLUMNS), (tcx_pattern, TCX_COLUMNS)),
        )
    )
    if not ascii_compatible(data):
        return None
    first = start.search(data)
    if first is None:
        return None
    prefix = first.group(1) or b""
    candidates = [(make_pattern(prefix), columns) for make_pattern, columns in patterns]
    return split_with(data, fmt, candidates, element=element, start=start, first_at=first.start())


#: A point pattern and the field each of its groups holds (None: a group that is not a field).
Candidate = tuple[re.Pattern[bytes], Sequence[str | None]]


def split_with(
    data: bytes,
    fmt: str,
    candidates: Sequence[Candidate],
    *,
    element: bytes,
    start: re.Pattern[bytes],
    first_at: int,
    ascii_only: bool = False,
) -> ScannedPoints | None:
    """`split_points` with the first of `candidates` that reads every point; None if none does.

    `element` is the point's element name, `start` finds a point's start tag, `first_at` is where
    the first point starts. A candidate is tried only when it reads the first point and one in
    the middle of the document. `ascii_only`: the patterns match ASCII bytes only (no check needed).
    """
    occurrences = data.count(element)
    middle = start.search(data, len(data) // 2)
    probes = [first_at] if middle is None else [first_at, middle.start()]
    for pattern, columns in candidates:  # the cheapest layout that reads the probed points
        if any(pattern.match(data, at) is None for at in probes):
            continue
        step = pattern.groups + 1
        parts = pattern.split(data)
        count = len(parts) // step
        if 2 * count != occurrences:
            continue
        texts = {name: parts[k::step] for k, name in enumerate(columns, start=1) if name is not None}
        if (
            not ascii_only
            and not data.isascii()
            and not all(
                # only attribute values (GPX lat, lon) can hold other bytes
                b"".join(filter(None, texts[name])).isascii()
                for name in ("lat", "lat'", "lon", "lon'")
                if name in texts
            )
        ):
            return None
        if fmt == "gpx":
            for field in _EXTENSION_FIELDS:
                written = [texts.pop(key) for key in (field, f"{field}'", f"{field}''") if key in texts]
                texts[field] = _last_present(*written) if written else [None] * count
        skeleton = POINT_MARKER.join(parts[::step])
        return ScannedPoints(texts, skeleton, count)
    return None


def _last_present(*columns: list[bytes | None]) -> list[bytes | None]:
    """Point by point, the text of the last column that has one (columns in the order written)."""
    used = [column for column in columns if any(column)]
    if len(used) <= 1:
        return used[0] if used else columns[0]
    merged = used[0]
    for column in used[1:]:
        merged = [later or earlier for earlier, later in zip(merged, column, strict=True)]
    return merged


def scan_points(data: bytes, fmt: str, expected: int) -> dict[str, list[bytes | None]] | None:
    """Each point's field texts (None when absent) from the bytes of a parsed GPX or TCX document.

    `expected` is the number of points the tree holds where the reader looks for them. Returns None
    unless exactly those points were matched: then the caller walks the tree instead.
    """
    scanned = split_points(data, fmt) if expected else None
    if scanned is None or scanned.count != expected:
        return None
    return scanned.texts
