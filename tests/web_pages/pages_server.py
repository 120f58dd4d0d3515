"""A loopback server of the pages over a temporary SQLite log, for the browser tests.

Until web-core's `create_app` is merged, the pages are served by a FastAPI app of their own routers and
static files, with the log given as `app.state.page_log`.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles

from progrun.training_log import TrainingLog
from progrun.web.pages import ROUTERS

STATIC_DIR = Path(__file__).resolve().parents[2] / "src" / "progrun" / "web" / "static"


def pages_app(log: TrainingLog) -> FastAPI:
    app = FastAPI()
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in ROUTERS:
        app.include_router(router)

    def page_log(_request: Request) -> TrainingLog:
        return log

    app.state.page_log = page_log
    return app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Serve `app` on a free loopback port in a thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
