"""The history page: every run, newest first, filtered by kind, date range and name (`history`)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from progrun.training_log import HistoryEntry
from progrun.training_log.objects import shown_name
from progrun.web.pages.common import PageLog, PageUser, render

router = APIRouter()


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def matches(entry: HistoryEntry, kind: str, since: date | None, until: date | None, name: str) -> bool:
    """Whether a run passes the filters (empty filters pass every run)."""
    run = entry.run
    day = run.start.date() if run.start else None
    if kind and run.kind != kind:
        return False
    if since and (day is None or day < since):
        return False
    if until and (day is None or day > until):
        return False
    return not name or name.casefold() in shown_name(run).casefold()


@router.get("/history", response_class=HTMLResponse)
def history_page(
    request: Request,
    *,
    user: PageUser,
    log: PageLog,
    kind: str = "",
    since: str = "",
    until: str = "",
    name: str = "",
) -> HTMLResponse:
    entries = log.history(page_size=None).entries
    kinds = sorted({entry.run.kind for entry in entries})
    shown = [e for e in reversed(entries) if matches(e, kind, _day(since), _day(until), name.strip())]
    rows = [{"entry": e, "name": shown_name(e.run), "data": e.to_dict()} for e in shown]
    filters = {"kind": kind, "since": since, "until": until, "name": name}
    unit = log.profile().units
    return render(
        request,
        "history.html",
        {"rows": rows, "kinds": kinds, "filters": filters, "unit": unit, "total": len(entries)},
        user=user,
    )
