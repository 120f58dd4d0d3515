"""Store: the training log on SQLite (embedded default) or PostgreSQL, taking and returning plain objects.

One imported activity is one transaction: the raw-file blob, the activity row, its streams, its
splits and its verdict are written together or not at all. Duplicates are recognised inside that
same transaction (SQLite: `BEGIN IMMEDIATE`; both: a unique `(runner_id, sha256)` key with
`INSERT ... ON CONFLICT DO NOTHING`), so two importers can never both add one run.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Table, func, select, text, update
from sqlalchemy.exc import SQLAlchemyError

from progrun.activity import Activity, Format, make_activity
from progrun.analysis import SplitRecord, VerdictRecord
from progrun.errors import DiskFull, NotFound, StorageError
from progrun.storage.database import DEFAULT_RUNNER_ID, Database
from progrun.storage.opening import is_disk_full, lock_runner
from progrun.storage.records import (
    ActivityDetail,
    ActivitySummary,
    AddOutcome,
    ImportedRun,
    IntegrityReport,
    Profile,
    decode_streams,
)
from progrun.storage.rows import db_time, first_line, summary_from_row, utc
from progrun.storage.schema import ActivityRow, BlobRow, PlanRow, RunnerRow, SplitRow, StreamRow, VerdictRow

#: Same run in another format: starts within this many seconds ...
SAME_RUN_START_S = 60.0
#: ... and distance and duration each within this fraction (or the absolute floors below).
SAME_RUN_TOLERANCE = 0.03
SAME_RUN_DISTANCE_FLOOR_M = 50.0
SAME_RUN_DURATION_FLOOR_S = 10.0

A = cast(Table, ActivityRow.__table__)
B = cast(Table, BlobRow.__table__)
S = cast(Table, StreamRow.__table__)
SP = cast(Table, SplitRow.__table__)
V = cast(Table, VerdictRow.__table__)
R = cast(Table, RunnerRow.__table__)
P = cast(Table, PlanRow.__table__)


def same_run(distance_a_m: float, duration_a_s: float, distance_b_m: float, duration_b_s: float) -> bool:
    """Whether two recordings that start within a minute of each other are one run (distance and duration)."""
    distance_ok = abs(distance_a_m - distance_b_m) <= max(
        SAME_RUN_TOLERANCE * max(distance_a_m, distance_b_m), SAME_RUN_DISTANCE_FLOOR_M
    )
    duration_ok = abs(duration_a_s - duration_b_s) <= max(
        SAME_RUN_TOLERANCE * max(duration_a_s, duration_b_s), SAME_RUN_DURATION_FLOOR_S
    )
    return distance_ok and duration_ok


class Store:
    """One runner's training log on a `Database`: `database.runner(runner_id)`, or `Store.open(url)`
    for the CLI's runner (that store owns its database and disposes the engine on `close()`)."""

    def __init__(self, database: Database, runner_id: int = DEFAULT_RUNNER_ID, *, owns: bool = False) -> None:
        self.database = database
        self._engine = database.engine
        self.runner_id = runner_id
        self.dialect = database.dialect
        self.shown_url = database.shown_url
        #: Whether opening created the log (it had no schema yet).
        self.created = database.created
        self._owns = owns
        statements = database.statements
        self._dbapi_error = statements.dbapi_error
        self._by_sha = statements.by_sha
        self._near_start = statements.near_start
        self._start_result = statements.start_result
        self._insert_blob = statements.insert_blob
        self._insert_activity = statements.insert_activity
        self._insert_stream = statements.insert_stream
        self._insert_splits = statements.insert_splits
        self._insert_verdict = statements.insert_verdict
        self._partials = statements.partials

    # -- opening -------------------------------------------------------------------------------

    @staticmethod
    def open(url: str, *, create: bool = True) -> Store:
        """The CLI's runner (runner 1) on a database of its own: `Database.open(url).runner(1)`,
        whose `close()` disposes the engine. A server opens one `Database` and asks it for runners."""
        return Store(Database.open(url, create=create), DEFAULT_RUNNER_ID, owns=True)

    def schema_revision(self) -> str | None:
        with self._engine.connect() as connection:
            row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
            return None if row is None else str(row[0])

    def close(self) -> None:
        """Dispose the engine if this store opened its database (`Store.open`); a runner's store from
        `Database.runner` leaves the shared database open."""
        if self._owns:
            self.database.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- activities ----------------------------------------------------------------------------

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
            "avg_hr_bpm": run.avg_hr_bpm,
            "max_hr_bpm": run.max_hr_bpm,
            "kind": run.kind,
            "is_progression": run.is_progression,
            "score": run.score,
            "load": run.load,
            "n_splits": len(run.splits),
            "analysis_version": run.analysis_version,
            "summary_json": json.dumps(run.summary, default=str),
            "partial_reason": run.partial or None,
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
                        "avg_hr_bpm": split.avg_hr_bpm,
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
            values["source_name"] = values["source_name"] or self.summary(activity_id).source_name
            connection.execute(update(A).where(A.c.id == activity_id).values(**values))
            cursor = connection.connection.cursor()
            try:
                self._write_details(cursor, activity_id, run)
            finally:
                cursor.close()

    def _require(self, connection: Connection, activity_id: int) -> None:
        found = connection.execute(
            select(A.c.id).where(A.c.id == activity_id, A.c.runner_id == self.runner_id)
        ).first()
        if found is None:
            raise NotFound("activity", str(activity_id))

    def count_activities(self) -> int:
        with self._engine.connect() as connection:
            return int(
                connection.execute(
                    select(func.count()).select_from(A).where(A.c.runner_id == self.runner_id)
                ).scalar_one()
            )

    def list_activities(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        progression_only: bool = False,
        offset: int = 0,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> list[ActivitySummary]:
        """Activities by start time (oldest first, or newest first), optionally within [since, until);
        `offset` and `limit` page them in the database."""
        query = self._activities_query(
            since=since, until=until, progression_only=progression_only, newest_first=newest_first
        )
        if offset:
            query = query.offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        return [summary_from_row(row) for row in rows]

    def iter_activities(self, *, batch: int = 1000) -> Iterator[ActivitySummary]:
        """Every activity, oldest first, fetched `batch` rows at a time (memory stays flat on a large log)."""
        query = self._activities_query()
        with self._engine.connect() as connection:
            result = connection.execution_options(yield_per=batch).execute(query)
            for row in result:
                yield summary_from_row(row)

    def _activities_query(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        progression_only: bool = False,
        newest_first: bool = False,
    ) -> Any:
        query = select(A).where(A.c.runner_id == self.runner_id)
        if since is not None:
            query = query.where(A.c.start >= db_time(since))
        if until is not None:
            query = query.where(A.c.start < db_time(until))
        if progression_only:
            query = query.where(A.c.is_progression.is_(True))
        if newest_first:
            return query.order_by(A.c.start.desc(), A.c.id.desc())
        return query.order_by(A.c.start, A.c.id)

    def known_hashes(self) -> dict[str, int]:
        """Every stored file's SHA-256 (of its decompressed bytes) with its activity id: an import skips
        a file already in the log before decoding it."""
        with self._engine.connect() as connection:
            rows = connection.execute(select(A.c.sha256, A.c.id).where(A.c.runner_id == self.runner_id))
            return {str(sha): int(activity_id) for sha, activity_id in rows}

    def iter_ids(self, *, older_than_version: int | None = None) -> Iterator[int]:
        query = select(A.c.id).where(A.c.runner_id == self.runner_id).order_by(A.c.id)
        if older_than_version is not None:
            query = query.where(A.c.analysis_version < older_than_version)
        with self._engine.connect() as connection:
            ids = [int(value) for value in connection.execute(query).scalars()]
        yield from ids

    def summary(self, activity_id: int) -> ActivitySummary:
        with self._engine.connect() as connection:
            row = connection.execute(
                select(A).where(A.c.id == activity_id, A.c.runner_id == self.runner_id)
            ).first()
        if row is None:
            raise NotFound("activity", str(activity_id))
        return summary_from_row(row)

    def detail(self, activity_id: int) -> ActivityDetail:
        """An activity with its splits and verdict."""
        summary = self.summary(activity_id)
        with self._engine.connect() as connection:
            info = json.loads(
                connection.execute(select(A.c.summary_json).where(A.c.id == activity_id)).scalar_one()
            )
            verdict_row = connection.execute(select(V).where(V.c.activity_id == activity_id)).first()
        splits = self.splits_for([activity_id]).get(activity_id, ())
        verdict = None
        if verdict_row is not None:
            verdict = VerdictRecord(
                score=verdict_row.score,
                progressed=bool(verdict_row.progressed),
                target_reached=bool(verdict_row.target_reached),
                plan_id=verdict_row.plan_id,
                details=json.loads(verdict_row.verdict_json),
            )
        return ActivityDetail(summary=summary, splits=splits, verdict=verdict, info=info)

    def splits_for(self, activity_ids: Iterable[int]) -> dict[int, tuple[SplitRecord, ...]]:
        ids = list(activity_ids)
        out: dict[int, list[SplitRecord]] = {activity_id: [] for activity_id in ids}
        columns = (SP.c.activity_id, SP.c.index, SP.c.distance_m, SP.c.elapsed_s, SP.c.pace_s_per_km)
        with self._engine.connect() as connection:
            for chunk_start in range(0, len(ids), 500):
                chunk = ids[chunk_start : chunk_start + 500]
                rows = connection.execute(
                    select(*columns, SP.c.avg_hr_bpm, SP.c.suspect_distance)
                    .where(SP.c.activity_id.in_(chunk))
                    .order_by(SP.c.activity_id, SP.c.index)
                ).all()
                for activity_id, index, distance_m, elapsed_s, pace, hr, suspect in rows:
                    out[activity_id].append(
                        SplitRecord(index, distance_m, elapsed_s, pace, hr, bool(suspect))
                    )
        return {key: tuple(value) for key, value in out.items()}

    def verdicts_for(self, activity_ids: Iterable[int]) -> dict[int, dict[str, object]]:
        """The stored verdict (the judge's JSON contract) of each listed activity that has one."""
        ids = list(activity_ids)
        out: dict[int, dict[str, object]] = {}
        with self._engine.connect() as connection:
            for chunk_start in range(0, len(ids), 500):
                chunk = ids[chunk_start : chunk_start + 500]
                rows = connection.execute(
                    select(V.c.activity_id, V.c.verdict_json).where(V.c.activity_id.in_(chunk))
                ).all()
                for activity_id, verdict_json in rows:
                    details = json.loads(verdict_json) if verdict_json else None
                    if isinstance(details, dict):
                        out[activity_id] = details
        return out

    def load_activity(self, activity_id: int) -> Activity:
        """The stored samples as an Activity (laps and pauses come from the stored summary)."""
        summary = self.summary(activity_id)
        with self._engine.connect() as connection:
            row = connection.execute(select(S).where(S.c.activity_id == activity_id)).first()
            info = json.loads(
                connection.execute(select(A.c.summary_json).where(A.c.id == activity_id)).scalar_one()
            )
        if row is None:
            raise StorageError(f"activity {activity_id} has no stored samples; run `progrun reanalyse`")
        channels = tuple(name for name in row.channels.split(",") if name)
        columns = decode_streams(channels, row.n_samples, row.data)
        time_s = columns.pop("time_s")
        return make_activity(
            time_s,
            format=Format(summary.format) if summary.format in {f.value for f in Format} else Format.FIT,
            start=summary.start,
            sport=summary.sport,
            source=summary.source_name,
            device=str(info.get("device", "")),
            workout_name=str(info.get("workout_name", "")),
            **columns,
        )

    def raw_file(self, activity_id: int) -> bytes:
        """The original file's (decompressed) bytes, as imported."""
        import zlib

        summary = self.summary(activity_id)
        with self._engine.connect() as connection:
            row = connection.execute(select(B).where(B.c.sha256 == summary.sha256)).first()
        if row is None:
            raise StorageError(f"activity {activity_id} has lost its raw file {summary.sha256[:12]}")
        return zlib.decompress(row.data) if row.compression == "zlib" else bytes(row.data)

    # -- runner profile and plans ----------------------------------------------------------------

    def profile(self) -> Profile:
        with self._engine.connect() as connection:
            raw = connection.execute(select(R.c.profile_json).where(R.c.id == self.runner_id)).scalar_one()
        known = set(Profile.__dataclass_fields__)
        return Profile(**{key: value for key, value in json.loads(raw).items() if key in known})

    def set_profile(self, profile: Profile) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                update(R)
                .where(R.c.id == self.runner_id)
                .values(profile_json=json.dumps(asdict(profile)), name=profile.name)
            )

    def add_plan(self, plan_json: str, *, planned_on: date | None = None, name: str = "") -> int:
        with self._engine.begin() as connection:
            return int(
                connection.execute(
                    P.insert()
                    .values(
                        runner_id=self.runner_id,
                        planned_on=planned_on,
                        name=name,
                        plan_json=plan_json,
                        created_at=datetime.now(UTC),
                    )
                    .returning(P.c.id)
                ).scalar_one()
            )

    def plan(self, plan_id: int) -> tuple[date | None, str, str]:
        """One of this runner's plans as (planned_on, name, plan_json); NotFound for another runner's."""
        with self._engine.connect() as connection:
            row = connection.execute(
                select(P.c.planned_on, P.c.name, P.c.plan_json).where(
                    P.c.id == plan_id, P.c.runner_id == self.runner_id
                )
            ).first()
        if row is None:
            raise NotFound("plan", str(plan_id))
        return row.planned_on, row.name, row.plan_json

    def plans(self) -> list[tuple[int, date | None, str, str]]:
        """Every stored plan as (id, planned_on, name, plan_json)."""
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(P.c.id, P.c.planned_on, P.c.name, P.c.plan_json)
                .where(P.c.runner_id == self.runner_id)
                .order_by(P.c.id)
            ).all()
        return [(int(row.id), row.planned_on, row.name, row.plan_json) for row in rows]

    # -- checks ------------------------------------------------------------------------------------

    def check_integrity(self) -> IntegrityReport:
        """Count partial activities and orphan blobs (all zero when healthy); run the DB's own check."""
        with self._engine.connect() as connection:

            def count(sql: str) -> int:
                return int(connection.execute(text(sql)).scalar_one())

            report = IntegrityReport(
                activities=count("SELECT count(*) FROM activities"),
                missing_streams=count(
                    "SELECT count(*) FROM activities a LEFT JOIN streams s ON s.activity_id = a.id "
                    "WHERE s.activity_id IS NULL"
                ),
                missing_blobs=count(
                    "SELECT count(*) FROM activities a LEFT JOIN blobs b ON b.sha256 = a.sha256 "
                    "WHERE b.sha256 IS NULL"
                ),
                split_mismatches=count(
                    "SELECT count(*) FROM activities a WHERE a.n_splits <> "
                    "(SELECT count(*) FROM splits s WHERE s.activity_id = a.id)"
                ),
                orphan_blobs=count(
                    "SELECT count(*) FROM blobs b WHERE NOT EXISTS "
                    "(SELECT 1 FROM activities a WHERE a.sha256 = b.sha256)"
                ),
                database_check=(
                    str(connection.execute(text("PRAGMA integrity_check")).scalar_one())
                    if self.dialect == "sqlite"
                    else "ok"
                ),
            )
        return report

    def table_counts(self) -> dict[str, int]:
        from progrun.storage.schema import TABLES

        with self._engine.connect() as connection:
            return {
                table: int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
                for table in TABLES
            }
