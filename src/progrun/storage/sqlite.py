"""SQLite connection set-up for the embedded training log.

Every connection gets, through SQLAlchemy event hooks:

* `journal_mode=WAL`: readers never block the writer and the writer never blocks readers.
* `busy_timeout=5000`: a second writer waits up to 5 s for the lock instead of failing at once.
* `BEGIN IMMEDIATE` for every transaction begun explicitly (`engine.begin()`, `connection.begin()`:
  every write in progrun). pysqlite's own transaction handling is switched off
  (`isolation_level = None`) and we emit BEGIN ourselves; IMMEDIATE takes the write lock at the
  start, so a read-then-write transaction (the importer's duplicate check, then the insert) can
  never hit SQLITE_BUSY half-way, and two importers cannot both pass the duplicate check.
* a plain (deferred) `BEGIN` for a transaction SQLAlchemy begins by itself on a connection's first
  statement (`with engine.connect() as c: c.execute(...)`): progrun only reads that way (it never
  commits such a transaction, so a write there would be rolled back), and a deferred read takes no
  lock in WAL mode: pages and API reads never queue behind an import's writes or behind each other
  (catalogue case 106). Telling the two apart looks for SQLAlchemy's autobegin in the calling frames;
  if SQLAlchemy ever begins otherwise, every transaction falls back to IMMEDIATE (safe, only slower),
  and `tests/storage/test_sqlite_begin.py` fails.
* `synchronous=NORMAL`: in WAL mode a commit is atomic and survives a crash or SIGKILL of the
  process (the kill test shows it): COMMIT returns once the transaction's frames, the last one
  marked as the commit, are written to the WAL file, i.e. into the kernel's page cache, which a
  killed process cannot take with it; the fsync waits for the next checkpoint. On recovery SQLite
  replays only frames up to a valid commit frame (each frame is checksummed), so a transaction cut
  off half-way is never seen. Only after an OS crash or power loss may the last few commits roll
  back, never corrupt. A training log can re-import those files (import is idempotent), so we
  trade that for many fewer fsyncs per imported activity. Use `synchronous=FULL` (set
  `PROGRUN_SQLITE_SYNCHRONOUS=FULL`) if power-loss durability of the very last import matters.
* `foreign_keys=ON` (SQLite enforces it only per connection).
"""

from __future__ import annotations

import os
import sys
from types import FrameType
from typing import Any

from sqlalchemy import Engine, event

BUSY_TIMEOUT_MS = 5000
SYNCHRONOUS = "NORMAL"


def configure_sqlite(engine: Engine) -> None:
    """Install the pragmas and the BEGIN IMMEDIATE hook on an SQLite engine."""
    synchronous = os.environ.get("PROGRUN_SQLITE_SYNCHRONOUS", SYNCHRONOUS).upper()
    if synchronous not in {"NORMAL", "FULL"}:
        synchronous = SYNCHRONOUS

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see module docstring)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")  # first: WAL on a new file may wait
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA synchronous={synchronous}")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN" if _autobegun() else "BEGIN IMMEDIATE")


#: How many calling frames above the "begin" hook to search for SQLAlchemy's autobegin.
_AUTOBEGIN_DEPTH = 8


def _autobegun() -> bool:
    """Whether the transaction being begun is SQLAlchemy's autobegin (a read, in progrun)."""
    frame: FrameType | None = sys._getframe(2)
    for _ in range(_AUTOBEGIN_DEPTH):
        if frame is None:
            return False
        if (
            frame.f_code.co_name == "_autobegin"
            and frame.f_globals.get("__name__") == "sqlalchemy.engine.base"
        ):
            return True
        frame = frame.f_back
    return False
