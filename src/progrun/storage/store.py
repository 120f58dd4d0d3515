"""Store: one runner's training log on SQLite (embedded default) or PostgreSQL, taking and returning the
domain's objects (summaries, splits, verdicts, `Profile`, `StoredPlan`; nothing of SQLAlchemy leaks out).

Writing runs is `progrun.storage.run_writes` (mixed in); this module opens the log and reads it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import Connection, Row, Table, func, select, text, update

from progrun.activity import Activity, Format, make_activity
from progrun.analysis import SplitRecord, StoredPlan, VerdictRecord
from progrun.errors import NotFound, PlanError, StorageError
from progrun.plan import Plan
from progrun.plan_io import plan_from_json, plan_to_json
from progrun.storage.database import DEFAULT_RUNNER_ID, Database
from progrun.storage.records import ActivityDetail, ActivitySummary, IntegrityReport, Profile, decode_streams
from progrun.storage.rows import db_time, summary_from_row, utc
from progrun.storage.run_writes import SAME_RUN_START_S, RunWrites, same_run
from progrun.storage.schema import ActivityRow, BlobRow, PlanRow, RunnerRow, SplitRow, StreamRow, VerdictRow

__all__ = ["SAME_RUN_START_S", "Store", "same_run"]

A = cast(Table, ActivityRow.__table__)
B = cast(Table, BlobRow.__table__)
S = cast(Table, StreamRow.__table__)
SP = cast(Table, SplitRow.__table__)
V = cast(Table, VerdictRow.__table__)
R = cast(Table, RunnerRow.__table__)
P = cast(Table, PlanRow.__table__)


class Store(RunWrites):
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
        self._bump_data_version = statements.bump_data_version

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

    # -- reading activities ------------------------------------------------------------------

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

    def known_files(self) -> tuple[dict[str, int], dict[str, int]]:
        """Every stored file's activity id by the SHA-256 of its content and by that of its deflate stream
        (`activities.deflate_sha256`): an import skips a file already in the log before decoding it, and
        a zip member before even inflating it."""
        query = select(A.c.sha256, A.c.deflate_sha256, A.c.id).where(A.c.runner_id == self.runner_id)
        by_content: dict[str, int] = {}
        by_deflate: dict[str, int] = {}
        with self._engine.connect() as connection:
            for sha, deflate_sha, activity_id in connection.execute(query):
                by_content[sha] = activity_id
                if deflate_sha is not None:
                    by_deflate[deflate_sha] = activity_id
        return by_content, by_deflate

    def iter_ids(self, *, older_than_version: int | None = None) -> Iterator[int]:
        query = select(A.c.id).where(A.c.runner_id == self.runner_id).order_by(A.c.id)
        if older_than_version is not None:
            query = query.where(A.c.analysis_version < older_than_version)
        with self._engine.connect() as connection:
            ids = [int(value) for value in connection.execute(query).scalars()]
        yield from ids

    def summary(self, activity_id: int) -> ActivitySummary:
        with self._engine.connect() as connection:
            return summary_from_row(self._activity_row(connection, activity_id))

    def _activity_row(self, connection: Connection, activity_id: int) -> Row[Any]:
        """The runner's activity row (every column, `summary_json` included); NotFound for another's."""
        row = connection.execute(
            select(A).where(A.c.id == activity_id, A.c.runner_id == self.runner_id)
        ).first()
        if row is None:
            raise NotFound("activity", str(activity_id))
        return row

    def detail(self, activity_id: int) -> ActivityDetail:
        """An activity with its splits and verdict (three statements on one connection)."""
        with self._engine.connect() as connection:
            row = self._activity_row(connection, activity_id)
            verdict_row = connection.execute(select(V).where(V.c.activity_id == activity_id)).first()
            splits = self._splits_on(connection, [activity_id]).get(activity_id, ())
        verdict = None
        if verdict_row is not None:
            verdict = VerdictRecord(
                score=verdict_row.score,
                progressed=bool(verdict_row.progressed),
                target_reached=bool(verdict_row.target_reached),
                plan_id=verdict_row.plan_id,
                details=json.loads(verdict_row.verdict_json),
            )
        info = json.loads(row.summary_json)
        return ActivityDetail(summary=summary_from_row(row), splits=splits, verdict=verdict, info=info)

    def splits_for(self, activity_ids: Iterable[int]) -> dict[int, tuple[SplitRecord, ...]]:
        with self._engine.connect() as connection:
            return self._splits_on(connection, activity_ids)

    @staticmethod
    def _splits_on(connection: Connection, activity_ids: Iterable[int]) -> dict[int, tuple[SplitRecord, ...]]:
        ids = list(activity_ids)
        out: dict[int, list[SplitRecord]] = {activity_id: [] for activity_id in ids}
        columns = (SP.c.activity_id, SP.c.index, SP.c.distance_m, SP.c.elapsed_s, SP.c.pace_s_per_km)
        for chunk_start in range(0, len(ids), 500):
            chunk = ids[chunk_start : chunk_start + 500]
            rows = connection.execute(
                select(*columns, SP.c.heart_rate_avg_bpm, SP.c.suspect_distance)
                .where(SP.c.activity_id.in_(chunk))
                .order_by(SP.c.activity_id, SP.c.index)
            ).all()
            for activity_id, index, distance_m, elapsed_s, pace, hr, suspect in rows:
                out[activity_id].append(SplitRecord(index, distance_m, elapsed_s, pace, hr, bool(suspect)))
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
        with self._engine.connect() as connection:
            activity_row = self._activity_row(connection, activity_id)
            row = connection.execute(select(S).where(S.c.activity_id == activity_id)).first()
        summary = summary_from_row(activity_row)
        info = json.loads(activity_row.summary_json)
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
                .values(
                    profile_json=json.dumps(asdict(profile)),
                    name=profile.name,
                    data_version=R.c.data_version + 1,
                )
            )

    def data_version(self) -> int:
        """How many times the runner's runs, their analysis or the profile changed (migration 0009)."""
        with self._engine.connect() as connection:
            return int(
                connection.execute(select(R.c.data_version).where(R.c.id == self.runner_id)).scalar_one()
            )

    def add_plan(self, plan: Plan, *, planned_on: date | None = None, name: str = "") -> StoredPlan:
        """Keep a plan (as `progrun.plan_io`'s JSON) under `name`, optionally for the day `planned_on`."""
        created_at = datetime.now(UTC)
        with self._engine.begin() as connection:
            plan_id = connection.execute(
                P.insert()
                .values(
                    runner_id=self.runner_id,
                    planned_on=planned_on,
                    name=name,
                    plan_json=plan_to_json(plan),
                    created_at=created_at,
                )
                .returning(P.c.id)
            ).scalar_one()
        return StoredPlan(int(plan_id), planned_on, name, plan, created_at)

    def plan(self, plan_id: int) -> StoredPlan:
        """One of this runner's plans; NotFound for another runner's, StorageError for one that no longer
        reads as a plan."""
        with self._engine.connect() as connection:
            row = connection.execute(
                _PLAN_COLUMNS.where(P.c.id == plan_id, P.c.runner_id == self.runner_id)
            ).first()
        if row is None:
            raise NotFound("plan", str(plan_id))
        stored = _stored_plan(row)
        if stored is None:
            raise StorageError(f"plan {plan_id} in the training log no longer reads as a plan; save it again")
        return stored

    def plans(self) -> list[StoredPlan]:
        """Every stored plan of this runner, oldest first (a row that no longer reads as a plan, written by
        an older progrun, is left out: nothing can be judged against it)."""
        with self._engine.connect() as connection:
            rows = connection.execute(
                _PLAN_COLUMNS.where(P.c.runner_id == self.runner_id).order_by(P.c.id)
            ).all()
        return [stored for stored in map(_stored_plan, rows) if stored is not None]

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


_PLAN_COLUMNS = select(P.c.id, P.c.planned_on, P.c.name, P.c.plan_json, P.c.created_at)


def _stored_plan(row: Any) -> StoredPlan | None:
    try:
        plan = plan_from_json(json.loads(row.plan_json))
    except (PlanError, ValueError):
        return None
    return StoredPlan(int(row.id), row.planned_on, row.name, plan, utc(row.created_at))
