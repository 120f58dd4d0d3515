"""The training log's tables (SQLAlchemy 2 declarative models).

The Alembic migrations in `migrations/versions/` create exactly these tables; a test compares the
migrated database with this metadata. The raw file of every activity is kept in `blobs`, addressed
by the SHA-256 of its *decompressed* content, so `.fit` and `.fit.gz` of one run share one key and
any run can be re-analysed later. Blobs live in the database (not on disk) so that an activity and
its raw file are written in one transaction: a crash leaves neither or both, never an orphan file.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.expression import false


class Base(DeclarativeBase):
    """The declarative base of every progrun table."""


class UserRow(Base):
    """An account (migration 0004): a runner's owner, or a coach of runners."""

    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("email", name="uq_users_email"),
        CheckConstraint("email <> ''", name="ck_users_email_not_empty"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RunnerRow(Base):
    """A runner and their profile (paces, heart-rate values, units) as JSON; `user_id` owns it (0004)."""

    __tablename__ = "runners"
    __table_args__ = (Index("uq_runners_user_id", "user_id", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    profile_json: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    #: Changes to the runner's runs, their analysis or the profile, counted (0009; `bump_data_version`).
    data_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class CoachRunnerRow(Base):
    """A coach (a user) may read a runner's log: one row per pair, gone with either side (0004)."""

    __tablename__ = "coach_runners"

    coach_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    runner_id: Mapped[int] = mapped_column(
        ForeignKey("runners.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PlanRow(Base):
    """A plan the runner meant to run (the JSON of `progrun.plan_io`), optionally on a date."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    runner_id: Mapped[int] = mapped_column(ForeignKey("runners.id"), index=True)
    planned_on: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    plan_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BlobRow(Base):
    """A raw activity file, content-addressed by the SHA-256 of its decompressed bytes.

    `data` is a zlib stream: a header, a deflate stream (for a zip member the member's own, as it sat
    in the archive) and an Adler-32 trailer.
    """

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size_bytes: Mapped[int] = mapped_column(Integer)
    compression: Mapped[str] = mapped_column(String(16))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ActivityRow(Base):
    """One imported run: its summary, classification and where it came from."""

    __tablename__ = "activities"
    __table_args__ = (
        UniqueConstraint("runner_id", "sha256", name="uq_activities_runner_sha256"),
        # the importer's same-run lookup: one runner's activities starting within a minute (migration 0002)
        Index("ix_activities_runner_start", "runner_id", "start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    runner_id: Mapped[int] = mapped_column(ForeignKey("runners.id"), index=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"), index=True)
    source_name: Mapped[str] = mapped_column(Text, default="")
    name: Mapped[str] = mapped_column(Text, default="")
    format: Mapped[str] = mapped_column(String(8))
    sport: Mapped[str] = mapped_column(String(40))
    start: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)
    distance_m: Mapped[float] = mapped_column(Float)
    duration_s: Mapped[float] = mapped_column(Float)
    moving_s: Mapped[float] = mapped_column(Float)
    heart_rate_avg_bpm: Mapped[float | None] = mapped_column(Float, nullable=True)
    heart_rate_max_bpm: Mapped[float | None] = mapped_column(Float, nullable=True)
    kind: Mapped[str] = mapped_column(String(20))
    is_progression: Mapped[bool] = mapped_column(Boolean)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    load: Mapped[float | None] = mapped_column(Float, nullable=True)
    n_splits: Mapped[int] = mapped_column(Integer)
    analysis_version: Mapped[int] = mapped_column(Integer)
    summary_json: Mapped[str] = mapped_column(Text, default="{}")
    #: SHA-256 of the raw file's deflate stream as stored (`blobs.data`): a zip member whose compressed
    #: bytes hash to it is this file, known without inflating it (an export imported again).
    deflate_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    #: Why the run is partial (salvaged from a damaged file); NULL for a complete run (migration 0003)
    partial_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StreamRow(Base):
    """The sample channels of an activity: float64 arrays, stacked and zlib-compressed."""

    __tablename__ = "streams"

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True
    )
    n_samples: Mapped[int] = mapped_column(Integer)
    channels: Mapped[str] = mapped_column(Text)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class SplitRow(Base):
    """One computed split (1 km by default) of an activity."""

    __tablename__ = "splits"

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True
    )
    index: Mapped[int] = mapped_column(Integer, primary_key=True)
    distance_m: Mapped[float] = mapped_column(Float)
    elapsed_s: Mapped[float] = mapped_column(Float)
    pace_s_per_km: Mapped[float] = mapped_column(Float)
    heart_rate_avg_bpm: Mapped[float | None] = mapped_column(Float, nullable=True)
    #: The watch's distance glitched inside this split (`progrun.distance_glitch`; migration 0005).
    suspect_distance: Mapped[bool] = mapped_column(Boolean, server_default=false())


class VerdictRow(Base):
    """The judge's verdict on a progression run, against a stored plan or inferred targets."""

    __tablename__ = "verdicts"

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True
    )
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"), nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    progressed: Mapped[bool] = mapped_column(Boolean)
    target_reached: Mapped[bool] = mapped_column(Boolean)
    verdict_json: Mapped[str] = mapped_column(Text, default="{}")


class PasswordRow(Base):
    """A user's password as an argon2 hash (migration 0006); a user without a row signs in by link only."""

    __tablename__ = "passwords"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SessionRow(Base):
    """A sign-in (migration 0006): the SHA-256 of its token, never the token; it expires and can be revoked.

    `kind` is "session" (a browser cookie or an API Bearer token) or "once" (a one-time sign-in link).
    """

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class UploadRow(Base):
    """An uploaded file and its analysis (migration 0007): bytes until analysed, status, reason, report."""

    __tablename__ = "uploads"

    id: Mapped[str] = mapped_column(String(17), primary_key=True)
    runner_id: Mapped[int] = mapped_column(ForeignKey("runners.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    error: Mapped[str] = mapped_column(Text)
    result_json: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReanalysisJobRow(Base):
    """A platform re-analysis (migration 0007): its size, the last id sent in a batch, its progress."""

    __tablename__ = "reanalysis_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    everything: Mapped[bool] = mapped_column(Boolean)
    batch_size: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    last_sent_id: Mapped[int] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer)
    failed: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ReanalysisBatchRow(Base):
    """One batch of a re-analysis job (migration 0007): its activity ids and whether a worker finished it."""

    __tablename__ = "reanalysis_batches"

    job_id: Mapped[int] = mapped_column(
        ForeignKey("reanalysis_jobs.id", ondelete="CASCADE"), primary_key=True
    )
    first_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer)
    ids_json: Mapped[str] = mapped_column(Text)
    done: Mapped[bool] = mapped_column(Boolean)
    failed_json: Mapped[str] = mapped_column(Text)


TABLES = (
    "users",
    "passwords",
    "sessions",
    "runners",
    "coach_runners",
    "plans",
    "blobs",
    "activities",
    "streams",
    "splits",
    "verdicts",
    "uploads",
    "reanalysis_jobs",
    "reanalysis_batches",
    "coach_invitations",
    "coach_sessions",
    "coach_assignments",
    "run_comments",
    "admins",
)

from progrun.storage import coaching_schema  # noqa: E402, F401  (its tables join Base.metadata)
