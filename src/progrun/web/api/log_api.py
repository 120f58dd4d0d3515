"""Progress and what to run next: the shapes of `progress --json` and `next --json`."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter

from progrun.web.auth import LogDep, StateDep, UserDep
from progrun.web.runner_cache import advice_dict, progress_dict

router = APIRouter(prefix="/api", tags=["progress"])


@router.get("/progress")
def progress(user: UserDep, log: LogDep, state: StateDep) -> Any:
    return progress_dict(state, user, log)


@router.get("/next")
def next_run(user: UserDep, log: LogDep, state: StateDep, today: date | None = None) -> Any:
    return advice_dict(state, user, log, today or date.today())
