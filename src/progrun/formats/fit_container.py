"""The FIT container: file headers, chained files, CRCs and the walk over message headers.

`scan()` is the only per-message Python loop of the reader. It reads each record header, parses
definition messages, and appends the offset of every data message to the list of the definition
it uses; the field values are read later, a whole column at a time, by `fit_columns`.

Problems (bad CRC, truncation, undefined local message types, malformed definitions) do not raise
here: they are collected as `Problem`s with their byte offset, and the reader decides, after the
whole file was decoded, whether to raise (strict) or warn (lenient). A message stream cannot be
resynchronised after a structural problem, so scanning stops at the first one in each FIT file.
Notices (trailing bytes, a field size that is not a multiple of its base type, developer-field
metadata out of order) are collected the same way and never fail a read.
"""

from __future__ import annotations

import dataclasses
import enum
import struct
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from progrun.formats.fit_crc import fit_crc
from progrun.formats.fit_profile import BASE_TYPES

FIT_SIGNATURE = b".FIT"
HEADER_SIZES = (12, 14)
#: Definition byte of a base type with the endian-ability flag masked off.
BASE_TYPE_MASK = 0x1F
BYTE_BASE_TYPE = 13
#: A run of identical data headers shorter than this is walked message by message.
_MIN_RUN = 8
_MAX_CHUNK = 1 << 16


class ProblemKind(enum.Enum):
    """What is wrong with a FIT file; the value is the stable machine code of the bad-input catalogue.

    Kinds in `NOTICES` never fail a read (ACCEPT+WARN); every other kind fails a strict read (REJECT).
    """

    NOT_FIT = "fit.not_fit"
    HEADER_SIZE = "fit.header.size"
    HEADER_CRC = "fit.header.crc"
    HEADER = "fit.header.corrupt"
    DATA_SIZE_ZERO = "fit.header.data_size_zero"
    CRC = "fit.crc_mismatch"
    TRUNCATED = "fit.truncated"
    UNDEFINED_LOCAL = "fit.undefined_local_type"
    ZERO_SIZE = "fit.definition.zero_size"
    DUPLICATE_FIELD = "fit.definition.duplicate_field"
    TRAILING = "fit.trailing_bytes"
    BAD_FIELD = "fit.definition.misaligned_field"
    DEVELOPER = "fit.developer_field"
    BAD_STRING = "fit.string.not_utf8"

    @property
    def fatal(self) -> bool:
        """True when a strict read must refuse the file."""
        return self not in NOTICES


#: problems that are reported as warnings in both modes: the data they concern is either ignored
#: (trailing bytes, developer fields) or kept in a safe form (bytes, replaced characters)
NOTICES = frozenset(
    {ProblemKind.TRAILING, ProblemKind.BAD_FIELD, ProblemKind.DEVELOPER, ProblemKind.BAD_STRING}
)


@dataclass(frozen=True)
class Problem:
    """One problem found while decoding, with the byte offset where it is.

    `key` groups repeats of the same problem (the same malformed field in five definitions) into one
    warning; it defaults to the text.
    """

    kind: ProblemKind
    offset: int
    text: str
    key: str = ""

    @property
    def code(self) -> str:
        return self.kind.value


class FieldDef(NamedTuple):
    """A field of a definition message: number, size, base type number, offset inside the message."""

    num: int
    size: int
    base_type: int
    offset: int


@dataclass(eq=False)
class Definition:
    """A definition message and where its data messages are.

    Data messages are stored as content offsets (the byte after the record header) of single
    messages, plus runs of back-to-back messages as (first offset, count); the stride of a run is
    the message size + 1.
    """

    global_num: int
    big_endian: bool
    fields: tuple[FieldDef, ...]
    size: int
    offset: int
    unit: int
    #: (developer_data_index, field number) of each developer field; skipped by their sizes
    developer: tuple[tuple[int, int], ...] = ()
    singles: list[int] = field(default_factory=list)
    runs: list[tuple[int, int]] = field(default_factory=list)

    def field(self, num: int) -> FieldDef | None:
        for candidate in self.fields:
            if candidate.num == num:
                return candidate
        return None

    @property
    def count(self) -> int:
        return len(self.singles) + sum(count for _, count in self.runs)

    def rows(self) -> npt.NDArray[np.int64]:
        """Content offsets of every data message of this definition, in file order."""
        stride = self.size + 1
        parts = [
            np.arange(start, start + count * stride, stride, dtype=np.int64) for start, count in self.runs
        ]
        if self.singles:
            parts.append(np.array(self.singles, dtype=np.int64))
        if not parts:
            return np.zeros(0, dtype=np.int64)
        if len(parts) == 1:
            return parts[0]
        return np.sort(np.concatenate(parts))


@dataclass
class Scan:
    """Everything the walk over a FIT byte string found."""

    definitions: list[Definition] = field(default_factory=list)
    #: (content offset, 5-bit time offset) of each compressed-timestamp data message, in file order
    compressed: list[tuple[int, int]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    units: int = 0
    #: (start, end) byte range of the data of each FIT file in the chain
    unit_ranges: list[tuple[int, int]] = field(default_factory=list)
    #: offset of the header of each FIT file (segment) in the chain
    unit_starts: list[int] = field(default_factory=list)
    #: header offset -> whether its 14-byte header carries a CRC (not 0) that held (computed once, here)
    header_crc_held: dict[int, bool] = field(default_factory=dict)


def scan(data: bytes) -> Scan:
    """Walk every FIT file in `data` (chained files follow each other), collecting definitions and rows.

    After each FIT file, the bytes that follow are either the next segment of a chain or trailing
    bytes (see `starts_segment`); trailing bytes are a notice, not an error.
    """
    result = Scan()
    length = len(data)
    pos = 0
    while pos < length:
        unit = result.units + 1
        if unit > 1 and not starts_segment(data, pos):
            result.problems.append(
                Problem(
                    ProblemKind.TRAILING,
                    pos,
                    f"trailing bytes ignored: {length - pos} bytes after the end of the FIT data at offset "
                    f"{pos} are not a FIT file",
                )
            )
            break
        before = len(result.problems)
        pos = _scan_unit(data, pos, unit, result)
        if unit > 1:
            where = f" (segment {unit} of the chained file, starting at offset {result.unit_starts[-1]})"
            result.problems[before:] = [
                dataclasses.replace(p, text=p.text + where) for p in result.problems[before:]
            ]
        if pos < 0:
            break
    return result


def _scan_unit(data: bytes, pos: int, unit: int, result: Scan) -> int:
    """Scan the FIT file (segment) starting at `pos`; return where the next one starts, -1 to stop."""
    length = len(data)
    result.unit_starts.append(pos)
    header_problem = _check_header(data, pos, unit)
    if header_problem is not None:
        result.problems.append(header_problem)
        return -1
    header_size = data[pos]
    data_size = int(struct.unpack_from("<I", data, pos + 4)[0])
    data_start = pos + header_size
    data_end = data_start + data_size
    result.units = unit
    if header_size == 14:
        (header_crc,) = struct.unpack_from("<H", data, pos + 12)
        computed = fit_crc(data, pos, pos + 12)
        result.header_crc_held[pos] = header_crc != 0 and header_crc == computed
        if header_crc not in (0, computed):
            result.problems.append(
                Problem(
                    ProblemKind.HEADER_CRC,
                    pos + 12,
                    f"bad header CRC (header CRC 0x{header_crc:04X}, computed 0x{computed:04X}) "
                    f"at offset {pos + 12}",
                )
            )
    if data_size == 0 and length - data_start > 2:
        result.problems.append(
            Problem(
                ProblemKind.DATA_SIZE_ZERO,
                pos + 4,
                f"the header says the file holds no data (data_size 0) but {length - data_start} bytes "
                f"follow it (offset {pos + 4})",
            )
        )
        data_end = length - 2  # recovery for lenient mode: the rest, less the CRC, is the data
    result.unit_ranges.append((data_start, min(data_end, length)))
    _scan_messages(data, data_start, min(data_end, length), unit, result)
    if data_end + 2 > length:
        if not any(p.kind is ProblemKind.TRUNCATED and p.offset >= pos for p in result.problems):
            expected = data_end + 2 - pos
            result.problems.append(
                Problem(
                    ProblemKind.TRUNCATED,
                    length,
                    f"truncated at offset {length} (expected {expected} bytes for the FIT file "
                    f"starting at offset {pos}, got {length - pos})",
                )
            )
        return -1
    (file_crc,) = struct.unpack_from("<H", data, data_end)
    computed = fit_crc(data, pos, data_end)
    never_computed = data_size == 0 and file_crc == 0  # old Garmin files: no data_size and no CRC
    if file_crc != computed and not never_computed:
        result.problems.append(
            Problem(
                ProblemKind.CRC,
                data_end,
                f"bad CRC (file CRC 0x{file_crc:04X}, computed 0x{computed:04X}) at offset {data_end}",
            )
        )
    return data_end + 2


def starts_segment(data: bytes, pos: int) -> bool:
    """Whether the bytes from `pos` (after a complete FIT file) are the next file of a chain.

    The rule (docs/fit.md, catalogue cases 9 and 11): the bytes are a chained segment when
    - they carry the `.FIT` signature at bytes 8-11, whatever the header size byte says; or
    - the first byte is a header size (12 or 14), the protocol version byte (if present) has major
      version 1 or 2, and either fewer than 12 bytes remain and those agree with the start of a header
      (a cut header), or the header's data_size is not 0 and header + data + CRC fit in what remains
      (a header whose signature is damaged).
    Anything else is trailing bytes (zero padding, a vendor appendix), which are ignored with a warning.
    """
    rest = len(data) - pos
    signature = data[pos + 8 : pos + 12]
    if rest >= 12 and signature == FIT_SIGNATURE:
        return True
    header_size = data[pos]
    if header_size not in HEADER_SIZES:
        return False
    if rest > 1 and data[pos + 1] >> 4 not in (1, 2):
        return False
    if rest < 12:
        return FIT_SIGNATURE.startswith(signature)
    data_size = int(struct.unpack_from("<I", data, pos + 4)[0])
    return bool(data_size > 0 and header_size + data_size + 2 <= rest)


#: leading bytes of formats that are sometimes given a .fit name, and how to name them
_MAGIC = (
    (b"\x1f\x8b", "gzip data; did you mean .fit.gz?"),
    (b"PK\x03\x04", "a zip archive; unpack it first"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF", "a PDF document"),
)


def looks_like(data: bytes) -> str:
    """What non-FIT bytes look like ("" when unknown), for the not-a-FIT-file message."""
    head = data[:256]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    lowered = text[:64].lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "an HTML page"
    if text.startswith(b"<"):
        return "XML (a GPX or TCX file?)"
    if text.startswith((b"{", b"[")):
        return "JSON"
    return ""


def _check_header(data: bytes, pos: int, unit: int) -> Problem | None:
    """The header problem of the FIT file at `pos`, or None when the header is well-formed."""
    rest = len(data) - pos
    header_size = data[pos]
    signature = data[pos + 8 : pos + 12]
    if rest >= 12 and signature == FIT_SIGNATURE:
        if header_size not in HEADER_SIZES:
            return Problem(
                ProblemKind.HEADER_SIZE,
                pos,
                f"bad header size {header_size} at offset {pos} (a FIT header has 12 or 14 bytes)",
            )
        if rest < header_size:
            return Problem(
                ProblemKind.TRUNCATED,
                len(data),
                f"truncated at offset {len(data)} (expected {header_size} header bytes, got {rest})",
            )
        return None
    if rest < 12 and header_size in HEADER_SIZES and FIT_SIGNATURE.startswith(signature):
        return Problem(
            ProblemKind.TRUNCATED,
            len(data),
            f"truncated at offset {len(data)} (expected {header_size} header bytes, got {rest})",
        )
    if unit > 1:
        return Problem(ProblemKind.HEADER, pos, f"corrupt FIT header (no .FIT signature) at offset {pos}")
    what = looks_like(data)
    detected = f"; it looks like {what}" if what else ""
    return Problem(ProblemKind.NOT_FIT, pos, f"not a FIT file (no .FIT signature{detected})")


def _parse_definition(
    data: bytes, pos: int, end: int, unit: int, result: Scan
) -> tuple[Definition | None, int]:
    """Parse the definition message whose header byte is at `pos`; return it and the next offset.

    Field size 0 and a field number declared twice are errors (REJECT); a size that is not a multiple
    of the base type, or an unknown base type, is a notice: the field is kept as bytes (catalogue 13-15).
    """
    header = data[pos]
    if pos + 6 > end:
        _truncated(result, pos, 6, end - pos)
        return None, end
    architecture = data[pos + 2]
    big_endian = architecture == 1
    (global_num,) = struct.unpack_from(">H" if big_endian else "<H", data, pos + 3)
    count = data[pos + 5]
    needed = 6 + 3 * count
    has_developer = bool(header & 0x20)
    if pos + needed + (1 if has_developer else 0) > end:
        _truncated(result, pos, needed + (1 if has_developer else 0), end - pos)
        return None, end
    fields: list[FieldDef] = []
    offset = 0
    triples = data[pos + 6 : pos + needed]
    seen: dict[int, int] = {}
    for i in range(count):
        num, size, raw_base = triples[3 * i], triples[3 * i + 1], triples[3 * i + 2]
        base_num = raw_base & BASE_TYPE_MASK
        base = BASE_TYPES.get(base_num)
        what = f"field {num} of message {global_num}"
        if num in seen:
            result.problems.append(
                Problem(
                    ProblemKind.DUPLICATE_FIELD,
                    pos,
                    f"{what} is declared twice (sizes {seen[num]} and {size} bytes) in the definition "
                    f"at offset {pos}",
                )
            )
        seen.setdefault(num, size)
        if size == 0:
            result.problems.append(
                Problem(
                    ProblemKind.ZERO_SIZE, pos, f"field size 0 ({what}) in the definition at offset {pos}"
                )
            )
            base_num = BYTE_BASE_TYPE
        elif base is None or size % base.size:
            problem = (
                f"unknown base type 0x{raw_base:02X}"
                if base is None
                else f"invalid field size {size} for base type {base.name}"
            )
            result.problems.append(
                Problem(
                    ProblemKind.BAD_FIELD,
                    pos,
                    f"{problem} ({what}) in the definition at offset {pos}; the field was read as bytes",
                    key=f"{problem} ({what})",
                )
            )
            base_num = BYTE_BASE_TYPE  # keep the bytes, decode no number from them
        fields.append(FieldDef(num, size, base_num, offset))
        offset += size
    next_pos = pos + needed
    developer: tuple[tuple[int, int], ...] = ()
    if has_developer:
        developer_count = data[next_pos]
        next_pos += 1
        if next_pos + 3 * developer_count > end:
            _truncated(result, pos, next_pos + 3 * developer_count - pos, end - pos)
            return None, end
        # developer fields are skipped by their size; their meaning lives in field_description messages
        dev = data[next_pos : next_pos + 3 * developer_count]
        offset += sum(dev[3 * i + 1] for i in range(developer_count))
        developer = tuple((dev[3 * i + 2], dev[3 * i]) for i in range(developer_count))
        next_pos += 3 * developer_count
    definition = Definition(global_num, big_endian, tuple(fields), offset, pos, unit, developer)
    result.definitions.append(definition)
    return definition, next_pos


def _truncated(result: Scan, pos: int, expected: int, got: int) -> None:
    result.problems.append(
        Problem(
            ProblemKind.TRUNCATED, pos, f"truncated at offset {pos} (expected {expected} bytes, got {got})"
        )
    )


def _scan_messages(data: bytes, pos: int, end: int, unit: int, result: Scan) -> None:
    """The hot loop: one iteration per message, except runs of identical data headers.

    A run of back-to-back data messages of one local type (the records of a watch) is found with
    numpy: the header bytes at pos, pos + size, pos + 2 * size, ... are compared at once, and every
    leading match is a message of that type (each one starts where the previous ended).
    """
    view = np.frombuffer(data, dtype=np.uint8)
    sizes = [-1] * 16  # message size including the header byte, -1 = undefined
    definitions: list[Definition | None] = [None] * 16
    compressed = result.compressed
    previous = -1
    chunk = 64
    while pos < end:
        header = data[pos]
        if header < 0x40:  # normal data message
            local = header & 0x0F
            size = sizes[local]
            if size < 0:
                _undefined(result, local, pos)
                return
            if header == previous:
                available = (end - pos) // size
                if available >= _MIN_RUN:
                    take = min(available, chunk)
                    mismatch = np.flatnonzero(view[pos : pos + take * size : size] != header)
                    matched = int(mismatch[0]) if mismatch.size else take
                    if matched:
                        definitions[local].runs.append((pos + 1, matched))  # type: ignore[union-attr]
                        pos += matched * size
                        chunk = min(chunk * 4, _MAX_CHUNK) if matched == take else 64
                        if matched < take:
                            previous = -1
                        continue
            next_pos = pos + size
            if next_pos > end:
                _truncated(result, pos, size, end - pos)
                return
            definitions[local].singles.append(pos + 1)  # type: ignore[union-attr]
            previous = header
            pos = next_pos
        elif header & 0x80:  # compressed-timestamp data message
            local = (header >> 5) & 0x03
            size = sizes[local]
            if size < 0:
                _undefined(result, local, pos)
                return
            if pos + size > end:
                _truncated(result, pos, size, end - pos)
                return
            definitions[local].singles.append(pos + 1)  # type: ignore[union-attr]
            compressed.append((pos + 1, header & 0x1F))
            previous = -1
            pos += size
        else:  # definition message
            definition, pos = _parse_definition(data, pos, end, unit, result)
            if definition is None:
                return
            local = header & 0x0F
            definitions[local] = definition
            sizes[local] = definition.size + 1
            previous = -1


def _undefined(result: Scan, local: int, pos: int) -> None:
    result.problems.append(
        Problem(ProblemKind.UNDEFINED_LOCAL, pos, f"undefined local message type {local} at offset {pos}")
    )
