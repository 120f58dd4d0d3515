"""The fast path of the GPX and TCX readers: every track point's values from one regular expression.

Walking ~5,000 track points element by element in Python costs several times lxml's own parse, so
after `xml_safety.parse_xml` has parsed a document safely (it is well-formed, has no DTD, and no
entity can expand), the readers take the points' values from the parsed bytes with a compiled
regular expression run in C by `re.findall`: one match per point, one group per field. A pattern
for the layout devices write is tried first, then a general one (any order, unknown elements).

The expression accepts only a strict, regular subset of XML, and a point outside it is simply not
matched: a comment, CDATA, an entity or character reference, a field element with attributes or
children, a field twice in one point, a case variant of a field name, or an unknown element
holding a field. The reader then compares what was matched with the tree: as many points as the
tree has (counted in C), and the point's element name nowhere else in the bytes. Any difference,
or a declared encoding that is not ASCII-compatible, and the caller walks the tree instead (the
reference path), so both give identical arrays (a test checks this on every corpus file). Values
keep the text of the document, so numbers convert exactly as `float()` does.

Nothing is expanded or fetched here: the regular expression only reads bytes that libxml2 has
already accepted, and anything that would need decoding (`&...;`) makes the point not match.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from progrun.activity import FloatArray
from progrun.formats.xml_safety import parse_float, parse_xml_time

_NAME = rb"[\w.\x80-\xff-]++"
_PREFIX = rb"(?:" + _NAME + rb":)?+"
_QNAME = _PREFIX + _NAME
_ATTRIBUTE_VALUE = rb"""\s*+=\s*+(?:"[^"<]*+"|'[^'<]*+')"""
_ATTRIBUTES = rb"(?:\s++[\w.:\x80-\xff-]++" + _ATTRIBUTE_VALUE + rb")*+\s*+"
#: A field's text: ASCII letters, digits and . : + - _ (surrounding whitespace is not part of it).
_FIELD_TEXT = rb"[\w.:+-]++"
_TEXT = rb"[^<]*+"
#: The end tag closing an element whose content has been matched (well-formed: it is its own).
_END = rb"</[^>]++>"
_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_ASCII_COMPATIBLE = frozenset(
    {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252"}
    | {f"iso-8859-{n}" for n in range(2, 16)}
)
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
_TCX_POINT_START = re.compile(rb"<(" + _NAME + rb":)?Trackpoint[\s>]")
_GPX_POINT_START = re.compile(rb"<(" + _NAME + rb":)?trkpt[\s>]")
_ISO_TIME = (
    rb"(?!0000)\d{4}-\d\d-\d\dT(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,6})?"
    rb"(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?"
)
#: Lines each empty or holding one time that numpy and `datetime.fromisoformat` read alike.
_ISO_TIMES = re.compile(rb"(?:(?:" + _ISO_TIME + rb")?\n)*+")
_ISO_TIME_PARTS = re.compile(rb"([\dT:.-]*?)(Z|[+-]\d\d:\d\d|)\n")


class _Fields:
    """Numbers the capturing groups of a pattern as it is built: one group per field occurrence."""

    def __init__(self) -> None:
        self.count = 0

    def text(self, *, once: bool = True) -> bytes:
        """A field's text as the next group; with `once`, a second match in the same point fails it."""
        self.count += 1
        guard = b"(?(%d)(?!))" % self.count if once else b""
        return rb"\s*+" + guard + b"(" + _FIELD_TEXT + rb")\s*+"


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
    return re.compile(rb"<" + p + element(b"Trackpoint", body))


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
    return re.compile(rb"<" + p + rb"Trackpoint\s*+>\s*+" + body + _END)


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
    return re.compile(start + body + _END)


@lru_cache(maxsize=16)
def gpx_sequence_pattern(prefix: bytes) -> re.Pattern[bytes]:
    """A trkpt as most devices write it: ele, time, Garmin's TrackPointExtension; as `gpx_pattern`.

    A subset of the general pattern (exact names, each at most once, nothing else allowed).
    """
    p = re.escape(prefix)
    field = rb"\s*+([\w.:+-]++)\s*+"
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
    extensions = rb"(?:<" + p + rb"extensions\s*+(?:/>|>\s*+" + garmin + _END + rb")\s*+)?"
    body = leaf(b"ele") + leaf(b"time") + extensions + rb"()"  # the last group: power, never here
    return re.compile(start + rb"\s*+" + body + _END)


#: The fields of `gpx_pattern`'s groups, in order (a primed name: the attribute in single quotes).
GPX_COLUMNS = ("lat", "lat'", "lon", "lon'", "ele", "time", "hr", "cad", "power")


def ascii_compatible(data: bytes) -> bool:
    """Whether the document's declared encoding (none: UTF-8) writes ASCII text as ASCII bytes."""
    match = _DECLARED_ENCODING.match(data)
    return match is None or match.group(1).decode().lower() in _ASCII_COMPATIBLE


def scan_points(data: bytes, fmt: str, expected: int) -> dict[str, tuple[bytes, ...]] | None:
    """Each point's field texts (b"" when absent) from the bytes of a parsed GPX ("gpx") or TCX document.

    `expected` is the number of points the tree holds where the reader looks for them. Returns None
    unless exactly those points were matched: then the caller walks the tree instead.
    """
    element, start, patterns, columns = (
        (b"trkpt", _GPX_POINT_START, (gpx_sequence_pattern, gpx_pattern), GPX_COLUMNS)
        if fmt == "gpx"
        else (b"Trackpoint", _TCX_POINT_START, (tcx_sequence_pattern, tcx_pattern), TCX_COLUMNS)
    )
    if expected == 0 or not ascii_compatible(data):
        return None
    first = start.search(data)
    if first is None:
        return None
    # Every occurrence of the element name must be a start or end tag of a matched point: no point
    # was skipped, none is hidden in a comment, and none lies outside where the tree was counted.
    if data.count(element) != 2 * expected:
        return None
    for pattern in patterns:  # the common layout first, then any layout
        rows = pattern(first.group(1) or b"").findall(data, first.start())
        if len(rows) == expected:
            return dict(zip(columns, zip(*rows, strict=True), strict=True))
    return None


def texts_to_floats(texts: Sequence[bytes]) -> FloatArray:
    """ASCII decimal texts as float64, exactly as `float()` reads them; b"" or unreadable -> NaN."""
    if not any(texts):
        return np.full(len(texts), np.nan)
    joined = b"," + b",".join(texts) + b","
    while b",," in joined:
        joined = joined.replace(b",,", b",nan,")
    parts = joined[1:-1].split(b",")
    try:
        return np.fromiter(map(float, parts), dtype=np.float64, count=len(parts))
    except ValueError:
        return np.array([parse_float(part.decode("ascii")) for part in parts], dtype=np.float64)


def texts_to_times(texts: Sequence[bytes]) -> tuple[FloatArray, bool]:
    """xsd:dateTime texts as POSIX seconds (b"" or unreadable -> NaN), and whether any had no zone.

    When every text reads `YYYY-MM-DDThh:mm:ss[.ffffff][Z|+hh:mm|-hh:mm]`, numpy converts them in
    one call, with the same integer-microsecond arithmetic as `datetime.timestamp()`; otherwise
    each goes through `xml_safety.parse_xml_time` (Python's `datetime.fromisoformat`).
    """
    if not texts:
        return np.empty(0), False
    joined = b"\n".join(texts) + b"\n"
    if _ISO_TIMES.fullmatch(joined):
        try:
            return _numpy_times(texts, joined)
        except ValueError:  # a day that does not exist, say: let datetime decide
            pass
    values = np.empty(len(texts))
    naive = False
    for index, text in enumerate(texts):
        values[index], no_zone = parse_xml_time(text.decode("ascii"))
        naive = naive or no_zone
    return values, naive


def _numpy_times(texts: Sequence[bytes], joined: bytes) -> tuple[FloatArray, bool]:
    """Validated times (`joined`: one per line, some lines empty) as seconds, and any without a zone."""
    present = len(texts) - texts.count(b"")
    sample = next((text for text in texts if text), b"")
    zone = b"Z" if sample.endswith(b"Z") else sample[-6:] if sample[-6:-5] in (b"+", b"-") else b""
    offsets_us: int | npt.NDArray[np.int64]
    if zone and joined.count(zone + b"\n") == present:  # one zone throughout (a zone ends its line)
        local, offsets_us = joined.replace(zone + b"\n", b"\n"), _offset_us(zone)
    elif not zone and b"Z" not in joined and b"+" not in joined and joined.count(b"-") == 2 * present:
        local, offsets_us = joined, 0  # no zone anywhere: each date holds two hyphens, nothing else
    else:
        pairs = _ISO_TIME_PARTS.findall(joined)
        local = b"\n".join(time for time, _ in pairs) + b"\n"
        zones = [zone for _, zone in pairs]
        offsets = {zone: _offset_us(zone) for zone in set(zones)}
        offsets_us = np.fromiter(map(offsets.__getitem__, zones), dtype=np.int64, count=len(zones))
        zone = b"" if any(not zone and time for time, zone in pairs) else b"Z"
    stamps = np.array(local[:-1].decode("ascii").split("\n"), dtype="datetime64[us]")
    missing = np.isnat(stamps)
    micros = stamps.astype(np.int64) - offsets_us
    if np.any(np.abs(micros[~missing]) >= 2**53):  # past 2255: int / 10**6 rounds unlike int64 / 1e6
        raise ValueError("time too far from 1970 for float arithmetic")
    seconds: FloatArray = micros / 1e6
    seconds[missing] = np.nan
    return seconds, present > 0 and zone == b""


def _offset_us(zone: bytes) -> int:
    """`+hh:mm` / `-hh:mm` as microseconds east of UTC; `Z` and no zone as 0."""
    if zone in (b"", b"Z"):
        return 0
    sign = -1 if zone[:1] == b"-" else 1
    return sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60) * 1_000_000
