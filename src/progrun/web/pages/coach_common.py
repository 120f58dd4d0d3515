"""What the coach's pages share: the signed-in user or a redirect to sign in, and number formatting."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response

from progrun.coaching.wording import score_colour
from progrun.units import format_duration, format_pace
from progrun.web.auth import CurrentUser, optional_user
from progrun.web.state import AppState

MaybeUser = Annotated[CurrentUser | None, Depends(optional_user)]


def sign_in() -> Response:
    return RedirectResponse("/login", status_code=303)


def today() -> date:
    return datetime.now(UTC).date()


def pace(value: object, unit: str = "km") -> str:
    """A pace in s/km as m:ss per unit, or a dash."""
    if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        return "-"
    return format_pace(float(value), unit)


def duration(value: object) -> str:
    if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        return "-"
    return format_duration(float(value))


def page(state: AppState, request: Request, template: str, user: CurrentUser, **context: Any) -> Response:
    """A coach page: its template with the user and the formatting helpers."""
    return state.templates.TemplateResponse(
        request,
        template,
        {"user": user, "pace": pace, "duration": duration, "colour": score_colour, **context},
    )


def session_form(
    state: AppState, request: Request, user: CurrentUser, *, action: str, error: str = "", club: bool = False
) -> Response:
    """The prescribe form (a session, or a club night when `club`) over the coach's athletes; with an error,
    answered 400."""
    response = page(
        state,
        request,
        "coach_prescribe.html",
        user,
        athletes=state.database.coached_by(user.user_id),
        error=error,
        action=action,
        **({"club": True} if club else {}),
    )
    if error:
        response.status_code = 400
    return response
