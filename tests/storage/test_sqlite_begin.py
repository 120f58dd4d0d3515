"""SQLite transactions: writes begin IMMEDIATE (the write lock), reads a deferred BEGIN (no lock in WAL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError

from progrun.storage.sqlite import configure_sqlite


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    made = create_engine(f"sqlite:///{tmp_path / 'log.db'}")
    configure_sqlite(made)
    with made.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
        connection.execute(text("INSERT INTO t VALUES (1)"))
    return made


def _begins(engine: Engine) -> list[str]:
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _record(_c: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if statement.startswith("BEGIN"):
            seen.append(statement)

    return seen


def test_reads_begin_deferred_and_writes_immediate(engine: Engine) -> None:
    seen = _begins(engine)
    with engine.connect() as connection:
        connection.execute(text("SELECT x FROM t")).all()
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO t VALUES (2)"))
    with engine.connect() as connection, connection.begin():
        connection.execute(text("SELECT x FROM t")).all()
    assert seen == ["BEGIN", "BEGIN IMMEDIATE", "BEGIN IMMEDIATE"]


def test_a_read_does_not_wait_for_a_writer_holding_the_lock(engine: Engine) -> None:
    with engine.connect() as writer, engine.connect() as reader:
        for connection in (writer, reader):
            connection.exec_driver_sql("PRAGMA busy_timeout=0")  # refuse at once instead of waiting
            connection.rollback()
        transaction = writer.begin()  # holds SQLite's write lock until it ends
        writer.execute(text("INSERT INTO t VALUES (3)"))
        assert reader.execute(text("SELECT count(*) FROM t")).scalar_one() == 1  # its snapshot, no wait
        reader.rollback()
        with pytest.raises(OperationalError, match="locked"), reader.begin():
            pass  # a second writer is refused: the lock was held all along
        transaction.commit()
        assert reader.execute(text("SELECT count(*) FROM t")).scalar_one() == 2
