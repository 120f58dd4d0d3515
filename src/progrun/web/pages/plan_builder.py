"""The plan builder: a form whose every change asks `/plan/preview` (HTMX) for the plan table and the
chart of its ramp, built by the same `plan_from_request` and `plan_rows` as `progrun plan`. "Save" stores
the plan in the runner's log (as `POST /api/plans` does) and offers its exports from
`GET /api/plans/{id}/export/{format}`, so a downloaded file is the stored plan's."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from progrun.errors import ProgrunError
from progrun.plan import Plan
from progrun.plan_io import plan_rows, plan_summary, plan_to_dict
from progrun.plan_request import PlanRequest, plan_from_request
from progrun.planner import StartChoice, TargetChoice
from progrun.units import pace_per_unit
from progrun.web.pages.common import PageLog, PageUser, render

router = APIRouter(include_in_schema=False)

#: The choices the form offers for start and target (the planner's own values).
START_CHOICES = tuple(choice.value for choice in StartChoice)
TARGET_CHOICES = tuple(choice.value for choice in TargetChoice)
FIELDS = ("race", "distance", "duration", "start", "target", "unit")

#: The exports of a stored plan (`GET /api/plans/{id}/export/{format}`), with what each is for.
DOWNLOADS: tuple[tuple[str, str], ...] = (
    ("fit", "Garmin workout (FIT)"),
    ("zwo", "Zwift workout (ZWO)"),
    ("ics", "Calendar event, tomorrow 07:00 (ICS)"),
    ("intervals", "intervals.icu workout (text)"),
    ("json", "Plan (JSON)"),
    ("pdf", "Pace band to print (PDF)"),
)


def build_plan(form: dict[str, str]) -> Plan:
    """The plan of the form's fields (ProgrunError naming the field at fault)."""
    request = PlanRequest(
        race=form.get("race", "").strip() or None,
        distance=form.get("distance", "").strip() or None,
        duration=form.get("duration", "").strip() or None,
        start=form.get("start") or StartChoice.AUTO,
        target=form.get("target") or TargetChoice.TEN_K,
        unit=form.get("unit") or None,
    )
    plan, _paces = plan_from_request(request)
    return plan


def plan_preview(form: dict[str, str]) -> dict[str, Any]:
    """The preview's context: the plan (its dict, rows, summary and ramp series) or the field at fault."""
    try:
        plan = build_plan(form)
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
    return {
        "plan": plan_to_dict(plan),
        "rows": rows,
        "summary": plan_summary(plan),
        "ramp": ramp,
        "error": None,
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
def plan_page(request: Request, user: PageUser) -> HTMLResponse:
    form = {key: request.query_params.get(key, value) for key, value in _DEFAULTS.items()}
    context = {"form": form, "starts": START_CHOICES, "targets": TARGET_CHOICES, **plan_preview(form)}
    return render(request, "plan.html", context, user=user)


@router.get("/plan/preview", response_class=HTMLResponse)
def plan_preview_partial(request: Request, user: PageUser) -> HTMLResponse:
    form = {key: request.query_params.get(key, "") for key in FIELDS}
    return render(request, "_plan_preview.html", plan_preview(form), user=user)


@router.post("/plan/save", response_class=HTMLResponse)
def plan_save(
    request: Request,
    *,
    user: PageUser,
    log: PageLog,
    race: Annotated[str, Form(max_length=100)] = "",
    distance: Annotated[str, Form(max_length=50)] = "",
    duration: Annotated[str, Form(max_length=50)] = "",
    start: Annotated[str, Form(max_length=20)] = "auto",
    target: Annotated[str, Form(max_length=20)] = "10k",
    unit: Annotated[str, Form(max_length=10)] = "",
) -> HTMLResponse:
    """Store the form's plan in the runner's log; answers the links to its exports."""
    form = {"race": race, "distance": distance, "duration": duration, "start": start, "target": target}
    try:
        plan = build_plan({**form, "unit": unit})
    except ProgrunError as problem:
        error = {"field": problem.field, "message": str(problem)}
        return render(request, "_plan_saved.html", {"error": error}, user=user, status_code=422)
    plan_id = log.save_plan(plan).plan_id
    context = {"error": None, "plan_id": plan_id, "summary": plan_summary(plan), "downloads": DOWNLOADS}
    return render(request, "_plan_saved.html", context, user=user)
