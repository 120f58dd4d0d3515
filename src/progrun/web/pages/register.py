"""The register page: a form (with CSRF) making an account and its runner, then signing the browser in.

It uses the same account functions as `POST /api/auth/register` and `/login` (`Database.create_user`,
`create_runner`, `sessions.set_password`, `start_session`): an address already taken, a short password
or a name with control characters is refused naming the field.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from progrun.errors import StorageError
from progrun.web.auth import StateDep
from progrun.web.auth_pages import set_session_cookie
from progrun.web.csrf import csrf_protect
from progrun.web.pages.common import render
from progrun.web.sessions import set_password, start_session

router = APIRouter(include_in_schema=False)

#: Shortest password accepted (NIST SP 800-63B asks at least 8 characters), as the API's.
MIN_PASSWORD_CHARS = 8


def _problem(email: str, password: str, name: str) -> dict[str, str] | None:
    if "@" not in email or any(char.isspace() for char in email) or len(email) > 320:
        return {"field": "email", "message": "write an e-mail address such as ana@example.org"}
    if not MIN_PASSWORD_CHARS <= len(password) <= 1000:
        return {"field": "password", "message": f"use at least {MIN_PASSWORD_CHARS} characters"}
    if len(name) > 200 or any(not char.isprintable() for char in name):
        return {"field": "name", "message": "write your name on one line, at most 200 characters"}
    return None


@router.get("/register", response_class=HTMLResponse)
def register_page(request: Request) -> HTMLResponse:
    return render(request, "register.html", {"error": None, "form": {}}, user=None)


@router.post("/register", response_class=HTMLResponse, dependencies=[Depends(csrf_protect)])
def register_form(
    request: Request,
    state: StateDep,
    email: Annotated[str, Form(max_length=400)],
    password: Annotated[str, Form(max_length=1000)],
    name: Annotated[str, Form(max_length=400)] = "",
) -> Response:
    email, name = email.strip(), name.strip()
    form = {"email": email, "name": name}
    problem = _problem(email, password, name)
    if problem is None:
        try:
            account = state.database.create_user(email, name)
        except StorageError:
            problem = {"field": "email", "message": "an account with this address exists; sign in instead"}
    if problem is not None:
        return render(request, "register.html", {"error": problem, "form": form}, user=None, status_code=422)
    set_password(state.database, account.id, password)
    state.database.create_runner(name or email, user_id=account.id)
    token = start_session(state.database, account.id, timedelta(hours=state.config.session_hours))
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(response, request, state, token)
    return response
