"""Accounts over JSON: register, sign in (a token and a cookie), sign out (the session is revoked)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, Field

from progrun.errors import StorageError
from progrun.web.auth import StateDep, UserDep
from progrun.web.auth_pages import set_session_cookie, sign_in_wait_s
from progrun.web.sessions import check_password, revoke_session, set_password, start_session

router = APIRouter(prefix="/api/auth", tags=["accounts"])

#: An address holds no spaces or control characters (a NUL cannot even be stored in PostgreSQL text).
EMAIL_PATTERN = r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+$"
NO_CONTROL_PATTERN = r"^[^\x00-\x1f\x7f]*$"

#: Shortest password accepted (NIST SP 800-63B asks at least 8 characters).
MIN_PASSWORD_CHARS = 8


class Registration(BaseModel):
    email: str = Field(min_length=3, max_length=320, pattern=EMAIL_PATTERN)
    password: str = Field(min_length=MIN_PASSWORD_CHARS, max_length=1000)
    name: str = Field(default="", max_length=200)


class Credentials(BaseModel):
    email: str = Field(max_length=320, pattern=NO_CONTROL_PATTERN)
    password: str = Field(max_length=1000)


@router.post("/register", status_code=201)
def register(body: Registration, state: StateDep) -> dict[str, object]:
    """A new account and its runner; 409 when the address is taken."""
    name = body.name.strip()
    if any(not char.isprintable() for char in name):
        raise HTTPException(422, "name: holds control characters; write it on one line")
    database = state.database
    try:
        user = database.create_user(body.email.strip(), name)
    except StorageError:
        raise HTTPException(409, "email: an account with this address exists; sign in instead") from None
    set_password(database, user.id, body.password)
    runner = database.create_runner(name or user.email, user_id=user.id)
    return {"id": user.id, "email": user.email, "name": user.name, "runner_id": runner.id}


@router.post("/login")
def login(body: Credentials, request: Request, response: Response, state: StateDep) -> dict[str, str]:
    """A session token for `Authorization: Bearer`, and the same session as an HttpOnly cookie."""
    wait_s = sign_in_wait_s(request, state, body.email)
    if wait_s:
        raise HTTPException(
            429,
            f"too many sign-in attempts for this address; wait {wait_s:.0f} s",
            headers={"Retry-After": str(max(1, round(wait_s)))},
        )
    account = state.database.user_by_email(body.email)
    if not check_password(state.database, account.id if account else None, body.password) or account is None:
        raise HTTPException(401, "that e-mail address and password do not match an account")
    token = start_session(state.database, account.id, timedelta(hours=state.config.session_hours))
    set_session_cookie(response, request, state, token)
    return {"token": token}


@router.post("/logout", status_code=204)
def logout(user: UserDep, state: StateDep, response: Response) -> Response:
    """Revoke this session: its token and cookie sign no one in any more."""
    revoke_session(state.database, user.token)
    response.status_code = 204
    response.delete_cookie("progrun_session", path="/")
    return response


@router.get("/me")
def me(user: UserDep) -> dict[str, object]:
    return {"id": user.user_id, "email": user.email, "name": user.name, "runner_id": user.runner_id}
