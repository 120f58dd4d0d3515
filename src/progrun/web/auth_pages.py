"""Sign-in pages: the form (`/login`), a one-time link (`/login/once?token=`), sign-out (`/logout`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from progrun.web.auth import SESSION_COOKIE, CurrentUser, StateDep, current_user
from progrun.web.csrf import csrf_protect
from progrun.web.security import secure_request
from progrun.web.sessions import check_password, revoke_session, start_session, use_once_link
from progrun.web.state import AppState

router = APIRouter(include_in_schema=False)


def set_session_cookie(response: Response, request: Request, state: AppState, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(state.config.session_hours * 3600),
        httponly=True,
        samesite="lax",
        secure=secure_request(request, state.config.secure_cookies),
        path="/",
    )


def sign_in_wait_s(request: Request, state: AppState, email: str) -> float:
    """Seconds to wait before another sign-in attempt for this address from this IP (0: go ahead)."""
    client = request.client.host if request.client else "unknown"
    return state.sign_in_limiter.hit(f"{client}|{email.strip().lower()}")


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, state: StateDep) -> Response:
    return state.templates.TemplateResponse(request, "login.html", {"error": ""})


@router.post("/login", response_class=HTMLResponse, dependencies=[Depends(csrf_protect)])
def login_form(
    request: Request,
    state: StateDep,
    email: Annotated[str, Form(max_length=320, pattern=r"^[^\x00-\x1f\x7f]*$")],
    password: Annotated[str, Form(max_length=1000)],
) -> Response:
    wait_s = sign_in_wait_s(request, state, email)
    if wait_s:
        error = f"too many sign-in attempts; wait {wait_s:.0f} s and try again"
        return state.templates.TemplateResponse(request, "login.html", {"error": error}, status_code=429)
    account = state.database.user_by_email(email)
    if not check_password(state.database, account.id if account else None, password) or account is None:
        error = "that e-mail address and password do not match an account"
        return state.templates.TemplateResponse(request, "login.html", {"error": error}, status_code=401)
    token = start_session(state.database, account.id, timedelta(hours=state.config.session_hours))
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(response, request, state, token)
    return response


@router.get("/login/once")
def login_once(request: Request, state: StateDep, token: str = "") -> Response:
    """The link `progrun serve` prints: signs this browser in once, then the link is spent."""
    session = use_once_link(state.database, token, timedelta(hours=state.config.session_hours))
    if session is None:
        error = "that sign-in link was already used or has expired; restart `progrun serve` for a new one"
        return state.templates.TemplateResponse(request, "login.html", {"error": error}, status_code=401)
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(response, request, state, session)
    return response


@router.post("/logout")
def logout(state: StateDep, user: Annotated[CurrentUser, Depends(current_user)]) -> Response:
    revoke_session(state.database, user.token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
