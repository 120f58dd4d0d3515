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
from starlette.concurrency import run_in_threadpool

from progrun.training_log import TrainingLog
from progrun.web.csrf import check_csrf
from progrun.web.sessions import find_signed_in
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
    #: The runner's `data_version` when the request began (what `progrun.web.runner_cache` checks).
    data_version: int = 0


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
    signed_in = find_signed_in(state.database, token)
    if signed_in is None:
        return None
    return CurrentUser(
        signed_in.user_id,
        signed_in.runner_id,
        signed_in.name,
        signed_in.email,
        via,
        token,
        signed_in.data_version,
    )


def signed_in_user(request: Request, state: AppState) -> CurrentUser | None:
    """The user of the request's session (cookie or Bearer) or None, without the CSRF check."""
    return _signed_in(request, state)


async def optional_user(
    request: Request, state: Annotated[AppState, Depends(app_state)]
) -> CurrentUser | None:
    """The signed-in user or None (a page shows a sign-in link); checks CSRF like `current_user`.

    The session's statement runs in the thread pool: on the event loop it would stall every other
    request of this server process while the database answers.
    """
    user = await run_in_threadpool(_signed_in, request, state)
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
    return TrainingLog(state.database.known_runner(user.runner_id))


UserDep = Annotated[CurrentUser, Depends(current_user)]
LogDep = Annotated[TrainingLog, Depends(training_log)]
StateDep = Annotated[AppState, Depends(app_state)]
