"""Statements the importer runs per activity, compiled once for the dialect and run on the DBAPI cursor.

Writing one run takes a handful of inserts; SQLAlchemy's per-execution bookkeeping cost more than
the database's own work (3.2 -> 1.4 ms a run in the parent, docs/performance.md). The statements
stay SQLAlchemy Core ones: compiled by SQLAlchemy for the dialect, each parameter through its type's
bind processor, inside a SQLAlchemy transaction.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, bindparam, literal_column, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from progrun.storage.schema import ActivityRow, BlobRow, RunnerRow, SplitRow, StreamRow, VerdictRow

#: The columns each insert writes, in order.
BLOB_KEYS = ("sha256", "size_bytes", "compression", "data")
ACTIVITY_KEYS = (
    "sha256",
    "source_name",
    "name",
    "format",
    "sport",
    "start",
    "distance_m",
    "duration_s",
    "moving_s",
    "heart_rate_avg_bpm",
    "heart_rate_max_bpm",
    "kind",
    "is_progression",
    "score",
    "load",
    "n_splits",
    "analysis_version",
    "summary_json",
    "partial_reason",
    "deflate_sha256",
    "runner_id",
    "imported_at",
)
STREAM_KEYS = ("activity_id", "n_samples", "channels", "data")
SPLIT_KEYS = (
    "activity_id",
    "index",
    "distance_m",
    "elapsed_s",
    "pace_s_per_km",
    "heart_rate_avg_bpm",
    "suspect_distance",
)
VERDICT_KEYS = ("activity_id", "plan_id", "score", "progressed", "target_reached", "verdict_json")


class CompiledStatement:
    """A Core statement compiled once for a dialect and executed on a DBAPI cursor.

    The SQL text and the parameter conversions are SQLAlchemy's own (the statement compiled for the
    dialect, each parameter through its type's bind processor), so what reaches the database is
    what `Connection.execute` would send; only the per-execution bookkeeping is skipped. Run it
    inside a SQLAlchemy transaction (`engine.begin()`), on `connection.connection.cursor()`.
    """

    def __init__(self, statement: Any, dialect: Any, keys: tuple[str, ...] | None = None) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(keys) if keys is not None else None)
        self.sql: str = compiled.string
        positions = compiled.positiontup
        self.positional = positions is not None
        self.names: tuple[str, ...] = tuple(positions) if positions is not None else tuple(compiled.binds)
        processors = (
            compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in self.names
        )
        #: (position, processor) of the parameters that need converting (dates, booleans on SQLite).
        self.converters = tuple(
            (position, process) for position, process in enumerate(processors) if process is not None
        )

    def parameters(self, values: dict[str, Any]) -> list[Any] | dict[str, Any]:
        row = [values[name] for name in self.names]
        for position, process in self.converters:
            if row[position] is not None:
                row[position] = process(row[position])
        return row if self.positional else dict(zip(self.names, row, strict=True))

    def execute(self, cursor: Any, values: dict[str, Any]) -> None:
        cursor.execute(self.sql, self.parameters(values))

    def execute_many(self, cursor: Any, rows: list[dict[str, Any]]) -> None:
        cursor.executemany(self.sql, [self.parameters(values) for values in rows])

    def scalar(self, cursor: Any, values: dict[str, Any]) -> Any:
        cursor.execute(self.sql, self.parameters(values))
        row = cursor.fetchone()
        return None if row is None else row[0]

    def fetch_all(self, cursor: Any, values: dict[str, Any]) -> list[Any]:
        cursor.execute(self.sql, self.parameters(values))
        return list(cursor.fetchall())


A = cast(Table, ActivityRow.__table__)
B = cast(Table, BlobRow.__table__)
S = cast(Table, StreamRow.__table__)
SP = cast(Table, SplitRow.__table__)
V = cast(Table, VerdictRow.__table__)
R = cast(Table, RunnerRow.__table__)


class Statements:
    """Every per-run statement of the import, compiled once per `Database` (not per runner's store).

    Building a Core statement per call cost ~1 ms of SQLAlchemy coercion per activity, and
    SQLAlchemy's per-execution work still cost more than the SQL itself.
    """

    def __init__(self, dialect: Any) -> None:
        from progrun.storage.partial_runs import PartialRuns

        insert = pg_insert if dialect.name == "postgresql" else sqlite_insert
        self.dbapi_error: type[Exception] = dialect.loaded_dbapi.Error
        self.by_sha = CompiledStatement(
            select(A.c.id).where(A.c.runner_id == bindparam("runner"), A.c.sha256 == bindparam("sha")),
            dialect,
        )
        self.near_start = CompiledStatement(
            select(A.c.id, A.c.start, A.c.distance_m, A.c.duration_s)
            .where(A.c.runner_id == bindparam("runner"), A.c.start.between(bindparam("lo"), bindparam("hi")))
            .order_by(A.c.id),
            dialect,
        )
        self.start_result = A.c.start.type.dialect_impl(dialect).result_processor(dialect, None)
        self.insert_blob = CompiledStatement(insert(B).on_conflict_do_nothing(), dialect, BLOB_KEYS)
        self.insert_activity = CompiledStatement(
            insert(A).on_conflict_do_nothing().returning(A.c.id), dialect, ACTIVITY_KEYS
        )
        self.insert_stream = CompiledStatement(S.insert(), dialect, STREAM_KEYS)
        self.insert_splits = CompiledStatement(SP.insert(), dialect, SPLIT_KEYS)
        self.insert_verdict = CompiledStatement(V.insert(), dialect, VERDICT_KEYS)
        self.partials = PartialRuns(dialect)
        #: `runners.data_version` + 1, in the transaction that changed the runner's runs (migration 0009).
        self.bump_data_version = CompiledStatement(
            R.update()
            .where(R.c.id == bindparam("runner"))
            .values(data_version=R.c.data_version + literal_column("1")),
            dialect,
        )
