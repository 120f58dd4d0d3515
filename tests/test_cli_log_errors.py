"""Bad logs, URLs and output paths: exit 1 and one `Error:` line naming the path or field, never a traceback.

Also: credentials never printed, the log created private (0600 in 0700 folders), a new log announced,
and no folder created that the user did not name.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from progrun.cli import cli
from progrun.storage import Profile, Store
from progrun.storage.opening import head_revision
from tests.synthetic_runs import BASE_START, fit_bytes, progression_paces, synthetic_run


@pytest.fixture(autouse=True)
def _own_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROGRUN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PROGRUN_DB", raising=False)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def one_error(result: Result) -> str:
    """The single `Error:` line of a failed command (exit 1, nothing else on stderr, no traceback)."""
    assert result.exit_code == 1, (result.exit_code, result.output, result.exception)
    lines = [line for line in result.stderr.splitlines() if not line.startswith("created a new training log")]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.output
    return lines[0]


def _log(tmp_path: Path) -> Path:
    path = tmp_path / "log.db"
    with Store.open(f"sqlite:///{path}") as store:
        store.set_profile(Profile(name="a runner"))
    return path


# -- the log itself -------------------------------------------------------------------------------


def test_a_log_from_a_newer_progrun_is_refused_before_anything_changes(tmp_path: Path) -> None:
    path = _log(tmp_path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")
    line = one_error(run("history", "--db", str(path)))
    assert line == (
        f"Error: the training log {path} was written by a newer progrun (schema revision 0099, this "
        f"progrun knows up to {head_revision()}); upgrade progrun (pip install -U progrun)"
    )
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("0099",)


@pytest.mark.parametrize("damage", ["header", "pages"])
def test_a_damaged_log_is_one_line(tmp_path: Path, damage: str) -> None:
    path = _log(tmp_path)
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 2 * page
    if damage == "header":
        data[:16] = b"not a database!\x00"
    else:  # every page but the first (the schema) is garbage: the tables' b-trees are broken
        data[page:] = bytes((index * 37) % 251 for index in range(len(data) - page))
    path.write_bytes(bytes(data))
    line = one_error(run("history", "--db", str(path)))
    assert line.startswith(f"Error: the training log {path} is damaged (")
    assert line.endswith("restore it from a backup, or move it away and import your files into a new log")


def test_a_log_folder_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    line = one_error(run("history", "--db", str(blocker / "sub" / "log.db")))
    assert line.startswith(f"Error: cannot create the training log folder {blocker / 'sub'}: ")
    assert not (blocker.parent / "sub").exists()


def test_a_read_only_log(tmp_path: Path) -> None:
    path = _log(tmp_path)
    if os.geteuid() == 0:  # root writes through file modes; open it read-only as SQLite would
        db, shown = f"sqlite:///file:{path}?mode=ro&uri=true", f"sqlite:///file%3A{path}?mode=ro&uri=true"
    else:
        path.chmod(0o400)
        db = shown = str(path)
    line = one_error(run("profile", "--hr-max", "190", "--db", db))
    assert line.startswith(f"Error: the training log {shown} is read-only (")
    assert line.endswith("make it writable, or give another --db")


# -- URLs and credentials -------------------------------------------------------------------------

SECRET = "s3cr3t-pw"


@pytest.mark.parametrize(
    ("db", "expected"),
    [
        (
            f"mysql://runner:{SECRET}@localhost/log",
            "Error: training log URL mysql://runner:***@localhost/log: mysql is not supported",
        ),
        (
            f"postgresql://runner:{SECRET}@db@localhost/log",
            "Error: training log URL postgresql+psycopg://runner:***@localhost/log: the user or password "
            "contains an unencoded '@'; write it as %40",
        ),
        (
            f"postgresql://runner:{SECRET}@localhost:54x2/log",
            "Error: training log URL postgresql+psycopg://runner:***@localhost:54x2/log: bad port",
        ),
        (
            f"postgresql://runner:{SECRET}@localhost:99999/log",
            "Error: training log URL postgresql+psycopg://runner:***@localhost:99999/log: "
            "port 99999 is out of range",
        ),
        (f"not a url://{SECRET}@", "Error: training log URL not a url://***@: not a database URL"),
        (
            f"postgresql://runner:{SECRET}@127.0.0.1:1/log?connect_timeout=1",
            "Error: cannot open the training log postgresql+psycopg://runner:***@127.0.0.1:1/log",
        ),
    ],
)
def test_bad_urls_are_one_line_and_never_show_the_password(db: str, expected: str) -> None:
    result = run("history", "--db", db)
    line = one_error(result)
    assert line.startswith(expected)
    assert SECRET not in result.output and "db@" not in result.output and "3cr3t" not in result.output


# -- a new log: announced, private ----------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_log_is_announced_once_and_private(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "deeper"
    db = folder / "log.db"
    first = run("history", "--db", str(db))
    assert first.exit_code == 0
    assert first.stderr == f"created a new training log at {db}\n"
    assert run("history", "--db", str(db)).stderr == ""
    assert (_mode(tmp_path / "new"), _mode(folder), _mode(db)) == (0o700, 0o700, 0o600)
    with Store.open(f"sqlite:///{db}") as store:  # WAL: the -wal and -shm files exist while it is open
        store.set_profile(Profile(name="x"))
        sidecars = [db.with_name(db.name + suffix) for suffix in ("-wal", "-shm")]
        assert [_mode(path) for path in sidecars] == [0o600, 0o600]


def test_the_default_data_folder_is_created_private(tmp_path: Path) -> None:
    assert run("history").exit_code == 0
    assert (_mode(tmp_path / "data"), _mode(tmp_path / "data" / "progrun.db")) == (0o700, 0o600)


# -- output paths ---------------------------------------------------------------------------------


@pytest.fixture
def judged_run(tmp_path: Path) -> Path:
    path = tmp_path / "run.fit"
    path.write_bytes(fit_bytes(synthetic_run(BASE_START, progression_paces(0)), record_every_s=2))
    return path


def _output_cases(tmp_path: Path, run_file: Path, target: Path) -> dict[str, list[str]]:
    db = str(tmp_path / "log.db")
    return {
        "plan -o": [
            "plan",
            "--race",
            "5k=20:00",
            "--distance",
            "5mi",
            "--json",
            "-o",
            str(target / "p.json"),
        ],
        "judge --chart": [
            "judge",
            str(run_file),
            "--race",
            "5k=20:00",
            "--distance",
            "6km",
            "--chart",
            str(target / "v.png"),
        ],
        "progress --chart": ["progress", "--chart", str(target / "p.png"), "--db", db],
        "block --ics": ["block", "--weeks", "4", "--ics", str(target / "b.ics"), "--db", db],
        "block --fit-dir": ["block", "--weeks", "4", "--fit-dir", str(target / "fits"), "--db", db],
        "export-data": ["export-data", str(target / "out"), "--db", db],
        "demo --out": ["demo", "--out", str(target / "demo")],
    }


@pytest.mark.parametrize("case", list(_output_cases(Path("x"), Path("r"), Path("t"))))
@pytest.mark.parametrize("parent", ["missing", "a file"])
def test_output_paths_that_cannot_be_written(
    tmp_path: Path, judged_run: Path, case: str, parent: str
) -> None:
    assert run("profile", "--race", "5k=20:00", "--db", str(tmp_path / "log.db")).exit_code == 0
    target = tmp_path / "missing"
    if parent == "a file":
        target.write_text("not a folder")
    line = one_error(run(*_output_cases(tmp_path, judged_run, target)[case]))
    assert str(target) in line
    assert target.exists() == (parent == "a file")  # never creates a folder the user did not name
    if parent == "a file":
        assert target.read_text() == "not a folder"


def test_a_full_disk_while_writing_an_output_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "p.json"

    def full(self: Path, *args: object, **kwargs: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))

    monkeypatch.setattr(Path, "write_text", full)
    line = one_error(run("plan", "--race", "5k=20:00", "--distance", "5mi", "--json", "-o", str(target)))
    assert line == f"Error: {target}: no space left on the disk; free some space and try again"


@pytest.mark.parametrize("loose", [0o644, 0o666, 0o604])
def test_an_existing_log_readable_by_others_is_made_private(tmp_path: Path, loose: int) -> None:
    data = tmp_path / "data"  # the default log's folder (PROGRUN_DATA_DIR in these tests)
    assert run("history").exit_code == 0
    other = tmp_path / "mine"
    other.mkdir(mode=0o755)
    db = other / "log.db"
    assert run("history", "--db", str(db)).exit_code == 0
    for path, mode in ((data, 0o755), (data / "progrun.db", loose), (other, 0o755), (db, loose)):
        path.chmod(mode)
    assert run("history").exit_code == 0 and run("history", "--db", str(db)).exit_code == 0
    assert (_mode(data), _mode(data / "progrun.db")) == (0o700, 0o600)
    assert (_mode(other), _mode(db)) == (0o755, 0o600)  # the user's own folder is left as it is
