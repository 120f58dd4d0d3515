"""The plan builder: a form whose every change asks `/plan/preview` (HTMX) for the plan table and the
chart of its ramp, built by the same `plan_from_request` and `plan_rows` as `progrun plan`."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from progrun.errors import ProgrunError
from progrun.formats.export import ExportFormat, export_plan
from progrun.plan_io import plan_rows, plan_summary, plan_to_dict
from progrun.plan_request import PlanRequest, plan_from_request
from progrun.planner import StartChoice, TargetChoice
from progrun.units import pace_per_unit

router = APIRouter()

#: The choices the form offers for start and target (the planner's own values).
START_CHOICES = tuple(choice.value for choice in StartChoice)
TARGET_CHOICES = tuple(choice.value for choice in TargetChoice)


def plan_preview(
    *, race: str, distance: str, duration: str, start: str, target: str, unit: str
) -> dict[str, Any]:
    """The preview's context: the plan (its dict, rows, summary and ramp series) or the field at fault."""
    request = PlanRequest(
        race=race.strip() or None,
        distance=distance.strip() or None,
        duration=duration.strip() or None,
        start=start or StartChoice.AUTO,
        target=target or TargetChoice.TEN_K,
        unit=unit or None,
    )
    try:
        plan, _paces = plan_from_request(request)
    except ProgrunError as problem:
        return {"error": {"field": problem.field, "message": str(problem)}}
    rows = plan_rows(plan)
    shown = plan.unit.value
    running = [row for row in rows if row.number.isdigit()]  # the ramp, without warm-up and cooldown
    ramp = {
        "unit": shown,
        "labels": [row.number for row in running],
        "target": [round(pace_per_unit(row.step.pace_s_per_km, shown), 1) for row in running],
        "low": [round(pace_per_unit(row.step.low_s_per_km, shown), 1) for row in running],
        "high": [round(pace_per_unit(row.step.high_s_per_km, shown), 1) for row in running],
    }
    query = urlencode(
        {
            "race": race,
            "distance": distance,
            "duration": duration,
            "start": start,
            "target": target,
            "unit": unit,
        }
    )
    return {
        "plan": plan_to_dict(plan),
        "rows": rows,
        "summary": plan_summary(plan),
        "ramp": ramp,
        "error": None,
        "downloads": DOWNLOADS,
        "query": query,
    }


_DEFAULTS = {
    "race": "5k=20:00",
    "distance": "8km",
    "duration": "",
    "start": "auto",
    "target": "10k",
    "unit": "",
}


@router.get("/plan", response_class=HTMLResponse)
def plan_page(request: Request) -> HTMLResponse:
    form = {key: request.query_params.get(key, value) for key, value in _DEFAULTS.items()}
    context = {
        "form": form,
        "starts": START_CHOICES,
        "targets": TARGET_CHOICES,
        **plan_preview(**form),
    }
    return templates_response(request, "plan.html", context)


@router.get("/plan/preview", response_class=HTMLResponse)
def plan_preview_partial(
    request: Request,
    *,
    race: str = "",
    distance: str = "",
    duration: str = "",
    start: str = "auto",
    target: str = "10k",
    unit: str = "",
) -> HTMLResponse:
    return templates_response(
        request,
        "_plan_preview.html",
        plan_preview(race=race, distance=distance, duration=duration, start=start, target=target, unit=unit),
    )


def templates_response(request: Request, name: str, context: dict[str, Any]) -> HTMLResponse:
    from progrun.web.pages.common import templates

    return templates.TemplateResponse(request, name, context)


#: The exports offered for download, with what each is for (the CLI's `export` list).
DOWNLOADS: tuple[tuple[str, str], ...] = (
    ("fit", "Garmin workout (FIT)"),
    ("zwo", "Zwift workout (ZWO)"),
    ("ics", "Calendar event, tomorrow 07:00 (ICS)"),
    ("intervals", "intervals.icu workout (text)"),
    ("json", "Plan (JSON)"),
    ("pdf", "Pace band to print (PDF)"),
    ("png", "Pace band image (PNG)"),
)
_MEDIA = {
    "fit": "application/vnd.ant.fit",
    "zwo": "application/xml",
    "ics": "text/calendar",
    "pdf": "application/pdf",
}


@router.get("/plan/download/{fmt}")
def plan_download(
    fmt: str,
    *,
    race: str = "",
    distance: str = "",
    duration: str = "",
    start: str = "auto",
    target: str = "10k",
    unit: str = "",
) -> Response:
    """The plan of these fields exported as `fmt`, as a file to save (the CLI's `export`)."""
    try:
        export_format = ExportFormat(fmt)
    except ValueError:
        return PlainTextResponse(
            f"there is no export {fmt!r}: choose one of fit, zwo, ics, intervals, json, pdf, png", 404
        )
    request = PlanRequest(
        race=race.strip() or None,
        distance=distance.strip() or None,
        duration=duration.strip() or None,
        start=start or StartChoice.AUTO,
        target=target or TargetChoice.TEN_K,
        unit=unit or None,
    )
    try:
        plan, paces = plan_from_request(request)
        when = datetime.combine(date.today() + timedelta(days=1), time(7, 0))
        result = export_plan(
            plan,
            export_format,
            threshold_pace_s_per_km=None if paces is None else paces.threshold_s_per_km,
            start=when,
        )
    except ProgrunError as problem:
        return PlainTextResponse(f"{problem.field or 'plan'}: {problem}", 400)
    filename = f"progression.{export_format.extension}"
    media = _MEDIA.get(fmt, "application/octet-stream" if fmt == "png" else "text/plain")
    if fmt == "png":
        media = "image/png"
    return Response(
        result.data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
