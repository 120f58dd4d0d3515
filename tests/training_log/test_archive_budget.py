"""One byte budget per upload, macOS metadata, a full disk, and temporary files removed on every exit.

Every input here is built in the test: nested zip bombs of several shapes, exports with macOS
`__MACOSX/` and `._name` members, and a full disk simulated where the bytes are written.
"""

from __future__ import annotations

import errno
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from progrun.cli import cli
from progrun.errors import DiskFull
from progrun.formats import archive
from progrun.storage import Store
from progrun.training_log.importer import import_paths
from progrun.training_log.workspace import PREFIX, import_workspace
from tests.synthetic_runs import BASE_START, easy_paces, gpx_text, synthetic_run

MIB = 1024 * 1024


def _gpx(day: int) -> bytes:
    return gpx_text(synthetic_run(BASE_START + timedelta(days=day), easy_paces(day)[:2])).encode()


def _zip_bytes(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = Path(tempfile.mkstemp(suffix=".zip")[1])
    try:
        with zipfile.ZipFile(buffer, "w", compression=compression) as out:
            for name, data in members.items():
                out.writestr(name, data)
        return buffer.read_bytes()
    finally:
        buffer.unlink()


@pytest.fixture
def own_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary folder imports use, so a test can see what is left in it."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def copied(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Bytes written to temporary copies of nested zips, one entry per copy."""
    sizes: list[int] = []
    real = archive.copy_member

    def counting(*args: Any, **kwargs: Any) -> int:
        written = real(*args, **kwargs)
        sizes.append(written)
        return written

    monkeypatch.setattr(archive, "copy_member", counting)
    return sizes


@pytest.mark.parametrize(
    ("inner_zips", "member_mib", "stored"),
    [(50, 64, False), (400, 8, False), (50, 64, True), (8, 60, False)],
    ids=["50x64MiB", "400x8MiB", "50x64MiB-stored-outer", "8x60MiB"],
)
def test_a_nested_zip_bomb_is_refused_once_within_one_budget(
    store: Store,
    tmp_path: Path,
    own_tmp: Path,
    copied: list[int],
    inner_zips: int,
    member_mib: int,
    stored: bool,
) -> None:
    inner = _zip_bytes({"activity.fit": bytes(member_mib * MIB), "real.gpx": _gpx(0)})
    members = {f"UploadedFiles_Part{index}.zip": inner for index in range(inner_zips)}
    outer = tmp_path / "export.zip"
    outer.write_bytes(_zip_bytes(members, compression=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED))
    declared = inner_zips * member_mib * MIB
    allowed = max(archive.MIN_BUDGET_BYTES, archive.MAX_EXPANSION * outer.stat().st_size)
    assert declared > allowed  # a bomb for this upload's size

    report = import_paths(store, [outer], workers=1)

    assert [failed.file for failed in report.failed] == [str(outer)]
    assert report.failed[0].reason.startswith(f"the upload expands past {allowed:,} bytes in all")
    assert (report.imported, store.count_activities()) == (0, 0)  # nothing partial: not even real.gpx
    # nested copies stop once the budget is spent: a few inner zips, never the declared gigabytes
    assert len(copied) <= allowed // (member_mib * MIB) + 1
    assert sum(copied) <= (allowed // (member_mib * MIB) + 1) * len(inner)
    assert list(own_tmp.iterdir()) == []


def test_nested_archives_within_the_budget_import_and_share_it(
    store: Store, tmp_path: Path, own_tmp: Path
) -> None:
    parts = {
        f"UploadedFiles_Part{part}.zip": _zip_bytes(
            {f"{part}-{day}.gpx": _gpx(part * 10 + day) for day in range(3)}
        )
        for part in range(3)
    }
    outer = tmp_path / "garmin.zip"
    outer.write_bytes(_zip_bytes(parts))
    report = import_paths(store, [outer], workers=1)
    assert (report.imported, report.failed) == (9, [])
    assert list(own_tmp.iterdir()) == []


@pytest.mark.parametrize("layout", ["strava", "garmin-nested", "finder-zip-of-folder"])
def test_macos_metadata_members_are_skipped_and_counted_not_failed(
    store: Store, tmp_path: Path, layout: str
) -> None:
    apple_double = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + bytes(64)
    runs = {f"activities/{day}.gpx": _gpx(day) for day in range(3)}
    metadata = {f"__MACOSX/activities/._{day}.gpx": apple_double for day in range(3)}
    metadata |= {"activities/._hidden.fit": apple_double, "__MACOSX/._activities": apple_double}
    if layout == "strava":
        members = runs | metadata
    elif layout == "garmin-nested":
        members = {
            "UploadedFiles_Part1.zip": _zip_bytes(runs | metadata),
            "__MACOSX/._UploadedFiles_Part1.zip": apple_double,
        }
    else:
        members = {f"export/{name}": data for name, data in runs.items()} | {
            f"__MACOSX/export/{name}": data for name, data in metadata.items()
        }
    export = tmp_path / "export.zip"
    export.write_bytes(_zip_bytes(members))
    report = import_paths(store, [export], workers=1)
    assert (report.imported, report.failed) == (3, [])
    assert report.ignored == len(metadata) + (1 if layout == "garmin-nested" else 0)


# -- a full disk -------------------------------------------------------------------------------------


def _nested_export(tmp_path: Path, parts: int = 3) -> Path:
    members = {
        f"Part{part}.zip": _zip_bytes({f"{part}-{day}.gpx": _gpx(part * 10 + day) for day in range(2)})
        for part in range(parts)
    }
    path = tmp_path / "export.zip"
    path.write_bytes(_zip_bytes(members))
    return path


def test_a_full_disk_while_copying_a_nested_zip_stops_the_import_with_one_message(
    tmp_path: Path, own_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = _nested_export(tmp_path)
    real_open = Path.open

    class FullDisk:
        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def __enter__(self) -> FullDisk:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, data: bytes) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def open_(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(self, mode, *args, **kwargs)
        return FullDisk(handle) if "w" in mode and str(self).startswith(str(own_tmp)) else handle

    monkeypatch.setattr(Path, "open", open_)
    db = tmp_path / "log.db"
    result = CliRunner().invoke(cli, ["import", str(export), "--db", str(db)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"Error: no space left on the disk while writing a temporary copy of {export}!Part0.zip; the import "
        "stopped and nothing partial was kept; free some space and run the import again (files already "
        "imported are skipped)"
    )
    assert "failed" not in result.stdout
    assert list(own_tmp.iterdir()) == []
    with Store.open(f"sqlite:///{db}") as store:
        assert store.count_activities() == 0


def test_a_full_disk_while_storing_stops_at_the_first_run(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "runs"
    folder.mkdir()
    for day in range(12):
        (folder / f"{day:02d}.gpx").write_bytes(_gpx(day))
    if store.dialect == "sqlite":
        full: Exception = sqlite3.OperationalError("database or disk is full")
    else:
        import psycopg.errors

        full = psycopg.errors.DiskFull("could not extend file: No space left on device")
    real = Store._write_details
    calls = []

    def write_details(self: Store, *args: Any) -> None:
        calls.append(1)
        if len(calls) > 4:
            raise full
        real(self, *args)

    monkeypatch.setattr(Store, "_write_details", write_details)
    with pytest.raises(DiskFull, match=r"^no space left on the disk while writing the training log"):
        import_paths(store, [folder], workers=1)
    assert len(calls) == 5  # stopped at the first full-disk error, not one failure per file
    assert store.count_activities() == 4
    assert store.check_integrity().ok  # the fifth run was rolled back whole


# -- temporary files on every exit ----------------------------------------------------------------


def test_an_error_inside_the_import_removes_its_folder(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), import_workspace(tmp_path) as folder:
        (folder / "nested-0.zip").write_bytes(bytes(MIB))
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_folders_of_killed_imports_are_swept_and_live_ones_kept(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    abandoned = tmp_path / f"{PREFIX}{int(dead.stdout)}-x1"
    abandoned.mkdir()
    (abandoned / "nested-0.zip").write_bytes(bytes(MIB))
    live = tmp_path / f"{PREFIX}{os.getppid()}-x2"
    live.mkdir()
    unrelated = tmp_path / "someone-else"
    unrelated.mkdir()
    with import_workspace(tmp_path) as folder:
        assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
            [folder.name, live.name, unrelated.name]
        )
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([live.name, unrelated.name])


def test_sigterm_during_an_import_removes_its_folder(tmp_path: Path) -> None:
    code = (
        "import sys, time; from pathlib import Path\n"
        "from progrun.training_log.workspace import import_workspace\n"
        "with import_workspace(Path(sys.argv[1])) as folder:\n"
        "    (folder / 'nested-0.zip').write_bytes(bytes(1 << 20))\n"
        "    print(folder, flush=True)\n"
        "    time.sleep(60)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    folder = Path(process.stdout.readline().strip())
    assert folder.is_dir() and (folder.stat().st_mode & 0o777) == 0o700
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 128 + signal.SIGTERM
    process.stdout.close()
    assert list(tmp_path.iterdir()) == []
