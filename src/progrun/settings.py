"""Settings: where the training log lives and how numbers are shown, built once at the CLI edge.

The CLI passes `progrun.storage.location.default_data_dir` (platformdirs' per-user data directory);
this core module itself imports nothing but the standard library.

Only `Settings.from_environment` reads the environment (`PROGRUN_DB`, `PROGRUN_DATA_DIR`,
`PROGRUN_BROKER`); everything below the CLI receives a frozen Settings and never looks at `os.environ` itself.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

#: The file name of the embedded SQLite training log inside the data directory.
SQLITE_FILE_NAME = "progrun.db"


@dataclass(frozen=True)
class Settings:
    """What the commands need to know about the environment.

    `db_url` is an SQLAlchemy URL: `sqlite:///path/progrun.db` (the default) or
    `postgresql+psycopg://user@host:5432/dbname`.
    """

    db_url: str
    data_dir: Path
    units: str = "km"
    workers: int = 0  # 0 = one worker process per core
    #: The task queue's URL (`redis://host:6379`), "" for none: uploads are analysed in the server's pool.
    broker_url: str = ""

    @staticmethod
    def from_environment(
        db: str | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        default_data_dir: Callable[[], Path] | None = None,
        units: str = "km",
        workers: int = 0,
        broker: str | None = None,
    ) -> Settings:
        """Build Settings from a `--db` value, else `PROGRUN_DB`, else the embedded SQLite file.

        The broker: `--broker`, else `PROGRUN_BROKER`, else none.
        """
        env = os.environ if environ is None else environ
        if env.get("PROGRUN_DATA_DIR"):
            data_dir = Path(env["PROGRUN_DATA_DIR"])
        elif default_data_dir is not None:
            data_dir = default_data_dir()
        else:
            data_dir = Path.home() / ".progrun"
        url = db or env.get("PROGRUN_DB") or ""
        return Settings(
            db_url=normalise_db_url(url, data_dir),
            data_dir=data_dir,
            units=units,
            workers=workers,
            broker_url=broker or env.get("PROGRUN_BROKER", ""),
        )


def normalise_db_url(url: str, data_dir: Path) -> str:
    """Turn what a user typed into an SQLAlchemy URL.

    Empty means the embedded SQLite file in `data_dir`; a bare path means an SQLite file there;
    `postgresql://` and `postgres://` get the psycopg 3 driver.
    """
    if not url:
        return f"sqlite:///{data_dir / SQLITE_FILE_NAME}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    return url
