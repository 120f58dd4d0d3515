"""Flag partial runs: `activities.partial_reason` (NULL for a complete run).

A run salvaged from a damaged file (`progrun import --salvage`) is kept only as partial: shown as
such in `history` and `show`, left out of fitness and progress, and replaced by a later complete
copy of the same run.

Revision ID: 0003_partial
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_partial"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("activities", sa.Column("partial_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("activities") as batch:
        batch.drop_column("partial_reason")
