"""The athlete's side of coaching in the browser: join a coach by code, see and leave one's coaches,
and the talk under one's own run (`/runs/{id}/talk`; the report can include `_run_comments.html`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from progrun.coaching import accept_invitation, coaches_of, end_link
from progrun.coaching.comments import add_comment, thread
from progrun.errors import ProgrunError
from progrun.training_log import TrainingLog
from progrun.web.auth import StateDep
from progrun.web.pages.coach_common import MaybeUser, page, sign_in

router = APIRouter(include_in_schema=False)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/coaches", response_class=HTMLResponse)
def coaches_page(request: Request, state: StateDep, user: MaybeUser, code: str = "") -> Response:
    if user is None:
        return sign_in()
    coaches = coaches_of(state.database, user.runner_id)
    return page(state, request, "coach_join.html", user, coaches=coaches, code=code[:64], error="", joined="")


@router.post("/coaches/join")
def join(
    request: Request, state: StateDep, user: MaybeUser, code: Annotated[str, Form(max_length=64)]
) -> Response:
    if user is None:
        return sign_in()
    try:
        coach = accept_invitation(state.database, code, user.user_id, datetime.now(UTC))
    except ProgrunError as error:
        coaches = coaches_of(state.database, user.runner_id)
        response = page(
            state, request, "coach_join.html", user, coaches=coaches, code=code, error=str(error), joined=""
        )
        response.status_code = 404 if getattr(error, "kind", "") == "invitation" else 400
        return response
    coaches = coaches_of(state.database, user.runner_id)
    return page(
        state, request, "coach_join.html", user, coaches=coaches, code="", error="", joined=coach.name
    )


@router.post("/coaches/{coach_id}/leave")
def leave(coach_id: Id, state: StateDep, user: MaybeUser) -> Response:
    if user is None:
        return sign_in()
    end_link(state.database, coach_id, user.runner_id)
    return RedirectResponse("/coaches", status_code=303)


@router.get("/runs/{run_id}/talk", response_class=HTMLResponse)
def talk_page(run_id: Id, request: Request, state: StateDep, user: MaybeUser) -> Response:
    if user is None:
        return sign_in()
    view = TrainingLog(state.database.runner(user.runner_id)).activity(run_id)
    return page(
        state,
        request,
        "coach_talk.html",
        user,
        run=view.run,
        finding=view.finding(),
        comments=thread(state.database, user.runner_id, run_id),
        comment_action=f"/runs/{run_id}/talk",
    )


@router.post("/runs/{run_id}/talk")
def reply(
    run_id: Id, state: StateDep, user: MaybeUser, body: Annotated[str, Form(max_length=4000)]
) -> Response:
    if user is None:
        return sign_in()
    add_comment(
        state.database, user.runner_id, run_id, author_user_id=user.user_id, body=body, now=datetime.now(UTC)
    )
    return RedirectResponse(f"/runs/{run_id}/talk#comments", status_code=303)
