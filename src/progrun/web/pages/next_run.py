"""What to run next: the frequency guard, the fitness estimate, the next progression run and the
training load, from `advise(...).to_dict()`, the dict `progrun next --json` prints."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from progrun.web.pages.common import PageLog, PageUser, render
from progrun.web.runner_cache import advice_dict
from progrun.web.state import app_state

router = APIRouter(include_in_schema=False)


@router.get("/next", response_class=HTMLResponse)
def next_page(request: Request, user: PageUser, log: PageLog) -> HTMLResponse:
    data = advice_dict(app_state(request), user, log, date.today())
    return render(request, "next.html", {"data": data, "unit": log.profile().units}, user=user)
