"""Uploads kept in the log: the bytes until analysed, the status, the reason it failed, the report.

The web app adds a row (status "queued", the bytes in `data`) before it hands the upload's id to a
worker, so a worker on any machine reads the file from the database and the status outlives every
process. `start` moves it to "analysing" (counting the attempt) unless it is already done or failed,
which is what makes a redelivered task a no-op; `finish` records the outcome and drops the bytes (the
run keeps its raw file in `blobs`).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from progrun.storage.schema import UploadRow

#: An upload's statuses; the last two are final.
QUEUED, ANALYSING, DONE, FAILED = "queued", "analysing", "done", "failed"
FINAL = frozenset({DONE, FAILED})


@dataclass(frozen=True)
class UploadRecord:
    id: str
    runner_id: int
    name: str
    sha256: str
    size_bytes: int
    status: str
    error: str = ""
    result: dict[str, Any] = field(default_factory=dict)
    attempts: int = 0


def _record(row: UploadRow) -> UploadRecord:
    return UploadRecord(
        row.id,
        row.runner_id,
        row.name,
        row.sha256,
        row.size_bytes,
        row.status,
        row.error,
        json.loads(row.result_json or "{}"),
        row.attempts,
    )


class Uploads:
    """The uploads table of one database (every runner's; callers check the runner)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, runner_id: int, name: str, data: bytes) -> UploadRecord:
        now = datetime.now(UTC)
        row = UploadRow(
            id="u" + secrets.token_hex(8),
            runner_id=runner_id,
            name=name[:300],
            sha256=hashlib.sha256(data).hexdigest(),
            size_bytes=len(data),
            data=data,
            status=QUEUED,
            error="",
            result_json="{}",
            attempts=0,
            created_at=now,
            updated_at=now,
        )
        record = _record(row)
        with self.engine.begin() as connection:
            connection.execute(insert(UploadRow).values(**_columns(row)))
        return record

    def get(self, upload_id: str) -> UploadRecord | None:
        with Session(self.engine) as session:
            row = session.get(UploadRow, upload_id)
            return None if row is None else _record(row)

    def data(self, upload_id: str) -> bytes | None:
        with self.engine.connect() as connection:
            value = connection.execute(select(UploadRow.data).where(UploadRow.id == upload_id)).scalar()
        return None if value is None else bytes(value)

    def start(self, upload_id: str) -> UploadRecord | None:
        """Mark it analysing and count the attempt; None when it is unknown, done or failed already."""
        with self.engine.begin() as connection:
            changed = connection.execute(
                update(UploadRow)
                .where(UploadRow.id == upload_id, UploadRow.status.not_in(FINAL))
                .values(status=ANALYSING, attempts=UploadRow.attempts + 1, updated_at=datetime.now(UTC))
            ).rowcount
        return self.get(upload_id) if changed else None

    def finish(
        self, upload_id: str, status: str, *, error: str = "", result: dict[str, Any] | None = None
    ) -> None:
        """Record the outcome (done or failed) and drop the bytes; a final status is never overwritten."""
        with self.engine.begin() as connection:
            connection.execute(
                update(UploadRow)
                .where(UploadRow.id == upload_id, UploadRow.status.not_in(FINAL))
                .values(
                    status=status,
                    error=error,
                    result_json=json.dumps(result or {}),
                    data=None,
                    updated_at=datetime.now(UTC),
                )
            )

    def stale(self, older_than_s: float, limit: int = 1000) -> list[str]:
        """Ids of uploads queued or analysing untouched for `older_than_s` (their message may be lost)."""
        since = datetime.now(UTC) - timedelta(seconds=older_than_s)
        with self.engine.connect() as connection:
            return list(
                connection.execute(
                    select(UploadRow.id)
                    .where(UploadRow.status.not_in(FINAL), UploadRow.updated_at < since)
                    .order_by(UploadRow.created_at)
                    .limit(limit)
                ).scalars()
            )

    def touch(self, upload_id: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(UploadRow).where(UploadRow.id == upload_id).values(updated_at=datetime.now(UTC))
            )

    def counts(self) -> dict[str, int]:
        """Uploads by status (the metrics' queue depth as the log sees it)."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(UploadRow.status, func.count()).group_by(UploadRow.status))
            return {str(status): int(count) for status, count in rows}


def _columns(row: UploadRow) -> dict[str, Any]:
    return {column.key: getattr(row, column.key) for column in UploadRow.__table__.columns}
