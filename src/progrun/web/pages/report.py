"""The run report: the verdict sentence, the split table with bands, the chart of pace, GAP and heart rate
against the plan, and the route coloured by pace against the target, all from `RunView.to_dict()`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from progrun.errors import ProgrunError
from progrun.web.pages.common import PageLog, PageUser, render
from progrun.web.pages.report_view import run_report

router = APIRouter()


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def report_page(request: Request, run_id: int, user: PageUser, log: PageLog) -> HTMLResponse:
    try:
        view = log.activity(run_id)
    except ProgrunError:
        return render(request, "not_found.html", {"what": "run"}, user=user, status_code=404)
    try:
        activity = log.store.load_activity(run_id)
    except ProgrunError:
        activity = None
    report = run_report(view.to_dict(), activity, log.profile().units)
    return render(request, "report.html", {"report": report}, user=user)
