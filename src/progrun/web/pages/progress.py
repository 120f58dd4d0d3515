"""The progress page: progression runs week by week, the trend and a chart (`progress --json`'s dict)."""

from __future__ import annotations

import math
from typing import TypeGuard

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from progrun.units import pace_per_unit
from progrun.web.pages.common import PageLog, PageUser, render
from progrun.web.runner_cache import progress_dict
from progrun.web.state import app_state

router = APIRouter()


def _finite(value: object) -> TypeGuard[float]:
    return isinstance(value, int | float) and math.isfinite(value)


@router.get("/progress", response_class=HTMLResponse)
def progress_page(request: Request, user: PageUser, log: PageLog) -> HTMLResponse:
    data = progress_dict(app_state(request), user, log)
    unit = log.profile().units
    listed = data["weeks"]
    weeks = [week for week in listed if isinstance(week, dict)] if isinstance(listed, list) else []
    chart = {
        "unit": unit,
        "labels": [week["week_start"] for week in weeks],
        "pace": [
            round(pace_per_unit(p, unit), 1) if _finite(p := week.get("final_split_pace_s_per_km")) else None
            for week in weeks
        ],
        "score": [round(s, 1) if _finite(s := week.get("score")) else None for week in weeks],
    }
    return render(
        request, "progress.html", {"data": data, "weeks": weeks, "chart": chart, "unit": unit}, user=user
    )
