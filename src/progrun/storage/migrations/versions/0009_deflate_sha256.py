"""Know a zip member without inflating it: `activities.deflate_sha256`, of the raw file's deflate stream.

A run's raw file is kept as a zlib stream: a 2-byte header, a deflate stream, an Adler-32 trailer.
For a zip member the deflate stream is the member's own, as it sits in the archive. Hashing those
bytes (about a third of the file's size, and no inflating) finds a member already in the log when an
export is imported again; equal deflate streams inflate to equal files, so the match is exact.
Existing blobs are hashed here, in batches.

Revision ID: 0009_deflate_sha256
Revises: 0008_coaching
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0009_deflate_sha256"
down_revision = "0008_coaching"
branch_labels = None
depends_on = None

#: Blobs hashed per round trip while filling the column (bounded memory on a large log).
BATCH = 500


def _deflate_sha256(zlib_stream: bytes) -> str:
    """SHA-256 of the deflate stream inside a zlib stream (2-byte header, 4-byte Adler-32 trailer)."""
    return hashlib.sha256(zlib_stream[2:-4]).hexdigest()


def upgrade() -> None:
    op.add_column("activities", sa.Column("deflate_sha256", sa.String(64), nullable=True))
    blobs = sa.table(
        "blobs",
        sa.column("sha256", sa.String),
        sa.column("compression", sa.String),
        sa.column("data", sa.LargeBinary),
    )
    activities = sa.table(
        "activities", sa.column("sha256", sa.String), sa.column("deflate_sha256", sa.String)
    )
    connection = op.get_bind()
    after = ""
    while True:
        rows = connection.execute(
            sa.select(blobs.c.sha256, blobs.c.data)
            .where(blobs.c.sha256 > after, blobs.c.compression == "zlib")
            .order_by(blobs.c.sha256)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        connection.execute(
            activities.update().where(activities.c.sha256 == sa.bindparam("key")),
            [{"key": sha, "deflate_sha256": _deflate_sha256(bytes(data))} for sha, data in rows],
        )
        after = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("activities") as batch:
        batch.drop_column("deflate_sha256")
