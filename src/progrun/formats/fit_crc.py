"""The FIT CRC-16 (CRC-16/ARC: reflected polynomial 0xA001, initial value 0), vectorised with numpy.

A byte-at-a-time Python loop manages about 10 MB/s, which would cost more than decoding a whole FIT
file. The CRC is linear over GF(2) with a zero initial value, so the CRC of a block is the XOR of each
byte's contribution, and a table of contributions by (distance to the block end, byte value) turns a
block into one gather and one XOR-reduction. Blocks are chained through a precomputed 16-bit shift.
Leading zero bytes do not change a zero-initialised CRC, so a short first block (the length's
remainder) is summed as if zero-padded at the front, and the whole blocks after it are gathered
straight from the bytes (no padded copy of the input), CHUNK_BLOCKS blocks at a time.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import numpy.typing as npt

#: Bytes per block: a 128 KiB contribution table (stays in cache), few blocks to chain in Python.
BLOCK = 256
#: Blocks gathered at once (1 MiB of input, an 8 MiB index): memory bounded whatever the file's size.
CHUNK_BLOCKS = 4096
_POLY = 0xA001

U16Array = npt.NDArray[np.uint16]


def _byte_table() -> U16Array:
    table = np.zeros(256, dtype=np.uint16)
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ _POLY if crc & 1 else crc >> 1
        table[byte] = crc
    return table


def _shift(low: U16Array, high: U16Array, state: U16Array) -> U16Array:
    """A linear map of CRC states, given by where it sends the low and the high byte."""
    result: U16Array = low[state & 0xFF] ^ high[state >> 8]
    return result


@cache
def _tables() -> tuple[U16Array, U16Array, U16Array]:
    """(byte table, flat contribution table [distance * 256 + byte], shift tables low/high).

    Feeding k zero bytes is a linear map of the 16-bit state, so it is known by where it sends the 256
    low-byte and 256 high-byte states. Maps double (k zero bytes twice is 2k), and the contribution rows
    [k, 2k) are the rows [0, k) moved on by k zero bytes: eight doublings build the 256-row table and the
    256-byte block shift in a few dozen array operations, not one per row (about 3 ms at every start).
    """
    byte_table = _byte_table()
    values = np.arange(256, dtype=np.uint16)
    # One zero byte: crc = (crc >> 8) ^ table[crc & 0xFF]
    low = byte_table.copy()
    high = values.copy()  # v << 8 goes to v: its low byte is 0 and table[0] is 0
    contributions = byte_table.reshape(1, 256)  # a byte with no byte after it
    shifted = 1
    while shifted < BLOCK:
        moved = _shift(low, high, contributions)
        contributions = np.concatenate([contributions, moved])
        low, high = _shift(low, high, low), _shift(low, high, high)
        shifted *= 2
    return byte_table, contributions.reshape(-1), np.concatenate([low, high]).astype(np.uint16)


@cache
def _position_base() -> npt.NDArray[np.intp]:
    """Row of the contribution table for each position in a block: the last byte has distance 0."""
    return np.arange(BLOCK - 1, -1, -1, dtype=np.intp) * 256


@cache
def _byte_list() -> list[int]:
    """The byte table as Python ints, for short inputs (a 12-byte header)."""
    return [int(value) for value in _tables()[0]]


@cache
def _shift_list() -> list[int]:
    """The block shift tables (low byte, then high byte) as Python ints, for the chaining loop."""
    return [int(value) for value in _tables()[2]]


def fit_crc(data: bytes | memoryview, start: int = 0, end: int | None = None) -> int:
    """The FIT CRC-16 of data[start:end]."""
    stop = len(data) if end is None else end
    length = stop - start
    if length <= 0:
        return 0
    _, contributions, _ = _tables()
    if length < 64:
        crc = 0
        table = _byte_list()
        for byte in bytes(data[start:stop]):
            crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
        return crc
    position_base = _position_base()
    view = np.frombuffer(data, dtype=np.uint8, count=length, offset=start)
    head = length % BLOCK
    crc = 0
    if head:  # the first, short block: its bytes at the last `head` positions of a block
        crc = int(np.bitwise_xor.reduce(contributions[position_base[BLOCK - head :] + view[:head]]))
    if length >= BLOCK:
        blocks = view[head:].reshape(-1, BLOCK)
        shift_list = _shift_list()
        # A slice of blocks at a time: the gather's index (8 bytes a byte) stays a few MB, not 8x the file.
        for first in range(0, len(blocks), CHUNK_BLOCKS):
            index = np.add(blocks[first : first + CHUNK_BLOCKS], position_base, dtype=np.intp)
            for block_crc in np.bitwise_xor.reduce(contributions[index], axis=1).tolist():
                crc = shift_list[crc & 0xFF] ^ shift_list[256 + (crc >> 8)] ^ block_crc
    return crc
