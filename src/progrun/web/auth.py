"""Who is asking: a session cookie (browser) or `Authorization: Bearer <token>` (API clients).

```
@router.get("/api/thing")
def thing(user: CurrentUser = Depends(current_user), log: TrainingLog = Depends(training_log)) -> ...
```

`current_user` answers 401 without a live session. For a cookie-signed request with an unsafe method
(POST, PUT, PATCH, DELETE) it also checks the CSRF token (`progrun.web.csrf`): a form or HTMX call
without it is 403. A Bearer call needs none (a browser never adds that header by itself).
`training_log` gives the user's own runner's `TrainingLog`, so every lookup is scoped to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from progrun.training_log import TrainingLog
from progrun.web.csrf import check_csrf
from progrun.web.sessions import find_session
from progrun.web.state import AppState, app_state

SESSION_COOKIE = "progrun_session"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class CurrentUser:
    """The signed-in user and the runner they own."""

    user_id: int
    runner_id: int
    name: str
    email: str
    #: "cookie" or "bearer": how the request was signed in.
    via: str
    token: str


def request_token(request: Request) -> tuple[str, str] | None:
    """(token, "bearer" | "cookie") from the Authorization header, else the session cookie."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), "bearer"
    cookie = request.cookies.get(SESSION_COOKIE, "")
    return (cookie, "cookie") if cookie else None


def _signed_in(request: Request, state: AppState) -> CurrentUser | None:
    found = request_token(request)
    if found is None:
        return None
    token, via = found
    session = find_session(state.database, token)
    if session is None:
        return None
    runner = state.database.runner_of(session.user_id)
    if runner is None:
        return None
    account = state.database.user(session.user_id)
    if account is None:
        return None
    return CurrentUser(session.user_id, runner.id, account.name or runner.name, account.email, via, token)


def signed_in_user(request: Request, state: AppState) -> CurrentUser | None:
    """The user of the request's session (cookie or Bearer) or None, without the CSRF check."""
    return _signed_in(request, state)


async def optional_user(
    request: Request, state: Annotated[AppState, Depends(app_state)]
) -> CurrentUser | None:
    """The signed-in user or None (a page shows a sign-in link); checks CSRF like `current_user`."""
    user = _signed_in(request, state)
    if user is not None and user.via == "cookie" and request.method in UNSAFE_METHODS:
        await check_csrf(request)
    return user


async def current_user(request: Request, state: Annotated[AppState, Depends(app_state)]) -> CurrentUser:
    """The signed-in user; 401 without a live session, 403 for a cookie-signed unsafe call without CSRF."""
    user = await optional_user(request, state)
    if user is None:
        raise HTTPException(
            status_code=401,
            detail="sign in first: POST /api/auth/login, then send its cookie or Authorization: Bearer",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


def training_log(
    user: Annotated[CurrentUser, Depends(current_user)], state: Annotated[AppState, Depends(app_state)]
) -> TrainingLog:
    """The user's own runner's training log (on the app's one `Database`; nothing to close)."""
    return TrainingLog(state.database.runner(user.runner_id))


UserDep = Annotated[CurrentUser, Depends(current_user)]
LogDep = Annotated[TrainingLog, Depends(training_log)]
StateDep = Annotated[AppState, Depends(app_state)]
