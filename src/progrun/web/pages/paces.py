"""The paces page: a race result -> VDOT, training paces, race equivalents and the working
(`progrun paces --explain`), from the same `report_json` dict the CLI prints."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from progrun.cli.paces_command import report_json
from progrun.errors import ProgrunError
from progrun.paces_request import PacesRequest, paces_report
from progrun.web.pages.common import PageUser, render

router = APIRouter()


@router.get("/paces", response_class=HTMLResponse)
def paces_page(request: Request, user: PageUser, race: str = "", unit: str = "km") -> HTMLResponse:
    unit = "mi" if unit == "mi" else "km"
    data = None
    error = None
    if race.strip():
        try:
            data = report_json(paces_report(PacesRequest(race=race.strip(), unit=unit, explain=True)), unit)
        except ProgrunError as problem:
            error = {"field": problem.field or "race", "message": str(problem)}
    return render(
        request, "paces.html", {"race": race, "unit": unit, "data": data, "error": error}, user=user
    )
