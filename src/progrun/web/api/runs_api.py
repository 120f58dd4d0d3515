"""Runs over JSON: upload (analysed off the request), poll an upload, read a run, list them.

`POST /api/runs` answers 202 `{id, status}` at once; the id is the upload's ("u" and 16 hex digits)
until it is analysed. `GET /api/runs/{id}` takes an upload's id or a stored run's number and answers
`{id, status, summary, splits, verdict, warnings}`: status "queued" or "analysing" (nothing else yet),
"failed" (with `error`, the reason) or "done". An export archive imports every run in it: `runs` lists
their ids and the first is shown. Statuses are read from the log's `uploads` table, so any server
process answers for an upload any other took.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, UploadFile
from starlette.concurrency import run_in_threadpool

from progrun.errors import NotFound
from progrun.storage.uploads import UploadRecord, Uploads
from progrun.training_log import TrainingLog
from progrun.web.analysis import Analysis, QueueUnavailable
from progrun.web.auth import LogDep, StateDep, UserDep
from progrun.web.state import AppState

router = APIRouter(prefix="/api/runs", tags=["runs"])

#: What an upload's name may end with: a recording, a gzip of one, or an export archive.
UPLOAD_SUFFIXES = (".fit", ".gpx", ".tcx", ".fit.gz", ".gpx.gz", ".tcx.gz", ".zip")
RunId = Annotated[
    str, Path(pattern=r"^(u[0-9a-f]{16}|[0-9]{1,9})$", description="an upload's id (u...) or a run's number")
]
_CHUNK = 1 << 20


def run_dict(log: TrainingLog, activity_id: int, warnings: list[dict[str, str]]) -> dict[str, Any]:
    view = log.activity(activity_id).to_dict()
    splits = view.pop("splits")
    verdict = view.pop("verdict")
    return {
        "id": activity_id,
        "status": "done",
        "summary": view,
        "splits": splits,
        "verdict": verdict,
        "warnings": warnings,
    }


def upload_dict(log: TrainingLog, upload: UploadRecord) -> dict[str, Any]:
    status = upload.status
    base: dict[str, Any] = {"id": upload.id, "status": status, "name": upload.name}
    empty: dict[str, Any] = {"summary": None, "splits": [], "verdict": None, "warnings": []}
    if status in {"queued", "analysing"}:
        return {**base, **empty, "attempts": upload.attempts}
    outcome = upload.result
    report = outcome.get("report") or {}
    warnings = [dict(item) for item in report.get("warnings", [])]
    ids: list[int] = list(outcome.get("runs", []))
    failures = [f"{item['file']}: {item['reason']}" for item in report.get("failed", [])]
    if status == "failed":
        reason = upload.error or "; ".join(failures) or f"{upload.name}: no run in it was imported"
        return {**base, **empty, "warnings": warnings, "error": reason, "report": report or None}
    extra = {"runs": ids, "report": report, "failed": failures}
    if not ids:  # only files that are not runs: nothing new to show
        return {**base, **empty, "warnings": warnings, **extra}
    return {**run_dict(log, ids[0], warnings), **base, **extra}


def _analysis(state: AppState) -> Analysis:
    if state.analysis is None:
        state.analysis = Analysis(
            state.database,
            state.settings.db_url,
            state.config.analysis_workers,
            broker_url=state.config.broker_url,
        )
    return state.analysis


def _check_name(name: str) -> str:
    if any(not char.isprintable() for char in name):  # NUL, escapes, new lines (catalogue case 79)
        raise HTTPException(
            422, f"file: the file's name {name[:100]!r} holds control characters; rename it without them"
        )
    shown = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not shown.lower().endswith(UPLOAD_SUFFIXES):
        raise HTTPException(
            415,
            f"file: {shown[:100]!r} is not a run progrun reads; upload a .fit, .gpx or .tcx file (or .gz of "
            "one), or a Garmin or Strava export .zip",
        )
    return shown


async def _read_limited(file: UploadFile, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := await file.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise HTTPException(
                413,
                f"file: {file.filename!r} is over the {limit / 1e6:.0f} MB limit of one upload; upload a "
                "large export's activities in smaller archives",
            )
        chunks.append(chunk)
    return b"".join(chunks)


@router.post("", status_code=202)
async def upload_run(file: UploadFile, user: UserDep, state: StateDep) -> dict[str, str]:
    """Queue a run (FIT, GPX, TCX, .gz) or a whole export archive; poll `GET /api/runs/{id}`."""
    name = _check_name(file.filename or "")
    wait_s = state.upload_limiter.hit(f"user:{user.user_id}")
    if wait_s:
        raise HTTPException(
            429,
            f"file: you uploaded {state.config.uploads_per_hour} files in the last hour; wait "
            f"{wait_s / 60:.0f} min, or send them as one export archive",
            headers={"Retry-After": str(max(1, round(wait_s)))},
        )
    data = await _read_limited(file, state.config.upload_max_bytes)
    if not data:
        raise HTTPException(422, f"file: {name!r} is empty; choose the recorded file again")
    try:  # the upload's row (its bytes) and the broker's message: in the pool, not on the event loop
        upload = await run_in_threadpool(_analysis(state).submit, user.runner_id, name, data)
    except QueueUnavailable:
        raise HTTPException(
            503,
            f"file: {name!r} was not queued: the work queue is unreachable; upload it again in a minute",
            headers={"Retry-After": "30"},
        ) from None
    return {"id": upload.id, "status": upload.status}


@router.get("")
def list_runs(
    log: LogDep,
    page: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
    page_size: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> dict[str, Any]:
    """The runs, oldest first, one page (default: the newest page), as `history --json`."""
    history = log.history(page=page, page_size=page_size)
    return {"runs": history.to_dict(), "total": history.total, "page": history.page, "pages": history.pages}


@router.get("/{run_id}")
def get_run(run_id: RunId, user: UserDep, log: LogDep, state: StateDep) -> dict[str, Any]:
    """An upload's status and, once analysed, its run; or a stored run by number. 404 for anyone else's."""
    if run_id.startswith("u"):
        upload = Uploads(state.database.engine).get(run_id)
        if upload is not None and upload.runner_id != user.runner_id:
            upload = None
        if upload is None:
            raise NotFound("upload", run_id)
        return upload_dict(log, upload)
    return run_dict(log, int(run_id), [])
