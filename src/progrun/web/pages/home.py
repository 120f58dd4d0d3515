"""`/`: the start page (the signed-in runner's links, or the way to sign in)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from progrun.web.auth import CurrentUser, StateDep, optional_user

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request, state: StateDep, user: Annotated[CurrentUser | None, Depends(optional_user)]
) -> Response:
    if user is None:
        return RedirectResponse("/login", status_code=303)
    return state.templates.TemplateResponse(request, "home.html", {"user": user})
