"""Invitations: a coach creates a code, an athlete accepts it once before it expires.

A code is 16 random bytes (URL-safe base64, 22 characters: 2^128 possibilities, so it cannot be
guessed); the log keeps only its SHA-256, so a copy of the database accepts nothing. Accepting marks it
used in the same statement that checks it is unused and unexpired, so two athletes racing for one code
cannot both win.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, select

from progrun.coaching.errors import CoachingRequestError, Unavailable
from progrun.storage.coaching_schema import InvitationRow
from progrun.storage.database import Database, User

I = cast(Table, InvitationRow.__table__)  # noqa: E741
#: How long an invitation can be accepted.
INVITATION_VALID = timedelta(days=7)
CODE_BYTES = 16
_GONE = "invitation: the code is unknown, used or expired; ask the coach for a new one"


@dataclass(frozen=True)
class Invitation:
    code: str
    expires_at: datetime

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "expires_at": self.expires_at.isoformat()}


def _digest(code: str) -> str:
    return hashlib.sha256(code.strip().encode("utf-8", "replace")).hexdigest()


def create_invitation(
    database: Database, coach_user_id: int, now: datetime, valid: timedelta = INVITATION_VALID
) -> Invitation:
    """A new single-use code for the coach's athletes (only its digest is stored)."""
    code = secrets.token_urlsafe(CODE_BYTES)
    expires_at = now + valid
    with database.engine.begin() as connection:
        connection.execute(
            I.insert().values(
                code_sha256=_digest(code), coach_user_id=coach_user_id, created_at=now, expires_at=expires_at
            )
        )
    return Invitation(code, expires_at)


def accept_invitation(database: Database, code: str, user_id: int, now: datetime) -> User:
    """Link the user's runner to the invitation's coach; the coach. NotFound for a code that is unknown,
    used or expired (the same answer for each, so nothing is learnt by trying); a RequestError for a
    coach accepting their own code. Accepting a second code of a coach one already has changes nothing."""
    runner = database.runner_of(user_id)
    if runner is None:
        raise Unavailable("invitation", "invitation: this account has no runner to share with a coach")
    digest = _digest(code)
    with database.engine.begin() as connection:
        row = connection.execute(
            select(I.c.id, I.c.coach_user_id, I.c.expires_at).where(
                I.c.code_sha256 == digest, I.c.used_at.is_(None)
            )
        ).first()
        if row is None or _aware(row.expires_at, now) <= now:
            raise Unavailable("invitation", _GONE)
        if row.coach_user_id == user_id:
            raise CoachingRequestError("code", "this is your own invitation; send it to an athlete")
        claimed = connection.execute(
            I.update()
            .where(I.c.id == row.id, I.c.used_at.is_(None))
            .values(used_at=now, used_by_user_id=user_id)
        ).rowcount
        if not claimed:
            raise Unavailable("invitation", _GONE)
    coach_user_id = int(row.coach_user_id)
    if all(athlete.id != runner.id for athlete in database.coached_by(coach_user_id)):
        database.add_coach(coach_user_id, runner.id)
    coach = database.user(coach_user_id)
    assert coach is not None
    return coach


def _aware(moment: datetime, like: datetime) -> datetime:
    """SQLite returns naive UTC date-times; compare them as UTC."""
    return moment.replace(tzinfo=like.tzinfo) if moment.tzinfo is None else moment
