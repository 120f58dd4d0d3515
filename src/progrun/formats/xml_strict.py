"""The strict point patterns: points read, and checked well-formed, by one regular expression.

The fast path (`xml_skeleton`) first tries these. They accept the layouts devices write and
nothing looser, so that a point they match is, by construction, one well-formed XML element:

- every end tag is spelt out and closes its own start tag (no `</...>` taken on trust);
- element names are fixed ASCII names; a prefix is either the point's own prefix (for the point
  and its core children) or the one prefix the document uses for Garmin's extension block, and
  `xml_skeleton` checks that the document's root declares both;
- the only attributes are GPX's `lat` and `lon`, each at most once, and the default namespace of
  TCX's `<TPX>` as an absolute URI;
- every text is ASCII letters, digits and `. : + - _` (a number, a time, a sensor state) with
  spaces, tabs and line breaks around it: no `&`, no `<`, no byte outside ASCII.

Everything between the points is parsed by libxml2 (the skeleton), so a document read on this
path needs no separate well-formedness pass over the whole of it (`xml_safety.reads_plainly`,
about half of lxml's own parse time). A document they do not read, in whole, goes on to the
looser patterns of `xml_scan` behind that pass, and from there to the full tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from progrun.formats.xml_scan import (
    FIELD_TEXT,
    GPX_CADENCE,
    GPX_HEART_RATE,
    GPX_POINT_START,
    GPX_POWER,
    TCX_COLUMNS,
    TCX_POINT_START,
    Candidate,
    ScannedPoints,
    compile_ascii,
    split_with,
)

#: A field's text and the whitespace around it (the same text class as `xml_scan`).
_FIELD = rb"\s*+(" + FIELD_TEXT + rb")\s*+"
#: A GPX coordinate attribute's value (digits, sign, point, exponent; spaces float() ignores).
_COORDINATE = rb"""\s*+=\s*+(?:"([\w.+ -]*+)"|'([\w.+ -]*+)')"""
#: An absolute URI without `&` or quotes, as libxml2 takes a namespace name without a warning.
_ABSOLUTE_URI = rb"[A-Za-z][A-Za-z0-9+.-]*+:[\w/.~:?#@!$()*+,;=-]*+"
#: The element holding Garmin's extension fields, and its start tag.
_EXTENSION_NAME = {"gpx": b"TrackPointExtension", "tcx": b"TPX"}
_START_TAG = re.compile(rb"<([A-Za-z_][\w.-]*+:)?([\w.-]++)[\s>/]")
#: A leaf's start tag after whitespace (its prefix as group 1); not an end tag.
_LEAF_START = re.compile(rb"[ \t\r\n]*+<([A-Za-z_][\w.-]*+:)?[A-Za-z_]")
_TPX_FIELD_START = re.compile(rb"<([A-Za-z_][\w.-]*+:)?(?:Speed|RunCadence|Watts)[\s>/]")
#: The groups of `gpx_strict_pattern`, as `xml_scan.GPX_SEQUENCE_COLUMNS` names them.
GPX_STRICT_COLUMNS: tuple[str | None, ...] = (
    "lat",
    "lat'",
    "lon",
    "lon'",
    "ele",
    "time",
    "hr",
    "hr'",
    "cad'",
)
#: With leaves after Garmin's block: each leaf's name (None, for its end tag) and its field.
GPX_AFTER_COLUMNS = (*GPX_STRICT_COLUMNS, None, "hr''", None, "cad''", None, "power''", None)


@dataclass(frozen=True)
class StrictPoints:
    """Points read by a strict pattern, and the prefixes the document's root must declare."""

    points: ScannedPoints
    #: Each prefix the matched points use, without its colon ("" when none).
    prefixes: tuple[str, ...]


def split_points_strictly(data: bytes, fmt: str) -> StrictPoints | None:
    """`xml_scan.split_points` with the strict pattern only; None when it does not read every point."""
    start = GPX_POINT_START if fmt == "gpx" else TCX_POINT_START
    first = start.search(data)
    if first is None:
        return None
    prefix = first.group(1) or b""
    extension = _find_start(data, _EXTENSION_NAME[fmt], first.start())
    extension_prefix = (extension.group(1) or b"") if extension else b""
    used = {prefix, extension_prefix}
    candidate: Candidate
    if fmt == "gpx":
        inline = extension is not None and _declares(data, extension, extension_prefix)
        if inline:  # every block declares its prefix itself (Movescount): the root need not
            used.discard(extension_prefix)
        after = _prefix_after_block(data, extension)
        if after is not None:
            used.add(after)
        candidate = (
            gpx_strict_pattern(prefix, extension_prefix, inline=inline, after=after),
            GPX_AFTER_COLUMNS if after is not None else GPX_STRICT_COLUMNS,
        )
        element = b"trkpt"
    else:
        # The first field follows the <TPX> start tag (a few bytes on): no need to look further.
        field = _TPX_FIELD_START.search(data, extension.end(), extension.end() + 256) if extension else None
        field_prefix = (field.group(1) or b"") if field else extension_prefix
        used.add(field_prefix)
        candidate = (tcx_strict_pattern(prefix, extension_prefix, field_prefix), TCX_COLUMNS)
        element = b"Trackpoint"
    points = split_with(
        data, fmt, [candidate], element=element, start=start, first_at=first.start(), ascii_only=True
    )
    if points is None:
        return None
    prefixes = tuple(sorted(name[:-1].decode("ascii") for name in used if name))
    return StrictPoints(points, prefixes)


def _declares(data: bytes, tag: re.Match[bytes], prefix: bytes) -> bool:
    """Whether the start tag `tag` (as `_find_start` found it) declares `prefix` itself."""
    end = data.find(b">", tag.end() - 1)
    return bool(prefix) and b"xmlns:" + prefix[:-1] + b"=" in data[tag.start() : end].replace(b" ", b"")


def _prefix_after_block(data: bytes, block: re.Match[bytes] | None) -> bytes | None:
    """The prefix of the first leaf after Garmin's block in its `<extensions>` (None: no such leaf)."""
    if block is None:
        return None
    close = data.find(b"</" + (block.group(1) or b"") + b"TrackPointExtension", block.end())
    following = _LEAF_START.match(data, data.find(b">", close) + 1) if close != -1 else None
    return None if following is None else following.group(1) or b""


def _find_start(data: bytes, name: bytes, after: int) -> re.Match[bytes] | None:
    """The first start tag of an element named `name` (any prefix) after `after`, found by its name's bytes.

    A regular expression beginning `<` would be tried at every tag of the document; `bytes.find`
    looks for the rare name at C speed, and the pattern is matched only where it occurs.
    """
    at = data.find(name, after)
    while at != -1:
        opening = data.rfind(b"<", after, at)
        match = _START_TAG.match(data, opening) if opening != -1 else None
        if match is not None and match.group(2) == name:
            return match
        at = data.find(name, at + len(name))
    return None


def _leaf(tag: bytes) -> bytes:
    """An optional element holding one field (a group), then whitespace."""
    return rb"(?:<" + tag + rb"\s*+>" + _FIELD + rb"</" + tag + rb"\s*+>\s*+)?"


@lru_cache(maxsize=16)
def gpx_strict_pattern(
    prefix: bytes, extension: bytes, *, inline: bool = False, after: bytes | None = None
) -> re.Pattern[bytes]:
    """A trkpt as devices write it: `lat`/`lon`, then ele, time, extensions; groups as GPX_STRICT_COLUMNS.

    `prefix` is the point's prefix (b"" or b"name:"), `extension` the prefix of Garmin's
    TrackPointExtension. The extensions hold an unprefixed `<heartrate>` (Amazfit), then Garmin's
    block (air temperature, heart rate, cadence), each optional. With `inline` every block declares
    its own prefix (`xmlns:gpxtpx="..."`, as Movescount writes it). With `after`, leaves of that
    prefix may follow the block (Movescount's `gpxdata:`): heart rate, cadence and power by their
    lower-case names, anything else ignored; the groups are then GPX_AFTER_COLUMNS.
    """
    p, q = re.escape(prefix), re.escape(extension)
    # Each attribute at most once: a second `lat` fails the point (its group has matched already).
    lat = rb"lat(?(1)(?!))(?(2)(?!))" + _COORDINATE
    lon = rb"lon(?(3)(?!))(?(4)(?!))" + _COORDINATE
    start = rb"<" + p + rb"trkpt(?:\s++(?:" + lat + b"|" + lon + rb"))*+\s*+>\s*+"
    temperature = rb"(?:<" + q + rb"atemp\s*+>\s*+[\w.+-]*+\s*+</" + q + rb"atemp\s*+>\s*+)?"
    garmin = (
        rb"(?:<" + q + rb"TrackPointExtension" + (_declaration(extension) if inline else b"")
        + rb"\s*+>\s*+" + temperature
        + _leaf(q + b"hr") + _leaf(q + b"cad")
        + rb"</" + q + rb"TrackPointExtension\s*+>\s*+)?"
    )  # fmt: skip
    leaves = b"" if after is None else _leaves_after(re.escape(after))
    extensions = (
        rb"(?:<" + p + rb"extensions\s*+(?:/>|>\s*+" + _leaf(b"heartrate") + garmin + leaves
        + rb"</" + p + rb"extensions\s*+>)\s*+)?"
    )  # fmt: skip
    body = _leaf(p + b"ele") + _leaf(p + b"time") + extensions
    return compile_ascii(start + body + rb"</" + p + rb"trkpt\s*+>")


def _declaration(extension: bytes) -> bytes:
    """The block's own declaration of its prefix, to an absolute URI."""
    name = re.escape(extension[:-1])
    return rb"\s++xmlns:" + name + rb"\s*+=\s*+(?:\"" + _ABSOLUTE_URI + rb"\"|'" + _ABSOLUTE_URI + rb"')"


def _leaves_after(r: bytes) -> bytes:
    """Leaves of prefix `r` after Garmin's block; each end tag repeats its start tag's name (a group)."""
    kinds = (GPX_HEART_RATE, GPX_CADENCE, GPX_POWER)
    first = len(GPX_STRICT_COLUMNS) + 1  # the group of the first leaf's name
    fields = [
        rb"<("
        + r
        + rb"(?:"
        + "|".join(names).encode()
        + rb"))\s*+>"
        + _FIELD
        + rb"</\%d\s*+>" % (first + 2 * k)
        for k, names in enumerate(kinds)
    ]
    not_field = rb"(?!" + r + rb"(?i:" + "|".join(n for names in kinds for n in names).encode() + rb")[\s/>])"
    other = rb"<" + not_field + rb"(" + r + rb"[A-Za-z_][\w.-]*+)\s*+>[\w.:+ -]*+</\%d\s*+>" % (first + 6)
    return rb"(?:(?:" + b"|".join([*fields, other]) + rb")\s*+)*+"


@lru_cache(maxsize=16)
def tcx_strict_pattern(prefix: bytes, extension: bytes, extension_fields: bytes) -> re.Pattern[bytes]:
    """A Trackpoint as devices write it, each element optional and in this order; groups as TCX_COLUMNS.

    `prefix` is the Trackpoint's prefix, `extension` the prefix of `<TPX>` (Garmin's
    ActivityExtension) and `extension_fields` that of its speed, run cadence and power, which may
    come in any order, each once.
    """
    p, q, f = re.escape(prefix), re.escape(extension), re.escape(extension_fields)
    position = (
        rb"(?:<" + p + rb"Position\s*+>\s*+" + _leaf(p + b"LatitudeDegrees") + _leaf(p + b"LongitudeDegrees")
        + rb"</" + p + rb"Position\s*+>\s*+)?"
    )  # fmt: skip
    heart_rate = (
        rb"(?:<" + p + rb"HeartRateBpm\s*+>\s*+<" + p + rb"Value\s*+>" + _FIELD + rb"</" + p
        + rb"Value\s*+>\s*+</" + p + rb"HeartRateBpm\s*+>\s*+)?"
    )  # fmt: skip
    sensor = rb"(?:<" + p + rb"SensorState\s*+>\s*+[A-Za-z]*+\s*+</" + p + rb"SensorState\s*+>\s*+)?"
    # Groups 1-7 are time .. cadence; speed, run cadence and power are groups 8, 9 and 10.
    tpx_fields = [
        rb"<" + f + name + rb"(?(%d)(?!))\s*+>" % group + _FIELD + rb"</" + f + name + rb"\s*+>\s*+"
        for group, name in ((8, b"Speed"), (9, b"RunCadence"), (10, b"Watts"))
    ]
    tpx = (
        rb"<" + q + rb"TPX(?:\s++xmlns\s*+=\s*+(?:\"" + _ABSOLUTE_URI + rb"\"|'" + _ABSOLUTE_URI
        + rb"'))?\s*+>\s*+(?:" + b"|".join(tpx_fields) + rb")*+</" + q + rb"TPX\s*+>\s*+"
    )  # fmt: skip
    extensions = rb"(?:<" + p + rb"Extensions\s*+>\s*+" + tpx + rb"</" + p + rb"Extensions\s*+>\s*+)?"
    body = (
        _leaf(p + b"Time") + position + _leaf(p + b"AltitudeMeters") + _leaf(p + b"DistanceMeters")
        + heart_rate + _leaf(p + b"Cadence") + sensor + extensions
    )  # fmt: skip
    return compile_ascii(rb"<" + p + rb"Trackpoint\s*+>\s*+" + body + rb"</" + p + rb"Trackpoint\s*+>")
