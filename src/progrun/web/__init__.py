"""The web app: `create_app(settings)` builds the FastAPI application `progrun serve` runs.

```
app = create_app(Settings.from_environment())      # opens the log's Database once for the process
```

Layout: `auth`, `csrf`, `sessions`, `security` (who is asking, and the headers); `api/` (the JSON API,
one router per family); `auth_pages` (sign-in and sign-out pages); `pages/` (the pages: every router in
`progrun.web.pages.ROUTERS` is included); `templates/` (Jinja2, `base.html` is the layout) and
`static/` (HTMX and the app's CSS/JS, served under `/static`, nothing from a CDN).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from progrun.settings import Settings
from progrun.storage.database import Database
from progrun.web.config import WebConfig
from progrun.web.csrf import request_csrf_token
from progrun.web.errors import add_error_handlers
from progrun.web.limits import RateLimiter
from progrun.web.operations import add_operations_middleware
from progrun.web.security import add_security_middleware
from progrun.web.state import WEB_DIR, AppState

__all__ = ["WebConfig", "create_app"]


def _template_context(request: Request) -> dict[str, Any]:
    return {"csrf_token": request_csrf_token(request)}


def create_app(
    settings: Settings, config: WebConfig | None = None, *, database: Database | None = None
) -> FastAPI:
    """The app over the training log of `settings` (or an open `database`, which the caller closes)."""
    from progrun.web import auth_pages
    from progrun.web.api import API_ROUTERS
    from progrun.web.pages import ROUTERS

    config = config or WebConfig()
    owned = database is None
    database = database or Database.open(settings.db_url)
    templates = Jinja2Templates(directory=WEB_DIR / "templates", context_processors=[_template_context])
    state = AppState(
        settings=settings,
        config=config,
        database=database,
        templates=templates,
        sign_in_limiter=RateLimiter(config.sign_in_attempts, config.sign_in_window_s),
        upload_limiter=RateLimiter(config.uploads_per_hour, 3600.0),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if state.analysis is not None:
            state.analysis.shutdown()
        if owned:
            database.close()

    app = FastAPI(
        title="progrun",
        summary="Plan, export, analyse and track progression runs.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # Swagger UI needs a CDN and inline script; the schema is at /openapi.json
        redoc_url=None,
    )
    app.state.progrun = state
    add_security_middleware(app, config.secure_cookies, config.upload_max_bytes)
    add_operations_middleware(app)
    add_error_handlers(app)
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    for router in (*API_ROUTERS, auth_pages.router, *ROUTERS):
        app.include_router(router)
    return app
