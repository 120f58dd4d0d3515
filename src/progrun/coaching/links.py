"""Who may read whom: the coach-athlete link (`coach_runners`), ending it, and the admin role."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, func, select

from progrun.coaching.errors import Unavailable
from progrun.errors import NotFound
from progrun.storage.coaching_schema import AdminRow
from progrun.storage.database import Database, User
from progrun.storage.schema import CoachRunnerRow, UserRow
from progrun.storage.store import Store

C = cast(Table, CoachRunnerRow.__table__)
U = cast(Table, UserRow.__table__)
A = cast(Table, AdminRow.__table__)


def coached_store(database: Database, coach_user_id: int, runner_id: int) -> Store:
    """The athlete's store for their coach; NotFound (never "forbidden") for anyone else's runner."""
    return database.coached_runner(coach_user_id, runner_id)


def coaches_of(database: Database, runner_id: int) -> list[User]:
    """The runner's coaches, by id."""
    with database.engine.connect() as connection:
        rows = connection.execute(
            select(U.c.id, U.c.email, U.c.name)
            .join(C, C.c.coach_user_id == U.c.id)
            .where(C.c.runner_id == runner_id)
            .order_by(U.c.id)
        ).all()
    return [User(int(row.id), row.email, row.name) for row in rows]


def end_link(database: Database, coach_user_id: int, runner_id: int) -> None:
    """End a coach's link to a runner (the athlete leaves, or the coach removes them): from the next
    request on the coach reads nothing of the runner. NotFound when there was no link."""
    with database.engine.begin() as connection:
        gone = connection.execute(
            C.delete().where(C.c.coach_user_id == coach_user_id, C.c.runner_id == runner_id)
        ).rowcount
    if not gone:
        raise Unavailable("coach", "coach: there is no such link between this coach and athlete")


def is_admin(database: Database, user_id: int) -> bool:
    with database.engine.connect() as connection:
        return connection.execute(select(A.c.user_id).where(A.c.user_id == user_id)).first() is not None


def make_admin(database: Database, user_id: int) -> None:
    """Give a user the admin role (the accounts list; an admin reads no runner's data by it)."""
    if database.user(user_id) is None:
        raise NotFound("user", str(user_id))
    if not is_admin(database, user_id):
        with database.engine.begin() as connection:
            connection.execute(A.insert().values(user_id=user_id))


def accounts(database: Database) -> list[dict[str, object]]:
    """Every account (id, address, name) and how many athletes it coaches: the admin's list."""
    with database.engine.connect() as connection:
        rows = connection.execute(
            select(U.c.id, U.c.email, U.c.name, func.count(C.c.runner_id))
            .outerjoin(C, C.c.coach_user_id == U.c.id)
            .group_by(U.c.id, U.c.email, U.c.name)
            .order_by(U.c.id)
        ).all()
    return [{"id": row[0], "email": row[1], "name": row[2], "athletes": row[3]} for row in rows]
