"""The training log: SQLite (embedded default) or PostgreSQL through SQLAlchemy 2 and Alembic.

`Store` takes and returns the plain objects of `progrun.storage.records`; nothing outside this
package sees SQLAlchemy.
"""

from __future__ import annotations

from progrun.analysis import SplitRecord, VerdictRecord
from progrun.storage.records import (
    ANALYSIS_VERSION,
    ActivityDetail,
    ActivitySummary,
    AddOutcome,
    ImportedRun,
    IntegrityReport,
    Profile,
)
from progrun.storage.store import Store, same_run

__all__ = [
    "ANALYSIS_VERSION",
    "ActivityDetail",
    "ActivitySummary",
    "AddOutcome",
    "ImportedRun",
    "IntegrityReport",
    "Profile",
    "SplitRecord",
    "Store",
    "VerdictRecord",
    "same_run",
]
