"""The block calendar: the weeks of `progrun block` as a grid (Monday to Sunday), each session with its
distance, tempo splits and paces (from `Block.to_dict()`, what `block --json` prints), a FIT workout per
session and the whole block as one ICS calendar (the CLI's `--fit-dir` and `--ics`)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from progrun.errors import ProgrunError
from progrun.formats.export import ExportFormat, export_plan
from progrun.training_log import TrainingLog
from progrun.training_log.advice import Block
from progrun.units import METRES_PER_MILE
from progrun.web.pages.common import PageLog, PageUser, render

router = APIRouter(include_in_schema=False)

Weeks = Annotated[int, Query(ge=1, le=26)]
PerWeek = Annotated[int, Query(ge=1, le=2)]


def first_monday(today: date) -> date:
    """The block's first day as the CLI's default: next Monday (a week on, when today is Monday)."""
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


def the_block(log: TrainingLog, weeks: int, per_week: int) -> Block:
    today = date.today()
    return log.block(today, first_monday(today), weeks, per_week=per_week)


def calendar_weeks(sessions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of seven days (Monday first) from the block's first Monday to its last session's week."""
    if not sessions:
        return []
    by_day = {item["day"]: item for item in sessions}
    first = date.fromisoformat(sessions[0]["day"])
    monday = first - timedelta(days=first.weekday())
    last = date.fromisoformat(sessions[-1]["day"])
    rows: list[dict[str, Any]] = []
    while monday <= last:
        days = [monday + timedelta(days=offset) for offset in range(7)]
        found = [by_day[d.isoformat()] for d in days if d.isoformat() in by_day]
        rows.append(
            {
                "week": found[0]["week"] if found else None,
                "down": any(item["down_week"] for item in found),
                "days": [{"date": d, "session": by_day.get(d.isoformat())} for d in days],
            }
        )
        monday += timedelta(days=7)
    return rows


@router.get("/block", response_class=HTMLResponse)
def block_page(
    request: Request, user: PageUser, log: PageLog, weeks: Weeks = 8, per_week: PerWeek = 2
) -> HTMLResponse:
    unit = log.profile().units
    try:
        block = the_block(log, weeks, per_week)
    except ProgrunError as problem:
        context = {"error": str(problem), "weeks": weeks, "per_week": per_week, "unit": unit}
        return render(request, "block.html", context, user=user)
    sessions = block.to_dict()
    context = {
        "error": None,
        "weeks": weeks,
        "per_week": per_week,
        "unit": unit,
        "vdot": block.vdot,
        "source": block.fitness.source,
        "rows": calendar_weeks(sessions),
        "sessions": sessions,
    }
    return render(request, "block.html", context, user=user)


def _file(data: bytes, media: str, name: str) -> Response:
    return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/block/block.ics")
def block_ics(user: PageUser, log: PageLog, weeks: Weeks = 8, per_week: PerWeek = 2) -> Response:
    """Every session of the block as one calendar, each at 07:00 on its day."""
    try:
        block = the_block(log, weeks, per_week)
    except ProgrunError as problem:
        return PlainTextResponse(str(problem), 409)
    return _file(block.calendar(), "text/calendar; charset=utf-8", f"progression-block-{weeks}w.ics")


@router.get("/block/{day}.fit")
def block_fit(day: date, user: PageUser, log: PageLog, weeks: Weeks = 8, per_week: PerWeek = 2) -> Response:
    """The FIT workout of the block's session on `day`."""
    try:
        block = the_block(log, weeks, per_week)
    except ProgrunError as problem:
        return PlainTextResponse(str(problem), 409)
    for session, plan in block.sessions:
        if session.day == day:
            name = f"Prog W{session.week} {session.distance_m / METRES_PER_MILE:g}mi"
            data = export_plan(plan, ExportFormat.FIT, name=name).data
            return _file(data, "application/vnd.ant.fit", f"{day.isoformat()}-progression.fit")
    return PlainTextResponse(f"day: the block has no session on {day.isoformat()}", 404)
