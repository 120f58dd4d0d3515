"""Coaching: invitations, prescribed and club sessions with each athlete's assignment, comments, admins.

See `progrun.storage.coaching_schema` for what each table holds. Every row goes with its coach or
runner (ON DELETE CASCADE); an assignment keeps its row when the athlete deletes the plan (SET NULL).

Revision ID: 0008_coaching
Revises: 0006_sessions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_coaching"
down_revision = "0007_uploads"
branch_labels = None
depends_on = None


def _user(name: str, *, nullable: bool = False, ondelete: str = "CASCADE") -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), sa.ForeignKey("users.id", ondelete=ondelete), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "coach_invitations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code_sha256", sa.String(64), nullable=False, unique=True),
        _user("coach_user_id"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        _user("used_by_user_id", nullable=True, ondelete="SET NULL"),
    )
    op.create_index("ix_coach_invitations_coach_user_id", "coach_invitations", ["coach_user_id"])
    op.create_table(
        "coach_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        _user("coach_user_id"),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("distance", sa.String(50), nullable=False),
        sa.Column("start", sa.String(20), nullable=False),
        sa.Column("target", sa.String(20), nullable=False),
        sa.Column("groups_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_coach_sessions_coach_user_id", "coach_sessions", ["coach_user_id"])
    op.create_table(
        "coach_assignments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "session_id", sa.Integer(), sa.ForeignKey("coach_sessions.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("runner_id", sa.Integer(), sa.ForeignKey("runners.id", ondelete="CASCADE"), nullable=False),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plans.id", ondelete="SET NULL"), nullable=True),
        sa.Column("group_index", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.UniqueConstraint("session_id", "runner_id", name="uq_coach_assignments_session_runner"),
    )
    op.create_index("ix_coach_assignments_session_id", "coach_assignments", ["session_id"])
    op.create_index("ix_coach_assignments_runner_id", "coach_assignments", ["runner_id"])
    op.create_table(
        "run_comments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "activity_id", sa.Integer(), sa.ForeignKey("activities.id", ondelete="CASCADE"), nullable=False
        ),
        _user("author_user_id"),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_run_comments_activity_id", "run_comments", ["activity_id"])
    op.create_table(
        "admins",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("admins")
    op.drop_index("ix_run_comments_activity_id", table_name="run_comments")
    op.drop_table("run_comments")
    op.drop_index("ix_coach_assignments_runner_id", table_name="coach_assignments")
    op.drop_index("ix_coach_assignments_session_id", table_name="coach_assignments")
    op.drop_table("coach_assignments")
    op.drop_index("ix_coach_sessions_coach_user_id", table_name="coach_sessions")
    op.drop_table("coach_sessions")
    op.drop_index("ix_coach_invitations_coach_user_id", table_name="coach_invitations")
    op.drop_table("coach_invitations")
