"""A tiny FIT byte builder for tests, checked against Garmin's CRC (plus the catalogue's file types)."""

from __future__ import annotations

import struct

from garmin_fit_sdk import CrcCalculator

UINT8, ENUM, UINT16, SINT32, UINT32 = 0x02, 0x00, 0x84, 0x85, 0x86
T0 = 1_000_000_000  # a FIT timestamp: 2021-09-08T01:46:40Z; T0 % 32 == 0
RECORD_FIELDS = ((253, 4, UINT32), (0, 4, SINT32), (1, 4, SINT32), (5, 4, UINT32), (3, 1, UINT8))


# --- a tiny FIT byte builder, checked against Garmin's CRC ---------------------------------------


def fit_bytes(*messages: bytes, header_size: int = 14, header_crc: bool = True) -> bytes:
    body = b"".join(messages)
    header = struct.pack("<BBHI4s", header_size, 0x20, 2100, len(body), b".FIT")
    if header_size == 14:
        header += struct.pack("<H", CrcCalculator.calculate_crc(header, 0, 12) if header_crc else 0)
    data = header + body
    return data + struct.pack("<H", CrcCalculator.calculate_crc(data, 0, len(data)))


def definition(
    local: int,
    global_num: int,
    fields: tuple[tuple[int, int, int], ...],
    *,
    big: bool = False,
    developer: tuple[tuple[int, int, int], ...] = (),
) -> bytes:
    header = 0x40 | local | (0x20 if developer else 0)
    out = bytes([header, 0, 1 if big else 0]) + struct.pack(">H" if big else "<H", global_num)
    out += bytes([len(fields)]) + b"".join(bytes(f) for f in fields)
    if developer:
        out += bytes([len(developer)]) + b"".join(bytes(f) for f in developer)
    return out


def message(local: int, fmt: str, *values: int | bytes, big: bool = False) -> bytes:
    return bytes([local]) + struct.pack((">" if big else "<") + fmt, *values)


def record_file(*, big: bool = False, header_size: int = 14, header_crc: bool = True) -> bytes:
    rows = [
        message(0, "IiiIB", T0 + i, 600_000_000 + i * 1000, -1_000_000 + i, i * 250, 140 + i, big=big)
        for i in range(5)
    ]
    return fit_bytes(
        definition(0, 20, RECORD_FIELDS, big=big), *rows, header_size=header_size, header_crc=header_crc
    )


# --- container features ---------------------------------------------------------------------------


STRING = 0x07
BYTE = 0x0D
SETTINGS, WORKOUT, MONITORING_A = 2, 5, 15


def file_id(file_type: int = 4, *, local: int = 1, product_name: bytes | None = None) -> bytes:
    fields: tuple[tuple[int, int, int], ...] = ((0, 1, ENUM), (1, 2, UINT16))
    values: tuple[int | bytes, ...] = (file_type, 1)  # manufacturer 1 = garmin
    fmt = "BH"
    if product_name is not None:
        fields += ((8, len(product_name), STRING),)
        values += (product_name,)
        fmt += f"{len(product_name)}s"
    return definition(local, 0, fields) + bytes([local]) + struct.pack("<" + fmt, *values)


def records(count: int = 3, *, local: int = 0) -> list[bytes]:
    return [definition(local, 20, ((253, 4, UINT32), (3, 1, UINT8)))] + [
        message(local, "IB", T0 + i, 150 + i) for i in range(count)
    ]


def set_data_size(data: bytes, data_size: int) -> bytes:
    """`data` with another data_size in its (14-byte) header and the header CRC recomputed."""
    patched = bytearray(data)
    struct.pack_into("<I", patched, 4, data_size)
    struct.pack_into("<H", patched, 12, CrcCalculator.calculate_crc(bytes(patched), 0, 12))
    return bytes(patched)
