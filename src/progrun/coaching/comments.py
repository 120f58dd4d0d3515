"""Talk under a run: the athlete and their coaches write, each sees the thread.

Who may read and write a run's thread: the runner who owns the run, and any coach of that runner
*now* (a former coach reads nothing). Each comment keeps its author; the thread is shown oldest first
with "coach" or "athlete" beside each name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, select

from progrun.coaching.errors import CoachingRequestError, Unavailable
from progrun.storage.coaching_schema import CommentRow
from progrun.storage.database import Database
from progrun.storage.schema import ActivityRow, RunnerRow, UserRow

CM = cast(Table, CommentRow.__table__)
ACT = cast(Table, ActivityRow.__table__)
U = cast(Table, UserRow.__table__)
R = cast(Table, RunnerRow.__table__)
MAX_COMMENT_CHARS = 4000


@dataclass(frozen=True)
class Comment:
    id: int
    author_user_id: int
    author: str
    role: str
    body: str
    created_at: datetime

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "author": self.author,
            "role": self.role,
            "body": self.body,
            "created_at": self.created_at.isoformat(),
        }


def check_run(database: Database, runner_id: int, activity_id: int) -> None:
    """Unavailable (404) unless the run is the runner's."""
    with database.engine.connect() as connection:
        found = connection.execute(
            select(ACT.c.id).where(ACT.c.id == activity_id, ACT.c.runner_id == runner_id)
        ).first()
    if found is None:
        raise Unavailable("run", f"run: no run {activity_id} in this log")


def add_comment(
    database: Database, runner_id: int, activity_id: int, *, author_user_id: int, body: str, now: datetime
) -> Comment:
    """Add to the thread of the runner's run; the caller has checked the author may (owner or coach)."""
    text = body.strip()
    if not text:
        raise CoachingRequestError("body", "the comment is empty; write something")
    if len(text) > MAX_COMMENT_CHARS:
        raise CoachingRequestError(
            "body", f"the comment is {len(text)} characters; keep it to {MAX_COMMENT_CHARS}"
        )
    check_run(database, runner_id, activity_id)
    with database.engine.begin() as connection:
        comment_id = connection.execute(
            CM.insert()
            .values(activity_id=activity_id, author_user_id=author_user_id, body=text, created_at=now)
            .returning(CM.c.id)
        ).scalar_one()
    return next(c for c in thread(database, runner_id, activity_id) if c.id == comment_id)


def thread(database: Database, runner_id: int, activity_id: int) -> list[Comment]:
    """The run's comments, oldest first (Unavailable unless the run is the runner's)."""
    with database.engine.connect() as connection:
        found = connection.execute(
            select(ACT.c.id).where(ACT.c.id == activity_id, ACT.c.runner_id == runner_id)
        ).first()
        if found is None:
            raise Unavailable("run", f"run: no run {activity_id} in this log")
        rows = connection.execute(
            select(CM.c.id, CM.c.author_user_id, CM.c.body, CM.c.created_at, U.c.name, U.c.email)
            .join(U, U.c.id == CM.c.author_user_id)
            .where(CM.c.activity_id == activity_id)
            .order_by(CM.c.id)
        ).all()
    if not rows:  # most runs: no talk, so no owner to look up
        return []
    owner_id = _owner_user_id(database, runner_id)
    return [
        Comment(
            int(row.id),
            int(row.author_user_id),
            row.name or row.email.split("@")[0],
            "athlete" if row.author_user_id == owner_id else "coach",
            row.body,
            row.created_at,
        )
        for row in rows
    ]


def _owner_user_id(database: Database, runner_id: int) -> int | None:
    with database.engine.connect() as connection:
        value = connection.execute(select(R.c.user_id).where(R.c.id == runner_id)).scalar_one_or_none()
    return None if value is None else int(value)
