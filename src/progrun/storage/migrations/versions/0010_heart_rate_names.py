"""One name for each heart rate: a run's average and highest, and the runner's maximum and resting.

`activities.avg_hr_bpm` / `max_hr_bpm` and `splits.avg_hr_bpm` become `heart_rate_avg_bpm` /
`heart_rate_max_bpm` (as the core's `Split` names them); the profile's `hr_max_bpm` / `hr_rest_bpm`
become `max_heart_rate_bpm` / `resting_heart_rate_bpm` (as TRIMP's arguments name them), so a run's
highest heart rate and the runner's maximum no longer share a name.

Revision ID: 0010_heart_rate_names
Revises: 0009_deflate_sha256
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0010_heart_rate_names"
down_revision = "0009_deflate_sha256"
branch_labels = None
depends_on = None

COLUMNS = (
    ("activities", "avg_hr_bpm", "heart_rate_avg_bpm"),
    ("activities", "max_hr_bpm", "heart_rate_max_bpm"),
    ("splits", "avg_hr_bpm", "heart_rate_avg_bpm"),
)
PROFILE_KEYS = (("hr_max_bpm", "max_heart_rate_bpm"), ("hr_rest_bpm", "resting_heart_rate_bpm"))


def _rename_profile_keys(renames: tuple[tuple[str, str], ...]) -> None:
    runners = sa.table("runners", sa.column("id", sa.Integer), sa.column("profile_json", sa.Text))
    connection = op.get_bind()
    for runner_id, raw in connection.execute(sa.select(runners.c.id, runners.c.profile_json)).all():
        profile = json.loads(raw or "{}")
        renamed = {dict(renames).get(key, key): value for key, value in profile.items()}
        if renamed != profile:
            connection.execute(
                runners.update().where(runners.c.id == runner_id).values(profile_json=json.dumps(renamed))
            )


def upgrade() -> None:
    for table, old, new in COLUMNS:  # SQLite >= 3.25 and PostgreSQL both rename in place
        op.execute(f"ALTER TABLE {table} RENAME COLUMN {old} TO {new}")
    _rename_profile_keys(PROFILE_KEYS)


def downgrade() -> None:
    for table, old, new in COLUMNS:
        op.execute(f"ALTER TABLE {table} RENAME COLUMN {new} TO {old}")
    _rename_profile_keys(tuple((new, old) for old, new in PROFILE_KEYS))
