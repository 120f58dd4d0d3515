"""Index activities by (runner_id, start): the importer's same-run lookup.

Without it SQLite answered "runner 1, start within a minute" from the runner_id index, reading every
activity of the runner: each import got slower as the log grew (a 10,000-run import spent most of its
parent's time there).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_activities_runner_start", "activities", ["runner_id", "start"])


def downgrade() -> None:
    op.drop_index("ix_activities_runner_start", table_name="activities")
