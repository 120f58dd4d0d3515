"""Opening the training log: the engine, its error messages, and migrations serialised by a database lock.

* **Every database error is a `StorageError`** naming the log (its URL shown without the password):
  an SQLAlchemy `handle_error` hook turns each error the engine sees, on any statement or connect,
  into one sentence with what to do (a damaged file, a read-only log, a full disk, a busy log, an
  unreachable server). The CLI prints that line; no traceback reaches the user.
* **Migrations run one process at a time.** Two imports started at once on a fresh database both
  used to run the migrations and one died on "table already exists". The migration transaction now
  starts by taking the database's lock: `pg_advisory_xact_lock` on PostgreSQL, the write lock
  (`BEGIN IMMEDIATE`, `storage/sqlite.py`) on SQLite. The second process waits, then finds the
  schema at the newest revision and does nothing. The default runner row is inserted in the same
  transaction (`ON CONFLICT DO NOTHING`).
* **A log written by a newer progrun** (a revision this version does not know) is refused before
  anything is changed: "upgrade progrun".
"""

from __future__ import annotations

import errno
import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, Table, create_engine, event, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from progrun.errors import DiskFull, StorageError, Suggestion
from progrun.storage.location import LogLocation
from progrun.storage.records import Profile
from progrun.storage.schema import RunnerRow
from progrun.storage.sqlite import configure_sqlite

MIGRATIONS = Path(__file__).parent / "migrations"
#: pg_advisory_xact_lock keys: one for migrations, one class (with the runner id) for writing runs.
MIGRATION_LOCK_KEY = 0x70726F6772756E  # "progrun"
RUNNER_LOCK_CLASS = 0x7072  # "pr"
#: PostgreSQL SQLSTATE of a full disk, and of an object that already exists (a race lost).
DISK_FULL_SQLSTATE = "53100"
R = cast(Table, RunnerRow.__table__)


def create_log_engine(location: LogLocation) -> Engine:
    """An engine for the log, with SQLite's pragmas and every error turned into a StorageError."""
    if location.dialect == "sqlite":
        engine = create_engine(location.url)
        configure_sqlite(engine)
    else:
        engine = create_engine(location.url, pool_pre_ping=True)
    shown = location.shown

    @event.listens_for(engine, "handle_error")
    def _translate(context: Any) -> None:
        if context.is_pre_ping:
            return
        raise storage_error(context.original_exception, shown)

    return engine


def _reason(error: BaseException) -> str:
    orig = getattr(error, "orig", None) or error
    lines = str(orig).strip().splitlines()
    return lines[0] if lines else type(orig).__name__


def is_disk_full(error: BaseException) -> bool:
    """Whether an error (DBAPI, SQLAlchemy or OS) says the disk is full."""
    orig = getattr(error, "orig", None) or error
    if isinstance(orig, OSError) and orig.errno == errno.ENOSPC:
        return True
    if getattr(orig, "sqlstate", None) == DISK_FULL_SQLSTATE:
        return True
    text_ = str(orig).lower()
    return "database or disk is full" in text_ or "no space left on device" in text_


def storage_error(error: BaseException, shown: str, *, doing: str = "") -> StorageError:
    """One StorageError sentence for a database error on the log at `shown` (never the password)."""
    if isinstance(error, StorageError):
        return error
    if is_disk_full(error):
        return DiskFull(f"the training log {shown}")
    reason = _reason(error)
    lowered = reason.lower()
    what = f"the training log {shown}"
    if doing:
        what = f"{doing}: {what}"
    if "not a database" in lowered or "malformed" in lowered:
        return StorageError(
            f"{what} is damaged ({reason}); restore it from a backup, or move it away and import your "
            "files into a new log"
        )
    if "readonly" in lowered or "read-only" in lowered:
        return StorageError(
            [f"{what} is read-only ({reason}); make it writable, or give another ", Suggestion("db")]
        )
    if "unable to open database file" in lowered:
        return StorageError(
            f"{what} cannot be opened ({reason}); check that its folder exists and is writable"
        )
    if "database is locked" in lowered:
        return StorageError(f"{what} is busy ({reason}); another progrun is writing to it, try again")
    return StorageError(
        [
            f"cannot open {what}: {reason}; check ",
            Suggestion("db"),
            " / PROGRUN_DB and that the database server is running",
        ]
    )


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest migration's revision: what a freshly migrated log records."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, "the migrations folder has no head revision"
    return head


def known_revisions() -> set[str]:
    return {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}


def current_revision(connection: Connection) -> str | None:
    """The log's Alembic revision, or None for an empty database."""
    found = connection.execute(
        text(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            if connection.dialect.name == "sqlite"
            else "SELECT 1 FROM information_schema.tables WHERE table_name = 'alembic_version' "
            "AND table_schema = current_schema()"
        )
    ).first()
    if found is None:
        return None
    row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    return None if row is None else str(row[0])


def migrate(engine: Engine, shown: str, runner_id: int) -> bool:
    """Bring the log to the newest revision under the database lock; whether the log was new."""
    config = _config()
    with engine.begin() as connection:  # SQLite: BEGIN IMMEDIATE, the write lock
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        revision = current_revision(connection)
        if revision is not None and revision not in known_revisions():
            raise StorageError(
                f"the training log {shown} was written by a newer progrun (schema revision {revision}, "
                f"this progrun knows up to {ScriptDirectory.from_config(config).get_current_head()}); "
                "upgrade progrun (pip install -U progrun)"
            )
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        insert = pg_insert(R) if connection.dialect.name == "postgresql" else sqlite_insert(R)
        connection.execute(
            insert.values(
                id=runner_id,
                name="runner",
                profile_json=json.dumps(asdict(Profile())),
                created_at=datetime.now(UTC),
            ).on_conflict_do_nothing()
        )
        if connection.dialect.name == "postgresql":
            # The default runner's id was given explicitly, so the id sequence never moved past it:
            # bring it to the largest id, or the next runner created would collide with runner 1.
            connection.execute(
                text("SELECT setval(pg_get_serial_sequence('runners', 'id'), (SELECT max(id) FROM runners))")
            )
    return revision is None


def lock_runner(cursor: Any, dialect: str, runner_id: int) -> None:
    """Serialise one runner's writes (PostgreSQL; SQLite's BEGIN IMMEDIATE already does it).

    Held to the end of the transaction, so the same-run check and the insert of two importers can
    never interleave: the second sees the first's run and records a duplicate.
    """
    if dialect == "postgresql":
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", (RUNNER_LOCK_CLASS, runner_id))
