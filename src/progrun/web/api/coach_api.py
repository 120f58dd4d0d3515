"""The coach's JSON API (`/api/coach/...`): invitations, the roster, athletes' shared data, prescribed
sessions, club nights and their sheet, comments on athletes' runs.

Any signed-in user can coach (their roster starts empty). Every athlete-scoped route answers 404 for
a runner who is not the coach's athlete *now* (never 403: it does not confirm the runner exists), and a
session of another coach is 404 too. An athlete shares runs, plans and progress; never their account.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field

from progrun.coaching import coached_store, create_invitation, end_link
from progrun.coaching.club import check_club, club_dict, create_club_session, move_runner
from progrun.coaching.comments import add_comment, thread
from progrun.coaching.roster import roster
from progrun.coaching.sessions import SessionSpec, prescribe, session_view
from progrun.coaching.sheet import club_sheet_pdf, pace_card_pdf
from progrun.coaching.wording import about
from progrun.training_log import TrainingLog
from progrun.web.api.runs_api import run_dict
from progrun.web.auth import StateDep, UserDep

router = APIRouter(prefix="/api/coach", tags=["coach"])

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


def today() -> date:
    return datetime.now(UTC).date()


class SessionBody(BaseModel):
    """A session for athletes on a date: the distance as typed ("5mi", "8km"), start and target."""

    date: date
    athletes: list[int] = Field(min_length=1, max_length=200)
    distance: str = Field(max_length=50, examples=["5mi"])
    target: str = Field(default="10k", max_length=20)
    start: str = Field(default="auto", max_length=20)


class ClubBody(SessionBody):
    """A club night: `groups` is a number of pace groups, or the groups as lists of athletes."""

    groups: int | list[list[int]] | None = None


class MoveBody(BaseModel):
    athlete: int
    group: int = Field(ge=0, le=100)


class CommentBody(BaseModel):
    body: str = Field(min_length=1, max_length=4000)


@router.post("/invitations", status_code=201)
def invite(user: UserDep, state: StateDep) -> dict[str, str]:
    """A single-use invitation code (valid 7 days) for an athlete to accept."""
    return create_invitation(state.database, user.user_id, datetime.now(UTC)).to_dict()


@router.get("/athletes")
def athletes(user: UserDep, state: StateDep) -> dict[str, Any]:
    """The roster: each athlete's paces, fitness, last progression runs, trend and flags."""
    return {"athletes": [card.to_dict() for card in roster(state.database, user.user_id, today())]}


@router.delete("/athletes/{athlete_id}", status_code=204)
def remove_athlete(athlete_id: Id, user: UserDep, state: StateDep) -> Response:
    """Stop coaching the athlete; from the next request on nothing of theirs is readable."""
    end_link(state.database, user.user_id, athlete_id)
    return Response(status_code=204)


def _log(state: StateDep, user: UserDep, athlete_id: int) -> TrainingLog:
    return TrainingLog(coached_store(state.database, user.user_id, athlete_id))


@router.get("/athletes/{athlete_id}/runs")
def athlete_runs(
    athlete_id: Id,
    user: UserDep,
    state: StateDep,
    page: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
    page_size: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> dict[str, Any]:
    """The athlete's runs, as `GET /api/runs` shows them to the athlete."""
    history = _log(state, user, athlete_id).history(page=page, page_size=page_size)
    return {"runs": history.to_dict(), "total": history.total, "page": history.page, "pages": history.pages}


@router.get("/athletes/{athlete_id}/runs/{run_id}")
def athlete_run(athlete_id: Id, run_id: Id, user: UserDep, state: StateDep) -> dict[str, Any]:
    """One of the athlete's runs with the verdict's sentence about them (`finding`)."""
    log = _log(state, user, athlete_id)
    body = run_dict(log, run_id, [])
    name = next(r.name for r in state.database.coached_by(user.user_id) if r.id == athlete_id)
    return {**body, "finding": about(log.activity(run_id).finding(), name)}


@router.get("/athletes/{athlete_id}/plans")
def athlete_plans(athlete_id: Id, user: UserDep, state: StateDep) -> list[dict[str, Any]]:
    return [stored.to_dict() for stored in _log(state, user, athlete_id).plans()]


@router.get("/athletes/{athlete_id}/progress")
def athlete_progress(athlete_id: Id, user: UserDep, state: StateDep) -> Any:
    from progrun.training_log.advice import progress_report

    return progress_report(_log(state, user, athlete_id).store).to_dict()


@router.get("/athletes/{athlete_id}/runs/{run_id}/comments")
def athlete_run_comments(athlete_id: Id, run_id: Id, user: UserDep, state: StateDep) -> dict[str, Any]:
    coached_store(state.database, user.user_id, athlete_id)
    return {"comments": [c.to_dict() for c in thread(state.database, athlete_id, run_id)]}


@router.post("/athletes/{athlete_id}/runs/{run_id}/comments", status_code=201)
def comment_athlete_run(
    athlete_id: Id, run_id: Id, body: CommentBody, user: UserDep, state: StateDep
) -> dict[str, object]:
    coached_store(state.database, user.user_id, athlete_id)
    comment = add_comment(
        state.database, athlete_id, run_id, author_user_id=user.user_id, body=body.body, now=datetime.now(UTC)
    )
    return comment.to_dict()


@router.post("/sessions", status_code=201)
def create_session(body: SessionBody, user: UserDep, state: StateDep) -> dict[str, Any]:
    """Prescribe a progression session: 201 with one plan per athlete, from each one's own paces."""
    spec = SessionSpec(body.date, body.distance, body.start, body.target)
    session_id = prescribe(state.database, user.user_id, spec, body.athletes, today())
    return session_view(state.database, user.user_id, session_id).to_dict()


@router.get("/sessions/{session_id}")
def get_session(session_id: Id, user: UserDep, state: StateDep) -> dict[str, Any]:
    """Each athlete's plan and, once run, the verdict about them."""
    return session_view(state.database, user.user_id, session_id).to_dict()


@router.post("/club-sessions", status_code=201)
def create_club(body: ClubBody, user: UserDep, state: StateDep) -> dict[str, Any]:
    """A club night: pace groups with their plans, each member's plan saved in their log."""
    spec = SessionSpec(body.date, body.distance, body.start, body.target)
    session_id = create_club_session(
        state.database, user.user_id, spec, body.athletes, today=today(), groups=body.groups
    )
    return club_dict(session_view(state.database, user.user_id, session_id, kind="club"))


@router.get("/club-sessions/{session_id}")
def get_club(session_id: Id, user: UserDep, state: StateDep) -> dict[str, Any]:
    """The groups and their plans; after the session, every runner against their group's plan."""
    return club_dict(session_view(state.database, user.user_id, session_id, kind="club"))


@router.post("/club-sessions/{session_id}/move")
def move(session_id: Id, body: MoveBody, user: UserDep, state: StateDep) -> dict[str, Any]:
    """Move a runner to another group (the last number + 1 starts a new one); both groups re-planned."""
    move_runner(
        state.database, user.user_id, session_id, runner_id=body.athlete, to_group=body.group, today=today()
    )
    return club_dict(session_view(state.database, user.user_id, session_id, kind="club"))


@router.get("/club-sessions/{session_id}/sheet.pdf")
def club_sheet(session_id: Id, user: UserDep, state: StateDep) -> Response:
    """The printable one-page sheet of the groups and their split targets."""
    check_club(state.database, user.user_id, session_id)
    view = session_view(state.database, user.user_id, session_id, kind="club")
    return _pdf(club_sheet_pdf(view, user.name), f"club-night-{view.on.isoformat()}.pdf")


@router.get("/club-sessions/{session_id}/cards/{athlete_id}.pdf")
def pace_card(session_id: Id, athlete_id: Id, user: UserDep, state: StateDep) -> Response:
    """A runner's pace card: their group's plan as a pace band."""
    view = session_view(state.database, user.user_id, session_id, kind="club")
    return _pdf(pace_card_pdf(view, athlete_id), f"pace-card-{session_id}-{athlete_id}.pdf")


def _pdf(data: bytes, name: str) -> Response:
    return Response(
        data, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
