"""Accounts' secrets: argon2 password hashes and sessions stored by the SHA-256 of their token.

A token is 32 random bytes (URL-safe base64) that only the browser's cookie or the API client holds;
the log keeps its SHA-256, when it expires and when it was revoked, so a stolen database copy signs no
one in. A one-time sign-in link is a session of kind "once": the first use revokes it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Table, select

from progrun.storage.database import Database
from progrun.storage.schema import PasswordRow, RunnerRow, SessionRow, UserRow

P = cast(Table, PasswordRow.__table__)
S = cast(Table, SessionRow.__table__)
U = cast(Table, UserRow.__table__)
R = cast(Table, RunnerRow.__table__)
_HASHER = PasswordHasher()
#: A hash to verify against when the address is unknown, so a wrong address costs what a wrong password does.
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


@dataclass(frozen=True)
class SessionInfo:
    """A valid session: whose it is and until when."""

    id: int
    user_id: int
    kind: str
    expires_at: datetime


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def set_password(database: Database, user_id: int, password: str) -> None:
    digest = _HASHER.hash(password)
    now = datetime.now(UTC)
    with database.engine.begin() as connection:
        connection.execute(P.delete().where(P.c.user_id == user_id))
        connection.execute(P.insert().values(user_id=user_id, password_hash=digest, updated_at=now))


def check_password(database: Database, user_id: int | None, password: str) -> bool:
    """Whether `password` is the user's; always runs one argon2 verification (no timing oracle)."""
    stored = None
    if user_id is not None:
        with database.engine.connect() as connection:
            stored = connection.execute(
                select(P.c.password_hash).where(P.c.user_id == user_id)
            ).scalar_one_or_none()
    try:
        return bool(_HASHER.verify(stored or _DUMMY_HASH, password)) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def start_session(database: Database, user_id: int, lifetime: timedelta, *, kind: str = "session") -> str:
    """A new session's token (shown once; only its SHA-256 is stored)."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with database.engine.begin() as connection:
        connection.execute(
            S.insert().values(
                token_sha256=token_digest(token),
                user_id=user_id,
                kind=kind,
                created_at=now,
                expires_at=now + lifetime,
                revoked_at=None,
            )
        )
    return token


def _aware(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back; they were stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def find_session(database: Database, token: str, *, kind: str = "session") -> SessionInfo | None:
    """The session of `token` when it exists, is of `kind`, has not expired and was not revoked."""
    if not token or len(token) > 200:
        return None
    with database.engine.connect() as connection:
        row = connection.execute(
            select(S.c.id, S.c.user_id, S.c.kind, S.c.expires_at, S.c.revoked_at).where(
                S.c.token_sha256 == token_digest(token)
            )
        ).first()
    if row is None or row.kind != kind or row.revoked_at is not None:
        return None
    expires_at = _aware(row.expires_at)
    if expires_at <= datetime.now(UTC):
        return None
    return SessionInfo(int(row.id), int(row.user_id), row.kind, expires_at)


@dataclass(frozen=True)
class SignedIn:
    """Who a live session belongs to: the user, the runner they own and its data version (0009)."""

    user_id: int
    runner_id: int
    name: str
    email: str
    data_version: int


def find_signed_in(database: Database, token: str) -> SignedIn | None:
    """The user and runner of a live session of kind "session", in one statement (every request asks).

    None when the token is unknown, expired or revoked, or its user owns no runner.
    """
    if not token or len(token) > 200:
        return None
    with database.engine.connect() as connection:
        row = connection.execute(
            select(
                S.c.kind,
                S.c.expires_at,
                S.c.revoked_at,
                U.c.id.label("user_id"),
                U.c.email,
                U.c.name.label("user_name"),
                R.c.id.label("runner_id"),
                R.c.name.label("runner_name"),
                R.c.data_version,
            )
            .join(U, U.c.id == S.c.user_id)
            .join(R, R.c.user_id == U.c.id)
            .where(S.c.token_sha256 == token_digest(token))
        ).first()
    if row is None or row.kind != "session" or row.revoked_at is not None:
        return None
    if _aware(row.expires_at) <= datetime.now(UTC):
        return None
    name = row.user_name or row.runner_name
    return SignedIn(int(row.user_id), int(row.runner_id), name, row.email, int(row.data_version))


def revoke_session(database: Database, token: str) -> bool:
    """Revoke the session of `token` (sign-out); False when there was no live one."""
    with database.engine.begin() as connection:
        done = connection.execute(
            S.update()
            .where(S.c.token_sha256 == token_digest(token), S.c.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        ).rowcount
    return bool(done)


def use_once_link(database: Database, token: str, lifetime: timedelta) -> str | None:
    """Trade a one-time link's token for a new session token; None when unknown, used or expired."""
    found = find_session(database, token, kind="once")
    if found is None or not revoke_session(database, token):
        return None
    return start_session(database, found.user_id, lifetime)
