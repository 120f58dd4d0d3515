"""The fast path of the GPX and TCX readers: no element tree for the track points.

Building lxml's tree of ~5,000 points, and freeing it, costs more than reading them, so when a
document is plain the readers take this path. The bytes are first prepared as for
`xml_safety.parse_xml` (BOM, leading whitespace, UTF-16/32) and must hold no DTD, comment,
processing instruction or CDATA section (`xml_safety.has_plain_bytes`: no entity can be declared,
let alone expand). Then one of two tiers reads them.

**Strict tier** (`xml_strict`), for the layouts devices write:

1. The strict point pattern splits the bytes, in one pass in C, into each point's field texts and
   the bytes between points. Every match is, by construction, one well-formed element: end tags
   spelt out, fixed ASCII names and texts, no `&`, `lat`/`lon` at most once each.
2. The skeleton (below) is parsed by libxml2 with `parse_xml`'s settings, and must draw not a
   single message (`xml_safety.parse_quietly`); the prefixes the points use must be declared on its
   root. So the whole document is well-formed, with no whole-document pass.

**Checked tier** (`xml_scan`), for everything else:

1. libxml2 reads the whole document with `parse_xml`'s settings but builds nothing
   (`xml_safety.reads_plainly`): it is well-formed, not too deep, and libxml2 had not a single
   message about it (an undeclared prefix, say). So every `<` in it opens a start or end tag.
2. The looser point patterns (`xml_scan.split_points`) split the bytes as above. Because of 1,
   every match is exactly one element of the document, tag for tag, and a text never holds an
   entity reference (the field patterns refuse `&`).

In both tiers the point's element name must occur nowhere else in the bytes, and the skeleton is
the bytes between the points, with one empty element `<progrun-points xmlns="" count="N"/>` for
each run of N points with only whitespace between them (a few kB; a document that already uses
that name is not read here). Parsed, it is a small tree that holds everything else: root,
metadata, tracks, segments, laps. The reader checks that the markers where it looks for points
(`count_points`) count all the matched points, so the points read are the points the tree walk
would read, in the same segments and laps.

If either tier says no, the reader parses the whole document with `parse_xml` as before (the
reference path), which also reports every error and makes every repair. All paths give identical
results; `tests/formats/test_xml_scan.py` and `test_xml_strict.py` check this on every corpus
file and on odd documents."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lxml import etree

from progrun.errors import ProgrunError
from progrun.formats.xml_safety import (
    has_plain_bytes,
    parse_quietly,
    parse_xml,
    prepare_xml_bytes,
    reads_plainly,
)
from progrun.formats.xml_scan import POINT_MARKER, ScannedPoints, split_points
from progrun.formats.xml_strict import split_points_strictly

MARKER_NAME = b"progrun-point"
#: A run of point markers with only whitespace between them: one element in the skeleton tree.
_MARKER_RUN = re.compile(rb"(?:" + re.escape(POINT_MARKER) + rb"[ \t\r\n]*+)++")


@dataclass(frozen=True)
class Skeleton:
    """A document read on the fast path: the tree without the points' content, and the points."""

    root: Any  # lxml.etree._Element of the skeleton
    points: ScannedPoints
    #: The repairs made to the bytes (as `ParsedXml.warnings`).
    warnings: tuple[str, ...]


def read_skeleton(data: bytes, fmt: str) -> Skeleton | None:
    """GPX ("gpx") or TCX ("tcx") bytes read on the fast path, or None: then use `parse_xml`."""
    prepared, warnings = prepare_xml_bytes(data)
    if MARKER_NAME in prepared or not has_plain_bytes(prepared):
        return None
    strict = split_points_strictly(prepared, fmt)
    if strict is not None:
        root = parse_quietly(_MARKER_RUN.sub(_counted_run, strict.points.skeleton))
        if root is not None and all(prefix in root.nsmap for prefix in strict.prefixes):
            return Skeleton(root, strict.points, warnings)
    if not reads_plainly(prepared):
        return None
    points = split_points(prepared, fmt)
    if points is None:
        return None
    skeleton = _MARKER_RUN.sub(_counted_run, points.skeleton)
    try:
        parsed = parse_xml(skeleton, name="skeleton")
    except ProgrunError:  # a point that declared a prefix its element uses, say
        return None
    if parsed.warnings:
        return None
    return Skeleton(parsed.root, points, warnings)


_XPATHS = threading.local()


def _counted_run(run: re.Match[bytes]) -> bytes:
    """The element standing for a run of points: its count as an attribute, in no namespace."""
    return b'<progrun-points xmlns="" count="%d"/>' % run.group().count(POINT_MARKER)


def count_points(element: Any, *, descendants: bool = False) -> int:
    """How many points the markers among `element`'s children (or descendants) stand for, summed in C."""
    expression = "sum(.//progrun-points/@count)" if descendants else "sum(progrun-points/@count)"
    by_expression: dict[str, Callable[[Any], float]] = _XPATHS.__dict__.setdefault("by_expression", {})
    xpath = by_expression.get(expression)
    if xpath is None:  # compiled once per thread: an XPath evaluator is not shared between threads
        xpath = by_expression[expression] = etree.XPath(expression)
    return int(xpath(element))
