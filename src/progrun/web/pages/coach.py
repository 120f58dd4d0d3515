"""The coach's pages: the roster (`/coach`), an athlete's runs and one run with the talk under it,
invitations, prescribing a session and the session with each athlete's verdict.

Every page shows only the coach's athletes *now*: anything else is 404 (the JSON API's answer).
Anonymous visitors are sent to sign in.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from progrun.coaching import coached_store, create_invitation, end_link
from progrun.coaching.comments import add_comment, thread
from progrun.coaching.roster import roster
from progrun.coaching.sessions import SessionSpec, prescribe, session_view, sessions_of
from progrun.coaching.wording import about, short_name
from progrun.errors import ProgrunError
from progrun.plan_io import plan_summary
from progrun.training_log import TrainingLog
from progrun.web.auth import StateDep
from progrun.web.pages.coach_common import MaybeUser, page, session_form, sign_in, today

router = APIRouter(include_in_schema=False)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/coach", response_class=HTMLResponse)
def roster_page(request: Request, state: StateDep, user: MaybeUser, code: str = "") -> Response:
    if user is None:
        return sign_in()
    cards = roster(state.database, user.user_id, today())
    sessions = sessions_of(state.database, user.user_id, limit=20)
    return page(state, request, "coach_roster.html", user, cards=cards, sessions=sessions, code=code[:64])


@router.post("/coach/invitations")
def invite(request: Request, state: StateDep, user: MaybeUser) -> Response:
    if user is None:
        return sign_in()
    invitation = create_invitation(state.database, user.user_id, datetime.now(UTC))
    cards = roster(state.database, user.user_id, today())
    sessions = sessions_of(state.database, user.user_id, limit=20)
    return page(
        state,
        request,
        "coach_roster.html",
        user,
        cards=cards,
        sessions=sessions,
        invitation=invitation,
        code="",
    )


@router.post("/coach/athletes/{athlete_id}/remove")
def remove(athlete_id: Id, state: StateDep, user: MaybeUser) -> Response:
    if user is None:
        return sign_in()
    end_link(state.database, user.user_id, athlete_id)
    return RedirectResponse("/coach", status_code=303)


@router.get("/coach/athletes/{athlete_id}", response_class=HTMLResponse)
def athlete_page(athlete_id: Id, request: Request, state: StateDep, user: MaybeUser) -> Response:
    if user is None:
        return sign_in()
    log = TrainingLog(coached_store(state.database, user.user_id, athlete_id))
    name = _name(state, user.user_id, athlete_id)
    runs = log.history(page=None, page_size=50)
    return page(state, request, "coach_athlete.html", user, athlete_id=athlete_id, name=name, runs=runs)


def _name(state: StateDep, coach_user_id: int, athlete_id: int) -> str:
    return next(r.name for r in state.database.coached_by(coach_user_id) if r.id == athlete_id)


@router.get("/coach/athletes/{athlete_id}/runs/{run_id}", response_class=HTMLResponse)
def athlete_run_page(
    athlete_id: Id, run_id: Id, request: Request, state: StateDep, user: MaybeUser
) -> Response:
    if user is None:
        return sign_in()
    log = TrainingLog(coached_store(state.database, user.user_id, athlete_id))
    view = log.activity(run_id)
    name = _name(state, user.user_id, athlete_id)
    return page(
        state,
        request,
        "coach_run.html",
        user,
        athlete_id=athlete_id,
        name=name,
        called=short_name(name),
        run=view.run,
        splits=view.detail.splits,
        finding=about(view.finding(), name),
        comments=thread(state.database, athlete_id, run_id),
        comment_action=f"/coach/athletes/{athlete_id}/runs/{run_id}/comments",
    )


@router.post("/coach/athletes/{athlete_id}/runs/{run_id}/comments")
def comment(
    athlete_id: Id, run_id: Id, state: StateDep, user: MaybeUser, body: Annotated[str, Form(max_length=4000)]
) -> Response:
    if user is None:
        return sign_in()
    coached_store(state.database, user.user_id, athlete_id)
    add_comment(
        state.database, athlete_id, run_id, author_user_id=user.user_id, body=body, now=datetime.now(UTC)
    )
    return RedirectResponse(f"/coach/athletes/{athlete_id}/runs/{run_id}#comments", status_code=303)


@router.get("/coach/prescribe", response_class=HTMLResponse)
def prescribe_page(request: Request, state: StateDep, user: MaybeUser) -> Response:
    if user is None:
        return sign_in()
    return session_form(state, request, user, action="/coach/prescribe")


@router.post("/coach/prescribe")
def prescribe_form(
    request: Request,
    state: StateDep,
    user: MaybeUser,
    *,
    on: Annotated[date, Form()],
    distance: Annotated[str, Form(max_length=50)],
    athletes: Annotated[list[int], Form()],
    target: Annotated[str, Form(max_length=20)] = "10k",
    start: Annotated[str, Form(max_length=20)] = "auto",
) -> Response:
    if user is None:
        return sign_in()
    try:
        session_id = prescribe(
            state.database, user.user_id, SessionSpec(on, distance, start, target), athletes, today()
        )
    except ProgrunError as error:
        if getattr(error, "kind", "") == "athlete":
            raise
        return session_form(state, request, user, action="/coach/prescribe", error=str(error))
    return RedirectResponse(f"/coach/sessions/{session_id}", status_code=303)


@router.get("/coach/sessions/{session_id}", response_class=HTMLResponse)
def session_page(session_id: Id, request: Request, state: StateDep, user: MaybeUser) -> Response:
    if user is None:
        return sign_in()
    view = session_view(state.database, user.user_id, session_id)
    if view.kind == "club":
        return RedirectResponse(f"/coach/club/{session_id}", status_code=303)
    return page(state, request, "coach_session.html", user, view=view, summary=plan_summary)
