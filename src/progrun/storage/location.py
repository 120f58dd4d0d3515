"""Where the training log lives: the default data directory, the database URL, the SQLite file.

Three rules hold here for every way a log is named (`--db`, `PROGRUN_DB`, the default):

* **Credentials are never shown.** `shown_url` renders any URL, parsable or not, with the password
  (and for an unparsable one everything before the host) replaced by `***`; every message about a
  log uses it.
* **Only SQLite and PostgreSQL.** Another scheme (`mysql://`), an unparsable URL, a bad port or a
  password with an unencoded `@` (which would split the URL in the wrong place and put part of the
  password into the host name) is a `StorageError` naming the URL as shown, never a traceback.
* **The log is private.** It holds GPS tracks of where people live: a new SQLite file is created
  0600 (SQLite gives its `-wal` and `-shm` files the same mode) and every folder progrun creates for
  it 0700. An existing log file (and its `-wal`/`-shm`) readable by others is tightened to 0600 when
  opened, and the folder of the default log (`progrun.db`, in the data folder progrun creates) to
  0700; another folder of the user's is left as it is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from progrun.errors import StorageError, Suggestion

#: Mode of a new SQLite log file and of the folders progrun creates for it.
FILE_MODE = 0o600
FOLDER_MODE = 0o700
SUPPORTED = ("sqlite", "postgresql")
URL_HINT = (
    "give an SQLite file path or a postgresql://user@host/dbname URL (",
    Suggestion("db"),
    " or PROGRUN_DB)",
)
_ANOTHER_PLACE = (Suggestion("db"), " or PROGRUN_DATA_DIR")


def default_data_dir() -> Path:
    """The per-user data directory, e.g. `~/.local/share/progrun` on Linux."""
    return Path(platformdirs.user_data_dir("progrun", appauthor=False))


@dataclass(frozen=True)
class LogLocation:
    """A parsed training-log URL: the URL itself, how to show it, and the SQLite file if it is one."""

    url: URL
    shown: str  # the SQLite file's path, else the URL without its password
    sqlite_path: Path | None  # None for PostgreSQL and for an in-memory SQLite log

    @property
    def dialect(self) -> str:
        return self.url.get_backend_name()


def shown_url(url: str) -> str:
    """The URL as it may be printed: the password masked, also when the URL cannot be parsed.

    A URL SQLAlchemy parses (one `@` at most before the host) is rendered with `hide_password`; in
    any other the whole user part before the last `@` becomes `***`.
    """
    if "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    authority, slash, path = rest.partition("/")
    if "@" not in authority:
        return url
    if authority.count("@") == 1:
        try:
            return make_url(url).render_as_string(hide_password=True)
        except (ArgumentError, ValueError):
            pass
    user = authority.rsplit("@", 1)[0].split(":", 1)[0].split("@", 1)[0] if ":" in authority else ""
    host = authority.rsplit("@", 1)[1]
    return f"{scheme}://{user + ':' if user else ''}***@{host}{slash}{path}"


def parse_log_url(url: str) -> LogLocation:
    """Check a training-log URL: a `StorageError` (URL shown without its password) unless it can work."""
    shown = shown_url(url)
    authority = url.split("://", 1)[1].partition("/")[0] if "://" in url else ""
    if authority.count("@") > 1:
        raise StorageError(
            f"training log URL {shown}: the user or password contains an unencoded '@'; "
            "write it as %40 (and ':' as %3A, '/' as %2F)"
        )
    try:
        parsed = make_url(url)
        port = parsed.port  # a non-numeric port raises here or in make_url
    except (ArgumentError, ValueError) as error:
        reason = "not a database URL" if isinstance(error, ArgumentError) else f"bad port ({error})"
        raise StorageError([f"training log URL {shown}: {reason}; ", *URL_HINT]) from None
    if port is not None and not 0 < port < 65536:
        raise StorageError([f"training log URL {shown}: port {port} is out of range; ", *URL_HINT])
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED:
        raise StorageError(
            [
                f"training log URL {shown}: {backend} is not supported, progrun keeps its log in SQLite or "
                "PostgreSQL; ",
                *URL_HINT,
            ]
        )
    database = parsed.database or ""
    is_file = backend == "sqlite" and database and database != ":memory:"
    # an SQLite URI (sqlite:///file:...?uri=true) is SQLite's to open, not a path to create
    path = Path(database) if is_file and parsed.query.get("uri") not in {"true", "1"} else None
    shown = str(path) if path is not None else parsed.render_as_string(hide_password=True)
    return LogLocation(parsed, shown, path)


def make_folder(folder: Path) -> None:
    """Create `folder` and any missing parents, each 0700; a StorageError naming it when that fails."""
    missing: list[Path] = []
    current = folder
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    try:
        if current.exists() and not current.is_dir():
            raise NotADirectoryError(f"{current} is a file, not a folder")
        for created in reversed(missing):
            created.mkdir(mode=FOLDER_MODE)
    except OSError as error:
        raise StorageError(
            [
                f"cannot create the training log folder {folder}: {error.strerror or error}; "
                "choose another place with ",
                *_ANOTHER_PLACE,
            ]
        ) from None


#: The default log's file name: its folder is progrun's data folder, made private like the file.
DEFAULT_LOG_NAME = "progrun.db"


def tighten(path: Path) -> None:
    """Make an existing log private: the file and its `-wal`/`-shm` 0600, the default log's folder 0700.

    Only modes looser than that are changed, and only where the user may (someone else's file is left).
    """
    targets = [(path, FILE_MODE)]
    targets += [(path.with_name(path.name + suffix), FILE_MODE) for suffix in ("-wal", "-shm")]
    if path.name == DEFAULT_LOG_NAME:
        targets.append((path.parent, FOLDER_MODE))
    for target, mode in targets:
        try:
            current = target.stat().st_mode & 0o777
            if current & ~mode:
                os.chmod(target, current & mode)
        except OSError:
            continue


def create_sqlite_file(path: Path) -> bool:
    """Create an empty SQLite log file 0600 (folders 0700) unless it exists; whether it was created.

    An existing one is made private (`tighten`)."""
    if path.exists():
        if path.is_dir():
            raise StorageError(
                f"training log {path} is a folder; give the path of a file, e.g. {path}/progrun.db"
            )
        tighten(path)
        return False
    make_folder(path.parent)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:  # another process created it meanwhile
        return False
    except OSError as error:
        raise StorageError(
            [
                f"cannot create the training log {path}: {error.strerror or error}; "
                "choose another place with ",
                *_ANOTHER_PLACE,
            ]
        ) from None
    os.close(descriptor)
    return True
