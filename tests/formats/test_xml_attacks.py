"""Hostile XML and gzip: refused as UnsafeFile with bounded memory; damaged gzip as CorruptFile."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib

import pytest

from progrun.errors import CorruptFile, UnsafeFile
from progrun.formats import read_activity
from progrun.formats.compression import gunzip
from tests.formats.xml_samples import gpx, straight_points

GPX_HEAD = '<?xml version="1.0"?>\n'
BODY = '<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><name>&a;</name></trk></gpx>'

BILLION_LAUGHS = (
    GPX_HEAD
    + '<!DOCTYPE gpx [<!ENTITY a0 "lol">'
    + "".join(f'<!ENTITY a{k} "{f"&a{k - 1};" * 10}">' for k in range(1, 10))
    + '<!ENTITY a "&a9;">]>'
    + BODY
).encode()
QUADRATIC = (
    GPX_HEAD + f'<!DOCTYPE gpx [<!ENTITY a "{"x" * 50_000}">]>' + BODY.replace("&a;", "&a;" * 20_000)
).encode()
XXE = (GPX_HEAD + '<!DOCTYPE gpx [<!ENTITY a SYSTEM "file:///etc/passwd">]>' + BODY).encode()
EXTERNAL_DTD = (
    GPX_HEAD + '<!DOCTYPE gpx SYSTEM "http://127.0.0.1:9/gpx.dtd">' + BODY.replace("&a;", "x")
).encode()
PARAMETER_ENTITY = (
    GPX_HEAD
    + '<!DOCTYPE gpx [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>'
    + BODY.replace("&a;", "x")
).encode()


def _peak_bytes(action) -> tuple[BaseException | None, int]:
    tracemalloc.start()
    error: BaseException | None = None
    try:
        action()
    except Exception as exc:
        error = exc
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return error, peak


@pytest.mark.parametrize(
    ("sample", "message"),
    [
        (BILLION_LAUGHS, "XML declares entity 'a0' (entity expansion attack or external entity)"),
        (QUADRATIC, "XML declares entity 'a' (entity expansion attack or external entity)"),
        (XXE, "XML declares entity 'a' (entity expansion attack or external entity)"),
        (EXTERNAL_DTD, "XML contains a document type declaration (DTD)"),
        (PARAMETER_ENTITY, "XML declares entity 'p' (entity expansion attack or external entity)"),
    ],
    ids=["billion-laughs", "quadratic-blowup", "xxe-file", "external-dtd", "parameter-entity"],
)
def test_xml_attacks_are_refused_with_bounded_memory(sample: bytes, message: str) -> None:
    error, peak = _peak_bytes(lambda: read_activity(sample, name="evil.gpx"))
    assert isinstance(error, UnsafeFile)
    assert str(error).startswith(f"evil.gpx: {message}")
    assert "root:" not in str(error)  # nothing of /etc/passwd leaks into the message
    assert peak < 20 * 1024 * 1024 + 3 * len(sample)


def test_harmless_doctype_is_still_refused() -> None:
    sample = gpx("<trkseg>" + straight_points(3) + "</trkseg>").replace(b"<gpx ", b"<!DOCTYPE gpx>\n<gpx ", 1)
    with pytest.raises(UnsafeFile, match="document type declaration"):
        read_activity(sample, name="doctype.gpx")


def test_deep_nesting_is_refused() -> None:
    sample = (
        GPX_HEAD + '<gpx xmlns="http://www.topografix.com/GPX/1/1">' + "<a>" * 5000 + "</a>" * 5000 + "</gpx>"
    )
    with pytest.raises(UnsafeFile, match="Excessive depth in document: 256"):
        read_activity(sample.encode(), name="deep.gpx")


def _zeros_gzip(total_bytes: int) -> bytes:
    """gzip of `total_bytes` zero bytes, built in 1 MB steps (never holds the zeros at once)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = bytes(1024 * 1024)
    parts = [compressor.compress(chunk) for _ in range(total_bytes // len(chunk))]
    parts.append(compressor.flush())
    return b"".join(parts)


def test_gzip_bomb_is_refused_with_bounded_memory() -> None:
    bomb = _zeros_gzip(200 * 1024 * 1024)
    assert len(bomb) < 250_000
    error, peak = _peak_bytes(lambda: read_activity(bomb, name="bomb.fit.gz"))
    assert isinstance(error, UnsafeFile)
    assert str(error).startswith("bomb.fit.gz: gzip expands past 19 MB (decompression bomb?)")
    assert peak < 64 * 1024 * 1024


def test_gzip_bomb_within_ratio_but_over_max_bytes() -> None:
    with pytest.raises(UnsafeFile, match="gzip expands past 1 MB"):
        gunzip(_zeros_gzip(3 * 1024 * 1024), name="x.gz", max_bytes=1024 * 1024)


def test_gzip_and_nested_gzip_are_read() -> None:
    plain = gpx("<trkseg>" + straight_points(20) + "</trkseg>")
    once = read_activity(gzip.compress(plain), name="run.gpx.gz")
    twice = read_activity(gzip.compress(gzip.compress(plain)), name="run.gpx.gz.gz")
    assert once.records == twice.records == 20
    assert once.extra["compression"] == "gzip"
    assert gunzip(gzip.compress(gzip.compress(plain)), name="x").layers == 2


def test_gzip_nested_three_deep_is_refused() -> None:
    nested = gzip.compress(gzip.compress(gzip.compress(b"<gpx/>")))
    with pytest.raises(UnsafeFile, match=r"^deep.gz: gzip nested more than 2 levels deep"):
        read_activity(nested, name="deep.gz")


def test_damaged_gzip_is_corrupt() -> None:
    good = gzip.compress(gpx("<trkseg>" + straight_points(20) + "</trkseg>"))
    with pytest.raises(CorruptFile, match="gzip data ends early"):
        read_activity(good[: len(good) // 2], name="cut.gpx.gz")
    bad_crc = good[:-8] + bytes(4) + good[-4:]
    with pytest.raises(
        CorruptFile, match="damaged gzip data: Error -3 while decompressing data: incorrect data check"
    ):
        read_activity(bad_crc, name="crc.gpx.gz")
    with pytest.raises(CorruptFile, match="4 bytes of garbage after the gzip data"):
        read_activity(good + b"junk", name="junk.gpx.gz")
    assert read_activity(good + bytes(16), name="padded.gpx.gz").records == 20


def test_multi_member_gzip_is_joined() -> None:
    plain = gpx("<trkseg>" + straight_points(20) + "</trkseg>")
    half = len(plain) // 2
    assert read_activity(gzip.compress(plain[:half]) + gzip.compress(plain[half:])).records == 20


def test_utf16_and_bom_are_read() -> None:
    plain = gpx("<trkseg>" + straight_points(5) + "</trkseg>")
    utf16 = plain.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert read_activity(utf16).records == 5
    assert read_activity(b"\xef\xbb\xbf  \n" + plain).records == 5
