"""Reading recorded runs: one entry point for FIT, GPX and TCX, plain or gzip-compressed.

```python
from progrun.formats import read_activity   # or progrun.read_activity
activity = read_activity("morning-run.fit.gz")
```

The format is detected from the content, never the extension: a FIT header has `.FIT` at bytes
8-11, gzip starts with 1f 8b, and XML is told apart by its root element (`gpx` or
`TrainingCenterDatabase`) after an optional BOM and whitespace. Every activity goes through
`progrun.track.sanitise`, whatever its format. Any failure is a ProgrunError (CorruptFile,
UnsafeFile, UnknownFormat) naming the file and the problem; a third-party exception never escapes.
"""

from __future__ import annotations

import dataclasses
import os
import re
import zlib
from pathlib import Path

from progrun.activity import Activity, Format
from progrun.errors import ActivityFileError, CorruptFile, ProgrunError, UnknownFormat, UnsafeFile
from progrun.formats.compression import MAX_DECOMPRESSED_BYTES, gunzip, is_gzip
from progrun.formats.on_error import OnError

__all__ = ["DEFAULT_MAX_BYTES", "OnError", "detect_format", "read_activity"]

#: The largest file read, and the most a gzip file may expand to.
DEFAULT_MAX_BYTES = MAX_DECOMPRESSED_BYTES
_SNIFF_BYTES = 65536
_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)
_FIRST_ELEMENT = re.compile(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_XML_ROOTS = {b"gpx": Format.GPX, b"TrainingCenterDatabase": Format.TCX}


def detect_format(data: bytes, *, name: str = "<bytes>") -> Format:
    """The format of `data`, from its content: FIT header, XML root; looks inside gzip.

    Raises UnknownFormat (naming what the content looks like) and CorruptFile for an empty input.
    """
    if not data:
        raise CorruptFile(name, "empty file", hint="the file has 0 bytes; export it again")
    if is_gzip(data):
        head = _gzip_head(data, name)
        return detect_format(head, name=name)
    if len(data) >= 12 and data[8:12] == b".FIT":
        return Format.FIT
    root = _xml_root(data[:_SNIFF_BYTES])
    if root in _XML_ROOTS:
        return _XML_ROOTS[root]
    raise UnknownFormat(name, _describe(data, root), hint="progrun reads FIT, GPX and TCX files")


def _gzip_head(data: bytes, name: str) -> bytes:
    try:
        head = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS).decompress(data[:_SNIFF_BYTES], _SNIFF_BYTES)
    except zlib.error as exc:
        raise CorruptFile(name, f"damaged gzip data: {exc}", format="gzip") from exc
    if not head:
        raise CorruptFile(name, "empty file inside gzip", format="gzip")
    return head


def _xml_root(head: bytes) -> bytes | None:
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        head = head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    head = _COMMENT.sub(b"", head.lstrip(b"\xef\xbb\xbf \t\r\n"))
    if not head.startswith(b"<"):
        return None
    match = _FIRST_ELEMENT.search(head)
    return match.group(2) if match else None


def _describe(data: bytes, root: bytes | None) -> str:
    if root is not None:
        if root.lower() == b"html":
            return "an HTML page, not an activity file"
        return f"XML with root <{root.decode(errors='replace')}>, not GPX or TCX"
    if data.startswith(b"PK\x03\x04"):
        return "a zip archive, not an activity file (unzip it first)"
    if data.startswith(b"\x89PNG"):
        return "a PNG image, not an activity file"
    if data.lstrip()[:1] in (b"{", b"["):
        return "JSON, not FIT, GPX or TCX"
    return "not FIT, GPX or TCX (no FIT header and no XML root)"


def read_activity(
    source: str | os.PathLike[str] | bytes,
    *,
    name: str | None = None,
    on_error: OnError = OnError.RAISE,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Activity:
    """Read a FIT, GPX or TCX file (or gzip of one) from a path or bytes into a sanitised Activity.

        `name` labels the file in messages (default: the path, or "<bytes>"). `on_error=OnError.WARN`
        (the CLI's `--salvage`) returns what is certain from a damaged FIT file, says so in
        `Activity.warnings` and marks it partial (`Activity.extra["partial"]`). A clock gap longer than
        any pause in a run splits the recording (`progrun.formats.clock_gaps`), and a distance jump faster
    than 50 m/s is removed (`progrun.formats.distance_jumps`).
        `max_bytes` bounds both the file read and what a gzip file may expand to.
        Raises CorruptFile, UnsafeFile, UnknownFormat or ActivityFileError; nothing partial is returned.
    """
    if not isinstance(on_error, OnError):
        raise TypeError(f"on_error must be an OnError, not {type(on_error).__name__}")
    if max_bytes <= 0:
        raise ValueError("max_bytes must be positive")
    data, label = _load(source, name, max_bytes)
    try:
        return _read(data, label, on_error, max_bytes)
    except ProgrunError:
        raise
    except MemoryError as exc:
        raise UnsafeFile(label, "ran out of memory reading the file") from exc
    except Exception as exc:  # the one place third-party errors become ours
        raise CorruptFile(
            label, f"could not be read ({type(exc).__name__}: {exc})", hint="the file may be damaged"
        ) from exc


def _load(source: str | os.PathLike[str] | bytes, name: str | None, max_bytes: int) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        label = name or "<bytes>"
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        label = name or str(source)
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise UnsafeFile(
                    label,
                    f"file is {size / 1048576:.0f} MB, over the {max_bytes / 1048576:.0f} MB limit",
                    hint="an activity file is never this large",
                )
            with path.open("rb") as handle:
                data = handle.read(max_bytes + 1)
        except IsADirectoryError as exc:
            raise ActivityFileError(label, "is a directory, not a file") from exc
        except OSError as exc:
            raise ActivityFileError(label, f"cannot be read: {exc.strerror or exc}") from exc
    else:
        raise TypeError(f"read_activity takes a path or bytes, not {type(source).__name__}")
    if len(data) > max_bytes:
        raise UnsafeFile(label, f"input is over the {max_bytes / 1048576:.0f} MB limit")
    return data, label


def _read(data: bytes, label: str, on_error: OnError, max_bytes: int) -> Activity:
    if not data:
        raise CorruptFile(label, "empty file", hint="the file has 0 bytes; export it again")
    compression = ""
    if is_gzip(data):
        data = gunzip(data, name=label, max_bytes=max_bytes).data
        compression = "gzip"
        if not data:
            raise CorruptFile(label, "empty file inside gzip", format="gzip")
    try:
        file_format = detect_format(data, name=label)
    except UnknownFormat:
        root = _xml_root(data[:_SNIFF_BYTES])
        if root is not None and root.lower() != b"html":
            from progrun.formats.xml_safety import parse_xml

            parse_xml(data, name=label)  # raises the precise XML error if it is not well-formed
        raise
    activity = _dispatch(file_format, data, label, on_error)
    from progrun.formats.clock_gaps import cut_at_clock_gaps
    from progrun.formats.distance_jumps import remove_distance_jumps
    from progrun.track import sanitise

    activity = remove_distance_jumps(cut_at_clock_gaps(sanitise(activity)))
    extra = dict(activity.extra)
    if compression:
        extra["compression"] = compression
    warnings = activity.warnings + _glitch_warnings(activity, extra)
    return dataclasses.replace(activity, source=label, extra=extra, warnings=warnings)


def _glitch_warnings(activity: Activity, extra: dict[str, object]) -> tuple[str, ...]:
    """A warning per stretch of impossible distance (`progrun.distance_glitch`), kept in `extra` too."""
    from progrun.distance_glitch import distance_glitches, top_speed_m_s

    glitches = distance_glitches(activity)
    if not glitches:
        return ()
    extra["distance_glitches"] = [(g.start_s, g.end_s, g.distance_m) for g in glitches]
    return tuple(
        f"distance jumps {g.distance_m:.0f} m in {g.end_s - g.start_s:g} s at {g.start_s:.0f} s, faster than "
        f"{top_speed_m_s(activity.sport):g} m/s: the splits there are flagged and left out of fitness"
        for g in glitches
    )


def _dispatch(file_format: Format, data: bytes, label: str, on_error: OnError) -> Activity:
    if file_format is Format.GPX:
        from progrun.formats.gpx import read_gpx

        return read_gpx(data, name=label, on_error=on_error)
    if file_format is Format.TCX:
        from progrun.formats.tcx import read_tcx

        return read_tcx(data, name=label, on_error=on_error)
    try:
        from progrun.formats.fit import read_fit
    except ImportError as exc:
        raise ActivityFileError(label, "FIT files cannot be read by this build yet", format="fit") from exc
    return read_fit(data, name=label, on_error=on_error)
