"""Analyse one stored upload: the use-case a broker's worker or the app's own pool runs by upload id.

```
analyse_upload(database, upload_id)   # -> the upload's status afterwards ("done" or "failed")
```

Idempotent: an upload already done or failed is left alone, and a retry after the run was stored but
before the status was written finds the run by its content hash (a duplicate of itself), so a retry
never stores a run twice. A file progrun refuses (ProgrunError) fails at once with the reason: trying
again cannot help. Anything else (the database went away) propagates, so the queue retries it.
"""

from __future__ import annotations

from progrun.errors import ProgrunError
from progrun.storage.database import Database
from progrun.storage.uploads import DONE, FAILED, Uploads
from progrun.training_log.log import TrainingLog


def analyse_upload(database: Database, upload_id: str) -> str:
    uploads = Uploads(database.engine)
    record = uploads.start(upload_id)
    if record is None:
        current = uploads.get(upload_id)
        return current.status if current is not None else FAILED
    data = uploads.data(upload_id)
    if data is None:
        uploads.finish(upload_id, FAILED, error=f"{record.name}: its bytes are gone; upload it again")
        return FAILED
    try:
        report = TrainingLog(database.runner(record.runner_id)).import_bytes(record.name, data)
    except ProgrunError as error:
        uploads.finish(upload_id, FAILED, error=str(error))
        return FAILED
    runs = list(report.imported_ids) + [activity_id for _, activity_id, _ in report.duplicate_of]
    result = {"imported_ids": list(report.imported_ids), "runs": runs, "report": report.to_dict()}
    if report.failed and not runs:
        reason = "; ".join(f"{item.file}: {item.reason}" for item in report.failed)
        uploads.finish(upload_id, FAILED, error=f"this file failed: {reason}", result=result)
        return FAILED
    uploads.finish(upload_id, DONE, result=result)
    return DONE


def give_up(database: Database, upload_id: str, attempts: int, reason: str) -> None:
    """The dead letter: the queue stopped retrying; the runner sees why on the upload's status."""
    record = Uploads(database.engine).get(upload_id)
    name = record.name if record is not None else upload_id
    Uploads(database.engine).finish(
        upload_id,
        FAILED,
        error=f"this file failed: {name} could not be analysed after {attempts} attempts ({reason}); "
        "upload it again later",
    )
