"""The JSON API, one router per family; every route answers errors as `{error, field, suggestions}`."""

from __future__ import annotations

from fastapi import APIRouter

from progrun.web.api.health import router as health_router

API_ROUTERS: list[APIRouter] = [health_router]
