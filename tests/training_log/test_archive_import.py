"""Archive imports: Strava and Garmin shapes, and every way a zip can be hostile (CPython 3.11.7 too)."""

from __future__ import annotations

import gzip
import io
import struct
import zipfile
import zlib
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from progrun.errors import CorruptFile, UnsafeFile
from progrun.formats import archive
from progrun.storage import Store
from progrun.training_log.importer import import_paths
from progrun.training_log.runs import compress_raw
from tests.synthetic_runs import BASE_START, easy_paces, gpx_text, progression_paces, synthetic_run


def _gpx(day: int, paces: list[float] | None = None) -> bytes:
    return gpx_text(synthetic_run(BASE_START + timedelta(days=day), paces or easy_paces(day))).encode()


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            out.writestr(name, data)
    return path


def test_strava_export_with_activities_csv_names_and_types(store: Store, tmp_path: Path) -> None:
    csv_text = (
        "\ufeffActivity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Elapsed Time,Filename\n"
        '1,"Mar 4, 2024",Morning progression,Run,1800,1800,activities/1.gpx.gz\n'
        '2,"Mar 5, 2024","Commute, with a comma",Ride,900,900,activities/2.gpx\n'
        '3,"Mar 6, 2024",Missing file,Run,900,900,activities/3.fit.gz\n'
    )
    export = _zip(
        tmp_path / "export_123.zip",
        {
            "activities.csv": csv_text.encode(),
            "activities/1.gpx.gz": gzip.compress(_gpx(0, progression_paces(0))),
            "activities/2.gpx": _gpx(1),
            "media/photo.jpg": b"\xff\xd8 not an activity",
        },
    )
    report = import_paths(store, [export], workers=1)
    assert (report.imported, report.duplicates, len(report.skipped), report.failed) == (1, 0, 1, [])
    assert "Strava type 'Ride'" in report.skipped[0].reason
    (only,) = store.list_activities()
    assert only.name == "Morning progression" and only.is_progression
    assert only.source_name == f"{export}!activities/1.gpx.gz"
    again = import_paths(store, [export], workers=1)
    assert (again.imported, again.duplicates) == (0, 1)


def test_garmin_nested_zip_one_level_is_read_two_levels_are_refused(store: Store, tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as out:
        out.writestr("2024-03-04.gpx", _gpx(0))
        out.writestr("2024-03-05.gpx", _gpx(1))
    deeper = io.BytesIO()
    with zipfile.ZipFile(deeper, "w") as out:
        out.writestr("inner.zip", inner.getvalue())
    export = _zip(
        tmp_path / "garmin.zip",
        {
            "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip": inner.getvalue(),
            "DI_CONNECT/deeper.zip": deeper.getvalue(),
        },
    )
    report = import_paths(store, [export], workers=1)
    assert report.imported == 2
    assert [(f.file.rsplit("!", 1)[-1], f.reason) for f in report.failed] == [
        ("inner.zip", "archive nested more than one level deep; refused")
    ]


def test_zip_slip_names_symlinks_and_encrypted_members_are_refused_one_by_one(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "hostile.zip"
    with zipfile.ZipFile(path, "w") as out:
        out.writestr("../../evil.gpx", _gpx(0))
        out.writestr("/abs.gpx", _gpx(1))
        out.writestr("C:\\win\\evil.gpx", _gpx(2))
        link = zipfile.ZipInfo("link.gpx")
        link.external_attr = (0o120777 << 16) | 0
        out.writestr(link, "/etc/passwd")
        out.writestr("good.gpx", _gpx(3))
    report = import_paths(store, [path], workers=1)
    assert report.imported == 1
    reasons = sorted(f.reason for f in report.failed)
    assert reasons == [
        "absolute member path (zip-slip)",
        "absolute member path (zip-slip)",
        "member path climbs out with '..' (zip-slip)",
        "symbolic link",
    ]
    assert not (tmp_path.parent / "evil.gpx").exists()


def _overlapping_zip(path: Path) -> Path:
    """Two central-directory entries pointing at one local header: the CVE-2024-0450 shape."""
    _zip(path, {"a.gpx": b"x" * 5000, "b.gpx": b"y" * 5000})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as opened:
        directory = opened.start_dir
    second = data.index(b"PK\x01\x02", data.index(b"PK\x01\x02", directory) + 4)
    struct.pack_into("<L", data, second + 42, 0)  # b.gpx's local header offset -> a.gpx's header
    path.write_bytes(bytes(data))
    return path


def test_overlapping_entries_are_refused_even_on_python_3_11_7(tmp_path: Path) -> None:
    path = _overlapping_zip(tmp_path / "overlap.zip")
    with zipfile.ZipFile(path) as opened, pytest.raises(UnsafeFile, match="overlap"):
        archive.list_members(opened, "overlap.zip")


def test_overlap_bomb_fails_the_archive_not_the_import(store: Store, tmp_path: Path) -> None:
    path = _overlapping_zip(tmp_path / "overlap.zip")
    (tmp_path / "run.gpx").write_bytes(_gpx(0))
    report = import_paths(store, [path, tmp_path / "run.gpx"], workers=1)
    assert report.imported == 1
    assert len(report.failed) == 1 and "CVE-2024-0450" in report.failed[0].reason


def test_forged_compressed_size_is_refused_without_a_huge_allocation(tmp_path: Path) -> None:
    path = _zip(tmp_path / "forged.zip", {"a.gpx": b"x" * 100})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as opened:
        directory = opened.start_dir
    struct.pack_into("<L", data, directory + 20, 0xFFFFFFF0)  # central compress_size
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as opened, pytest.raises(UnsafeFile, match="more compressed bytes"):
        archive.list_members(opened, "forged.zip")


def _size_liar(path: Path) -> Path:
    """A zip whose one member (200,000 bytes) declares, in both headers, a size of 1,000."""
    _zip(path, {"a.gpx": b"\0" * 200_000})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as opened:
        directory = opened.start_dir
    struct.pack_into("<L", data, 22, 1000)  # local header uncompressed size
    struct.pack_into("<L", data, directory + 24, 1000)  # central uncompressed size
    path.write_bytes(bytes(data))
    return path


def test_a_member_whose_declared_size_lies_is_read_no_further(tmp_path: Path) -> None:
    path = _size_liar(tmp_path / "liar.zip")
    with zipfile.ZipFile(path) as opened, pytest.raises(CorruptFile, match="CRC"):
        archive.read_member(opened, 0, "liar.zip!a.gpx")


def test_a_deflated_member_comes_with_its_deflate_stream_a_stored_one_without(tmp_path: Path) -> None:
    data = _gpx(0)
    path = tmp_path / "two.zip"
    with zipfile.ZipFile(path, "w") as out:
        out.writestr("deflated.gpx", data, compress_type=zipfile.ZIP_DEFLATED)
        out.writestr("stored.gpx", data, compress_type=zipfile.ZIP_STORED)
    with zipfile.ZipFile(path) as opened:
        deflated = archive.read_member_with_deflate(opened, 0, "two.zip!deflated.gpx")
        stored = archive.read_member_with_deflate(opened, 1, "two.zip!stored.gpx")
        compressed_bytes = opened.infolist()[0].compress_size
    assert deflated.data == stored.data == data
    assert stored.deflate is None
    assert deflated.deflate is not None and len(deflated.deflate) == compressed_bytes < len(data)
    blob = compress_raw(data, deflated.deflate)
    assert len(blob) == 2 + compressed_bytes + 4  # the member's own stream in a zlib header and trailer
    assert zlib.decompress(blob) == data
    assert zlib.decompress(compress_raw(data)) == data  # no stream: compressed here


def test_a_damaged_or_lying_member_is_refused_as_before(tmp_path: Path) -> None:
    liar = _size_liar(tmp_path / "liar.zip")
    with zipfile.ZipFile(liar) as opened, pytest.raises(CorruptFile, match="CRC"):
        archive.read_member_with_deflate(opened, 0, "liar.zip!a.gpx")

    wrong_crc = _zip(tmp_path / "crc.zip", {"a.gpx": _gpx(0)})
    data = bytearray(wrong_crc.read_bytes())
    with zipfile.ZipFile(wrong_crc) as opened:
        directory = opened.start_dir
    data[14] ^= 0xFF  # local header CRC-32
    data[directory + 16] ^= 0xFF  # central CRC-32
    wrong_crc.write_bytes(bytes(data))
    with zipfile.ZipFile(wrong_crc) as opened, pytest.raises(CorruptFile, match="Bad CRC-32"):
        archive.read_member_with_deflate(opened, 0, "crc.zip!a.gpx")

    damaged = _zip(tmp_path / "damaged.zip", {"a.gpx": _gpx(0)})
    data = bytearray(damaged.read_bytes())
    data[30 + len("a.gpx") + 40] ^= 0xFF  # a byte of the deflate stream
    damaged.write_bytes(bytes(data))
    for read in (archive.read_member, archive.read_member_with_deflate):
        with zipfile.ZipFile(damaged) as opened, pytest.raises(CorruptFile, match="damaged archive member"):
            read(opened, 0, "damaged.zip!a.gpx")


def test_an_imported_zip_member_keeps_its_deflate_stream_as_raw_file(store: Store, tmp_path: Path) -> None:
    data = _gpx(0)
    export = _zip(tmp_path / "export.zip", {"activities/1.gpx": data})
    with zipfile.ZipFile(export) as opened:
        compressed_bytes = opened.infolist()[0].compress_size
    report = import_paths(store, [export], workers=1)
    assert (report.imported, report.failed) == (1, [])
    assert store.raw_file(report.imported_ids[0]) == data
    assert store.check_integrity().ok
    with store._engine.connect() as connection:  # the blob as stored: the member's stream, not recompressed
        (stored,) = connection.execute(text("SELECT data FROM blobs")).scalars()
    assert len(stored) == 2 + compressed_bytes + 4


def test_too_many_members_and_too_large_members(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archive, "MAX_MEMBERS", 5)
    many = _zip(tmp_path / "many.zip", {f"{i}.gpx": b"" for i in range(6)})
    monkeypatch.setattr(archive, "MAX_MEMBER_BYTES", 10_000)
    big = _zip(tmp_path / "big.zip", {"big.gpx": b"\0" * 20_000, "small.gpx": b"<gpx/>"})
    report = import_paths(store, [many, big], workers=1)
    reasons = [(Path(f.file.split("!")[0]).name, f.reason) for f in report.failed]
    assert reasons[0] == ("many.zip", "6 members, more than the 5 allowed")
    assert reasons[1] == ("big.zip", "declares 20000 bytes, more than the 10000 allowed")


def test_gzip_bomb_fails_that_file_only(store: Store, tmp_path: Path) -> None:
    (tmp_path / "bomb.gpx.gz").write_bytes(gzip.compress(b"\0" * (20 * 1024 * 1024), 9))
    (tmp_path / "run.gpx").write_bytes(_gpx(0))
    report = import_paths(store, [tmp_path], workers=1)
    assert report.imported == 1
    assert len(report.failed) == 1 and "decompression bomb" in report.failed[0].reason


def test_not_a_zip_and_truncated_zip(store: Store, tmp_path: Path) -> None:
    good = _zip(tmp_path / "cut.zip", {"a.gpx": _gpx(0)})
    good.write_bytes(good.read_bytes()[:-30])
    report = import_paths(store, [good], workers=1)
    assert len(report.failed) == 1 and "not a valid zip archive" in report.failed[0].reason


def test_garmin_export_monitoring_and_settings_files_are_skipped_not_failed(
    store: Store, tmp_path: Path
) -> None:
    from tests.formats.fit_builders import MONITORING_A, SETTINGS, file_id, fit_bytes, records

    export = _zip(
        tmp_path / "garmin-export.zip",
        {
            "DI_CONNECT/DI-Connect-Uploaded-Files/run.gpx": _gpx(0, progression_paces(0)),
            "DI_CONNECT/DI-Connect-Wellness/monitor.fit": fit_bytes(file_id(MONITORING_A), *records(3)),
            "DI_CONNECT/DI-Connect-Device/settings.fit": fit_bytes(file_id(SETTINGS)),
        },
    )
    report = import_paths(store, [export], workers=1)
    assert (report.imported, report.duplicates, report.failed) == (1, 0, [])
    reasons = sorted(skip.reason for skip in report.skipped)
    assert reasons == [
        "not an activity file (FIT file type monitoring_a)",
        "not an activity file (FIT file type settings)",
    ]
