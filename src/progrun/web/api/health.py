"""`GET /healthz`: the process answers and the training log can be read."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from progrun.web.auth import StateDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(state: StateDep) -> dict[str, str]:
    with state.database.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return {"status": "ok"}
