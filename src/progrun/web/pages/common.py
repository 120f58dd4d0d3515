"""What every page router shares: the signed-in runner, their training log and rendering.

`PageUser` is web-core's `optional_user` (session cookie or Bearer, CSRF checked on unsafe methods)
made a requirement the way a page wants it: an anonymous visitor is sent to `/login` (303) instead of
the API's 401. `PageLog` is that user's own `TrainingLog` (web-core's `training_log`, so every lookup
is scoped to them). `render` uses the app's one Jinja2 environment (`base.html` gets the CSRF token
from web-core's context processor) with the pages' number filters added.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse

from progrun.training_log import TrainingLog
from progrun.units import format_distance, format_duration, format_pace
from progrun.web.auth import CurrentUser, optional_user, training_log
from progrun.web.state import AppState, app_state


def _pace(value: Any, unit: str = "km") -> str:
    return (
        format_pace(float(value), unit, suffix=False) if isinstance(value, int | float) and value > 0 else "–"
    )


def _duration(value: Any) -> str:
    return format_duration(float(value)) if isinstance(value, int | float) and value >= 0 else "–"


def _distance(value: Any, unit: str = "km") -> str:
    return format_distance(float(value), unit) if isinstance(value, int | float) else "–"


FILTERS = {"pace": _pace, "duration": _duration, "distance": _distance}


def page_user(user: Annotated[CurrentUser | None, Depends(optional_user)]) -> CurrentUser:
    """The signed-in user; an anonymous visitor is redirected to the sign-in page."""
    if user is None:
        raise HTTPException(status_code=303, detail="sign in first", headers={"Location": "/login"})
    return user


def page_log(
    user: Annotated[CurrentUser, Depends(page_user)], state: Annotated[AppState, Depends(app_state)]
) -> TrainingLog:
    """The signed-in runner's own training log for this request."""
    return training_log(user, state)


PageUser = Annotated[CurrentUser, Depends(page_user)]
PageLog = Annotated[TrainingLog, Depends(page_log)]


def render(
    request: Request, name: str, context: dict[str, Any], *, user: CurrentUser | None, status_code: int = 200
) -> HTMLResponse:
    """The template `name` with `context`, the user (for the navigation) and the CSRF token."""
    templates = app_state(request).templates
    for filter_name, function in FILTERS.items():
        templates.env.filters.setdefault(filter_name, function)
    return templates.TemplateResponse(request, name, {"user": user, **context}, status_code=status_code)
