"""Club night pages: the form, the groups with their split targets (move a runner, download the sheet
and each runner's pace card), and after the session every runner against their group's plan."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from progrun.coaching.club import create_club_session, groups_of, move_runner
from progrun.coaching.sessions import SessionSpec, session_view
from progrun.errors import ProgrunError
from progrun.plan_io import plan_rows, plan_summary
from progrun.web.auth import StateDep
from progrun.web.pages.coach_common import MaybeUser, page, session_form, sign_in, today

router = APIRouter(include_in_schema=False)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/coach/club", response_class=HTMLResponse)
def club_form_page(request: Request, state: StateDep, user: MaybeUser) -> Response:
    if user is None:
        return sign_in()
    return session_form(state, request, user, action="/coach/club", club=True)


@router.post("/coach/club")
def club_form(
    request: Request,
    state: StateDep,
    user: MaybeUser,
    *,
    on: Annotated[date, Form()],
    distance: Annotated[str, Form(max_length=50)],
    athletes: Annotated[list[int], Form()],
    target: Annotated[str, Form(max_length=20)] = "10k",
    start: Annotated[str, Form(max_length=20)] = "auto",
    groups: Annotated[int | None, Form(ge=1, le=20)] = None,
) -> Response:
    if user is None:
        return sign_in()
    spec = SessionSpec(on, distance, start, target)
    try:
        session_id = create_club_session(
            state.database, user.user_id, spec, athletes, today=today(), groups=groups
        )
    except ProgrunError as error:
        if getattr(error, "kind", "") == "athlete":
            raise
        return session_form(state, request, user, action="/coach/club", error=str(error), club=True)
    return RedirectResponse(f"/coach/club/{session_id}", status_code=303)


@router.get("/coach/club/{session_id}", response_class=HTMLResponse)
def club_page(session_id: Id, request: Request, state: StateDep, user: MaybeUser) -> Response:
    if user is None:
        return sign_in()
    view = session_view(state.database, user.user_id, session_id, kind="club")
    return page(
        state,
        request,
        "coach_club.html",
        user,
        view=view,
        groups=groups_of(view),
        rows=plan_rows,
        summary=plan_summary,
    )


@router.post("/coach/club/{session_id}/move")
def move(
    session_id: Id,
    state: StateDep,
    user: MaybeUser,
    athlete: Annotated[int, Form()],
    group: Annotated[int, Form(ge=0, le=100)],
) -> Response:
    if user is None:
        return sign_in()
    move_runner(state.database, user.user_id, session_id, runner_id=athlete, to_group=group, today=today())
    return RedirectResponse(f"/coach/club/{session_id}", status_code=303)
