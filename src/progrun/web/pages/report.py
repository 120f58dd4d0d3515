"""The run report: the verdict sentence, the split table with bands, the chart of pace, GAP and heart rate
against the plan, and the route coloured by pace against the target, all from `RunView.to_dict()`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from progrun.errors import ProgrunError
from progrun.training_log import TrainingLog
from progrun.web.pages.common import page_log, templates
from progrun.web.pages.report_view import run_report

router = APIRouter()


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def report_page(
    request: Request, run_id: int, log: Annotated[TrainingLog, Depends(page_log)]
) -> HTMLResponse:
    try:
        view = log.activity(run_id)
    except ProgrunError:
        return templates.TemplateResponse(request, "not_found.html", {"what": "run"}, status_code=404)
    try:
        activity = log.store.load_activity(run_id)
    except ProgrunError:
        activity = None
    report = run_report(view.to_dict(), activity, log.profile().units)
    return templates.TemplateResponse(request, "report.html", {"report": report})
