"""Work off the request, kept in the log (not a server's memory) so any worker on any machine sees it.

- `uploads`: one row per uploaded file: its bytes (until analysed; a worker on another machine reads
  them from here), their SHA-256, the status (queued, analysing, done, failed), the reason it failed,
  the import report as JSON and the attempts made; gone with the runner;
- `reanalysis_jobs`: a platform re-analysis: how many runs, the last activity id handed out in a
  batch, and the counts done and failed;
- `reanalysis_batches`: each batch of a job (its first and last activity id) and whether it is done,
  so a job resumes after a crash by sending again only the batches not done.

Revision ID: 0007_uploads
Revises: 0006_sessions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_uploads"
down_revision = "0006_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "uploads",
        sa.Column("id", sa.String(17), primary_key=True),
        sa.Column("runner_id", sa.Integer(), sa.ForeignKey("runners.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("result_json", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_uploads_runner_id", "uploads", ["runner_id"])
    op.create_index("ix_uploads_status", "uploads", ["status"])
    op.create_table(
        "reanalysis_jobs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("everything", sa.Boolean(), nullable=False),
        sa.Column("batch_size", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("last_sent_id", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "reanalysis_batches",
        sa.Column(
            "job_id", sa.Integer(), sa.ForeignKey("reanalysis_jobs.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("first_id", sa.Integer(), primary_key=True),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("ids_json", sa.Text(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("failed_json", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("reanalysis_batches")
    op.drop_table("reanalysis_jobs")
    op.drop_index("ix_uploads_status", table_name="uploads")
    op.drop_index("ix_uploads_runner_id", table_name="uploads")
    op.drop_table("uploads")
