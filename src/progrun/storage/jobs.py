"""Platform re-analysis jobs kept in the log, so a job resumes after any process crashed.

A job hands out every stored run (of every runner) in batches by ascending activity id. Each batch
is written (`reanalysis_batches`) and the job's `last_sent_id` moved in one transaction before the
batch's message is sent; a worker marks the batch done and adds its counts in one transaction, once.
Resuming sends again the batches not done (re-analysing a run twice is harmless) and goes on after
`last_sent_id`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Select, Table, func, insert, select, update
from sqlalchemy.engine import Engine

from progrun.storage.records import ANALYSIS_VERSION
from progrun.storage.schema import ActivityRow, ReanalysisBatchRow, ReanalysisJobRow

J = cast(Table, ReanalysisJobRow.__table__)
B = cast(Table, ReanalysisBatchRow.__table__)
A = cast(Table, ActivityRow.__table__)


@dataclass(frozen=True)
class JobProgress:
    id: int
    total: int
    done: int
    failed: int
    batches_left: int
    status: str

    @property
    def finished(self) -> bool:
        return self.status == "done"


class Jobs:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _runs(self, everything: bool) -> Select[Any]:
        query = select(A.c.id)
        return query if everything else query.where(A.c.analysis_version < ANALYSIS_VERSION)

    def create(self, *, everything: bool, batch_size: int) -> int:
        with self.engine.begin() as connection:
            total = connection.execute(
                select(func.count()).select_from(self._runs(everything).subquery())
            ).scalar_one()
            return int(
                connection.execute(
                    insert(J)
                    .values(
                        everything=everything,
                        batch_size=batch_size,
                        total=total,
                        last_sent_id=0,
                        done=0,
                        failed=0,
                        status="running",
                        created_at=datetime.now(UTC),
                    )
                    .returning(J.c.id)
                ).scalar_one()
            )

    def unfinished(self) -> int | None:
        """The newest job still running (a crashed `reanalyse` left it), or None."""
        with self.engine.connect() as connection:
            value = connection.execute(
                select(J.c.id).where(J.c.status == "running").order_by(J.c.id.desc()).limit(1)
            ).scalar()
        return None if value is None else int(value)

    def pending_batches(self, job_id: int) -> list[int]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(B.c.first_id).where(B.c.job_id == job_id, B.c.done.is_(False)).order_by(B.c.first_id)
            )
            return [int(value) for value in rows.scalars()]

    def next_batch(self, job_id: int) -> int | None:
        """Write the next batch after the job's last sent id; its first id, or None when all are out."""
        with self.engine.begin() as connection:
            job = connection.execute(select(J).where(J.c.id == job_id).with_for_update()).one()
            ids = [
                int(value)
                for value in connection.execute(
                    self._runs(job.everything)
                    .where(A.c.id > job.last_sent_id)
                    .order_by(A.c.id)
                    .limit(job.batch_size)
                ).scalars()
            ]
            if not ids:
                return None
            connection.execute(
                insert(B).values(
                    job_id=job_id,
                    first_id=ids[0],
                    last_id=ids[-1],
                    ids_json=json.dumps(ids),
                    done=False,
                    failed_json="[]",
                )
            )
            connection.execute(update(J).where(J.c.id == job_id).values(last_sent_id=ids[-1]))
            return int(ids[0])

    def batch_ids(self, job_id: int, first_id: int) -> list[int] | None:
        """The batch's activity ids, or None when it is done already (a redelivered message)."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(B.c.ids_json, B.c.done).where(B.c.job_id == job_id, B.c.first_id == first_id)
            ).first()
        if row is None or row.done:
            return None
        return [int(value) for value in json.loads(row.ids_json)]

    def finish_batch(self, job_id: int, first_id: int, done: int, failed: list[tuple[int, str]]) -> None:
        """Mark the batch done and add its counts to the job, once (a second call changes nothing)."""
        with self.engine.begin() as connection:
            changed = connection.execute(
                update(B)
                .where(B.c.job_id == job_id, B.c.first_id == first_id, B.c.done.is_(False))
                .values(done=True, failed_json=json.dumps(failed))
            ).rowcount
            if changed:
                connection.execute(
                    update(J)
                    .where(J.c.id == job_id)
                    .values(done=J.c.done + done, failed=J.c.failed + len(failed))
                )

    def progress(self, job_id: int) -> JobProgress:
        with self.engine.begin() as connection:
            job = connection.execute(select(J).where(J.c.id == job_id)).one()
            left = connection.execute(
                select(func.count()).where(B.c.job_id == job_id, B.c.done.is_(False))
            ).scalar_one()
            unsent = connection.execute(
                select(func.count()).select_from(
                    self._runs(job.everything).where(A.c.id > job.last_sent_id).subquery()
                )
            ).scalar_one()
            status = job.status
            if status == "running" and not left and not unsent:
                connection.execute(
                    update(J).where(J.c.id == job_id).values(status="done", finished_at=datetime.now(UTC))
                )
                status = "done"
        return JobProgress(job_id, int(job.total), int(job.done), int(job.failed), int(left), status)

    def failures(self, job_id: int) -> list[tuple[int, str]]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(B.c.failed_json).where(B.c.job_id == job_id)).scalars()
            return [(int(i), str(reason)) for value in rows for i, reason in json.loads(value)]

    def runners_of(self, activity_ids: list[int]) -> dict[int, list[int]]:
        """The ids grouped by their runner."""
        grouped: dict[int, list[int]] = {}
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(A.c.runner_id, A.c.id).where(A.c.id.in_(activity_ids)).order_by(A.c.id)
            )
            for runner_id, activity_id in rows:
                grouped.setdefault(int(runner_id), []).append(int(activity_id))
        return grouped
