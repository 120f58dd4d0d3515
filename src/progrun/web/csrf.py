"""CSRF protection by double submit: a random token in a cookie, repeated by every unsafe request.

The middleware (`progrun.web.security`) gives each browser a `progrun_csrf` cookie; `base.html` puts
the same token in `<meta name="csrf-token">` and in HTMX's `hx-headers`, and every form carries it as
the hidden field `csrf_token` (`{{ csrf_input() }}` in a template). A cookie-signed POST/PUT/PATCH/DELETE
whose header `X-CSRF-Token` or form field `csrf_token` differs from the cookie is refused with 403: another
site can make the browser send the cookie, but cannot read it to repeat it.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import HTTPException, Request

CSRF_COOKIE = "progrun_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def request_csrf_token(request: Request) -> str:
    """The token of this browser: its cookie, or the one the middleware is about to set."""
    token: str = getattr(request.state, "csrf_token", "") or request.cookies.get(CSRF_COOKIE, "")
    return token


async def check_csrf(request: Request) -> None:
    """403 unless the request repeats the CSRF cookie in its header or form field."""
    expected = request.cookies.get(CSRF_COOKIE, "")
    given = request.headers.get(CSRF_HEADER, "")
    if not given and request.headers.get("content-type", "").startswith(FORM_TYPES):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else ""
    if not expected or not given or not hmac.compare_digest(expected.encode(), given.encode()):
        raise HTTPException(
            status_code=403,
            detail="the form's security token is missing or stale; reload the page and send it again",
        )


async def csrf_protect(request: Request) -> None:
    """A dependency for forms that need no sign-in (the sign-in form itself): always check the token."""
    await check_csrf(request)
