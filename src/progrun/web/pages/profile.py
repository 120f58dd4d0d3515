"""The profile page: heart rate, paces (or a race that sets them), units and name, saved with
`TrainingLog.set_profile`, which re-analyses the stored runs when a field the analysis reads changed
(as `progrun profile` does); the page says how many were re-analysed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from progrun.errors import ProgrunError
from progrun.training_log import ProfileError
from progrun.training_log.profile import race_profile_fields
from progrun.units import format_pace, parse_pace, parse_race
from progrun.web.pages.common import PageLog, PageUser, render

router = APIRouter(include_in_schema=False)


def _form_of(profile: Any) -> dict[str, str]:
    def pace(value: float | None) -> str:
        return format_pace(value, profile.units) if value else ""

    def number(value: float | None) -> str:
        return f"{value:g}" if value else ""

    return {
        "name": profile.name,
        "max_heart_rate_bpm": number(profile.max_heart_rate_bpm),
        "resting_heart_rate_bpm": number(profile.resting_heart_rate_bpm),
        "threshold_pace": pace(profile.threshold_s_per_km),
        "easy_pace": pace(profile.easy_s_per_km),
        "race": "",
        "units": profile.units,
        "sex": profile.sex,
        "vdot": f"{profile.vdot:.1f}" if profile.vdot else "",
    }


def _heart_rate(text: str, field: str, low: float, high: float) -> float | None:
    if not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        raise ProfileError(field, f"{text!r} is not a number of beats per minute") from None
    if not low <= value <= high:
        raise ProfileError(field, f"{value:g} bpm is outside {low:g}-{high:g}; check the value")
    return value


def profile_changes(form: dict[str, str], units: str) -> dict[str, Any]:
    """The profile fields the form sets (ProfileError or UnitError naming the field at fault)."""
    changes: dict[str, Any] = {"name": form["name"].strip() or "runner"}
    changes["units"] = form["units"] if form["units"] in {"km", "mi"} else units
    changes["sex"] = form["sex"] if form["sex"] in {"f", "m"} else ""
    changes["max_heart_rate_bpm"] = _heart_rate(form["max_heart_rate_bpm"], "max_heart_rate_bpm", 100, 230)
    changes["resting_heart_rate_bpm"] = _heart_rate(
        form["resting_heart_rate_bpm"], "resting_heart_rate_bpm", 25, 100
    )
    for field, key in (("threshold_pace", "threshold_s_per_km"), ("easy_pace", "easy_s_per_km")):
        text = form[field].strip()
        if text:
            try:
                changes[key] = parse_pace(text, changes["units"])
            except ProgrunError as error:
                raise ProfileError(field, str(error)) from None
    if form["race"].strip():
        try:
            distance_m, time_s = parse_race(form["race"].strip())
        except ProgrunError as error:
            raise ProfileError("race", str(error)) from None
        changes.update(race_profile_fields(distance_m, time_s))
    return changes


@router.get("/profile", response_class=HTMLResponse)
def profile_page(request: Request, user: PageUser, log: PageLog) -> HTMLResponse:
    profile = log.profile()
    context = {"form": _form_of(profile), "error": None, "saved": None, "notes": log.notes()}
    return render(request, "profile.html", context, user=user)


@router.post("/profile", response_class=HTMLResponse)
def profile_save(  # noqa: PLR0917 (one parameter per form field)
    request: Request,
    user: PageUser,
    log: PageLog,
    name: Annotated[str, Form(max_length=200)] = "",
    max_heart_rate_bpm: Annotated[str, Form(max_length=10)] = "",
    resting_heart_rate_bpm: Annotated[str, Form(max_length=10)] = "",
    threshold_pace: Annotated[str, Form(max_length=20)] = "",
    easy_pace: Annotated[str, Form(max_length=20)] = "",
    race: Annotated[str, Form(max_length=40)] = "",
    units: Annotated[str, Form(max_length=2)] = "km",
    sex: Annotated[str, Form(max_length=1)] = "",
) -> HTMLResponse:
    form = {
        "name": name,
        "max_heart_rate_bpm": max_heart_rate_bpm,
        "resting_heart_rate_bpm": resting_heart_rate_bpm,
        "threshold_pace": threshold_pace,
        "easy_pace": easy_pace,
        "race": race,
        "units": units,
        "sex": sex,
        "vdot": "",
    }
    try:
        update = log.set_profile(**profile_changes(form, log.profile().units))
    except ProfileError as error:
        context: dict[str, Any] = {
            "form": form,
            "error": {"field": error.field, "message": error.message},
            "saved": None,
        }
        return render(request, "profile.html", {**context, "notes": log.notes()}, user=user, status_code=422)
    saved = {"reanalysed": update.reanalysed, "failed": update.failed}
    context = {
        "form": _form_of(update.profile),
        "error": None,
        "saved": saved,
        "notes": log.notes(),
    }
    return render(request, "profile.html", context, user=user)
