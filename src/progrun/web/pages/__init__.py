"""The pages (HTML, Jinja2 + HTMX). `create_app` includes every router listed in `ROUTERS`.

Convention: one module per page family (`paces.py`, `plans.py`, `runs.py`, ...), each with
`router = APIRouter()`; its templates extend `base.html` and get the signed-in user from
`progrun.web.auth` (`optional_user` to show a sign-in link, `current_user` to require one) and the
runner's log from `training_log`. Every form carries `<input type="hidden" name="csrf_token"
value="{{ csrf_token }}">`; HTMX calls carry it from `base.html`'s `hx-headers`.
"""

from __future__ import annotations

from fastapi import APIRouter

from progrun.web.pages.athlete_coaching import router as athlete_coaching_router
from progrun.web.pages.coach import router as coach_router
from progrun.web.pages.coach_club import router as coach_club_router
from progrun.web.pages.home import router as home_router

ROUTERS: list[APIRouter] = [home_router, coach_router, coach_club_router, athlete_coaching_router]
