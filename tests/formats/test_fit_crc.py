"""The vectorised FIT CRC equals the byte-at-a-time CRC-16/ARC for every length, offset and block boundary."""

from __future__ import annotations

import random

import pytest

from progrun.formats.fit_crc import BLOCK, fit_crc


def _crc_byte_at_a_time(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def test_the_standard_check_value() -> None:
    # CRC-16/ARC of "123456789" is 0xBB3D (the catalogue of parametrised CRC algorithms).
    assert fit_crc(b"123456789") == 0xBB3D


@pytest.mark.parametrize(
    "length", [0, 1, 12, 63, 64, 65, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 17, 4096 * BLOCK + 5]
)
def test_every_length_matches_the_byte_at_a_time_crc(length: int) -> None:
    data = random.Random(length).randbytes(length)
    assert fit_crc(data) == _crc_byte_at_a_time(data)


@pytest.mark.parametrize("seed", range(6))
def test_a_slice_of_a_buffer_is_the_crc_of_that_slice(seed: int) -> None:
    rng = random.Random(seed)
    data = rng.randbytes(rng.randrange(2_000, 20_000))
    start = rng.randrange(0, 1_000)
    end = rng.randrange(start, len(data))
    assert fit_crc(memoryview(data), start, end) == _crc_byte_at_a_time(data[start:end])


def test_all_zero_and_all_ones_blocks() -> None:
    for data in (bytes(5 * BLOCK), b"\xff" * (5 * BLOCK + 3)):
        assert fit_crc(data) == _crc_byte_at_a_time(data)
