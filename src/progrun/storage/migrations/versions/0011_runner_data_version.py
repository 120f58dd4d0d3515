"""Count the changes to a runner's analysed data: `runners.data_version` (0 for existing rows).

Every transaction that changes what the runner's progress and advice are computed from (a run
imported or a partial copy replaced, a run re-analysed, the profile changed) adds one to it, in the
same transaction. A web server keeps the runner's progress report and advice until the number moves
(`progrun.web.runner_cache`), so every server process sees a change as soon as it is committed.

Revision ID: 0011_runner_data_version
Revises: 0010_heart_rate_names
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_runner_data_version"
down_revision = "0010_heart_rate_names"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("runners", sa.Column("data_version", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("runners") as batch:
        batch.drop_column("data_version")
