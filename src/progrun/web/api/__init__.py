"""The JSON API, one router per family; every route answers errors as `{error, field, suggestions}`."""

from __future__ import annotations

from fastapi import APIRouter

from progrun.web.api.athlete_api import router as athlete_router
from progrun.web.api.auth_api import router as auth_router
from progrun.web.api.coach_api import router as coach_router
from progrun.web.api.health import router as health_router
from progrun.web.api.log_api import router as log_router
from progrun.web.api.plans_api import router as plans_router
from progrun.web.api.runs_api import router as runs_router

API_ROUTERS: list[APIRouter] = [
    health_router,
    auth_router,
    plans_router,
    runs_router,
    log_router,
    coach_router,
    athlete_router,
]
