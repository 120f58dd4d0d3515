"""Progress and what to run next: the shapes of `progress --json` and `next --json`."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter

from progrun.web.auth import LogDep

router = APIRouter(prefix="/api", tags=["progress"])


@router.get("/progress")
def progress(log: LogDep) -> Any:

    return log.progress_report().to_dict()


@router.get("/next")
def next_run(log: LogDep, today: date | None = None) -> Any:

    return log.advice(today or date.today()).to_dict()
