"""The training log's database, once per process: its engine, its migrated schema, its compiled statements.

```
db = Database.open("sqlite:///log.db")      # engine, migrations (under the database's lock), statements
store = db.runner(runner_id)                 # cheap: one runner's view, sharing all of the above
...
db.close()                                   # disposes the engine (a runner's store never does)
```

A web server or a worker opens one `Database` at start-up and asks it for a runner's store per
request; the CLI's `Store.open(url)` is `Database.open(url).runner(1)` with the engine disposed when
that store closes. The accounts (migration 0004) live here too: users, the runner a user owns, and
which runners a coach may read. A runner id is never trusted blindly: `runner` raises NotFound for a
runner that does not exist, and `coached_runner` for one the coach does not coach.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, cast

from sqlalchemy import Engine, Table, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from progrun.errors import NotFound, StorageError
from progrun.storage.location import create_sqlite_file, parse_log_url
from progrun.storage.opening import create_log_engine, migrate, storage_error
from progrun.storage.records import Profile
from progrun.storage.schema import CoachRunnerRow, RunnerRow, UserRow
from progrun.storage.statements import Statements

if TYPE_CHECKING:
    from progrun.storage.store import Store

#: The CLI's runner (created by the migrations).
DEFAULT_RUNNER_ID = 1

U = cast(Table, UserRow.__table__)
R = cast(Table, RunnerRow.__table__)
C = cast(Table, CoachRunnerRow.__table__)


@dataclass(frozen=True)
class User:
    """An account: a runner's owner or a coach."""

    id: int
    email: str
    name: str


@dataclass(frozen=True)
class Runner:
    """A runner of the log and the user owning it (None for the CLI's own runner)."""

    id: int
    name: str
    user_id: int | None


class Database:
    """One per process: open with `Database.open(url)`, get runners' stores with `runner(id)`."""

    def __init__(self, engine: Engine, shown_url: str, *, created: bool = False) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self.shown_url = shown_url
        #: Whether opening created the log (it had no schema yet).
        self.created = created
        #: The import's statements, compiled once for this dialect (`storage.statements`).
        self.statements = Statements(engine.dialect)

    @staticmethod
    def open(url: str, *, create: bool = True) -> Database:
        """Open (and migrate to the newest schema) the training log at an SQLAlchemy URL.

        A new SQLite file is created 0600 in folders created 0700 (`storage.location`); an existing
        one is tightened to 0600. Migrations run under the database's lock (`storage.opening`). Every
        failure is a StorageError naming the log.
        """
        location = parse_log_url(url)
        if location.sqlite_path is not None:
            if not create and not location.sqlite_path.is_file():
                raise StorageError(f"there is no training log at {location.sqlite_path}")
            create_sqlite_file(location.sqlite_path)
        engine = create_log_engine(location)
        try:
            created = migrate(engine, location.shown, DEFAULT_RUNNER_ID)
            return Database(engine, location.shown, created=created)
        except (SQLAlchemyError, OSError) as error:
            engine.dispose()
            raise storage_error(error, location.shown) from None
        except StorageError:
            engine.dispose()
            raise

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- runners' stores -----------------------------------------------------------------------

    def runner(self, runner_id: int = DEFAULT_RUNNER_ID) -> Store:
        """One runner's store on this database (no new engine, no compiling); NotFound if no such runner."""
        from progrun.storage.store import Store

        with self.engine.connect() as connection:
            found = connection.execute(select(R.c.id).where(R.c.id == runner_id)).first()
        if found is None:
            raise NotFound("runner", str(runner_id))
        return Store(self, runner_id)

    def known_runner(self, runner_id: int) -> Store:
        """The store of a runner whose id was just read from this log (a signed-in user's own runner):
        `runner` without its existence check, one statement less on every request."""
        from progrun.storage.store import Store

        return Store(self, runner_id)

    def coached_runner(self, coach_user_id: int, runner_id: int) -> Store:
        """A runner's store for their coach; NotFound unless the user coaches that runner."""
        with self.engine.connect() as connection:
            found = connection.execute(
                select(C.c.runner_id).where(C.c.coach_user_id == coach_user_id, C.c.runner_id == runner_id)
            ).first()
        if found is None:
            raise NotFound("runner", f"{runner_id} (not coached by user {coach_user_id})")
        return self.runner(runner_id)

    # -- accounts ----------------------------------------------------------------------------------

    def create_user(self, email: str, name: str = "") -> User:
        """A new account; StorageError if the address is empty or already taken."""
        email = email.strip()
        try:
            with self.engine.begin() as connection:
                user_id = connection.execute(
                    U.insert().values(email=email, name=name, created_at=datetime.now(UTC)).returning(U.c.id)
                ).scalar_one()
        except (IntegrityError, StorageError):
            raise StorageError(
                f"cannot create the user {email!r}: the address is empty or already taken"
            ) from None
        return User(int(user_id), email, name)

    def create_runner(self, name: str, *, user_id: int | None = None) -> Runner:
        """A new runner with a default profile, owned by `user_id` (at most one runner per user)."""
        profile = Profile(name=name)
        if user_id is not None:
            with self.engine.connect() as connection:
                if connection.execute(select(U.c.id).where(U.c.id == user_id)).first() is None:
                    raise NotFound("user", str(user_id))
        try:
            with self.engine.begin() as connection:
                runner_id = connection.execute(
                    R.insert()
                    .values(
                        name=name,
                        profile_json=json.dumps(asdict(profile)),
                        created_at=datetime.now(UTC),
                        user_id=user_id,
                    )
                    .returning(R.c.id)
                ).scalar_one()
        except (IntegrityError, StorageError):
            raise StorageError(
                f"cannot create the runner {name!r}: user {user_id} already has a runner"
            ) from None
        return Runner(int(runner_id), name, user_id)

    def add_coach(self, coach_user_id: int, runner_id: int) -> None:
        """Let a user read a runner's log (once per pair); a user does not coach their own runner."""
        with self.engine.connect() as connection:
            owner = connection.execute(select(R.c.user_id).where(R.c.id == runner_id)).first()
        if owner is None:
            raise NotFound("runner", str(runner_id))
        if owner[0] == coach_user_id:
            raise StorageError(f"user {coach_user_id} owns runner {runner_id} and cannot also coach them")
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    C.insert().values(
                        coach_user_id=coach_user_id, runner_id=runner_id, created_at=datetime.now(UTC)
                    )
                )
        except (IntegrityError, StorageError):
            raise StorageError(
                f"cannot make user {coach_user_id} a coach of runner {runner_id}: no such user, or already "
                f"their coach"
            ) from None

    def coached_by(self, coach_user_id: int) -> list[Runner]:
        """The runners a user coaches, by id."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(R.c.id, R.c.name, R.c.user_id)
                .join(C, C.c.runner_id == R.c.id)
                .where(C.c.coach_user_id == coach_user_id)
                .order_by(R.c.id)
            ).all()
        return [Runner(int(row.id), row.name, row.user_id) for row in rows]

    def user_by_email(self, email: str) -> User | None:
        """The account with this address (compared as typed, trimmed), or None."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(U.c.id, U.c.email, U.c.name).where(U.c.email == email.strip())
            ).first()
        return None if row is None else User(int(row.id), row.email, row.name)

    def user(self, user_id: int) -> User | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(U.c.id, U.c.email, U.c.name).where(U.c.id == user_id)).first()
        return None if row is None else User(int(row.id), row.email, row.name)

    def count_users(self) -> int:
        with self.engine.connect() as connection:
            return len(connection.execute(select(U.c.id)).all())

    def runner_of(self, user_id: int) -> Runner | None:
        """The runner a user owns, or None."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(R.c.id, R.c.name, R.c.user_id).where(R.c.user_id == user_id)
            ).first()
        return None if row is None else Runner(int(row.id), row.name, row.user_id)

    def give_runner(self, runner_id: int, user_id: int) -> Runner:
        """Make an unowned runner (the CLI's) the user's: a local owner sees the CLI's log in the browser.

        StorageError when the runner already has an owner or the user already owns a runner.
        """
        try:
            with self.engine.begin() as connection:
                done = connection.execute(
                    R.update().where(R.c.id == runner_id, R.c.user_id.is_(None)).values(user_id=user_id)
                ).rowcount
        except IntegrityError:
            done = 0
        if not done:
            raise StorageError(
                f"cannot give runner {runner_id} to user {user_id}: it has an owner or the user owns a runner"
            )
        with self.engine.connect() as connection:
            name = connection.execute(select(R.c.name).where(R.c.id == runner_id)).scalar_one()
        return Runner(runner_id, name, user_id)
