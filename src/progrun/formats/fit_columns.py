"""Whole-column reads of FIT data messages: one numpy view per definition, not one dict per message.

For every definition `fit_container.scan()` collected the offsets of its data messages. When they are
evenly spaced (the common case: a run of records) the rows are viewed in place through a structured
dtype with the message's stride; otherwise they are gathered with one fancy-indexing step. Each wanted
field becomes a float64 column with the profile's scale and offset applied and invalid values as NaN.
A numeric field whose definition is malformed is kept as bytes (`MessageTable.raw`); string values that
are not UTF-8 are decoded with replacement characters and listed (`MessageTable.bad_strings`).
`developer_notices` checks the developer-data metadata (field_description, developer_data_id).
"""

from __future__ import annotations

import dataclasses
import math
import struct
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from progrun.formats.fit_container import Definition, FieldDef, Problem, ProblemKind, Scan
from progrun.formats.fit_profile import BASE_TYPES, FIELDS, MESG_NUM

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
TIMESTAMP_FIELD = 253
_STRING = 7
_BYTE = 13
_TIMESTAMP_INVALID = 0xFFFFFFFF


@dataclass(frozen=True)
class MessageTable:
    """All messages of one global type in file order: offsets, scaled numeric columns, strings, raw bytes."""

    offsets: IntArray
    columns: dict[str, FloatArray]
    strings: dict[str, list[str]] = field(default_factory=dict)
    #: byte-array fields (like compressed_speed_distance, or a numeric field whose definition is malformed):
    #: (n, size) uint8, all 0xFF where absent
    raw: dict[str, npt.NDArray[np.uint8]] = field(default_factory=dict)
    #: (field name, message offset) of string values that were not valid UTF-8 (characters replaced)
    bad_strings: tuple[tuple[str, int], ...] = ()

    def __len__(self) -> int:
        return len(self.offsets)

    def column(self, name: str) -> FloatArray:
        """A column by field name; all NaN when no message carries the field."""
        values = self.columns.get(name)
        return values if values is not None else np.full(len(self.offsets), np.nan)


@dataclass(frozen=True)
class CompressedTimes:
    """Timestamps resolved for compressed-timestamp messages, by content offset (sorted)."""

    offsets: IntArray
    timestamps: FloatArray


def _row_view(data: bytes, rows: IntArray, dtype: np.dtype[np.void]) -> npt.NDArray[np.void]:
    """The data messages at `rows` seen through the structured dtype, zero-copy when evenly spaced."""
    count = len(rows)
    itemsize = dtype.itemsize
    if count == 1:
        return np.ndarray((1,), dtype=dtype, buffer=data, offset=int(rows[0]))
    stride = int(rows[1] - rows[0])
    if stride >= itemsize and int(rows[-1] - rows[0]) == stride * (count - 1):
        steps = np.diff(rows)
        if bool(np.all(steps == stride)):
            return np.ndarray((count,), dtype=dtype, buffer=data, offset=int(rows[0]), strides=(stride,))
    buffer = np.frombuffer(data, dtype=np.uint8)
    gathered = buffer[rows[:, None] + np.arange(itemsize)]
    result: npt.NDArray[np.void] = gathered.view(dtype).reshape(count)
    return result


#: struct format character of each numpy kind, for the small-table path
_STRUCT_CHAR = {
    "u1": "B", "i1": "b", "u2": "H", "i2": "h", "u4": "I", "i4": "i",
    "u8": "Q", "i8": "q", "f4": "f", "f8": "d",
}  # fmt: skip
#: at most this many messages of a definition are decoded with `struct` rather than numpy views
_SMALL = 16


@dataclass(frozen=True)
class _Numeric:
    name: str
    offset: int
    kind: str
    invalid: int
    scale: float
    shift: float


@dataclass(frozen=True)
class _Plan:
    """How to read the wanted fields of one definition (cached: devices repeat their definitions)."""

    dtype: np.dtype[np.void] | None
    numeric: tuple[_Numeric, ...]
    byte_fields: tuple[tuple[str, int, int], ...]  # name, offset, size
    string_fields: tuple[tuple[str, int, int], ...]
    struct_format: str


@lru_cache(maxsize=4096)
def _plan(mesg_name: str, fields: tuple[FieldDef, ...], big_endian: bool, size: int) -> _Plan:
    order = ">" if big_endian else "<"
    by_num: dict[int, FieldDef] = {}
    for candidate in fields:
        by_num.setdefault(candidate.num, candidate)  # the first of duplicated field numbers wins
    names: list[str] = []
    formats: list[str] = []
    offsets: list[int] = []
    numeric: list[_Numeric] = []
    byte_fields: list[tuple[str, int, int]] = []
    string_fields: list[tuple[str, int, int]] = []
    for name, profile in FIELDS[mesg_name].items():
        found = by_num.get(profile.num)
        if found is None:
            continue
        if profile.base_type == "string":
            if found.base_type == _STRING:
                string_fields.append((name, found.offset, found.size))
            continue
        if found.base_type == _STRING:
            continue  # a number declared as a string: nothing certain to decode
        if profile.base_type == "byte" or found.base_type == _BYTE:
            # a byte field, or a malformed numeric one (size not a multiple of its base type): its bytes
            byte_fields.append((name, found.offset, found.size))
            names.append(name)
            formats.append(f"({found.size},)u1")
            offsets.append(found.offset)
            continue
        base = BASE_TYPES[found.base_type]
        names.append(name)
        formats.append(order + base.kind)
        offsets.append(found.offset)
        invalid = -1 if base.kind[0] == "f" else base.invalid
        numeric.append(_Numeric(name, found.offset, base.kind, invalid, profile.scale, profile.offset))
    dtype = None
    if names and size > 0:
        dtype = np.dtype({"names": names, "formats": formats, "offsets": offsets, "itemsize": size})
    struct_format = order
    position = 0
    for field_plan in sorted(numeric, key=lambda n: n.offset):
        struct_format += f"{field_plan.offset - position}x" + _STRUCT_CHAR[field_plan.kind]
        position = field_plan.offset + int(field_plan.kind[1])
    return _Plan(dtype, tuple(numeric), tuple(byte_fields), tuple(string_fields), struct_format)


Columns = dict[str, FloatArray]
Strings = dict[str, list[str]]
RawBytes = dict[str, npt.NDArray[np.uint8]]


def _decode_small(
    data: bytes, plan: _Plan, rows: list[int], bad: list[tuple[str, int]]
) -> tuple[dict[str, list[float]], Strings, dict[str, list[bytes]]]:
    """A few messages: `struct` and plain lists beat numpy's per-call overhead."""
    columns: dict[str, list[float]] = {}
    if plan.numeric:
        unpacked = [struct.unpack_from(plan.struct_format, data, row) for row in rows]
        for i, numeric in enumerate(sorted(plan.numeric, key=lambda n: n.offset)):
            invalid, scale, shift = numeric.invalid, numeric.scale, numeric.shift
            columns[numeric.name] = [
                math.nan if values[i] == invalid else values[i] / scale - shift for values in unpacked
            ]
    raw_bytes = {
        name: [data[row + offset : row + offset + size] for row in rows]
        for name, offset, size in plan.byte_fields
    }
    return columns, _strings(data, plan, rows, bad), raw_bytes


def _strings(data: bytes, plan: _Plan, rows: list[int], bad: list[tuple[str, int]]) -> Strings:
    """String fields, cut at the first NUL; bytes that are not UTF-8 become U+FFFD and are listed in `bad`
    as (field name, message offset)."""
    result: Strings = {}
    for name, offset, size in plan.string_fields:
        values = []
        for row in rows:
            raw = data[row + offset : row + offset + size].split(b"\x00", 1)[0]
            try:
                values.append(raw.decode("utf-8"))
            except UnicodeDecodeError:
                values.append(raw.decode("utf-8", "replace"))
                bad.append((name, row - 1))
        result[name] = values
    return result


def _decode_large(data: bytes, plan: _Plan, rows: IntArray) -> tuple[Columns, RawBytes]:
    columns: Columns = {}
    raw_bytes: RawBytes = {}
    if plan.dtype is None:
        return columns, raw_bytes
    view = _row_view(data, rows, plan.dtype)
    for numeric in plan.numeric:
        raw = view[numeric.name]
        values = raw.astype(np.float64)
        if numeric.invalid >= 0:
            np.putmask(values, raw == numeric.invalid, np.nan)
        if numeric.scale != 1.0 or numeric.shift != 0.0:
            values = values / numeric.scale - numeric.shift
        columns[numeric.name] = values
    for name, _, size in plan.byte_fields:
        raw_bytes[name] = np.ascontiguousarray(view[name]).reshape(len(rows), size)
    return columns, raw_bytes


def _raw_matrix(chunks: list[bytes]) -> npt.NDArray[np.uint8]:
    width = max((len(c) for c in chunks), default=0)
    return np.array([list(c.ljust(width, b"\xff")) for c in chunks], dtype=np.uint8).reshape(
        len(chunks), width
    )


def read_table(
    data: bytes, scan: Scan, mesg_name: str, compressed: CompressedTimes | None = None
) -> MessageTable:
    """Every message `mesg_name` in the scanned file, with the profile fields we use decoded."""
    global_num = MESG_NUM[mesg_name]
    parts = [d for d in scan.definitions if d.global_num == global_num and (d.singles or d.runs)]
    if not parts:
        return MessageTable(np.zeros(0, dtype=np.int64), {})
    plans = [_plan(mesg_name, d.fields, d.big_endian, d.size) for d in parts]
    part_rows = [d.rows() for d in parts]
    total = sum(len(rows) for rows in part_rows)
    small = total <= _SMALL
    bad: list[tuple[str, int]] = []
    table = _read_small(data, plans, part_rows, bad) if small else _read_large(data, plans, part_rows, bad)
    if bad:
        table = dataclasses.replace(table, bad_strings=tuple(sorted(bad, key=lambda b: b[1])))
    if compressed is not None and len(compressed.offsets) and "timestamp" in FIELDS[mesg_name]:
        table = _with_compressed_times(table, compressed)
    return table


def _read_small(
    data: bytes, plans: list[_Plan], part_rows: list[IntArray], bad: list[tuple[str, int]]
) -> MessageTable:
    offsets: list[int] = []
    columns: dict[str, list[float]] = {}
    strings: dict[str, list[str]] = {}
    raw: dict[str, list[bytes]] = {}
    for plan, rows_array in zip(plans, part_rows, strict=True):
        rows = rows_array.tolist()
        part_columns, part_strings, part_raw = _decode_small(data, plan, rows, bad)
        before, added = len(offsets), len(rows)
        for name in part_columns.keys() | columns.keys():
            columns.setdefault(name, [math.nan] * before).extend(part_columns.get(name, [math.nan] * added))
        for name in part_strings.keys() | strings.keys():
            strings.setdefault(name, [""] * before).extend(part_strings.get(name, [""] * added))
        for name in part_raw.keys() | raw.keys():
            raw.setdefault(name, [b""] * before).extend(part_raw.get(name, [b""] * added))
        offsets.extend(rows)
    order = sorted(range(len(offsets)), key=offsets.__getitem__)
    if order != list(range(len(offsets))):
        offsets = [offsets[i] for i in order]
        columns = {k: [v[i] for i in order] for k, v in columns.items()}
        strings = {k: [v[i] for i in order] for k, v in strings.items()}
        raw = {k: [v[i] for i in order] for k, v in raw.items()}
    return MessageTable(
        np.array(offsets, dtype=np.int64),
        {k: np.array(v, dtype=np.float64) for k, v in columns.items()},
        strings,
        {k: _raw_matrix(v) for k, v in raw.items()},
    )


def _read_large(
    data: bytes, plans: list[_Plan], part_rows: list[IntArray], bad: list[tuple[str, int]]
) -> MessageTable:
    decoded = [_decode_large(data, plan, rows) for plan, rows in zip(plans, part_rows, strict=True)]
    strings_parts = [
        _strings(data, plan, rows.tolist(), bad) for plan, rows in zip(plans, part_rows, strict=True)
    ]
    if len(plans) == 1:
        columns, raw = decoded[0]
        return MessageTable(part_rows[0], columns, strings_parts[0], raw)
    offsets = np.concatenate(part_rows)
    order = np.argsort(offsets, kind="stable")
    sizes = [len(rows) for rows in part_rows]
    columns = {}
    for name in {n for c, _ in decoded for n in c}:
        merged = np.concatenate(
            [c.get(name, np.full(n, np.nan)) for (c, _), n in zip(decoded, sizes, strict=True)]
        )
        columns[name] = merged[order]
    strings: Strings = {}
    for name in {n for s in strings_parts for n in s}:
        merged_strings = [t for s, n in zip(strings_parts, sizes, strict=True) for t in s.get(name, [""] * n)]
        strings[name] = [merged_strings[i] for i in order.tolist()]
    raw_bytes: RawBytes = {}
    for name in {n for _, r in decoded for n in r}:
        width = max(r[name].shape[1] for _, r in decoded if name in r)
        blocks = []
        for (_, r), n in zip(decoded, sizes, strict=True):
            block = np.full((n, width), 0xFF, dtype=np.uint8)
            if name in r:
                block[:, : r[name].shape[1]] = r[name]
            blocks.append(block)
        raw_bytes[name] = np.concatenate(blocks)[order]
    return MessageTable(offsets[order], columns, strings, raw_bytes)


def _with_compressed_times(table: MessageTable, compressed: CompressedTimes) -> MessageTable:
    offsets = table.offsets
    index = np.searchsorted(compressed.offsets, offsets)
    index[index >= len(compressed.offsets)] = 0
    hit = compressed.offsets[index] == offsets
    if not hit.any():
        return table
    timestamps = table.column("timestamp").copy()
    timestamps[hit] = compressed.timestamps[index[hit]]
    return dataclasses.replace(table, columns={**table.columns, "timestamp": timestamps})


def resolve_compressed(data: bytes, scan: Scan) -> CompressedTimes | None:
    """Absolute timestamps of compressed-timestamp messages.

    A compressed header carries the low 5 bits of the time; the rest comes from the last timestamp
    before it in the file (a full `timestamp` field of any message, or an earlier compressed one):
    `t = last + ((offset5 - last) mod 32)`. Vectorised: within each stretch after a full timestamp
    the increments are summed cumulatively.
    """
    if not scan.compressed:
        return None
    full_offsets: list[IntArray] = []
    full_values: list[FloatArray] = []
    for definition in scan.definitions:
        found = definition.field(TIMESTAMP_FIELD)
        if found is None or not definition.count or found.size != 4 or found.base_type in (_BYTE, _STRING):
            continue
        rows = definition.rows()
        dtype = np.dtype(
            {
                "names": ["t"],
                "formats": [(">" if definition.big_endian else "<") + "u4"],
                "offsets": [found.offset],
                "itemsize": definition.size,
            }
        )
        values = _row_view(data, rows, dtype)["t"]
        valid = values != _TIMESTAMP_INVALID
        full_offsets.append(rows[valid])
        full_values.append(values[valid].astype(np.float64))
    compressed = np.array(scan.compressed, dtype=np.int64).reshape(-1, 2)
    all_offsets = np.concatenate([*full_offsets, compressed[:, 0]])
    values = np.concatenate([*full_values, compressed[:, 1].astype(np.float64)])
    is_full = np.concatenate(
        [np.ones(sum(len(o) for o in full_offsets), dtype=bool), np.zeros(len(compressed), dtype=bool)]
    )
    order = np.argsort(all_offsets, kind="stable")
    all_offsets, values, is_full = all_offsets[order], values[order], is_full[order]
    integer = values.astype(np.int64)
    low5 = integer & 31
    previous = np.concatenate([[0], low5[:-1]])
    delta = np.where(is_full, 0, (integer - previous) & 31)
    group = np.cumsum(is_full)
    bases = np.concatenate([[0], integer[is_full]])
    sums = np.cumsum(delta)
    sums_at_base = np.concatenate([[0], sums[is_full]])
    resolved = bases[group] + sums - sums_at_base[group]
    keep = ~is_full
    return CompressedTimes(all_offsets[keep], resolved[keep].astype(np.float64))


FIELD_DESCRIPTION = 206
DEVELOPER_DATA_ID = 207
_BYTE_INVALID = 0xFF


def _byte_field(data: bytes, definition: Definition, num: int, row: int) -> bytes | None:
    found = definition.field(num)
    if found is None or found.size == 0:
        return None
    return data[row + found.offset : row + found.offset + found.size]


def developer_notices(data: bytes, result: Scan) -> list[Problem]:
    """Developer fields used before their field_description, developer_data_id without application_id.

    Developer fields are always skipped by their declared sizes, so native fields are unaffected;
    these are notices (catalogue case 19).
    """
    using = [d for d in result.definitions if d.developer and d.count]
    ids = [d for d in result.definitions if d.global_num == DEVELOPER_DATA_ID and d.count]
    if not using and not ids:
        return []
    described: dict[tuple[int, int, int], int] = {}  # (unit, developer index, field number) -> offset
    for definition in result.definitions:
        if definition.global_num != FIELD_DESCRIPTION:
            continue
        for row in definition.rows().tolist():
            index_bytes = _byte_field(data, definition, 0, row)
            number_bytes = _byte_field(data, definition, 1, row)
            if index_bytes and number_bytes:
                described.setdefault((definition.unit, index_bytes[0], number_bytes[0]), row)
    notices: list[Problem] = []
    for definition in using:
        first = int(definition.rows()[0])
        for index, number in definition.developer:
            described_at = described.get((definition.unit, index, number))
            if described_at is None or described_at > first:
                what = f"developer field {number} of developer data index {index}"
                notices.append(
                    Problem(
                        ProblemKind.DEVELOPER,
                        first - 1,
                        f"{what} is used at offset {first - 1} before any field_description of it; "
                        "it was skipped (native fields are unaffected)",
                        key=what,
                    )
                )
    for definition in ids:
        for row in definition.rows().tolist():
            application = _byte_field(data, definition, 1, row)
            if application is None or all(b == _BYTE_INVALID for b in application):
                notices.append(
                    Problem(
                        ProblemKind.DEVELOPER,
                        row - 1,
                        f"developer_data_id at offset {row - 1} has no application_id; its developer "
                        "fields were skipped (native fields are unaffected)",
                        key="developer_data_id without application_id",
                    )
                )
    return notices
