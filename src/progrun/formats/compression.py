"""Bounded gzip decompression for `.fit.gz`, `.gpx.gz` and `.tcx.gz` (Strava bulk exports).

`gzip.decompress()` has no output limit: 194 KB of gzip expands to 200 MB of zeros. This module
decompresses in chunks and stops as soon as the bytes actually produced pass the budget, so memory
stays bounded by the budget whatever the header or the trailer claims.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from progrun.errors import CorruptFile, UnsafeFile

GZIP_MAGIC = b"\x1f\x8b"
#: The most bytes a compressed file may expand to (whatever its ratio).
MAX_DECOMPRESSED_BYTES = 200 * 1024 * 1024
#: Past FLOOR_BYTES of output, refuse an expansion of more than MAX_RATIO times the input.
MAX_RATIO = 100
FLOOR_BYTES = 16 * 1024 * 1024
#: Gzip inside gzip is unwrapped this many times at most (a gzip quine never ends).
MAX_LAYERS = 2
CHUNK_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Decompressed:
    """The payload of a gzip file and how many gzip layers were removed."""

    data: bytes
    layers: int


def is_gzip(data: bytes) -> bool:
    """Whether `data` starts with the gzip magic number."""
    return data[:2] == GZIP_MAGIC


def decompression_budget(compressed_bytes: int, max_bytes: int = MAX_DECOMPRESSED_BYTES) -> int:
    """The most bytes `compressed_bytes` of gzip may expand to: max(floor, ratio x input), capped."""
    return min(max_bytes, max(FLOOR_BYTES, MAX_RATIO * compressed_bytes))


def gunzip(data: bytes, *, name: str, max_bytes: int = MAX_DECOMPRESSED_BYTES) -> Decompressed:
    """Remove up to MAX_LAYERS gzip layers from `data`, never producing more than the budget.

    Raises UnsafeFile when the output would pass the budget or the nesting is deeper than
    MAX_LAYERS, and CorruptFile for a damaged gzip stream (bad CRC, truncated, trailing garbage).
    """
    budget = decompression_budget(len(data), max_bytes)
    layers = 0
    while is_gzip(data):
        if layers == MAX_LAYERS:
            raise UnsafeFile(
                name,
                f"gzip nested more than {MAX_LAYERS} levels deep",
                format="gzip",
                hint="decompress it yourself and check what it holds",
            )
        data = _gunzip_layer(data, name=name, budget=budget)
        layers += 1
    return Decompressed(data, layers)


def _gunzip_layer(data: bytes, *, name: str, budget: int) -> bytes:
    out = bytearray()
    rest = data
    while rest:
        decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        pending = rest
        try:
            while pending:
                out += decompressor.decompress(pending, CHUNK_BYTES)
                _check_budget(len(out), budget, name)
                pending = decompressor.unconsumed_tail
            while not decompressor.eof:
                chunk = decompressor.decompress(b"", CHUNK_BYTES)
                if not chunk:
                    break
                out += chunk
                _check_budget(len(out), budget, name)
        except zlib.error as exc:
            raise CorruptFile(
                name, f"damaged gzip data: {exc}", format="gzip", hint="download or export it again"
            ) from exc
        if not decompressor.eof:
            raise CorruptFile(
                name,
                "gzip data ends early (truncated)",
                format="gzip",
                where=f"after {len(data)} bytes",
                hint="download or export it again",
            )
        rest = decompressor.unused_data
        if rest and not is_gzip(rest):
            if rest.strip(b"\x00"):
                raise CorruptFile(
                    name,
                    f"{len(rest)} bytes of garbage after the gzip data",
                    format="gzip",
                    hint="download or export it again",
                )
            rest = b""
    return bytes(out)


def _check_budget(produced: int, budget: int, name: str) -> None:
    if produced > budget:
        raise UnsafeFile(
            name,
            f"gzip expands past {budget // (1024 * 1024)} MB (decompression bomb?)",
            format="gzip",
            hint="an activity file is never this large; check where the file came from",
        )
