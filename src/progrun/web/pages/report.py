"""The run report: the verdict sentence, the split table with bands, the chart of pace, GAP and heart rate
against the plan, and the route coloured by pace against the target, all from `RunView.to_dict()`; beside
them the heart-rate verdict of an HR-guided plan and a note for a recording without GPS (`report_extras`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from progrun.coaching.comments import thread
from progrun.errors import ProgrunError
from progrun.web.auth import StateDep
from progrun.web.pages.common import PageLog, PageUser, render
from progrun.web.pages.report_extras import NO_GPS_NOTE, has_gps, hr_verdict
from progrun.web.pages.report_view import run_report

router = APIRouter()


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def report_page(request: Request, run_id: int, user: PageUser, log: PageLog, state: StateDep) -> HTMLResponse:
    try:
        view = log.activity(run_id)
    except ProgrunError:
        return render(request, "not_found.html", {"what": "run"}, user=user, status_code=404)
    try:
        activity = log.store.load_activity(run_id)
    except ProgrunError:
        activity = None
    report = run_report(view.to_dict(), activity, log.profile().units)
    plan_id = view.detail.verdict.plan_id if view.detail.verdict is not None else None
    context = {
        "report": report,
        "heart_rate": hr_verdict(log.store, plan_id, activity),
        "no_gps": NO_GPS_NOTE if activity is not None and not has_gps(activity) else "",
        "comments": thread(state.database, user.runner_id, run_id),  # the talk with a coach (coach's partial)
        "comment_action": f"/runs/{run_id}/talk",
    }
    return render(request, "report.html", context, user=user)
