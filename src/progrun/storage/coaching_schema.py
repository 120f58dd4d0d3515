"""The coaching tables (migration 0008_coaching): invitations, prescribed and club sessions, comments, admins.

- `coach_invitations`: the SHA-256 of an invitation code (the code itself is only shown to the coach
  once), its coach, when it expires and when (and by whom) it was used: single use, gone with the coach;
- `coach_sessions`: a session a coach prescribed on a date (`kind` "prescribed" or "club"), with the
  request as typed (distance, start, target) and, for a club night, the pace groups as JSON;
- `coach_assignments`: one athlete's part of a session: the plan stored in the athlete's own log
  (`plans`, linked to a run of that day by the importer) and, for a club night, the athlete's group;
- `run_comments`: the talk under a run: its author (the coach or the athlete), gone with the run;
- `admins`: the users with the admin role (the accounts page; never a runner's data).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from progrun.storage.schema import Base


class InvitationRow(Base):
    __tablename__ = "coach_invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    coach_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    used_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )


class CoachSessionRow(Base):
    __tablename__ = "coach_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    coach_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    on_date: Mapped[date] = mapped_column(Date)
    distance: Mapped[str] = mapped_column(String(50))
    start: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(20))
    groups_json: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AssignmentRow(Base):
    __tablename__ = "coach_assignments"
    __table_args__ = (
        UniqueConstraint("session_id", "runner_id", name="uq_coach_assignments_session_runner"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("coach_sessions.id", ondelete="CASCADE"), index=True)
    runner_id: Mapped[int] = mapped_column(ForeignKey("runners.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"), nullable=True)
    group_index: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")


class CommentRow(Base):
    __tablename__ = "run_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    author_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AdminRow(Base):
    __tablename__ = "admins"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
