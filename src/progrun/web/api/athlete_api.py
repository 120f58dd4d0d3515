"""The athlete's side of coaching, and the admin's accounts list.

- `POST /api/invitations/{code}/accept`: become the code's coach's athlete (200 with the coach);
- `GET /api/coaches`, `DELETE /api/coaches/{id}`: one's coaches, and leaving one (at once);
- `GET|POST /api/runs/{id}/comments`: the talk under one's own run;
- `GET /api/admin/users`: the accounts (admins only; 404 for anyone else, as if it were not there).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Response

from progrun.coaching import accept_invitation, coaches_of, end_link, is_admin
from progrun.coaching.comments import add_comment, thread
from progrun.coaching.errors import Unavailable
from progrun.coaching.links import accounts
from progrun.web.api.coach_api import CommentBody
from progrun.web.auth import StateDep, UserDep

router = APIRouter(prefix="/api", tags=["athlete"])

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Code = Annotated[str, Path(min_length=10, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


@router.post("/invitations/{code}/accept")
def accept(code: Code, user: UserDep, state: StateDep) -> dict[str, Any]:
    """Accept a coach's invitation: the coach reads your runs, plans and progress until you leave."""
    coach = accept_invitation(state.database, code, user.user_id, datetime.now(UTC))
    return {"coach": {"id": coach.id, "name": coach.name}}


@router.get("/coaches")
def my_coaches(user: UserDep, state: StateDep) -> dict[str, Any]:
    return {"coaches": [{"id": c.id, "name": c.name} for c in coaches_of(state.database, user.runner_id)]}


@router.delete("/coaches/{coach_id}", status_code=204)
def leave(coach_id: Id, user: UserDep, state: StateDep) -> Response:
    """Leave a coach: from the next request on they read nothing of yours."""
    end_link(state.database, coach_id, user.runner_id)
    return Response(status_code=204)


@router.get("/runs/{run_id}/comments")
def run_comments(run_id: Id, user: UserDep, state: StateDep) -> dict[str, Any]:
    return {"comments": [c.to_dict() for c in thread(state.database, user.runner_id, run_id)]}


@router.post("/runs/{run_id}/comments", status_code=201)
def reply(run_id: Id, body: CommentBody, user: UserDep, state: StateDep) -> dict[str, object]:
    comment = add_comment(
        state.database,
        user.runner_id,
        run_id,
        author_user_id=user.user_id,
        body=body.body,
        now=datetime.now(UTC),
    )
    return comment.to_dict()


@router.get("/admin/users")
def users(user: UserDep, state: StateDep) -> dict[str, Any]:
    """Every account with how many athletes it coaches; no runner's data."""
    if not is_admin(state.database, user.user_id):
        raise Unavailable("page", "nothing at /api/admin/users")
    return {"users": accounts(state.database)}
