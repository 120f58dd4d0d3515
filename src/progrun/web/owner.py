"""The local owner: the account `progrun serve` creates on first start, and its one-time sign-in links.

The owner owns the CLI's runner (runner 1), so the runs `progrun import` stored are the ones the
browser shows. Each start prints a fresh one-time link (as Jupyter prints its token): a local user
never types a password; the link signs one browser in and is then spent.
"""

from __future__ import annotations

from datetime import timedelta

from progrun.coaching.links import make_admin
from progrun.storage.database import DEFAULT_RUNNER_ID, Database, User
from progrun.web.sessions import start_session

OWNER_EMAIL = "owner@localhost"


def ensure_owner(database: Database, name: str = "") -> tuple[User, bool]:
    """The owner of the CLI's runner, created (and given that runner) when there is none; (user, created)."""
    from sqlalchemy import select

    from progrun.storage.database import R

    with database.engine.connect() as connection:
        owner_id = connection.execute(select(R.c.user_id).where(R.c.id == DEFAULT_RUNNER_ID)).scalar_one()
    if owner_id is not None:
        user = database.user(int(owner_id))
        if user is not None:
            make_admin(database, user.id)
            return user, False
    existing = database.user_by_email(OWNER_EMAIL)
    user = existing or database.create_user(OWNER_EMAIL, name or "Owner")
    database.give_runner(DEFAULT_RUNNER_ID, user.id)
    make_admin(database, user.id)  # the local owner administers the accounts
    return user, True


def once_link(database: Database, user_id: int, base_url: str, minutes: float) -> str:
    """A new one-time sign-in link for the user, valid for `minutes`."""
    token = start_session(database, user_id, timedelta(minutes=minutes), kind="once")
    return f"{base_url.rstrip('/')}/login/once?token={token}"
