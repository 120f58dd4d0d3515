"""Request ids, structured (JSON) logs and request metrics: one middleware for every route.

Every request gets an id (the client's `X-Request-ID` if it is a sane token, else 16 random hex
digits), echoed in the answer's `X-Request-ID` and in the JSON log line of the request
(`{"ts", "level", "logger", "msg", "request_id", "method", "path", "status", "ms"}`), so an
operator finds one request across the proxy, the server and the workers' logs.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar

from fastapi import FastAPI, Request, Response

REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="")
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
LOG = logging.getLogger("progrun.http")
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id and the record's extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = REQUEST_ID.get()
        if request_id:
            entry["request_id"] = request_id
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(entry, default=str)


def configure_json_logs(level: int = logging.INFO) -> None:
    """Send progrun's logs to stderr as JSON lines (`progrun serve` and `progrun worker` call it)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("progrun")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def add_operations_middleware(app: FastAPI) -> None:
    from progrun.tasks.metrics import LATENCY, REQUESTS

    @app.middleware("http")
    async def request_id_and_metrics(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        given = request.headers.get("x-request-id", "")
        request_id = given if _SANE_ID.match(given) else secrets.token_hex(8)
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            response.headers["X-Request-ID"] = request_id
            return response
        finally:
            elapsed_s = time.perf_counter() - started
            route = request.scope.get("route")
            path = getattr(route, "path", "unmatched")
            REQUESTS.labels(request.method, path, str(status)).inc()
            LATENCY.labels(request.method, path).observe(elapsed_s)
            LOG.info(
                "request",
                extra={
                    "method": request.method,
                    "path": path,
                    "status": status,
                    "ms": round(elapsed_s * 1000, 1),
                },
            )
            REQUEST_ID.reset(token)
