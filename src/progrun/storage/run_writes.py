"""Writing runs to the log: one imported run per transaction, duplicates recognised inside it, and
re-analysis replacing a run's analysis (the `RunWrites` part of `Store`).

One imported activity is one transaction: the raw-file blob, the activity row, its streams, its
splits and its verdict are written together or not at all. Duplicates are recognised inside that
same transaction (SQLite: `BEGIN IMMEDIATE`; both: a unique `(runner_id, sha256)` key with
`INSERT ... ON CONFLICT DO NOTHING`), so two importers can never both add one run. A transaction
that changed the runner's runs (a run added, partial copies replaced, a run re-analysed) also adds
one to `runners.data_version`, which the web servers' caches of progress and advice watch.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, select, update
from sqlalchemy.exc import SQLAlchemyError

from progrun.errors import DiskFull, NotFound, StorageError
from progrun.storage.database import Database
from progrun.storage.opening import is_disk_full, lock_runner
from progrun.storage.partial_runs import PartialRuns
from progrun.storage.records import AddOutcome, ImportedRun
from progrun.storage.rows import db_time, first_line, utc
from progrun.storage.schema import ActivityRow, SplitRow, StreamRow, VerdictRow
from progrun.storage.statements import CompiledStatement

#: Same run in another format: starts within this many seconds ...
SAME_RUN_START_S = 60.0
#: ... and distance and duration each within this fraction (or the absolute floors below).
SAME_RUN_TOLERANCE = 0.03
SAME_RUN_DISTANCE_FLOOR_M = 50.0
SAME_RUN_DURATION_FLOOR_S = 10.0

A = cast(Table, ActivityRow.__table__)
S = cast(Table, StreamRow.__table__)
SP = cast(Table, SplitRow.__table__)
V = cast(Table, VerdictRow.__table__)


def same_run(distance_a_m: float, duration_a_s: float, distance_b_m: float, duration_b_s: float) -> bool:
    """Whether two recordings that start within a minute of each other are one run (distance and duration)."""
    distance_ok = abs(distance_a_m - distance_b_m) <= max(
        SAME_RUN_TOLERANCE * max(distance_a_m, distance_b_m), SAME_RUN_DISTANCE_FLOOR_M
    )
    duration_ok = abs(duration_a_s - duration_b_s) <= max(
        SAME_RUN_TOLERANCE * max(duration_a_s, duration_b_s), SAME_RUN_DURATION_FLOOR_S
    )
    return distance_ok and duration_ok


class RunWrites:
    """Adding and re-analysing runs; mixed into `Store`, whose constructor sets these attributes."""

    database: Database
    _engine: Engine
    runner_id: int
    dialect: str
    shown_url: str
    _dbapi_error: type[Exception]
    _by_sha: CompiledStatement
    _near_start: CompiledStatement
    _start_result: Any
    _insert_blob: CompiledStatement
    _insert_activity: CompiledStatement
    _insert_stream: CompiledStatement
    _insert_splits: CompiledStatement
    _insert_verdict: CompiledStatement
    _partials: PartialRuns
    _bump_data_version: CompiledStatement

    def add_run(self, run: ImportedRun) -> AddOutcome:
        """Write one imported run in one transaction, unless it is already in the log."""
        with self.run_writer() as add:
            return add(run)

    @contextmanager
    def run_writer(self) -> Iterator[Callable[[ImportedRun], AddOutcome]]:
        """`add_run` for many runs in a row (an import), on one connection held across them.

        Each run is still its own transaction, exactly as in `add_run` (SQLite: BEGIN IMMEDIATE,
        duplicate check, inserts, COMMIT; any error rolls that run back). Only the connection pool's
        check-out and check-in around every run are saved. After a failed run the connection is
        given back and the next run takes a fresh one, as it would with `add_run`.
        """
        held: Connection | None = None

        def add(run: ImportedRun) -> AddOutcome:
            nonlocal held
            try:
                if held is None:
                    held = self._engine.connect()
                with held.begin():
                    cursor = held.connection.cursor()
                    try:
                        return self._add_run(cursor, run)
                    finally:
                        cursor.close()
            except (SQLAlchemyError, StorageError, self._dbapi_error) as error:
                self._release(held)
                held = None
                if is_disk_full(error):
                    raise DiskFull(f"the training log {self.shown_url}") from None
                if isinstance(error, StorageError):
                    raise
                raise StorageError(f"cannot store {run.source_name}: {first_line(error)}") from None

        try:
            yield add
        finally:
            self._release(held)

    def _release(self, connection: Connection | None) -> None:
        """Give a held connection back to the pool (a broken one is discarded by it)."""
        if connection is not None:
            with suppress(SQLAlchemyError, StorageError, self._dbapi_error):
                connection.close()

    def _add_run(self, cursor: Any, run: ImportedRun) -> AddOutcome:
        lock_runner(cursor, self.dialect, self.runner_id)  # the same-run check and insert as one step
        by_sha = {"runner": self.runner_id, "sha": run.sha256}
        existing = self._by_sha.scalar(cursor, by_sha)
        if existing is not None:
            return AddOutcome("duplicate", int(existing), f"same content as activity {existing}")
        settled = self._partials.settle(cursor, self.runner_id, run)
        if settled.replaced:  # partial copies deleted in this transaction, whatever follows
            self._bump_data_version.execute(cursor, {"runner": self.runner_id})
        if settled.covered_by is not None:
            covering = settled.covered_by
            return AddOutcome("duplicate", covering, f"partial copy of activity {covering}, which covers it")
        match = self._find_same_run(cursor, run)
        if match is not None:
            return AddOutcome("duplicate", match, f"same run as activity {match} (start, distance, duration)")
        self._insert_blob.execute(
            cursor,
            {"sha256": run.sha256, "size_bytes": run.raw_size, "compression": "zlib", "data": run.raw_z},
        )
        values = self._activity_values(run)
        values.update(runner_id=self.runner_id, imported_at=datetime.now(UTC))
        inserted = self._insert_activity.scalar(cursor, values)
        if inserted is None:  # another writer added the same content meanwhile (PostgreSQL)
            other = self._by_sha.scalar(cursor, by_sha)
            return AddOutcome("duplicate", int(other), f"same content as activity {other}")
        activity_id = int(inserted)
        self._write_details(cursor, activity_id, run)
        if not settled.replaced:
            self._bump_data_version.execute(cursor, {"runner": self.runner_id})
        replaced = ", ".join(str(other) for other in settled.replaced)
        return AddOutcome(
            "imported", activity_id, f"replaces partial activity {replaced}" if replaced else ""
        )

    @staticmethod
    def _activity_values(run: ImportedRun) -> dict[str, Any]:
        return {
            "sha256": run.sha256,
            "source_name": run.source_name,
            "name": run.name,
            "format": run.format,
            "sport": run.sport,
            "start": db_time(run.start),
            "distance_m": run.distance_m,
            "duration_s": run.duration_s,
            "moving_s": run.moving_s,
            "heart_rate_avg_bpm": run.heart_rate_avg_bpm,
            "heart_rate_max_bpm": run.heart_rate_max_bpm,
            "kind": run.kind,
            "is_progression": run.is_progression,
            "score": run.score,
            "load": run.load,
            "n_splits": len(run.splits),
            "analysis_version": run.analysis_version,
            "summary_json": json.dumps(run.summary, default=str),
            "partial_reason": run.partial or None,
            "deflate_sha256": run.deflate_sha256 or None,
        }

    def _write_details(self, cursor: Any, activity_id: int, run: ImportedRun) -> None:
        self._insert_stream.execute(
            cursor,
            {
                "activity_id": activity_id,
                "n_samples": run.n_samples,
                "channels": ",".join(run.channels),
                "data": run.streams_z,
            },
        )
        if run.splits:
            self._insert_splits.execute_many(
                cursor,
                [
                    {
                        "activity_id": activity_id,
                        "index": split.index,
                        "distance_m": split.distance_m,
                        "elapsed_s": split.elapsed_s,
                        "pace_s_per_km": split.pace_s_per_km,
                        "heart_rate_avg_bpm": split.heart_rate_avg_bpm,
                        "suspect_distance": split.suspect_distance,
                    }
                    for split in run.splits
                ],
            )
        if run.verdict is not None:
            self._insert_verdict.execute(
                cursor,
                {
                    "activity_id": activity_id,
                    "plan_id": run.verdict.plan_id,
                    "score": run.verdict.score,
                    "progressed": run.verdict.progressed,
                    "target_reached": run.verdict.target_reached,
                    "verdict_json": json.dumps(run.verdict.details, default=str),
                },
            )

    def _find_same_run(self, cursor: Any, run: ImportedRun) -> int | None:
        start = utc(run.start)
        if start is None:
            return None
        window = timedelta(seconds=SAME_RUN_START_S)
        rows = self._near_start.fetch_all(
            cursor, {"runner": self.runner_id, "lo": start - window, "hi": start + window}
        )
        for row_id, row_start, distance_m, duration_s in rows:
            other_start = utc(self._start_result(row_start) if self._start_result is not None else row_start)
            if other_start is None or abs((other_start - start).total_seconds()) > SAME_RUN_START_S:
                continue
            if same_run(run.distance_m, run.duration_s, distance_m, duration_s):
                return int(row_id)
        return None

    def replace_analysis(self, activity_id: int, run: ImportedRun) -> None:
        """Replace an activity's summary, streams, splits and verdict (re-analysis) in one transaction."""
        with self._engine.begin() as connection:
            self._require(connection, activity_id)
            for table in (V, SP, S):
                connection.execute(table.delete().where(table.c.activity_id == activity_id))
            values = self._activity_values(run)
            values.pop("sha256")
            if not values["source_name"]:
                values["source_name"] = connection.execute(
                    select(A.c.source_name).where(A.c.id == activity_id)
                ).scalar_one()
            connection.execute(update(A).where(A.c.id == activity_id).values(**values))
            cursor = connection.connection.cursor()
            try:
                self._write_details(cursor, activity_id, run)
                self._bump_data_version.execute(cursor, {"runner": self.runner_id})
            finally:
                cursor.close()

    def _require(self, connection: Connection, activity_id: int) -> None:
        found = connection.execute(
            select(A.c.id).where(A.c.id == activity_id, A.c.runner_id == self.runner_id)
        ).first()
        if found is None:
            raise NotFound("activity", str(activity_id))
