"""Plans over JSON: build one from a request (`progrun.plan_request`), store it, export it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field

from progrun.errors import UnitError
from progrun.formats.export import ExportFormat, export_plan
from progrun.plan_io import plan_to_dict
from progrun.plan_request import PlanRequest, plan_from_request
from progrun.web.auth import LogDep

router = APIRouter(prefix="/api/plans", tags=["plans"])

#: The formats `GET /api/plans/{id}/export/{format}` writes, with their media types.
EXPORT_TYPES = {
    "fit": "application/vnd.ant.fit",
    "ics": "text/calendar; charset=utf-8",
    "zwo": "application/xml",
    "intervals": "text/plain; charset=utf-8",
    "json": "application/json",
    "pdf": "application/pdf",
}
PlanId = Annotated[int, Path(ge=1, le=2**31 - 1, description="the plan's id from POST /api/plans")]


class PlanBody(BaseModel):
    """The plan's fields, as `progrun plan` takes them (text as typed: "5k=22:30", "5mi")."""

    race: str | None = Field(default=None, max_length=100, examples=["5k=22:30"])
    distance: str | None = Field(default=None, max_length=50, examples=["5mi"])
    duration: str | None = Field(default=None, max_length=50)
    start: str = Field(default="auto", max_length=20)
    target: str = Field(default="10k", max_length=20)
    unit: str | None = Field(default=None, max_length=10)
    marathon_pace: str | None = Field(default=None, max_length=30)
    target_pace: str | None = Field(default=None, max_length=30)
    easy_pace: str | None = Field(default=None, max_length=30)
    tempo_splits: int = Field(default=2, ge=0, le=50)
    name: str = Field(default="", max_length=200)
    planned_on: date | None = None


@router.post("", status_code=201)
def create_plan(body: PlanBody, log: LogDep) -> dict[str, Any]:
    """Build and store a plan; 201 with its `id` and the plan (`steps` as in `plan --json`)."""
    given = tuple(name for name in body.model_fields_set if name not in {"name", "planned_on"})
    request = PlanRequest(
        race=body.race,
        marathon_pace=body.marathon_pace,
        target_pace=body.target_pace,
        easy_pace=body.easy_pace,
        distance=body.distance,
        duration=body.duration,
        start=body.start,
        target=body.target,
        unit=body.unit,
        tempo_splits=body.tempo_splits,
        name=body.name,
        given=given,
    )
    plan, _ = plan_from_request(request)
    stored = log.save_plan(plan, planned_on=body.planned_on, name=body.name)
    return {"id": stored.plan_id, "planned_on": body.planned_on, **plan_to_dict(plan)}


@router.get("")
def list_plans(log: LogDep) -> list[dict[str, Any]]:
    return [
        {
            "id": stored.plan_id,
            "planned_on": stored.planned_on,
            "name": stored.name,
            **plan_to_dict(stored.plan),
        }
        for stored in log.plans()
    ]


@router.get("/{plan_id}")
def get_plan(plan_id: PlanId, log: LogDep) -> dict[str, Any]:
    stored = log.plan(plan_id)
    return {"id": plan_id, "planned_on": stored.planned_on, "name": stored.name, **plan_to_dict(stored.plan)}


def _start(text: str | None, planned_on: date | None) -> datetime:
    """The event start: `start` as ISO date-time, else the plan's day (or tomorrow) at 07:00."""
    if text:
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            raise UnitError(text, "date and time", "2025-06-01T07:00", field="start") from None
    day = planned_on or (date.today() + timedelta(days=1))
    return datetime.combine(day, time(7, 0))


@router.get("/{plan_id}/export/{format}")
def export(
    plan_id: PlanId,
    format: Annotated[str, Path(pattern="^(fit|ics|zwo|intervals|json|pdf)$")],
    log: LogDep,
    start: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """The plan as a file: fit, ics (at `start`, default the plan's day 07:00), zwo, intervals, json, pdf."""
    stored = log.plan(plan_id)
    fmt = ExportFormat(format)
    result = export_plan(
        stored.plan, fmt, start=_start(start, stored.planned_on) if fmt is ExportFormat.ICS else None
    )
    file_name = f"progression-plan-{plan_id}.{fmt.extension}"
    return Response(
        result.data,
        media_type=EXPORT_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{file_name}"'},
    )
