"""The FIT container: file headers, chained files, CRCs and the walk over message headers.

`scan()` is the only per-message Python loop of the reader. It reads each record header, parses
definition messages, and appends the offset of every data message to the list of the definition
it uses; the field values are read later, a whole column at a time, by `fit_columns`.

Problems (bad CRC, truncation, undefined local message types, malformed definitions) do not raise
here: they are collected as `Problem`s with their byte offset, and the reader decides, after the
whole file was decoded, whether to raise (strict) or warn (lenient). A message stream cannot be
resynchronised after a structural problem, so scanning stops at the first one in each FIT file.
"""

from __future__ import annotations

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
    """What is wrong with a FIT file."""

    NOT_FIT = "not_fit"
    HEADER = "header"
    CRC = "crc"
    TRUNCATED = "truncated"
    UNDEFINED_LOCAL = "undefined_local"
    BAD_FIELD = "bad_field"
    TRAILING = "trailing"


@dataclass(frozen=True)
class Problem:
    """One problem found while decoding, with the byte offset where it is."""

    kind: ProblemKind
    offset: int
    text: str


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


def scan(data: bytes) -> Scan:
    """Walk every FIT file in `data` (chained files follow each other), collecting definitions and rows."""
    result = Scan()
    length = len(data)
    pos = 0
    while pos < length:
        unit = result.units + 1
        header_problem = _check_header(data, pos, unit)
        if header_problem is not None:
            result.problems.append(header_problem)
            break
        header_size = data[pos]
        (data_size,) = struct.unpack_from("<I", data, pos + 4)
        data_start = pos + header_size
        data_end = data_start + data_size
        result.units = unit
        result.unit_ranges.append((data_start, min(data_end, length)))
        if header_size == 14:
            (header_crc,) = struct.unpack_from("<H", data, pos + 12)
            computed = fit_crc(data, pos, pos + 12)
            if header_crc not in (0, computed):
                result.problems.append(
                    Problem(
                        ProblemKind.HEADER,
                        pos + 12,
                        f"bad header CRC (header CRC 0x{header_crc:04X}, computed 0x{computed:04X}) "
                        f"at offset {pos + 12}",
                    )
                )
        if data_size == 0 and length - data_start > 2:
            result.problems.append(
                Problem(
                    ProblemKind.HEADER,
                    pos + 4,
                    f"the header says the file holds no data (data_size 0) but {length - data_start} bytes "
                    f"follow it (offset {pos + 4})",
                )
            )
        _scan_messages(data, data_start, min(data_end, length), unit, result)
        if data_end + 2 > length:
            if not any(p.kind is ProblemKind.TRUNCATED and p.offset >= pos for p in result.problems):
                expected = data_end + 2 - pos
                result.problems.append(
                    Problem(
                        ProblemKind.TRUNCATED,
                        length,
                        f"truncated at offset {length} (expected {expected} bytes for FIT file {unit} "
                        f"starting at offset {pos}, got {length - pos})",
                    )
                )
            break
        (file_crc,) = struct.unpack_from("<H", data, data_end)
        computed = fit_crc(data, pos, data_end)
        if file_crc != computed:
            result.problems.append(
                Problem(
                    ProblemKind.CRC,
                    data_end,
                    f"bad CRC (file CRC 0x{file_crc:04X}, computed 0x{computed:04X}) at offset {data_end}"
                    + (f" (FIT file {unit} of the chain)" if unit > 1 else ""),
                )
            )
        pos = data_end + 2
    return result


def _check_header(data: bytes, pos: int, unit: int) -> Problem | None:
    length = len(data)
    where = "" if unit == 1 else f" (FIT file {unit} of the chain)"
    header_size = data[pos]
    if length - pos >= 12 and data[pos + 8 : pos + 12] == FIT_SIGNATURE and header_size in HEADER_SIZES:
        if length - pos < header_size:
            return Problem(
                ProblemKind.TRUNCATED,
                pos,
                f"truncated at offset {pos} (expected {header_size} header bytes, got {length - pos}){where}",
            )
        return None
    if unit == 1:
        available = length - pos
        signature = data[pos + 8 : pos + 12]
        if available < 12 and header_size in HEADER_SIZES and FIT_SIGNATURE.startswith(signature):
            return Problem(
                ProblemKind.TRUNCATED,
                length,
                f"truncated at offset {length} (expected {header_size} header bytes, got {available})",
            )
        return Problem(ProblemKind.NOT_FIT, pos, "not a FIT file (no .FIT signature)")
    if (
        length - pos < 12
        and FIT_SIGNATURE.startswith(data[pos + 8 : pos + 12])
        and header_size in HEADER_SIZES
    ):
        return Problem(
            ProblemKind.TRUNCATED,
            pos,
            f"truncated at offset {pos} (expected {header_size} header bytes, got {length - pos}){where}",
        )
    if length - pos >= 12 and data[pos + 8 : pos + 12] == FIT_SIGNATURE:
        return Problem(
            ProblemKind.HEADER, pos, f"corrupt FIT header (header size {header_size}) at offset {pos}{where}"
        )
    if length - pos >= 12 and header_size in HEADER_SIZES:
        return Problem(
            ProblemKind.HEADER, pos, f"corrupt FIT header (no .FIT signature) at offset {pos}{where}"
        )
    return Problem(
        ProblemKind.TRAILING,
        pos,
        f"{length - pos} bytes after the end of the FIT data at offset {pos} are not a FIT file{where}",
    )


def _parse_definition(
    data: bytes, pos: int, end: int, unit: int, result: Scan
) -> tuple[Definition | None, int]:
    """Parse the definition message whose header byte is at `pos`; return it and the next offset."""
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
    for i in range(count):
        num, size, raw_base = triples[3 * i], triples[3 * i + 1], triples[3 * i + 2]
        base_num = raw_base & BASE_TYPE_MASK
        base = BASE_TYPES.get(base_num)
        if base is None or size == 0 or size % base.size:
            type_name = base.name if base is not None else f"0x{raw_base:02X}"
            result.problems.append(
                Problem(
                    ProblemKind.BAD_FIELD,
                    pos,
                    f"invalid field size {size} for base type {type_name} "
                    f"(field {num} of message {global_num}) in the definition at offset {pos}",
                )
            )
            base_num = BYTE_BASE_TYPE  # keep the bytes, decode nothing from them
        fields.append(FieldDef(num, size, base_num, offset))
        offset += size
    next_pos = pos + needed
    if has_developer:
        developer_count = data[next_pos]
        next_pos += 1
        if next_pos + 3 * developer_count > end:
            _truncated(result, pos, next_pos + 3 * developer_count - pos, end - pos)
            return None, end
        # developer fields are skipped by their size; their meaning lives in field_description messages
        offset += sum(data[next_pos + 3 * i + 1] for i in range(developer_count))
        next_pos += 3 * developer_count
    definition = Definition(global_num, big_endian, tuple(fields), offset, pos, unit)
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
