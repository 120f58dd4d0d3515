"""The first training-log schema: runners, plans, blobs, activities, streams, splits, verdicts.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runners",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("profile_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("runner_id", sa.Integer(), sa.ForeignKey("runners.id"), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("plan_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_plans_runner_id", "plans", ["runner_id"])
    op.create_index("ix_plans_planned_on", "plans", ["planned_on"])
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("compression", sa.String(16), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "activities",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("runner_id", sa.Integer(), sa.ForeignKey("runners.id"), nullable=False),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("blobs.sha256"), nullable=False),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("sport", sa.String(40), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("distance_m", sa.Float(), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("moving_s", sa.Float(), nullable=False),
        sa.Column("avg_hr_bpm", sa.Float(), nullable=True),
        sa.Column("max_hr_bpm", sa.Float(), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("is_progression", sa.Boolean(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("load", sa.Float(), nullable=True),
        sa.Column("n_splits", sa.Integer(), nullable=False),
        sa.Column("analysis_version", sa.Integer(), nullable=False),
        sa.Column("summary_json", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("runner_id", "sha256", name="uq_activities_runner_sha256"),
    )
    op.create_index("ix_activities_runner_id", "activities", ["runner_id"])
    op.create_index("ix_activities_sha256", "activities", ["sha256"])
    op.create_index("ix_activities_start", "activities", ["start"])
    op.create_table(
        "streams",
        sa.Column(
            "activity_id", sa.Integer(), sa.ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("n_samples", sa.Integer(), nullable=False),
        sa.Column("channels", sa.Text(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "splits",
        sa.Column(
            "activity_id", sa.Integer(), sa.ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("index", sa.Integer(), primary_key=True),
        sa.Column("distance_m", sa.Float(), nullable=False),
        sa.Column("elapsed_s", sa.Float(), nullable=False),
        sa.Column("pace_s_per_km", sa.Float(), nullable=False),
        sa.Column("avg_hr_bpm", sa.Float(), nullable=True),
    )
    op.create_table(
        "verdicts",
        sa.Column(
            "activity_id", sa.Integer(), sa.ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plans.id"), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("progressed", sa.Boolean(), nullable=False),
        sa.Column("target_reached", sa.Boolean(), nullable=False),
        sa.Column("verdict_json", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    for table in ("verdicts", "splits", "streams", "activities", "blobs", "plans", "runners"):
        op.drop_table(table)
