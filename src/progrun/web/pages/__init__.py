"""The pages (HTML, Jinja2 + HTMX). `create_app` includes every router listed in `ROUTERS`.

Convention: one module per page family, each with `router = APIRouter()`; its templates extend
`pages_layout.html` (which extends web-core's `base.html`) and get the signed-in user and the runner's
log from `progrun.web.pages.common` (`PageUser`, `PageLog`: an anonymous visitor is sent to `/login`).
Every form carries `<input type="hidden" name="csrf_token" value="{{ csrf_token }}">`; HTMX and
`fetch` calls carry it as the `X-CSRF-Token` header (from `base.html`).
"""

from __future__ import annotations

from fastapi import APIRouter

from progrun.web.pages import (
    block_calendar,
    history,
    next_run,
    paces,
    plan_builder,
    profile,
    progress,
    register,
    report,
    upload,
)
from progrun.web.pages.athlete_coaching import router as athlete_coaching_router
from progrun.web.pages.coach import router as coach_router
from progrun.web.pages.coach_club import router as coach_club_router
from progrun.web.pages.home import router as home_router

ROUTERS: list[APIRouter] = [
    home_router,
    coach_router,
    coach_club_router,
    athlete_coaching_router,
    paces.router,
    plan_builder.router,
    upload.router,
    report.router,
    history.router,
    progress.router,
    next_run.router,
    block_calendar.router,
    profile.router,
    register.router,
]
