"""Partial runs in the training log: a later, fuller copy of the same run replaces them.

A run salvaged from a damaged file (`progrun import --salvage`: a recording cut short, a file whose
CRC fails) is stored flagged partial (`activities.partial_reason`). Inside the transaction that
writes a new run, `PartialRuns.settle` looks at the runner's activities that start within
SAME_RUN_START_S of it:

- a stored *partial* run is deleted when the new run is complete (its CRC-checked data is the truth,
  whatever the damaged copy claimed: a flipped bit can stretch a salvaged run to hours) or is a
  longer partial copy; its streams, splits, verdict and raw file (unless another activity shares
  that file) go with it: the new run replaces it;
- a new *partial* run is a duplicate of a stored complete run, or of a stored partial one lasting
  at least as long (less DURATION_FLOOR_S).

So "half the file, then the whole file" leaves one complete activity, and "the whole file, then half
of it" leaves the complete one alone. The statements are compiled once per Store, like the importer's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, delete, exists, select

from progrun.storage.records import ImportedRun
from progrun.storage.rows import utc
from progrun.storage.schema import ActivityRow, BlobRow, SplitRow, StreamRow, VerdictRow
from progrun.storage.statements import CompiledStatement

#: Recordings of one run start within this many seconds of each other (as `store.SAME_RUN_START_S`).
SAME_RUN_START_S = 60.0
#: A partial copy covers another partial one when it lasts at least as long, less this many seconds.
DURATION_FLOOR_S = 10.0

A = cast(Table, ActivityRow.__table__)
B = cast(Table, BlobRow.__table__)


@dataclass(frozen=True)
class Settled:
    """What `settle` found: the activity already covering a new partial run, and the ids it replaced."""

    covered_by: int | None
    replaced: tuple[int, ...]


class PartialRuns:
    """The partial-run rules of `Store._add_run`, on the DBAPI cursor of its transaction."""

    def __init__(self, dialect: Any) -> None:
        self._near = CompiledStatement(
            select(A.c.id, A.c.start, A.c.duration_s, A.c.partial_reason, A.c.sha256)
            .where(A.c.runner_id == bindparam("runner"), A.c.start.between(bindparam("lo"), bindparam("hi")))
            .order_by(A.c.id),
            dialect,
        )
        self._start_result = A.c.start.type.dialect_impl(dialect).result_processor(dialect, None)
        self._deletes = [
            CompiledStatement(
                delete(cast(Table, row.__table__)).where(
                    cast(Table, row.__table__).c.activity_id == bindparam("activity")
                ),
                dialect,
            )
            for row in (VerdictRow, SplitRow, StreamRow)
        ]
        self._delete_activity = CompiledStatement(delete(A).where(A.c.id == bindparam("activity")), dialect)
        self._delete_blob = CompiledStatement(
            delete(B).where(
                and_(B.c.sha256 == bindparam("sha"), ~exists().where(A.c.sha256 == bindparam("sha_again")))
            ),
            dialect,
        )

    def settle(self, cursor: Any, runner_id: int, run: ImportedRun) -> Settled:
        """Apply the rules of the module docstring for `run` (not yet written)."""
        start = utc(run.start)
        if start is None:
            return Settled(None, ())
        window = timedelta(seconds=SAME_RUN_START_S)
        rows = self._near.fetch_all(cursor, {"runner": runner_id, "lo": start - window, "hi": start + window})
        replaced: list[int] = []
        covered_by: int | None = None
        for row_id, row_start, duration_s, partial_reason, sha256 in rows:
            other = utc(self._start_result(row_start) if self._start_result is not None else row_start)
            if other is None or abs((other - start).total_seconds()) > SAME_RUN_START_S:
                continue
            if partial_reason and (not run.partial or run.duration_s > float(duration_s)):
                self._delete(cursor, int(row_id), str(sha256))
                replaced.append(int(row_id))
            elif (run.partial and covered_by is None) and (
                not partial_reason or float(duration_s) >= run.duration_s - DURATION_FLOOR_S
            ):
                covered_by = int(row_id)
        return Settled(covered_by, tuple(replaced))

    def _delete(self, cursor: Any, activity_id: int, sha256: str) -> None:
        for statement in self._deletes:
            statement.execute(cursor, {"activity": activity_id})
        self._delete_activity.execute(cursor, {"activity": activity_id})
        self._delete_blob.execute(cursor, {"sha": sha256, "sha_again": sha256})
