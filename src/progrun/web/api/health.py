"""Operators' routes: `/healthz` (the process answers), `/readyz` (log and broker reachable), `/metrics`.

`/readyz` answers 503 with the reason when the database or the configured broker does not answer, so
a load balancer stops sending requests to this server until they are back (nothing to restart).
`/metrics` is Prometheus' text format: requests and latencies by route, the broker's queue depth,
uploads by status and tasks by outcome (`progrun.tasks.metrics`, shared with the workers).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from progrun.web.auth import StateDep
from progrun.web.state import AppState

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(state: StateDep) -> dict[str, str]:
    with state.database.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return {"status": "ok"}


def _problems(state: AppState) -> dict[str, str]:
    problems: dict[str, str] = {}
    try:
        with state.database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        problems["database"] = f"the training log does not answer ({type(error).__name__})"
    if state.config.broker_url:
        from progrun.tasks.broker import BrokerError, ping
        from progrun.web.api.runs_api import _analysis

        try:
            ping(_analysis(state).broker)
        except BrokerError as error:
            problems["broker"] = str(error)
    return problems


@router.get("/readyz")
def readyz(state: StateDep) -> Response:
    problems = _problems(state)
    body: dict[str, Any] = {"status": "unavailable" if problems else "ok", **problems}
    return JSONResponse(body, status_code=503 if problems else 200)


@router.get("/metrics")
def metrics(state: StateDep) -> Response:
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    from progrun.storage.uploads import Uploads
    from progrun.tasks.broker import REANALYSIS_QUEUE, UPLOADS_QUEUE
    from progrun.tasks.metrics import QUEUE_DEPTH, UPLOADS

    try:
        for status, count in Uploads(state.database.engine).counts().items():
            UPLOADS.labels(status).set(count)
    except SQLAlchemyError:
        pass
    if state.config.broker_url:
        from progrun.tasks.broker import queue_depth
        from progrun.web.api.runs_api import _analysis

        try:
            broker = _analysis(state).broker
            for queue in (UPLOADS_QUEUE, REANALYSIS_QUEUE):
                QUEUE_DEPTH.labels(queue).set(queue_depth(broker, queue))
        except Exception:  # the broker is down: /readyz says so; the metrics still answer
            pass
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
