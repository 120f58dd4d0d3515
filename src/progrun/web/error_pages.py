"""An error answered the way its asker reads it: a styled page, an HTMX fragment, or the API's JSON.

```
error_response(request, status, {"error", "field", "suggestions"}, headers)
```

* an HTMX request (`HX-Request`), whatever its path: the fragment `_error.html`, which HTMX swaps
  into its target (base.html lets it swap 4xx/5xx answers);
* a page (any path outside `/api/`, `/healthz`, `/openapi.json` and `/static/`), unless it asks for
  JSON first, and a browser's own navigation to an API route (its Accept starts with `text/html`,
  as the upload form without script sends): the page `error.html` in the pages' layout;
* anything else (`/api/...` from a script, curl, `fetch`): the JSON body, as before.

Page and fragment say the same message and suggestions (`field` = `value`) as the JSON would.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

#: Paths that answer machines: their errors stay JSON unless a browser navigated there itself.
MACHINE_PREFIXES = ("/api/", "/healthz", "/openapi.json", "/static/")

#: The heading of the page for each status (others: HTTP's own phrase).
TITLES = {
    400: "The request could not be read",
    401: "Sign in first",
    403: "Not allowed",
    404: "Not found",
    405: "Not possible here",
    409: "Already there",
    413: "Too large",
    415: "Not a file progrun reads",
    422: "Something to correct",
    429: "Too many requests",
    431: "Request headers too large",
    503: "Not available just now",
}


def _first_accept(request: Request) -> str:
    return request.headers.get("accept", "").split(",")[0].split(";")[0].strip().lower()


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request", "").lower() == "true"


def wants_html(request: Request) -> bool:
    """Whether the asker is a browser showing a page (or HTMX updating one), not an API client."""
    if is_htmx(request):
        return True
    first = _first_accept(request)
    path = request.url.path
    if path == "/api" or path.startswith(MACHINE_PREFIXES):
        return first == "text/html"
    return first != "application/json"


def status_title(status: int) -> str:
    if status in TITLES:
        return TITLES[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _user(request: Request) -> Any:
    """The signed-in user for the navigation, or None (an error page must render whatever failed)."""
    from progrun.web.auth import signed_in_user
    from progrun.web.state import app_state

    try:
        return signed_in_user(request, app_state(request))
    except Exception:  # the log itself may be what failed; the page still shows the message
        return None


def error_response(
    request: Request, status: int, body: dict[str, Any], headers: Mapping[str, str] | None = None
) -> Response:
    """`body` (`{error, field, suggestions}`) as JSON, or as the page or HTMX fragment saying the same."""
    if not wants_html(request):
        return JSONResponse(body, status_code=status, headers=headers)
    location = (headers or {}).get("Location", "")
    if status < 400 and location:  # a page sending the visitor elsewhere (to sign in): no body to show
        if is_htmx(request):  # XHR would follow a 303 and swap the sign-in page into a fragment
            return Response(status_code=200, headers={"HX-Redirect": location})
        return Response(status_code=status, headers=headers)
    from progrun.web.state import app_state

    htmx = is_htmx(request)
    context = {
        "status": status,
        "title": status_title(status),
        "message": body.get("error", ""),
        "field": body.get("field", ""),
        "suggestions": body.get("suggestions", []),
        "user": None if htmx else _user(request),
    }
    templates = app_state(request).templates
    name = "_error.html" if htmx else "error.html"
    return templates.TemplateResponse(request, name, context, status_code=status, headers=headers)
