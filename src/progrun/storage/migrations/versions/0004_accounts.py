"""Accounts: users, a runner's owning user, and which users coach which runners.

The log already holds runners (runner 1 is the CLI's); this adds the tables and constraints the web
issue's accounts will fill:

- `users`: an e-mail address (unique, never empty) and a display name;
- `runners.user_id`: the user a runner belongs to (NULL for the CLI's own runner), at most one runner
  per user (`uq_runners_user_id`); a user owning a runner cannot be deleted (the runner's log would
  be orphaned: delete or hand over the runner first);
- `coach_runners`: a coach (a user) and a runner they may read, one row per pair (the primary key),
  gone with either side (ON DELETE CASCADE).

Revision ID: 0004_accounts
Revises: 0003_partial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_accounts"
down_revision = "0003_partial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("email", name="uq_users_email"),
        sa.CheckConstraint("email <> ''", name="ck_users_email_not_empty"),
    )
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with an inline REFERENCES clause in place; Alembic's add_column would add
        # the key as a separate ALTER (unsupported) or copy the table (touching every table pointing at it).
        op.execute("ALTER TABLE runners ADD COLUMN user_id INTEGER REFERENCES users (id)")
    else:
        op.add_column("runners", sa.Column("user_id", sa.Integer(), nullable=True))
        op.create_foreign_key(None, "runners", "users", ["user_id"], ["id"])
    op.create_index("uq_runners_user_id", "runners", ["user_id"], unique=True)
    op.create_table(
        "coach_runners",
        sa.Column(
            "coach_user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "runner_id",
            sa.Integer(),
            sa.ForeignKey("runners.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_coach_runners_runner_id", "coach_runners", ["runner_id"])


def downgrade() -> None:
    op.drop_index("ix_coach_runners_runner_id", table_name="coach_runners")
    op.drop_table("coach_runners")
    op.drop_index("uq_runners_user_id", table_name="runners")
    with op.batch_alter_table("runners") as batch:
        batch.drop_column("user_id")
    op.drop_table("users")
