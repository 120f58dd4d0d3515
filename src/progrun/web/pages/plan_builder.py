"""The plan builder: a form whose every change asks `/plan/preview` (HTMX) for the plan table and the
chart of its ramp, built by the same `plan_from_request` and `plan_rows` as `progrun plan`. "Save" stores
the plan in the runner's log (as `POST /api/plans` does) and offers its exports from
`GET /api/plans/{id}/export/{format}`, so a downloaded file is the stored plan's.

The form carries every field of issue 15 as `progrun plan` does: heart-rate guidance (`max_hr` with
`resting_hr`, or `lthr`), the treadmill (`treadmill`: "kmh" or "mph"), the day's conditions
(`temperature`, `dew_point`, `altitude`). A GPX route is a file, so it is sent (multipart, CSRF) to
`POST /plan/route`, which builds the route-aware plan (`progrun.formats.gpx_route.read_route`) and can
save it. The preview shows the HR column (`hr_bands_of`), the treadmill card (`treadmill_card`) and the
plan's reasons (what the conditions changed, and why) from the plan itself; a saved plan keeps them in
`plan.options`, so its exports carry them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from progrun.errors import ProgrunError, RequestError
from progrun.formats.gpx_route import read_route
from progrun.heart_rate import hr_bands_of
from progrun.plan import Plan
from progrun.plan_io import plan_rows, plan_summary, plan_to_dict
from progrun.plan_request import PlanRequest, plan_from_request
from progrun.planner import StartChoice, TargetChoice
from progrun.route import Route
from progrun.treadmill import SpeedUnit, treadmill_card
from progrun.units import format_pace, pace_per_unit
from progrun.web.pages.common import PageLog, PageUser, render

router = APIRouter(include_in_schema=False)

#: The choices the form offers for start and target (the planner's own values).
START_CHOICES = tuple(choice.value for choice in StartChoice)
TARGET_CHOICES = tuple(choice.value for choice in TargetChoice)
TREADMILL_CHOICES = tuple(choice.value for choice in SpeedUnit)
#: The form's fields: PlanRequest's, by the same names.
FIELDS = (
    "race",
    "distance",
    "duration",
    "start",
    "target",
    "unit",
    "max_hr",
    "resting_hr",
    "lthr",
    "treadmill",
    "temperature",
    "dew_point",
    "altitude",
)
#: The longest text a field may hold (a race result is the longest, "marathon=3:05:00").
MAX_FIELD_CHARS = 100
#: The largest GPX route read, bytes (a 100 km route with elevation at 1 point a metre is ~8 MB).
MAX_ROUTE_BYTES = 10_000_000
_CHUNK = 1 << 16

#: The exports of a stored plan (`GET /api/plans/{id}/export/{format}`), with what each is for.
DOWNLOADS: tuple[tuple[str, str], ...] = (
    ("fit", "Garmin workout (FIT)"),
    ("zwo", "Zwift workout (ZWO)"),
    ("ics", "Calendar event, tomorrow 07:00 (ICS)"),
    ("intervals", "intervals.icu workout (text)"),
    ("json", "Plan (JSON)"),
    ("pdf", "Pace band to print (PDF)"),
)


def plan_request_of(form: dict[str, str], route: Route | None = None) -> PlanRequest:
    """The PlanRequest of the form's fields, as `progrun plan` builds it from its options."""

    def text(key: str) -> str | None:
        return form.get(key, "").strip() or None

    return PlanRequest(
        race=text("race"),
        distance=text("distance"),
        duration=text("duration"),
        start=form.get("start") or StartChoice.AUTO,
        target=form.get("target") or TargetChoice.TEN_K,
        unit=form.get("unit") or None,
        max_hr=text("max_hr"),
        resting_hr=text("resting_hr"),
        lthr=text("lthr"),
        treadmill=text("treadmill"),
        temperature=text("temperature"),
        dew_point=text("dew_point"),
        altitude=text("altitude"),
        route=route,
    )


def build_plan(form: dict[str, str], route: Route | None = None) -> Plan:
    """The plan of the form's fields (ProgrunError naming the field at fault)."""
    plan, _paces = plan_from_request(plan_request_of(form, route))
    return plan


def _treadmill_context(plan: Plan) -> dict[str, Any] | None:
    unit = plan.options.get("treadmill")
    if not isinstance(unit, str):
        return None
    card = treadmill_card(plan, unit)
    rows = [
        {
            "label": row.label,
            "length": row.length_text,
            "speed": f"{row.speed:.1f}",
            "incline": f"{row.incline_percent:g}",
            "pace": format_pace(row.pace_s_per_km, card.pace_unit),
            "cue": row.cue,
            "note": row.note,
        }
        for row in card.rows
    ]
    return {"unit": card.unit.label, "rows": rows, "notes": card.notes}


def plan_context(plan: Plan) -> dict[str, Any]:
    """The preview's context of a built plan: its dict, rows (with HR bands), summary, ramp, card, reasons."""
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
    bands = hr_bands_of(plan)
    heart_rate = (
        [f"{band.low_bpm:.0f}-{band.high_bpm:.0f} {band.zone}" if band else "-" for band in bands]
        if bands
        else None
    )
    return {
        "plan": plan_to_dict(plan),
        "rows": rows,
        "heart_rate": heart_rate,
        "treadmill": _treadmill_context(plan),
        "reasons": plan.reasons,
        "summary": plan_summary(plan),
        "ramp": ramp,
        "error": None,
    }


def plan_preview(form: dict[str, str], route: Route | None = None) -> dict[str, Any]:
    """The preview's context: the plan (see `plan_context`) or the field at fault."""
    try:
        plan = build_plan(form, route)
    except ProgrunError as problem:
        return {"error": {"field": problem.field, "message": str(problem)}}
    return plan_context(plan)


_DEFAULTS = {
    "race": "5k=20:00",
    "distance": "8km",
    "duration": "",
    "start": "auto",
    "target": "10k",
    "unit": "",
} | {key: "" for key in FIELDS[6:]}


def _page_context(form: dict[str, str]) -> dict[str, Any]:
    return {
        "form": form,
        "starts": START_CHOICES,
        "targets": TARGET_CHOICES,
        "treadmills": TREADMILL_CHOICES,
    }


@router.get("/plan", response_class=HTMLResponse)
def plan_page(request: Request, user: PageUser) -> HTMLResponse:
    form = {key: request.query_params.get(key, value) for key, value in _DEFAULTS.items()}
    return render(request, "plan.html", {**_page_context(form), **plan_preview(form)}, user=user)


@router.get("/plan/preview", response_class=HTMLResponse)
def plan_preview_partial(request: Request, user: PageUser) -> HTMLResponse:
    form = {key: request.query_params.get(key, "") for key in FIELDS}
    return render(request, "_plan_preview.html", plan_preview(form), user=user)


def _posted_fields(data: FormData) -> dict[str, str]:
    """The plan fields of a posted form (ProgrunError naming a field that is too long)."""
    fields: dict[str, str] = {}
    for key in FIELDS:
        value = data.get(key, "")
        text = value if isinstance(value, str) else ""
        if len(text) > MAX_FIELD_CHARS:
            raise RequestError(key, f"{key} is {len(text)} characters long; give at most {MAX_FIELD_CHARS}")
        fields[key] = text
    return fields


def _saved(plan: Plan, log: PageLog) -> dict[str, Any]:
    plan_id = log.save_plan(plan).plan_id
    return {"error": None, "plan_id": plan_id, "summary": plan_summary(plan), "downloads": DOWNLOADS}


@router.post("/plan/save", response_class=HTMLResponse)
async def plan_save(request: Request, *, user: PageUser, log: PageLog) -> HTMLResponse:
    """Store the form's plan in the runner's log; answers the links to its exports."""
    try:
        plan = build_plan(_posted_fields(await request.form()))
    except ProgrunError as problem:
        error = {"field": problem.field, "message": str(problem)}
        return render(request, "_plan_saved.html", {"error": error}, user=user, status_code=422)
    saved = await run_in_threadpool(_saved, plan, log)  # a write: off the event loop
    return render(request, "_plan_saved.html", saved, user=user)


async def _read_route(file: UploadFile) -> Route:
    """The GPX route of the upload (ProgrunError naming the file when too large or not a route)."""
    name = file.filename or "route.gpx"
    chunks: list[bytes] = []
    size = 0
    while chunk := await file.read(_CHUNK):
        size += len(chunk)
        if size > MAX_ROUTE_BYTES:
            limit_mb = MAX_ROUTE_BYTES / 1e6
            raise RequestError(
                "route", f"{name} is over {limit_mb:.0f} MB; export the route without waypoints"
            )
        chunks.append(chunk)
    if size == 0:
        raise RequestError("route", "no file was chosen; choose the route's GPX file")
    return read_route(b"".join(chunks), name=name)


@router.post("/plan/route", response_class=HTMLResponse)
async def plan_route(
    request: Request,
    route: Annotated[UploadFile, File(description="The route as GPX (a course without times)")],
    *,
    user: PageUser,
    log: PageLog,
) -> HTMLResponse:
    """The route-aware plan of the form's fields over the uploaded GPX route; stored too when `save` is set.

    HTMX gets the preview (and the saved plan's downloads); a browser without script gets the whole page."""
    data = await request.form()
    fields: dict[str, str] = {}
    context: dict[str, Any]
    try:
        fields = _posted_fields(data)
        plan = build_plan(fields, await _read_route(route))
    except ProgrunError as problem:
        context = {"error": {"field": problem.field, "message": str(problem)}}
        status = 422
    else:
        context = plan_context(plan)
        context["route_name"] = route.filename or "route.gpx"
        if data.get("save"):
            context["saved"] = await run_in_threadpool(_saved, plan, log)
        status = 200
    if request.headers.get("HX-Request"):
        return render(request, "_plan_preview.html", context, user=user, status_code=status)
    form = _DEFAULTS | fields
    return render(request, "plan.html", {**_page_context(form), **context}, user=user, status_code=status)
