"""The web app's pages: one router per page family (`ROUTERS`, included by `create_app`)."""

from __future__ import annotations

from fastapi import APIRouter

from progrun.web.pages import history, paces, plan_builder, progress, report

ROUTERS: tuple[APIRouter, ...] = (
    paces.router,
    plan_builder.router,
    report.router,
    history.router,
    progress.router,
)
