"""Where the training log is, and whether it exists, without importing the storage layer.

`progrun plan` consults the log only when there is one; asking that through `progrun.storage` would
import SQLAlchemy and Alembic (half a second of CPU) just to find that the file is not there.
"""

from __future__ import annotations

from pathlib import Path

from progrun.settings import Settings


def default_data_dir() -> Path:
    """The per-user data directory, e.g. `~/.local/share/progrun` on Linux (as `storage.location`)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("progrun", appauthor=False))


def log_url(db: str | None) -> str:
    """The SQLAlchemy URL of the log named by `--db`, else `PROGRUN_DB`, else the embedded SQLite file."""
    return Settings.from_environment(db, default_data_dir=default_data_dir).db_url


def log_may_exist(db: str | None) -> bool:
    """False only when the log is an SQLite file that does not exist yet (a server is always asked)."""
    url = log_url(db)
    if url.startswith("sqlite:///"):
        database = url.split(":///", 1)[1]
        return database == ":memory:" or Path(database).is_file()
    return True
