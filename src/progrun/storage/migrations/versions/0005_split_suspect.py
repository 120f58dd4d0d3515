"""Flag splits whose distance the watch glitched: `splits.suspect_distance` (false for older rows).

A split inside which the watch's distance jumped (`progrun.distance_glitch`, `Split.suspect_distance`)
is kept out of the fitness estimate (`progrun.fitness.best_effort(..., suspect=...)`); storing the
flag lets the stored-fitness path do the same. Runs analysed before this revision read false until
`progrun reanalyse` (their analysis version is older).

Revision ID: 0005_split_suspect
Revises: 0004_accounts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_split_suspect"
down_revision = "0004_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "splits", sa.Column("suspect_distance", sa.Boolean(), nullable=False, server_default=sa.false())
    )


def downgrade() -> None:
    with op.batch_alter_table("splits") as batch:
        batch.drop_column("suspect_distance")
