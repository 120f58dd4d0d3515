"""Re-importing an export: a zip member whose deflate stream is stored is known without inflating it.

The log keeps a zip member's own deflate stream as its raw file (`compress_raw`) and, since
migration 0009, the SHA-256 of that stream (`activities.deflate_sha256`). Equal deflate streams inflate to
equal bytes, so a member whose compressed bytes hash to a stored stream is that file, exactly.
"""

from __future__ import annotations

import hashlib
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from progrun.formats import archive
from progrun.storage import Store
from progrun.storage.opening import _config
from progrun.training_log import importer
from progrun.training_log.importer import import_paths
from tests.synthetic_runs import BASE_START, easy_paces, gpx_text, progression_paces, synthetic_run

RUNS = 6


def _gpx(day: int) -> bytes:
    paces = progression_paces(day) if day % 2 else easy_paces(day)
    return gpx_text(synthetic_run(BASE_START + timedelta(days=day), paces)).encode()


def _export(path: Path, level: int = 6, *, days: range = range(RUNS)) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level) as out:
        for day in days:
            out.writestr(f"activities/{day}.gpx", _gpx(day))
    return path


def _no_inflating(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the members inflated (`inflate_member`) during the import that follows."""
    inflated: list[str] = []
    original = archive.inflate_member

    def counting(
        opened: zipfile.ZipFile, index: int, deflate: bytes | None, display: str
    ) -> archive.MemberBytes:
        inflated.append(display)
        return original(opened, index, deflate, display)

    monkeypatch.setattr(archive, "inflate_member", counting)
    return inflated


def test_a_second_import_knows_every_member_without_inflating_one(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = _export(tmp_path / "export.zip")
    first = import_paths(store, [export], workers=1)
    assert (first.imported, first.duplicates) == (RUNS, 0)
    ids = {
        Path(file).name: activity_id
        for file, activity_id in zip([f"{day}.gpx" for day in range(RUNS)], first.imported_ids, strict=True)
    }
    inflated = _no_inflating(monkeypatch)
    again = import_paths(store, [export], workers=1)
    assert (again.imported, again.duplicates, again.failed) == (0, RUNS, [])
    assert inflated == []
    for file, activity_id, reason in again.duplicate_of:
        assert activity_id == ids[file.rsplit("/", 1)[-1]]
        assert reason == f"same content as activity {activity_id}"


@pytest.mark.parametrize("level", [1, 9])
def test_the_same_files_compressed_otherwise_are_still_known_by_their_content(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, level: int
) -> None:
    """Another deflate stream of the same bytes is not a deflate match: inflated, then known by content."""
    import_paths(store, [_export(tmp_path / "first.zip", level=6)], workers=1)
    inflated = _no_inflating(monkeypatch)
    again = import_paths(store, [_export(tmp_path / "other.zip", level=level)], workers=1)
    assert (again.imported, again.duplicates) == (0, RUNS)
    assert len(inflated) == RUNS


def test_new_members_beside_known_ones_are_imported(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_paths(store, [_export(tmp_path / "first.zip", days=range(4))], workers=1)
    inflated = _no_inflating(monkeypatch)
    grown = import_paths(store, [_export(tmp_path / "grown.zip", days=range(RUNS + 2))], workers=1)
    assert (grown.imported, grown.duplicates) == (RUNS - 2, 4)
    assert sorted(Path(name).name for name in inflated) == [f"{day}.gpx" for day in range(4, RUNS + 2)]


def test_a_pooled_reimport_knows_members_in_the_workers(store: Store, tmp_path: Path) -> None:
    days = range(importer.POOL_THRESHOLD + 4)
    export = _export(tmp_path / "export.zip", days=days)
    assert import_paths(store, [export], workers=2).imported == len(days)
    again = import_paths(store, [export], workers=2)
    assert (again.imported, again.duplicates, again.failed) == (0, len(days), [])


def test_every_stored_blob_records_the_sha256_of_its_deflate_stream(
    store: Store, store_url: str, tmp_path: Path
) -> None:
    loose = tmp_path / "loose.gpx"
    loose.write_bytes(_gpx(40))
    import_paths(store, [_export(tmp_path / "export.zip"), loose], workers=1)
    engine = create_engine(store_url)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT b.data, a.deflate_sha256 FROM blobs b JOIN activities a ON a.sha256 = b.sha256")
        ).all()
    engine.dispose()
    assert len(rows) == RUNS + 1
    for data, deflate_sha256 in rows:
        assert deflate_sha256 == hashlib.sha256(bytes(data)[2:-4]).hexdigest()


def test_migration_0009_hashes_the_blobs_already_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'log.db'}"
    export = _export(tmp_path / "export.zip")
    with Store.open(url) as store:
        assert import_paths(store, [export], workers=1).imported == RUNS
    engine = create_engine(url)
    with engine.begin() as connection:  # back to the log as revision 0008 wrote it
        config = _config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0008_coaching")
        columns = [row[1] for row in connection.execute(text("PRAGMA table_info(activities)"))]
    assert "deflate_sha256" not in columns
    with Store.open(url) as store:  # opening migrates to the head, filling the column
        inflated = _no_inflating(monkeypatch)
        again = import_paths(store, [export], workers=1)
    assert (again.imported, again.duplicates, inflated) == (0, RUNS, [])
    with engine.connect() as connection:
        filled = connection.execute(
            text("SELECT count(*) FROM activities WHERE deflate_sha256 IS NOT NULL")
        ).scalar()
    engine.dispose()
    assert filled == RUNS
